"""The trace page's parts that are the same for every visit are cached (views/resolver.py
`_page_parts`), keyed by what the stamp's query read: any change to the batch, its events, the
stamp, the product, the producer, its places or the certificate shows on the very next visit,
whichever way it was written (a service, the admin, a bulk update)."""

# ruff: noqa: F811 (the fixtures of test_trace_page, imported by name)
from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ocop.certificates.enums import CertificateStatus
from ocop.certificates.models import Certificate
from ocop.traceability.enums import BatchStatus, StampStatus
from ocop.traceability.models import Batch, Scan, Stamp
from tests.factories.certificates import CertificateFactory
from tests.factories.traceability import EventFactory, StampFactory
from tests.traceability.test_trace_page import (  # noqa: F401 (fixtures)
    batch,
    farm,
    link,
    phone,
    stamp,
    text_of,
)

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def _visit(path: str, language: str = "en") -> tuple[str, int]:
    with CaptureQueriesContext(connection) as captured:
        response = phone(language).get(path)
    assert response.status_code == 200
    return text_of(response), len(captured.captured_queries)


def test_a_warm_page_costs_one_query_less_and_still_records_the_scan(cast, stamp):
    CertificateFactory(product=cast.product1, stars=4)
    cold_page, cold = _visit(link(stamp))
    warm_page, warm = _visit(link(stamp))
    assert warm == cold - 1  # the journey comes from the cache
    assert "This code has been scanned 2 times" in warm_page
    assert cold_page.split("Scans of this code")[0] == warm_page.split("Scans of this code")[0]
    assert Scan.objects.filter(stamp=stamp).count() == 2
    assert Stamp.objects.get(pk=stamp.pk).scan_count == 2


def test_a_new_event_of_the_batch_shows_on_the_next_visit(cast, batch, stamp):
    assert "Inspection" not in _visit(link(stamp))[0]
    EventFactory(batch=batch, biz_step="inspecting", event_time=dt.datetime(2026, 8, 1, tzinfo=UTC))
    assert "Inspection" in _visit(link(stamp))[0]
    assert "Inspection" in _visit(f"/01/{stamp.gtin}/10/{batch.lot}")[0]  # the lot's page too


def test_a_renamed_place_shows_on_the_next_visit(cast, farm, stamp):
    assert "Vườn vải Thanh Hà" in _visit(link(stamp))[0]
    farm.name = "Vườn vải Thanh Hà mới"
    farm.save()
    assert "Vườn vải Thanh Hà mới" in _visit(link(stamp))[0]


def test_a_revoked_certificate_shows_on_the_next_visit(cast, stamp):
    certificate = CertificateFactory(product=cast.product1, stars=4)
    assert "OCOP 4-star product" in _visit(link(stamp))[0]
    Certificate.objects.filter(pk=certificate.pk).update(status=CertificateStatus.REVOKED)
    page = _visit(link(stamp))[0]
    assert "has been revoked" in page
    assert "OCOP 4-star product" not in page
    assert "has been revoked" in _visit(f"/01/{stamp.gtin}")[0]  # the GTIN's page too


def test_a_recalled_batch_shows_on_the_next_visit(cast, batch, stamp):
    assert "This batch has been recalled" not in _visit(link(stamp))[0]
    Batch.objects.filter(pk=batch.pk).update(status=BatchStatus.RECALLED)
    assert "This batch has been recalled by the producer." in _visit(link(stamp))[0]


def test_a_voided_stamp_shows_on_the_next_visit(cast, batch, stamp):
    other = StampFactory(batch=batch, status=StampStatus.ACTIVE)
    assert "cancelled by the producer" not in _visit(link(stamp))[0]
    assert "cancelled by the producer" not in _visit(link(other))[0]
    Stamp.objects.filter(pk=stamp.pk).update(status=StampStatus.VOID)
    assert "This stamp has been cancelled by the producer." in _visit(link(stamp))[0]
    assert "cancelled by the producer" not in _visit(link(other))[0]


def test_a_renamed_product_and_producer_show_on_the_next_visit(cast, stamp):
    _visit(link(stamp))
    cast.product1.name = "Bình gốm men rạn"
    cast.product1.save()
    cast.prod1.name = "HTX Gốm Giang Cao"
    cast.prod1.save()
    page = _visit(link(stamp))[0]
    assert "Bình gốm men rạn" in page and "HTX Gốm Giang Cao" in page


def test_each_language_has_its_own_page(cast, stamp):
    assert "Journey of the batch" in _visit(link(stamp), "en")[0]
    assert "Journey of the batch" not in _visit(link(stamp), "vi")[0]
    assert "Journey of the batch" in _visit(link(stamp), "en")[0]


def test_the_next_day_counts_again(cast, stamp, monkeypatch):
    CertificateFactory(
        product=cast.product1,
        stars=4,
        decided_on=dt.date(2026, 1, 5),
        issued_on=dt.date(2026, 1, 5),
        expires_on=dt.date(2029, 1, 1),
    )
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: dt.date(2028, 12, 30))
    assert "OCOP 4-star product" in _visit(link(stamp))[0]
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: dt.date(2029, 1, 2))
    assert "expired on 01/01/2029" in _visit(link(stamp))[0]


def test_every_visit_gets_its_own_form_tokens(cast, stamp):
    first = phone("en").get(link(stamp)).content.decode()
    second = phone("en").get(link(stamp)).content.decode()
    tokens = [page.split('name="token" value="')[1].split('"')[0] for page in (first, second)]
    assert tokens[0] != tokens[1]
    assert "\x00" not in first and "\x00" not in second


def test_with_a_shared_cache_the_process_copy_is_never_stale(cast, stamp, settings):
    """Behind Redis (any cache that is not the process's own memory) each worker also keeps the
    parts in memory; the key names what the page shows, so a change still shows at once."""
    from ocop.traceability.views import resolver

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    resolver._LOCAL_PARTS.clear()
    _first, cold = _visit(link(stamp))
    _second, warm = _visit(link(stamp))
    assert warm == cold - 1  # the parts came from the process's copy (the dummy cache keeps none)
    assert len(resolver._LOCAL_PARTS) == 1
    product = stamp.batch.product
    product.name = "Vải thiều Thanh Hà loại đặc biệt"
    product.save()
    assert "Vải thiều Thanh Hà loại đặc biệt" in _visit(link(stamp))[0]
    resolver._LOCAL_PARTS.clear()
