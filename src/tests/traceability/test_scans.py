"""Scans and the checks against counterfeits: every page view of a stamp's or a batch's Digital
Link by a person is a scan (not HEAD, not the linkset, not a robot); the stamp's counters move;
the page says how many times and since when; warnings for a serial scanned too often, scanned in
places too far apart too quickly, void or not yet active, in plain words and stored on the scan;
the coarse place is rounded to 0.1° and only added when the phone shares it."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone, translation

from ocop.traceability.enums import ScanWarning, StampStatus
from ocop.traceability.models import Scan, Stamp
from ocop.traceability.services.scans import (
    coarse,
    distance_km,
    record_scan,
    scan_from_token,
    scan_token,
    share_scan_place,
)
from tests.factories.traceability import BatchFactory, StampFactory

pytestmark = pytest.mark.django_db

HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
HANOI = ("21.03", "105.85")
HAIPHONG = ("20.86", "106.68")  # about 90 km from Hà Nội
HO_CHI_MINH_CITY = ("10.78", "106.70")  # about 1,140 km from Hà Nội


def vi_plural(singular: str, plural: str, count: int) -> str:
    with translation.override("vi"):
        return translation.ngettext(singular, plural, count)


def phone(**extra) -> Client:
    return Client(HTTP_ACCEPT=HTML, HTTP_USER_AGENT="Mozilla/5.0 (iPhone) Mobile", **extra)


def english() -> Client:
    client = phone()
    client.cookies["ocop_language"] = "en"
    return client


def link(stamp: Stamp) -> str:
    return f"/01/{stamp.gtin}/10/{stamp.batch.lot}/21/{stamp.serial}"


def page_token(response) -> str:
    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)


@pytest.fixture
def stamp(cast):
    return StampFactory(batch=BatchFactory(product=cast.product1), status=StampStatus.ACTIVE)


# --- counting ---------------------------------------------------------------------------------


def test_each_page_view_is_a_scan_and_moves_the_stamps_counters(stamp):
    before = timezone.now()
    for _ in range(3):
        assert phone().get(link(stamp)).status_code == 200
    stamp.refresh_from_db()
    assert stamp.scan_count == 3
    scans = list(Scan.objects.filter(stamp=stamp).order_by("scanned_at"))
    assert len(scans) == 3
    assert {(s.product_id, s.batch_id, s.warning) for s in scans} == {
        (stamp.batch.product_id, stamp.batch_id, "")
    }
    assert stamp.first_scanned_at == scans[0].scanned_at >= before
    assert stamp.last_scanned_at == scans[-1].scanned_at
    assert all(s.latitude is None and s.longitude is None for s in scans)


def test_the_page_says_how_many_times_and_since_when(stamp):
    first = dt.datetime(2026, 3, 9, 18, 0, tzinfo=dt.UTC)  # 10/03/2026 in Hà Nội
    Stamp.objects.filter(pk=stamp.pk).update(scan_count=4, first_scanned_at=first)
    response = phone().get(link(stamp))
    expected = vi_plural(
        "This code has been scanned %(count)s time, the first time on %(date)s.",
        "This code has been scanned %(count)s times, the first time on %(date)s.",
        5,
    ) % {"count": 5, "date": "10/03/2026"}
    assert expected in response.content.decode()


def test_what_is_not_a_person_scanning_is_not_counted(stamp):
    path = link(stamp)
    Client(HTTP_ACCEPT=HTML).head(path)
    Client(HTTP_ACCEPT="application/linkset+json").get(path)
    Client(HTTP_ACCEPT=HTML).get(path, {"linkType": "linkset"})
    Client().get(path)  # no Accept at all: not a browser
    Client(HTTP_ACCEPT="*/*").get(path)
    Client(HTTP_ACCEPT=HTML, HTTP_USER_AGENT="Googlebot/2.1").get(path)
    Client(HTTP_ACCEPT=HTML, HTTP_USER_AGENT="facebookexternalhit/1.1").get(path)
    phone(HTTP_SEC_PURPOSE="prefetch").get(path)
    assert Scan.objects.count() == 0
    stamp.refresh_from_db()
    assert stamp.scan_count == 0


def test_a_batch_page_is_a_scan_of_the_batch_without_a_stamp(stamp):
    batch = stamp.batch
    phone().get(f"/01/{stamp.gtin}/10/{batch.lot}")
    scan = Scan.objects.get()
    assert (scan.stamp_id, scan.batch_id, scan.product_id) == (None, batch.pk, batch.product_id)


def test_a_gtin_page_is_not_a_scan(stamp):
    phone().get(f"/01/{stamp.gtin}")
    assert Scan.objects.count() == 0


# --- warnings ---------------------------------------------------------------------------------


def test_a_serial_scanned_more_than_the_threshold_warns(stamp, settings):
    settings.OCOP_SCAN_WARN_COUNT = 2
    for _ in range(2):
        assert "rarely scanned this often" not in english().get(link(stamp)).content.decode()
    assert [s.warning for s in Scan.objects.order_by("pk")] == ["", ""]
    response = english().get(link(stamp))
    content = response.content.decode()
    assert "This code has been scanned 3 times. A genuine stamp is rarely scanned" in content
    assert Scan.objects.order_by("pk").last().warning == ScanWarning.TOO_MANY


def test_a_void_stamp_warns_and_the_scan_keeps_it(cast):
    void = StampFactory(batch=BatchFactory(product=cast.product1), status=StampStatus.VOID)
    content = english().get(link(void)).content.decode()
    assert "This stamp has been cancelled by the producer." in content
    assert Scan.objects.get().warning == ScanWarning.VOID


def test_a_stamp_not_yet_active_warns(cast):
    issued = StampFactory(batch=BatchFactory(product=cast.product1), status=StampStatus.ISSUED)
    content = english().get(link(issued)).content.decode()
    assert "This stamp has not been activated by the producer yet" in content
    assert Scan.objects.get().warning == ScanWarning.NOT_ACTIVE


def test_void_is_more_serious_than_too_many(cast, settings):
    settings.OCOP_SCAN_WARN_COUNT = 0
    void = StampFactory(batch=BatchFactory(product=cast.product1), status=StampStatus.VOID)
    content = english().get(link(void)).content.decode()
    assert "cancelled by the producer" in content and "rarely scanned this often" in content
    assert Scan.objects.get().warning == ScanWarning.VOID


def _scan_at(stamp: Stamp, when: dt.datetime, place: tuple[str, str] | None) -> Scan:
    outcome = record_scan(product=stamp.batch.product, batch=stamp.batch, stamp=stamp, at=when)
    stamp.refresh_from_db()
    if place is not None:
        Scan.objects.filter(pk=outcome.scan_id).update(latitude=place[0], longitude=place[1])
    return Scan.objects.get(pk=outcome.scan_id)


def _share(stamp: Stamp, when: dt.datetime, place: tuple[str, str]) -> Scan:
    outcome = record_scan(product=stamp.batch.product, batch=stamp.batch, stamp=stamp, at=when)
    stamp.refresh_from_db()
    return share_scan_place(
        token=scan_token(outcome.scan_id), latitude=place[0], longitude=place[1]
    )


def test_two_places_too_far_apart_too_quickly_warn(stamp, settings):
    settings.OCOP_SCAN_WARN_KM = 300
    settings.OCOP_SCAN_WARN_HOURS = 6
    now = timezone.now()
    _scan_at(stamp, now - dt.timedelta(hours=2), HANOI)
    scan = _share(stamp, now, HO_CHI_MINH_CITY)
    assert scan.warning == ScanWarning.TOO_FAR
    assert (scan.latitude, scan.longitude) == (Decimal("10.8"), Decimal("106.7"))
    # every later visit of the stamp's page shows it
    content = english().get(link(stamp)).content.decode()
    assert "This code was scanned in places far apart within a few hours." in content
    assert Scan.objects.order_by("pk").last().warning == ""  # the later scan raised nothing


def test_far_apart_but_slowly_or_near_and_quickly_does_not_warn(stamp, settings):
    settings.OCOP_SCAN_WARN_KM = 300
    settings.OCOP_SCAN_WARN_HOURS = 6
    now = timezone.now()
    _scan_at(stamp, now - dt.timedelta(hours=7), HANOI)
    assert _share(stamp, now, HO_CHI_MINH_CITY).warning == ""
    other = StampFactory(batch=stamp.batch, status=StampStatus.ACTIVE)
    _scan_at(other, now - dt.timedelta(minutes=30), HAIPHONG)
    assert _share(other, now, HANOI).warning == ""  # 90 km
    for each in (stamp, other):
        assert "far apart" not in english().get(link(each)).content.decode()


def test_the_thresholds_are_settings(stamp, settings):
    settings.OCOP_SCAN_WARN_KM = 50
    settings.OCOP_SCAN_WARN_HOURS = 1
    now = timezone.now()
    _scan_at(stamp, now - dt.timedelta(minutes=20), HAIPHONG)
    assert _share(stamp, now, HANOI).warning == ScanWarning.TOO_FAR


def test_a_batch_scan_keeps_its_place_but_is_never_too_far(stamp):
    batch = stamp.batch
    now = timezone.now()
    first = record_scan(product=batch.product, batch=batch, at=now - dt.timedelta(hours=1))
    share_scan_place(token=scan_token(first.scan_id), latitude=HANOI[0], longitude=HANOI[1])
    second = record_scan(product=batch.product, batch=batch, at=now)
    scan = share_scan_place(
        token=scan_token(second.scan_id),
        latitude=HO_CHI_MINH_CITY[0],
        longitude=HO_CHI_MINH_CITY[1],
    )
    assert scan.warning == "" and scan.latitude == Decimal("10.8")


# --- the coarse place ---------------------------------------------------------------------------


def test_places_are_rounded_to_a_tenth_of_a_degree():
    assert coarse("21.0285", limit=90, field="lat") == Decimal("21.0")
    assert coarse("105.8542", limit=180, field="lon") == Decimal("105.9")
    assert coarse("-33,86", limit=90, field="lat") == Decimal("-33.9")
    for bad in ("", "abc", "91", "NaN", "inf", "-180.1"):
        with pytest.raises(ValidationError):
            coarse(bad, limit=90 if bad != "-180.1" else 180, field="lat")


def test_distances_are_great_circle_kilometres():
    assert distance_km(*HANOI, *HANOI) == 0
    assert 1100 < distance_km(*HANOI, *HO_CHI_MINH_CITY) < 1200
    assert 80 < distance_km(*HANOI, *HAIPHONG) < 100


def test_a_place_is_given_once_and_only_with_a_fresh_token(stamp):
    outcome = record_scan(product=stamp.batch.product, batch=stamp.batch, stamp=stamp)
    token = scan_token(outcome.scan_id)
    assert scan_from_token(token) == outcome.scan_id
    assert scan_from_token(token + "x") is None
    assert scan_from_token(token, max_age=dt.timedelta(seconds=-1)) is None
    with pytest.raises(ValidationError) as bad:
        share_scan_place(token="nonsense", latitude="21", longitude="105")
    assert "token" in bad.value.message_dict
    share_scan_place(token=token, latitude="21.04", longitude="105.83")
    with pytest.raises(ValidationError):
        share_scan_place(token=token, latitude="10", longitude="106")
    scan = Scan.objects.get(pk=outcome.scan_id)
    assert (scan.latitude, scan.longitude) == (Decimal("21.0"), Decimal("105.8"))
    with pytest.raises(ValidationError) as out_of_range:
        share_scan_place(token=token, latitude="95", longitude="105")
    assert "lat" in out_of_range.value.message_dict


def test_share_my_approximate_area_from_the_page(stamp):
    client = english()
    response = client.get(link(stamp))
    token = page_token(response)
    assert 'class="t-place" hidden' in response.content.decode()
    assert response["Permissions-Policy"].startswith("camera=(self), geolocation=(self)")
    shared = client.post(
        "/truy-xuat/quet/vi-tri/",
        {"token": token, "lat": "21.0285", "lon": "105.8542", "next": link(stamp)},
    )
    assert shared.status_code == 303
    assert shared["Location"].startswith(link(stamp) + "?scan=")
    back = client.get(shared["Location"])
    assert "the approximate area of your scan has been recorded" in back.content.decode()
    # back on the page: the visit is not counted again, and the place is kept, rounded
    scan = Scan.objects.get()
    assert (scan.latitude, scan.longitude) == (Decimal("21.0"), Decimal("105.9"))
    stamp.refresh_from_db()
    assert stamp.scan_count == 1


def test_a_stale_or_forged_place_form_changes_nothing(stamp):
    client = english()
    client.get(link(stamp))
    for data in (
        {"token": "forged", "lat": "21", "lon": "105", "next": link(stamp)},
        {"token": "forged", "lat": "21", "lon": "105", "next": "https://evil.example/01/x"},
    ):
        response = client.post("/truy-xuat/quet/vi-tri/", data)
        assert response.status_code == 303
        assert not response["Location"].startswith("https://evil")
    assert Scan.objects.get().latitude is None
    assert Client().get("/truy-xuat/quet/vi-tri/").status_code == 405


def test_the_language_switch_does_not_count_the_visit_again(stamp):
    client = phone()
    response = client.get(link(stamp))
    next_path = re.search(r'name="next" value="([^"]+)"', response.content.decode()).group(1)
    assert "scan=" in next_path
    client.get(next_path.replace("&amp;", "&"))
    stamp.refresh_from_db()
    assert stamp.scan_count == 1


def test_the_place_form_passes_the_csrf_check_of_an_anonymous_phone(stamp):
    client = Client(
        enforce_csrf_checks=True, HTTP_ACCEPT=HTML, HTTP_USER_AGENT="Mozilla/5.0 (iPhone)"
    )
    response = client.get(link(stamp))
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())
    data = {"token": page_token(response), "lat": "21.03", "lon": "105.85", "next": link(stamp)}
    assert client.post("/truy-xuat/quet/vi-tri/", data).status_code == 403  # no form token
    data["csrfmiddlewaretoken"] = csrf.group(1)
    assert client.post("/truy-xuat/quet/vi-tri/", data).status_code == 303
    assert Scan.objects.get().latitude == Decimal("21.0")
