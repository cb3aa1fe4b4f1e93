"""Eight writer processes at once, on SQLite and on PostgreSQL (issue #9, item 6).

The test builds its data in the test database (committed: a transactional test), and eight OS
processes (`concurrency_worker`, each its own Django and its own connection) hammer the same
objects through the services, released together phase by phase:

- one member's draft sheet autosaved by all eight with different values, and eight members
  saving and submitting their sheets of the same dossier;
- stamps issued for one batch by all eight, and for eight batches of a product without a GTIN;
- one dossier accepted into the round by all eight;
- one product edited by all eight (each one field, from a copy loaded before the others
  wrote) and one stamp scanned 25 times by each;
- the same EPCIS document captured by all eight (a client retrying: capture is idempotent by
  the events' CBV hashes).

Every write attempted either succeeds or is refused cleanly (a ValidationError); none is lost,
none fails with "database is locked" or anything else. On SQLite the processes share a file
copy of the in-memory test database (WAL, BEGIN IMMEDIATE, the busy timeout of settings.py),
copied back into it afterwards for the checks; on PostgreSQL they connect to the test database.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection

from ocop.accounts.enums import OrganisationKind, Role
from ocop.core.models import ActivityLog
from ocop.evaluation.enums import DossierStatus, SheetStatus
from ocop.evaluation.models import Dossier, ScoreSheet
from ocop.evaluation.services.sessions import (
    add_to_agenda,
    council_result,
    create_session,
    declare_conflict,
    record_attendance,
)
from ocop.products.models import Product
from ocop.traceability.models import Batch, CaptureJob, Event, Scan, Stamp
from ocop.traceability.services.epcis import STANDARD_CONTEXT
from tests.factories.accounts import MembershipFactory, OrganisationFactory
from tests.factories.evaluation import (
    accepted_dossier,
    forwarded_dossier,
    session_council,
    session_council_user,
    session_round,
    tiny_scorecard,
)
from tests.factories.producers import ProducerFactory
from tests.factories.products import ProductFactory
from tests.factories.traceability import BatchFactory, StampFactory
from tests.security import concurrency_worker as worker

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("concurrency"),
]

PROCESSES = 8
PHASE_SECONDS = 90  # a phase that takes longer has hung: the workers are killed
SRC = Path(__file__).resolve().parents[2]


# --- the data -------------------------------------------------------------------------------


def _epcis_document(batch: Any) -> dict[str, Any]:
    from ocop.traceability.identifiers import DigitalLink, normalise_gtin

    link = DigitalLink(normalise_gtin(batch.product.gtin), batch.lot).uri()
    events = [
        {
            "type": "ObjectEvent",
            "eventTime": f"2026-10-20T08:{minute:02d}:00+07:00",
            "eventTimeZoneOffset": "+07:00",
            "action": "OBSERVE",
            "bizStep": "shipping",
            "disposition": "in_transit",
            "quantityList": [{"epcClass": link, "quantity": 10, "uom": "KGM"}],
        }
        for minute in range(5)
    ]
    return {
        "@context": [STANDARD_CONTEXT],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-10-20T09:00:00+07:00",
        "epcisBody": {"eventList": events},
    }


def build_world() -> dict[str, Any]:
    office_org = OrganisationFactory(kind=OrganisationKind.PROVINCE_OFFICE)
    office = MembershipFactory(role=Role.PROVINCE_OFFICER, organisation=office_org).user
    criteria_set, scorecard = tiny_scorecard()
    round_ = session_round(criteria_set)
    chair = session_council_user(Role.COUNCIL_CHAIR)
    others = [session_council_user(Role.COUNCIL_MEMBER) for _ in range(PROCESSES - 1)]
    council = session_council(chair=chair, members=others)
    session = create_session(
        actor=office, council=council, round=round_, held_on=dt.date(2026, 6, 15)
    )
    items = []
    for _ in range(2):
        product = ProductFactory(producer=ProducerFactory())
        dossier = accepted_dossier(product, round_, office=office, scorecard=scorecard)
        items.append(add_to_agenda(actor=office, session=session, dossier=dossier))
    seats = list(council.members.filter(role__in=["chair", "member"]).order_by("id"))
    record_attendance(actor=office, session=session, present_members=seats)
    scorers = [chair, *others]
    for user in scorers:
        declare_conflict(actor=user, item=items[1], has_conflict=False)
    declare_conflict(actor=others[0], item=items[0], has_conflict=False)
    to_accept = forwarded_dossier(
        ProductFactory(producer=ProducerFactory()), round_, scorecard=scorecard
    )

    producer = ProducerFactory()
    owner = MembershipFactory(role=Role.PRODUCER_OWNER, organisation=producer.organisation).user
    shared = BatchFactory(product=ProductFactory(producer=producer))
    bare = ProductFactory(producer=producer)  # no GTIN: the first issue of stamps gives one
    own = [
        Batch.objects.create(
            product=bare,
            producer=producer,
            lot=f"L-RIENG-{index}",
            produced_on=dt.date(2026, 10, 5),
            quantity=Decimal(100),
            unit="kg",
        )
        for index in range(PROCESSES)
    ]
    edited = ProductFactory(producer=producer, name="Tên cũ", description="Mô tả cũ")
    stamp = StampFactory(batch=shared)
    return {
        "office": office,
        "round": round_,
        "scorers": scorers,
        "items": items,
        "to_accept": to_accept,
        "owner": owner,
        "shared": shared,
        "bare": bare,
        "own": own,
        "edited": edited,
        "stamp": stamp,
        "document": _epcis_document(shared),
    }


# --- the processes ----------------------------------------------------------------------------


def _database_environment(tmp_path: Path) -> dict[str, str]:
    """The environment that points a worker at the database this test uses."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "OCOP_SQLITE_PATH", "REDIS_URL", "PYTEST_XDIST_WORKER"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="ocop.settings",
        PYTHONPATH=os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
        OCOP_DATA_DIR=str(tmp_path / "data"),
        TASKS_BACKEND="immediate",
        DJANGO_DEBUG="True",
    )
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        user = quote(db["USER"] or "", safe="")
        password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
        env["DATABASE_URL"] = (
            f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
            f"/{db['NAME']}"
        )
    else:
        env["OCOP_SQLITE_PATH"] = str(tmp_path / "shared.sqlite3")
    return env


def _copy_sqlite(source: Any, target: Any) -> None:
    source.backup(target)


class Workers:
    """Eight `concurrency_worker` processes, driven phase by phase."""

    def __init__(self, env: dict[str, str], tmp_path: Path) -> None:
        self.logs = [tmp_path / f"worker-{index}.log" for index in range(PROCESSES)]
        self.log_files = [log.open("w") for log in self.logs]
        self.procs = [
            subprocess.Popen(  # noqa: S603 - our own interpreter and module
                [sys.executable, "-m", "tests.security.concurrency_worker", str(index)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                env=env,
                text=True,
                cwd=str(SRC.parent),
            )
            for index, log in enumerate(self.log_files)
        ]
        self._watchdog: threading.Timer | None = None
        self.seconds: dict[str, float] = {}
        self.expect("started")

    def _arm(self) -> None:
        self._watchdog = threading.Timer(PHASE_SECONDS, self.kill)
        self._watchdog.start()

    def _disarm(self) -> None:
        if self._watchdog is not None:
            self._watchdog.cancel()

    def kill(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()

    def expect(self, key: str) -> list[dict[str, Any]]:
        self._arm()
        try:
            replies = []
            for index, proc in enumerate(self.procs):
                assert proc.stdout is not None
                line = proc.stdout.readline()
                if not line:
                    proc.wait(timeout=10)
                    raise AssertionError(
                        f"worker {index} stopped ({proc.returncode}):\n"
                        + self.logs[index].read_text()[-4000:]
                    )
                reply = json.loads(line)
                assert key in reply, reply
                replies.append(reply)
            return replies
        finally:
            self._disarm()

    def send(self, line: str) -> None:
        for proc in self.procs:
            assert proc.stdin is not None
            proc.stdin.write(line + "\n")
            proc.stdin.flush()

    def phase(self, name: str, **message: Any) -> list[dict[str, Any]]:
        """Every worker loads its objects; then all are released at once; their tallies."""
        self.send(json.dumps({"phase": name, **message}))
        self.expect("ready")
        started = time.monotonic()
        self.send("go")
        tallies = self.expect("attempted")
        self.seconds[name] = round(time.monotonic() - started, 2)
        return tallies

    def stop(self) -> None:
        for proc in self.procs:
            try:
                assert proc.stdin is not None
                proc.stdin.write(json.dumps({"phase": "stop"}) + "\n")
                proc.stdin.close()
            except OSError:  # it stopped already
                pass
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for proc in self.procs:
            if proc.stdout is not None:
                proc.stdout.close()
        for log in self.log_files:
            log.close()


def total(tallies: list[dict[str, Any]], key: str) -> int:
    return sum(tally[key] for tally in tallies)


def written(tallies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [row for tally in tallies for row in tally["written"]]


# --- the test -------------------------------------------------------------------------------


def test_eight_processes_write_at_once_and_nothing_is_lost(tmp_path):
    world = build_world()
    env = _database_environment(tmp_path)
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(env["OCOP_SQLITE_PATH"])
        _copy_sqlite(connection.connection, target)
        target.execute("PRAGMA journal_mode=WAL")
        target.close()
    started = time.monotonic()
    workers = Workers(env, tmp_path)
    try:
        tallies = {
            "same_sheet": workers.phase(
                "same_sheet", item=world["items"][0].pk, member=world["scorers"][1].pk
            ),
            "members": workers.phase(
                "members", item=world["items"][1].pk, members=[u.pk for u in world["scorers"]]
            ),
            "stamps": workers.phase(
                "stamps",
                batch=world["shared"].pk,
                batches=[b.pk for b in world["own"]],
                owner=world["owner"].pk,
            ),
            "accept": workers.phase(
                "accept",
                dossier=world["to_accept"].pk,
                round=world["round"].pk,
                office=world["office"].pk,
            ),
            "edits": workers.phase(
                "edits",
                product=world["edited"].pk,
                actor=world["owner"].pk,
                stamp=world["stamp"].pk,
            ),
            "capture": workers.phase(
                "capture", office=world["office"].pk, document=world["document"]
            ),
        }
    finally:
        workers.stop()
        workers.kill()
    elapsed = time.monotonic() - started
    if connection.vendor == "sqlite":
        source = sqlite3.connect(env["OCOP_SQLITE_PATH"])
        _copy_sqlite(source, connection.connection)
        source.close()

    figures = {
        name: {key: total(rows, key) for key in ("attempted", "succeeded", "refused", "locked")}
        for name, rows in tallies.items()
    }
    print(f"\n{connection.vendor}: {elapsed:.1f} s {workers.seconds}, {json.dumps(figures)}")
    # no "database is locked" (nor anything else) reached a caller: each write succeeded or was
    # refused with a ValidationError
    every = [tally for rows in tallies.values() for tally in rows]
    assert [e for tally in every for e in tally["errors"]] == []
    assert total(every, "locked") == 0
    assert total(every, "failed") == 0
    assert total(every, "attempted") == total(every, "succeeded") + total(every, "refused")
    lost: dict[str, int] = {}

    # (a) one member's draft: every save a version of its own, the sheet one of the written
    same = tallies["same_sheet"]
    sheet = ScoreSheet.objects.get(item=world["items"][0])
    versions = list(sheet.versions.order_by("version").values_list("version", "selections"))
    saves = written(same)
    assert [number for number, _ in versions] == list(range(1, len(saves) + 1))
    assert sorted(row["version"] for row in saves) == [number for number, _ in versions]
    by_version = {row["version"]: row["selections"] for row in saves}
    assert all(by_version[number] == selections for number, selections in versions)
    assert sheet.version == len(saves)
    assert sheet.selections == by_version[sheet.version]
    lost["same_sheet"] = total(same, "succeeded") - len(versions)

    # (a) eight members: every sheet submitted with its member's values; the result counts all
    members = tallies["members"]
    assert total(members, "succeeded") == 2 * PROCESSES
    submitted = {
        s.member.user_id: s
        for s in ScoreSheet.objects.filter(item=world["items"][1]).select_related("member")
    }
    for index, user in enumerate(world["scorers"]):
        assert submitted[user.pk].status == SheetStatus.SUBMITTED
        assert {k: int(v) for k, v in submitted[user.pk].selections.items()} == (
            worker.FULL_SHEETS[index]
        )
    result = council_result(world["items"][1])
    totals = sorted(sum(sheet.values()) for sheet in worker.FULL_SHEETS)
    assert sorted(int(m.total) for m in result.members) == totals
    assert result.mean_total == Decimal(sum(totals)) / PROCESSES
    lost["members"] = PROCESSES - sum(
        1 for s in submitted.values() if s.status == SheetStatus.SUBMITTED
    )

    # (b) stamps: the sum requested, no serial or short code twice; one GTIN for the product
    stamp_rows = written(tallies["stamps"])
    shared_requested = sum(r["count"] for r in stamp_rows if r["batch"] == world["shared"].pk)
    assert shared_requested == sum(worker.STAMPS_BASE + i for i in range(PROCESSES))
    issued = Stamp.objects.exclude(pk=world["stamp"].pk)
    assert issued.filter(batch=world["shared"]).count() == shared_requested
    own_total = issued.filter(batch__in=world["own"]).count()
    assert own_total == worker.STAMPS_OWN * PROCESSES
    assert issued.values("gtin", "serial").distinct().count() == issued.count()
    assert issued.values("short_code").distinct().count() == issued.count()
    bare = Product.objects.get(pk=world["bare"].pk)
    assert bare.gtin
    assert set(issued.filter(batch__in=world["own"]).values_list("gtin", flat=True)) == {
        "0" + bare.gtin
    }
    lost["stamps"] = sum(r["count"] for r in stamp_rows) - issued.count()

    # (c) one acceptance, seven clean refusals, one event and one audit row
    accept = tallies["accept"]
    assert total(accept, "succeeded") == 1
    assert total(accept, "refused") == PROCESSES - 1
    dossier = Dossier.objects.get(pk=world["to_accept"].pk)
    assert dossier.status == DossierStatus.ACCEPTED
    assert dossier.round_id == world["round"].pk
    assert dossier.events.filter(to_status=DossierStatus.ACCEPTED).count() == 1
    assert (
        ActivityLog.objects.filter(
            action="evaluation.dossier.accept", object_id=str(dossier.pk)
        ).count()
        == 1
    )
    lost["accept"] = 0 if dossier.status == DossierStatus.ACCEPTED else 1

    # (d) the product keeps every field's edit (none reverted by another's stale copy);
    # the stamp counts every scan
    edits = tallies["edits"]
    product = Product.objects.get(pk=world["edited"].pk)
    edit_rows = [r for r in written(edits) if "field" in r]
    assert len(edit_rows) == PROCESSES
    reverted = 0
    for field in worker.EDIT_FIELDS:
        values = {r["value"] for r in edit_rows if r["field"] == field}
        reverted += getattr(product, field) not in values
    scans = [r["scan"] for r in written(edits) if "scan" in r]
    assert len(scans) == PROCESSES * worker.SCANS_PER_PROCESS
    stamp = Stamp.objects.get(pk=world["stamp"].pk)
    assert Scan.objects.filter(stamp=stamp).count() == len(scans)
    assert stamp.scan_count == len(scans)
    lost["edits"] = reverted + len(scans) - stamp.scan_count

    # (e) the same document eight times: every capture succeeds, its events are stored once
    capture = tallies["capture"]
    assert total(capture, "succeeded") == PROCESSES
    events = len(world["document"]["epcisBody"]["eventList"])
    assert Event.objects.filter(batch=world["shared"]).count() == events
    assert sum(r["stored"] for r in written(capture)) == events
    assert CaptureJob.objects.filter(status="succeeded").count() == PROCESSES
    lost["capture"] = events - Event.objects.filter(batch=world["shared"]).count()

    print(f"\n{connection.vendor}: {elapsed:.1f} s, lost {json.dumps(lost)}")
    assert lost == dict.fromkeys(tallies, 0)
