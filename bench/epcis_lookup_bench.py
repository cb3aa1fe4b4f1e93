"""Trace look-ups with 10,000 stored events against the same look-ups with 1,000,000.

    .venv/bin/python bench/epcis_lookup_bench.py [--small N] [--large N] [--runs R]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/epcis_lookup_bench.py

Issue 6: "A trace lookup with 1,000,000 stored events takes no more than 1.5 times as long as
with 10,000."

- One platform batch has 20 events (captured through `capture_document`): its lot (an LGTIN)
  in every one, and one of its serials in 10.
- Filler: other batches' events (20 per batch, two identifier rows each: a unit's serial and the
  batch's lot), inserted with SQL (`generate_series` on PostgreSQL, a recursive CTE on SQLite),
  then ANALYZE; first up to `--small` events in all (default 10,000), then up to `--large`
  (default 1,000,000).
- The look-ups, as the trace page and GET /epcis/events make them: (1) the batch's journey
  (`events_of_batch`: Event.batch, index on batch and time); (2) `MATCH_anyEPC` of the serial
  and (3) `MATCH_anyEPCClass` of the lot (`parse_event_query` + `page_of_events`: the identifier
  rows, index on epc and event). Each: median of `--runs` calls after a warm-up.
- Printed: each look-up's median at both sizes and the ratio large / small; the target is
  1.5 (exit status 1 above it for any look-up). SQLite (a temporary file) by default; with
  DATABASE_URL pointing at a PostgreSQL server, a throw-away database created on it and dropped
  at the end.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from epcis_common import platform_batch, setup

TARGET = 1.5
PER_BATCH = 20
FILLER_DOCUMENT = json.dumps(
    {
        "type": "ObjectEvent",
        "eventTime": "2026-03-10T08:30:00+07:00",
        "eventTimeZoneOffset": "+07:00",
        "action": "OBSERVE",
        "bizStep": "shipping",
        "disposition": "in_transit",
        "epcList": ["https://id.gs1.org/01/08931234000010/21/F1"],
        "quantityList": [{"epcClass": "https://id.gs1.org/01/08931234000010/10/F1", "quantity": 3}],
        "readPoint": {"id": "https://id.gs1.org/414/8931234000011"},
    }
)


class Filler:
    """Inserts filler batches and events with SQL, numbered from 1 on."""

    def __init__(self, engine: str, product: Any, job: Any, gtin14: str) -> None:
        from django.db import connection

        self.connection = connection
        self.engine = engine
        self.product = product
        self.job = job
        self.gtin14 = gtin14
        self.events = 0
        self.batches = 0

    def _series(self, start: int, end: int) -> str:
        if self.engine == "postgresql":
            return f"generate_series({start}, {end}) AS seq(i)"
        return (
            f"(WITH RECURSIVE s(i) AS (SELECT {start} UNION ALL SELECT i + 1 FROM s "  # noqa: S608
            f"WHERE i < {end}) SELECT i FROM s) AS seq"
        )

    def _time(self) -> str:
        if self.engine == "postgresql":
            return "TIMESTAMPTZ '2025-01-01 00:00:00+00' + seq.i * INTERVAL '31 seconds'"
        return (
            "strftime('%%Y-%%m-%%d %%H:%%M:%%S', '2025-01-01', '+' || (seq.i * 31) || ' seconds')"
        )

    def _now(self) -> str:
        if self.engine == "postgresql":
            return "NOW()"
        return "strftime('%%Y-%%m-%%d %%H:%%M:%%S', 'now')"  # %% : the queries have parameters

    def grow(self, total_events: int) -> None:
        """Add filler events until `total_events` filler events exist (20 per batch)."""
        batches = -(-total_events // PER_BATCH)
        with self.connection.cursor() as cursor:
            if batches > self.batches:
                cursor.execute(
                    "INSERT INTO traceability_batch (created_at, updated_at, code, product_id, "  # noqa: S608
                    "producer_id, lot, produced_on, quantity, unit, status, note) "
                    f"SELECT {self._now()}, {self._now()}, 'LOF' || seq.i, %s, %s, 'F' || seq.i, "
                    "'2026-01-01', 100, 'kg', 'open', '' "
                    f"FROM {self._series(self.batches + 1, batches)}",
                    [self.product.pk, self.product.producer_id],
                )
                self.batches = batches
            cursor.execute(
                "SELECT MIN(id) FROM traceability_batch WHERE code LIKE 'LOF%%'",
            )
            first_batch = cursor.fetchone()[0]
            step = 200_000
            start = self.events + 1
            while start <= total_events:
                end = min(start + step - 1, total_events)
                json_cast = "::jsonb" if self.engine == "postgresql" else ""
                cursor.execute(
                    "INSERT INTO traceability_event (job_id, hash, event_id, event_type, action, "  # noqa: S608
                    "event_time, event_time_zone_offset, record_time, biz_step, disposition, "
                    "read_point, biz_location, document, batch_id) "
                    f"SELECT %s, 'f' || seq.i, 'f' || seq.i, 'ObjectEvent', 'OBSERVE', "
                    f"{self._time()}, '+07:00', {self._now()}, 'shipping', 'in_transit', "
                    "'https://id.gs1.org/414/8931234000011', '', "
                    f"%s{json_cast}, %s + (seq.i - 1) / {PER_BATCH} "
                    f"FROM {self._series(start, end)}",
                    [self.job.pk, FILLER_DOCUMENT, first_batch],
                )
                prefix = f"https://id.gs1.org/01/{self.gtin14}"
                cursor.execute(
                    "INSERT INTO traceability_eventepc (event_id, epc, role) "
                    "SELECT e.id, %s || e.id, 'epc' FROM traceability_event e "
                    "WHERE e.job_id = %s AND e.id >= (SELECT id FROM traceability_event "
                    "WHERE hash = %s)",
                    [f"{prefix}/21/F", self.job.pk, f"f{start}"],
                )
                cursor.execute(
                    "INSERT INTO traceability_eventepc (event_id, epc, role) "
                    "SELECT e.id, %s || b.lot, 'quantity' FROM traceability_event e "
                    "JOIN traceability_batch b ON b.id = e.batch_id "
                    "WHERE e.job_id = %s AND e.id >= (SELECT id FROM traceability_event "
                    "WHERE hash = %s)",
                    [f"{prefix}/10/", self.job.pk, f"f{start}"],
                )
                print(f"  … {end:,} filler events", flush=True)
                start = end + 1
            cursor.execute("ANALYZE")
        self.events = total_events


def measure(function: Any, runs: int) -> float:
    for _ in range(max(10, runs // 10)):
        function()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--json", default="", help="also write the figures to this file")
    args = parser.parse_args()
    engine = setup()

    from ocop.traceability.identifiers import DigitalLink, normalise_gtin
    from ocop.traceability.models import CaptureJob, Event
    from ocop.traceability.queries.epcis import (
        events_of_batch,
        page_of_events,
        parse_event_query,
    )
    from ocop.traceability.services.epcis import capture_document

    batch = platform_batch("L-TRACE")
    gtin14 = normalise_gtin(batch.product.gtin)
    serial = DigitalLink(gtin14, batch.lot, "S-TRACE").uri("https://id.htx.example.vn")
    lot = DigitalLink(gtin14, batch.lot).uri("https://trace.example.vn")
    steps = ("commissioning", "packing", "shipping", "receiving", "retail_selling")
    events = [
        {
            "type": "ObjectEvent",
            "eventTime": f"2025-{1 + n % 12:02d}-{1 + n:02d}T08:00:00+07:00",
            "eventTimeZoneOffset": "+07:00",
            "action": "ADD" if n == 0 else "OBSERVE",
            "bizStep": steps[n % len(steps)],
            "epcList": [serial] if n % 2 == 0 else [],
            "quantityList": [{"epcClass": lot, "quantity": 10}],
        }
        for n in range(PER_BATCH)
    ]
    document = {
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-10-29T08:00:00+07:00",
        "epcisBody": {"eventList": events},
    }
    capture_document(actor=None, document=document)
    job = CaptureJob.objects.create(status="succeeded")
    filler = Filler(engine, batch.product, job, gtin14)

    lookups = {
        "batch journey (events_of_batch)": lambda: list(events_of_batch(batch)),
        "MATCH_anyEPC of a serial": lambda: page_of_events(
            Event.objects.all(), parse_event_query({"MATCH_anyEPC": serial, "perPage": "30"})
        )[0],
        "MATCH_anyEPCClass of a lot": lambda: page_of_events(
            Event.objects.all(), parse_event_query({"MATCH_anyEPCClass": lot, "perPage": "30"})
        )[0],
    }
    expected = {
        "batch journey (events_of_batch)": 20,
        "MATCH_anyEPC of a serial": 10,
        "MATCH_anyEPCClass of a lot": 20,
    }
    results: dict[str, list[float]] = {name: [] for name in lookups}
    for size in (args.small, args.large):
        started = time.perf_counter()
        filler.grow(size - PER_BATCH)
        print(f"{Event.objects.count():,} events stored ({time.perf_counter() - started:.0f} s)")
        for name, lookup in lookups.items():
            assert len(lookup()) == expected[name], name
            results[name].append(measure(lookup, args.runs))

    worst = 0.0
    for name, (small, large) in results.items():
        ratio = large / small
        worst = max(worst, ratio)
        print(
            f"{name}: {small * 1e3:.3f} ms with {args.small:,}, {large * 1e3:.3f} ms with "
            f"{args.large:,}: ratio {ratio:.2f}"
        )
    print(f"worst ratio large / small: {worst:.2f} (target <= {TARGET})")
    from bench_json import write_json

    write_json(
        args.json,
        {
            "scenario": "epcis_lookup",
            "database": engine,
            "small": args.small,
            "large": args.large,
            "runs": args.runs,
            "lookups_ms": {
                name: {"small": small * 1e3, "large": large * 1e3, "ratio": large / small}
                for name, (small, large) in results.items()
            },
            "ratio": worst,
            "target": TARGET,
        },
    )
    sys.exit(0 if worst <= TARGET else 1)


if __name__ == "__main__":
    main()
