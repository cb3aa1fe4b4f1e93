"""Scans buffered in Redis (settings.REDIS_URL set, the production set-up): the page counts
each visit in Redis and writes nothing to the database; `flush_scans` (`ocop flush-scans`)
writes the rows and the stamps' counters, once; warnings and "share my approximate area" work
as with the synchronous write; when Redis is down the scan is written to the database.

These tests need a Redis server (127.0.0.1:6379, or OCOP_TEST_REDIS_URL); each xdist worker
uses its own database number, emptied before and after each test."""

from __future__ import annotations

import os
import socket
from io import StringIO

import pytest
import redis
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ocop.traceability.enums import ScanWarning, StampStatus
from ocop.traceability.models import Scan, Stamp
from ocop.traceability.services import scan_buffer
from ocop.traceability.services.scan_buffer import PROCESSING, QUEUE, TAKE, Record, flush_scans
from ocop.traceability.services.scans import record_scan, share_scan_place
from tests.factories.traceability import BatchFactory, StampFactory
from tests.traceability.test_scans import english, link, page_token, phone

pytestmark = pytest.mark.django_db

HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
HANOI = ("21.03", "105.85")
HO_CHI_MINH_CITY = ("10.78", "106.70")


def _redis_url() -> str:
    base = os.environ.get("OCOP_TEST_REDIS_URL", "redis://127.0.0.1:6379")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    number = int(worker.removeprefix("gw") or 0) if worker.startswith("gw") else 0
    return f"{base.rstrip('/')}/{max(1, 13 - number)}"


REDIS_URL = _redis_url()


def _reachable() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def buffered(settings):
    if not _reachable():
        pytest.skip(f"Redis is not reachable at {REDIS_URL} (the buffered scans need it)")
    settings.REDIS_URL = REDIS_URL
    client = scan_buffer.client()
    client.flushdb()
    yield client
    client.flushdb()


@pytest.fixture
def stamp(cast):
    return StampFactory(batch=BatchFactory(product=cast.product1), status=StampStatus.ACTIVE)


def test_the_page_counts_each_visit_in_redis_without_a_database_write(buffered, stamp):
    Stamp.objects.filter(pk=stamp.pk).update(scan_count=4)  # the seed of the counter
    for expected in (5, 6, 7):
        with CaptureQueriesContext(connection) as captured:
            body = english().get(link(stamp)).content.decode()
        assert f"scanned {expected} times" in body
        assert all(query["sql"].startswith("SELECT") for query in captured.captured_queries)
        assert len(captured.captured_queries) <= 4
    assert Scan.objects.count() == 0
    stamp.refresh_from_db()
    assert stamp.scan_count == 4 and stamp.first_scanned_at is None
    assert buffered.llen(QUEUE) == 3
    # a visit that records no scan (HEAD, a robot) shows Redis's count too
    robot = Client(HTTP_ACCEPT=HTML, HTTP_USER_AGENT="Googlebot/2.1")
    robot.cookies["ocop_language"] = "en"
    assert "scanned 7 times" in robot.get(link(stamp)).content.decode()


def test_the_flush_writes_the_rows_and_the_counters_once(buffered, stamp):
    for _ in range(3):
        phone().get(link(stamp))
    phone().get(f"/01/{stamp.gtin}/10/{stamp.batch.lot}")  # a batch's scan
    out = StringIO()
    call_command("flush-scans", stdout=out)
    assert "4" in out.getvalue()
    scans = list(Scan.objects.order_by("scanned_at"))
    assert len(scans) == 4
    stamped = [scan for scan in scans if scan.stamp_id == stamp.pk]
    assert len(stamped) == 3
    assert {(s.batch_id, s.product_id) for s in scans} == {(stamp.batch_id, stamp.batch.product_id)}
    stamp.refresh_from_db()
    assert stamp.scan_count == 3
    assert stamp.first_scanned_at == stamped[0].scanned_at
    assert stamp.last_scanned_at == stamped[-1].scanned_at
    assert buffered.llen(QUEUE) == 0 and buffered.llen(PROCESSING) == 0
    report = flush_scans()
    assert (report.written, report.skipped) == (0, 0)
    assert Scan.objects.count() == 4
    stamp.refresh_from_db()
    assert stamp.scan_count == 3
    # the counter in Redis goes on from where it was
    assert "4 times" in english().get(link(stamp)).content.decode()


def test_a_flush_that_crashed_after_its_commit_is_not_written_twice(buffered, stamp):
    for _ in range(2):
        phone().get(link(stamp))
    buffered.eval(TAKE, 2, QUEUE, PROCESSING, "100")
    records = [Record.parse(item) for item in buffered.lrange(PROCESSING, 0, -1)]
    scan_buffer._write(records, scan_buffer.FlushReport(), recovering=False)  # then a crash
    phone().get(link(stamp))
    report = flush_scans()
    assert (report.written, report.skipped) == (1, 2)
    assert Scan.objects.filter(stamp=stamp).count() == 3
    stamp.refresh_from_db()
    assert stamp.scan_count == 3


def test_the_count_warning_still_fires_and_is_stored(buffered, stamp, settings):
    settings.OCOP_SCAN_WARN_COUNT = 2
    for _ in range(2):
        assert "rarely scanned this often" not in english().get(link(stamp)).content.decode()
    assert "rarely scanned this often" in english().get(link(stamp)).content.decode()
    flush_scans()
    warnings = list(Scan.objects.order_by("scanned_at").values_list("warning", flat=True))
    assert warnings == ["", "", ScanWarning.TOO_MANY]


def test_a_void_stamp_warns_and_its_scans_carry_it(buffered, stamp):
    Stamp.objects.filter(pk=stamp.pk).update(status=StampStatus.VOID)
    assert "cancelled by the producer" in english().get(link(stamp)).content.decode()
    flush_scans()
    assert Scan.objects.get().warning == ScanWarning.VOID


def test_sharing_the_place_of_a_buffered_scan_flushes_it_first(buffered, stamp):
    path = link(stamp)
    token = page_token(phone().get(path))
    assert Scan.objects.count() == 0
    response = phone().post(
        "/truy-xuat/quet/vi-tri/",
        {"token": token, "lat": HANOI[0], "lon": HANOI[1], "next": path},
    )
    assert response.status_code == 303 and "shared=1" in response["Location"]
    scan = Scan.objects.get()
    assert (str(scan.latitude), str(scan.longitude)) == ("21.0", "105.9")
    # back on the page with the token: not counted again
    back = english().get(response["Location"]).content.decode()
    assert "first time this code has been scanned" in back
    assert buffered.llen(QUEUE) == 0
    # a second scan far away, shared: too far
    other = page_token(phone().get(path))
    scan = share_scan_place(
        token=other, latitude=HO_CHI_MINH_CITY[0], longitude=HO_CHI_MINH_CITY[1]
    )
    assert scan.warning == ScanWarning.TOO_FAR
    assert Scan.objects.count() == 2


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_when_redis_is_down_the_scan_is_written_to_the_database(settings, stamp, caplog):
    settings.REDIS_URL = f"redis://127.0.0.1:{_closed_port()}/0"
    with CaptureQueriesContext(connection) as captured:
        body = english().get(link(stamp)).content.decode()
    assert "first time this code has been scanned" in body
    assert len(captured.captured_queries) <= 4
    assert Scan.objects.filter(stamp=stamp).count() == 1
    stamp.refresh_from_db()
    assert stamp.scan_count == 1
    assert "Redis unavailable" in caplog.text
    outcome = record_scan(product=stamp.batch.product, batch=stamp.batch, stamp=stamp)
    assert outcome.scan_id is not None and outcome.count == 2
