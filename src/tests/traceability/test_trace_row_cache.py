"""With REDIS_URL (production) each process keeps the trace it read for a Digital Link
(`services/trace_cache.py`): a repeat visit of a stamp's page runs no SQL at all (the check that
nothing changed and the scan are one Redis round trip), and every change a page shows moves the
generation of its product in Redis after the commit, so that the next visit, in any process,
reads the database again: a new step, a voided stamp, a revoked certificate, a recall, a product
or a producer renamed, a place renamed, a scan found too far from another. The certificate's
expiry needs no write at all.

These tests need a Redis server (as test_scan_buffer.py); the writes run inside
`django_capture_on_commit_callbacks(execute=True)`: the generations move after the commit, and
the test's transaction never commits."""

# ruff: noqa: F811 (the fixtures of test_trace_page and test_scan_buffer, imported by name)
from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ocop.certificates.enums import RevocationGround
from ocop.certificates.services.lifecycle import sweep_certificates
from ocop.certificates.services.revocations import decide_revocation, propose_revocation
from ocop.producers.services.producers import update_producer
from ocop.products.services.products import update_product
from ocop.traceability.enums import BatchStatus, StampStatus, Step
from ocop.traceability.models import Batch, Scan, Stamp
from ocop.traceability.services import scan_buffer, trace_cache
from ocop.traceability.services.batches import change_batch_status, update_location
from ocop.traceability.services.scans import share_scan_place
from ocop.traceability.services.stamps import change_stamp_status
from ocop.traceability.services.steps import record_step
from tests.certificates.manage_setup import certificate
from tests.traceability.test_scan_buffer import buffered  # noqa: F401 (fixture)
from tests.traceability.test_trace_page import (  # noqa: F401 (fixtures)
    batch,
    farm,
    link,
    phone,
    stamp,
    text_of,
)

pytestmark = pytest.mark.django_db

HANOI = ("21.03", "105.85")
HO_CHI_MINH_CITY = ("10.78", "106.70")


@pytest.fixture
def kept(buffered):
    """Scans buffered in Redis and the process's copies of traces emptied around the test."""
    trace_cache.forget_all()
    yield buffered
    trace_cache.forget_all()


def _visit(path: str, language: str = "en") -> tuple[str, int]:
    with CaptureQueriesContext(connection) as captured:
        response = phone(language).get(path)
    assert response.status_code == 200
    return text_of(response), len(captured.captured_queries)


def _warm(path: str) -> str:
    """Visits until the process keeps the trace (from the second visit on), then one that runs
    no SQL."""
    _visit(path)
    _visit(path)
    page, queries = _visit(path)
    assert queries == 0
    return page


def test_a_repeat_visit_runs_no_query_and_still_counts_the_scan(kept, cast, stamp):
    certificate(cast.product1, stars=4)
    Stamp.objects.filter(pk=stamp.pk).update(scan_count=4)  # the stored count seeds Redis's
    pages, queries = zip(*(_visit(link(stamp)) for _ in range(4)), strict=True)
    # The first visit costs what it cost without the copies: the stamp's query and the
    # journey's (its page's parts are made); the second reads the stamp again and keeps it;
    # from the third on, nothing.
    assert queries == (2, 1, 0, 0)
    for page, count in zip(pages, (5, 6, 7, 8), strict=True):
        assert f"This code has been scanned {count} times" in page
    assert {page.split("Scans of this code")[0] for page in pages} == {
        pages[0].split("Scans of this code")[0]
    }
    assert "OCOP 4-star product" in pages[-1]
    assert kept.llen(scan_buffer.QUEUE) == 4  # every visit's scan is queued
    assert Scan.objects.count() == 0  # and written by the flush, not by the visit
    scan_buffer.flush_scans()
    stamp.refresh_from_db()
    assert stamp.scan_count == 8 and Scan.objects.filter(stamp=stamp).count() == 4


def test_a_batch_page_is_kept_too(kept, cast, batch, stamp):
    _warm(f"/01/{stamp.gtin}/10/{batch.lot}")
    assert kept.llen(scan_buffer.QUEUE) == 3


def test_a_new_step_shows_on_the_next_visit(
    kept, cast, batch, stamp, django_capture_on_commit_callbacks
):
    assert "02/08/2026 10:00" not in _warm(link(stamp))
    with django_capture_on_commit_callbacks(execute=True):
        # The form's service captures an EPCIS document: its events are bulk-inserted.
        record_step(
            actor=cast.producer1,
            batch=batch,
            step=Step.RECEIVING,
            at=dt.datetime(2026, 8, 2, 3, 0, tzinfo=dt.UTC),
        )
    page, queries = _visit(link(stamp))
    assert "Receiving 02/08/2026 10:00" in page and queries > 0
    assert _visit(link(stamp))[1] == 0  # kept again at once (the link's product is known)


def test_a_voided_stamp_shows_on_the_next_visit(
    kept, cast, batch, stamp, django_capture_on_commit_callbacks
):
    assert "cancelled by the producer" not in _warm(link(stamp))
    with django_capture_on_commit_callbacks(execute=True):
        change_stamp_status(
            actor=cast.producer1,
            batch=batch,
            to=StampStatus.VOID,
            codes=[stamp.short_code],
            reason="Nhãn in lỗi",
        )
    assert "This stamp has been cancelled by the producer." in _visit(link(stamp))[0]
    # The scan the visit queued carries the warning too (the copy was not used).
    assert kept.lrange(scan_buffer.QUEUE, -1, -1)[0].endswith("|void")


def test_a_revoked_certificate_shows_on_the_next_visit(
    kept, cast, stamp, django_capture_on_commit_callbacks
):
    cert = certificate(cast.product1, stars=4)
    assert "OCOP 4-star product" in _warm(link(stamp))
    with django_capture_on_commit_callbacks(execute=True):
        revocation = propose_revocation(
            actor=cast.office,
            certificate=cert,
            ground=RevocationGround.FOOD_SAFETY_LAW,
            basis="Kết luận kiểm tra số 45/KL-ATTP",
            concluded_on=timezone.localdate(),
        )
        decide_revocation(actor=cast.approver, revocation=revocation, decision_number="9/QĐ-UBND")
    page = _visit(link(stamp))[0]
    assert "has been revoked" in page and "OCOP 4-star product" not in page


def test_a_recall_shows_on_the_next_visit(
    kept, cast, batch, stamp, django_capture_on_commit_callbacks
):
    assert "This batch has been recalled" not in _warm(link(stamp))
    with django_capture_on_commit_callbacks(execute=True):
        change_batch_status(
            actor=cast.producer1, batch=batch, to=BatchStatus.RECALLED, reason="Nhiễm khuẩn"
        )
    assert "This batch has been recalled by the producer." in _visit(link(stamp))[0]


def test_a_renamed_product_and_producer_show_on_the_next_visit(
    kept, cast, stamp, django_capture_on_commit_callbacks
):
    _warm(link(stamp))
    with django_capture_on_commit_callbacks(execute=True):
        update_product(
            actor=cast.producer1, product=cast.product1, data={"name": "Bình gốm men rạn"}
        )
    assert "Bình gốm men rạn" in _visit(link(stamp))[0]
    _warm(link(stamp))
    with django_capture_on_commit_callbacks(execute=True):
        update_producer(actor=cast.office, producer=cast.prod1, data={"name": "HTX Gốm Giang Cao"})
    assert "HTX Gốm Giang Cao" in _visit(link(stamp))[0]


def test_a_renamed_place_shows_on_the_next_visit(
    kept, cast, farm, stamp, django_capture_on_commit_callbacks
):
    assert "Vườn vải Thanh Hà mới" not in _warm(link(stamp))
    with django_capture_on_commit_callbacks(execute=True):
        update_location(actor=cast.producer1, location=farm, data={"name": "Vườn vải Thanh Hà mới"})
    assert "Vườn vải Thanh Hà mới" in _visit(link(stamp))[0]


def test_a_scan_too_far_from_another_shows_on_the_next_visit(
    kept, cast, stamp, django_capture_on_commit_callbacks
):
    def token_of(page_html: str) -> str:
        return page_html.split('name="token" value="')[1].split('"')[0]

    first = phone("en").get(link(stamp)).content.decode()
    second = phone("en").get(link(stamp)).content.decode()  # from the copy
    assert "scanned in places far apart" not in second
    with django_capture_on_commit_callbacks(execute=True):
        share_scan_place(token=token_of(first), latitude=HANOI[0], longitude=HANOI[1])
        share_scan_place(
            token=token_of(second), latitude=HO_CHI_MINH_CITY[0], longitude=HO_CHI_MINH_CITY[1]
        )
    assert "scanned in places far apart" in _visit(link(stamp))[0]


def test_the_certificate_expires_by_the_date_alone(kept, cast, stamp, monkeypatch):
    certificate(
        cast.product1,
        stars=4,
        decided_on=dt.date(2026, 1, 5),
        issued_on=dt.date(2026, 1, 5),
        expires_on=dt.date(2029, 1, 1),
    )
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: dt.date(2028, 12, 30))
    assert "OCOP 4-star product" in _warm(link(stamp))
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: dt.date(2029, 1, 2))
    page, queries = _visit(link(stamp))
    assert "expired on 01/01/2029" in page
    assert queries == 1  # no write, the same copy: only the new day's journey is read


def test_the_sweep_of_expired_certificates_moves_the_generation(
    kept, cast, stamp, django_capture_on_commit_callbacks
):
    certificate(
        cast.product1,
        stars=4,
        decided_on=dt.date(2023, 1, 5),
        issued_on=dt.date(2023, 1, 5),
        expires_on=timezone.localdate() - dt.timedelta(days=1),
    )
    _warm(link(stamp))
    with django_capture_on_commit_callbacks(execute=True):
        sweep_certificates()
    page, queries = _visit(link(stamp))
    assert "expired on" in page and queries > 0


def test_a_change_made_by_another_process_shows_here(kept, cast, stamp):
    """Another process's write: the data change in the database and the generation in Redis
    (here by hand, as its commit would), nothing in this process."""
    _warm(link(stamp))
    Batch.objects.filter(pk=stamp.batch_id).update(status=BatchStatus.RECALLED)
    assert "This batch has been recalled" not in _visit(link(stamp))[0]  # nothing told us yet
    kept.set(trace_cache.product_key(cast.product1.pk), "moved-by-another-process")
    assert "This batch has been recalled by the producer." in _visit(link(stamp))[0]


def test_a_write_that_skips_the_signals_shows_after_the_copy_expires(
    kept, cast, stamp, monkeypatch
):
    _warm(link(stamp))
    Stamp.objects.filter(pk=stamp.pk).update(status=StampStatus.VOID)  # a shell's bulk update
    assert "cancelled by the producer" not in _visit(link(stamp))[0]
    monkeypatch.setattr(trace_cache, "ROW_SECONDS", 0)
    assert "This stamp has been cancelled by the producer." in _visit(link(stamp))[0]


def test_when_redis_loses_its_data_nothing_kept_is_trusted(kept, cast, stamp):
    _warm(link(stamp))
    Stamp.objects.filter(pk=stamp.pk).update(scan_count=40, status=StampStatus.VOID)
    kept.flushdb()  # the generations and the counters are gone
    page, queries = _visit(link(stamp))
    assert queries > 0
    assert "This stamp has been cancelled by the producer." in page
    assert "This code has been scanned 41 times" in page  # counted on from the stored count


def test_a_copy_never_starts_the_stamps_counter_in_redis(kept, cast, stamp):
    """The counter's key missing (never seeded in this Redis): the visit reads the stored count
    from the database rather than trust the copy's."""
    _warm(link(stamp))
    Stamp.objects.filter(pk=stamp.pk).update(scan_count=40)  # e.g. written while Redis was down
    kept.delete(scan_buffer.count_key(stamp.pk))
    page, queries = _visit(link(stamp))
    assert queries == 1
    assert "This code has been scanned 41 times" in page
    assert _visit(link(stamp))[1] == 0


def test_without_redis_nothing_is_kept(settings, cast, stamp):
    settings.REDIS_URL = ""
    trace_cache.forget_all()
    _visit(link(stamp))
    assert _visit(link(stamp))[1] >= 2  # the stamp's query and the scan's writes
    assert trace_cache._ROWS == {}
