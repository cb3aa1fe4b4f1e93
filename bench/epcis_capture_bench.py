"""Capture of a 10,000-event EPCIS document against a raw bulk insert of the same rows.

    .venv/bin/python bench/epcis_capture_bench.py [--events N] [--repeat R]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/epcis_capture_bench.py

Issue 6: "Capturing a 10,000-event document runs at no less than a quarter of the rate of a raw
bulk insert of the same rows into the same database."

- The document: N ObjectEvents (default 10,000) as a producer's system would send them: two
  serialised units (GS1 Digital Links on the producer's domain) and the lot (LGTIN URN) of a
  platform batch, a CBV step and disposition, read point and business location (SGLN), a
  business transaction, a time with its zone; about 0.6 KB an event.
- Capture: `capture_document` from the bytes: size check, JSON parse, GS1's JSON schema, the
  checks the schema leaves out, the CBV 2.0 hash of every event, the duplicates look-up, the
  batch link, the bulk inserts, the job and its activity row, in one transaction.
- Raw: the same Event and EventEPC rows, built before the clock starts, inserted with Django's
  `bulk_create` (same batch size) in one transaction — what storing costs without any checking.
- Each is timed `--repeat` times (best kept), the tables emptied between runs (not timed).
- Printed: events per second of each and the ratio capture / raw; the target is 0.25 (exit
  status 1 below it). SQLite (a temporary file) by default; with DATABASE_URL pointing at a
  PostgreSQL server, a throw-away database created on it and dropped at the end.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from epcis_common import best, platform_batch, setup

TARGET = 0.25
STEPS = ("commissioning", "packing", "shipping", "receiving", "retail_selling")
DISPOSITIONS = ("active", "in_progress", "in_transit", "in_progress", "retail_sold")


def build_document(count: int, gtin14: str, lot: str) -> dict[str, Any]:
    company, item = gtin14[1:8], gtin14[0] + gtin14[8:13]
    events = []
    for number in range(count):
        day, minute = 1 + number % 28, number % 60
        events.append(
            {
                "type": "ObjectEvent",
                "eventTime": f"2026-10-{day:02d}T08:{minute:02d}:{number % 60:02d}.{number % 1000:03d}+07:00",
                "eventTimeZoneOffset": "+07:00",
                "action": "OBSERVE",
                "bizStep": STEPS[number % len(STEPS)],
                "disposition": DISPOSITIONS[number % len(DISPOSITIONS)],
                "epcList": [
                    f"https://id.htx.example.vn/01/{gtin14}/10/{lot}/21/U{number:07d}A",
                    f"https://id.htx.example.vn/01/{gtin14}/10/{lot}/21/U{number:07d}B",
                ],
                "quantityList": [
                    {
                        "epcClass": f"urn:epc:class:lgtin:{company}.{item}.{lot}",
                        "quantity": 1 + number % 5,
                        "uom": "KGM",
                    }
                ],
                "readPoint": {"id": "urn:epc:id:sgln:8931234.00001.0"},
                "bizLocation": {"id": "urn:epc:id:sgln:8931234.00002.0"},
                "bizTransactionList": [
                    {
                        "type": "desadv",
                        "bizTransaction": f"urn:epcglobal:cbv:bt:8931234000011:{number}",
                    }
                ],
            }
        )
    return {
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-10-29T08:00:00+07:00",
        "epcisBody": {"eventList": events},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs")
    parser.add_argument("--json", default="", help="also write the figures to this file")
    args = parser.parse_args()
    engine = setup()

    from django.db import transaction

    from ocop.traceability.epc import clear_caches
    from ocop.traceability.identifiers import normalise_gtin
    from ocop.traceability.models import CaptureJob, Event, EventEPC
    from ocop.traceability.services.epcis import BATCH_SIZE, capture_document, prepare_capture
    from ocop.traceability.services.event_hash import parse_timestamp

    batch = platform_batch()
    gtin14 = normalise_gtin(batch.product.gtin)
    data = json.dumps(build_document(args.events, gtin14, batch.lot)).encode("utf-8")
    print(f"document: {args.events:,} events, {len(data) / 1e6:.1f} MB")

    def empty() -> None:
        EventEPC.objects.all().delete()
        Event.objects.all().delete()
        CaptureJob.objects.all().delete()

    # The rows a capture stores, built once (outside the clock) for the raw insert.
    prepared = prepare_capture(data)
    job = CaptureJob.objects.create(status="succeeded", event_count=args.events)

    def raw_rows() -> tuple[list[Any], list[Any]]:
        events = [
            Event(
                job=job,
                hash=row.hash,
                event_id=row.event_id,
                event_type=row.event_type,
                action=row.action,
                event_time=row.event_time,
                event_time_zone_offset=row.offset,
                biz_step=row.biz_step,
                disposition=row.disposition,
                read_point=row.read_point,
                biz_location=row.biz_location,
                document=row.event,
                producer_id=row.producer_id,
                batch=row.batch,
            )
            for row in prepared.rows
        ]
        epcs = [
            EventEPC(event=event, epc=epc, role=role)
            for event, row in zip(events, prepared.rows, strict=True)
            for epc, role in row.epcs
        ]
        return events, epcs

    capture_times: list[float] = []
    raw_times: list[float] = []
    for _run in range(args.repeat):
        empty()
        job.save()

        def capture() -> None:
            # Cold: the identifier and time caches as a new process would have them.
            clear_caches()
            parse_timestamp.cache_clear()
            result = capture_document(actor=None, document=data)
            assert result.stored_count == args.events, result.stored_count

        capture_times.append(best(capture, 1))
        empty()
        job.pk = None
        job.save()
        events, epcs = raw_rows()

        def raw(events: list[Any] = events, epcs: list[Any] = epcs) -> None:
            with transaction.atomic():
                Event.objects.bulk_create(events, batch_size=BATCH_SIZE)
                EventEPC.objects.bulk_create(epcs, batch_size=BATCH_SIZE)

        raw_times.append(best(raw, 1))
        rows = EventEPC.objects.count()

    capture_rate = args.events / min(capture_times)
    raw_rate = args.events / min(raw_times)
    ratio = capture_rate / raw_rate
    print(f"rows per run: {args.events:,} events, {rows:,} identifier rows")
    print(
        f"capture_document: {capture_rate:,.0f} events/s (best of {args.repeat}: {min(capture_times):.2f} s)"
    )
    print(
        f"raw bulk insert:  {raw_rate:,.0f} events/s (best of {args.repeat}: {min(raw_times):.2f} s)"
    )
    print(f"ratio capture / raw: {ratio:.2f} (target >= {TARGET})")
    from bench_json import write_json

    write_json(
        args.json,
        {
            "scenario": "epcis_capture",
            "database": engine,
            "events": args.events,
            "document_bytes": len(data),
            "repeat": args.repeat,
            "capture_events_per_second": capture_rate,
            "capture_seconds": min(capture_times),
            "raw_events_per_second": raw_rate,
            "raw_seconds": min(raw_times),
            "ratio": ratio,
            "target": TARGET,
        },
    )
    sys.exit(0 if ratio >= TARGET else 1)


if __name__ == "__main__":
    main()
