"""The catalogue's index (`CatalogEntry`) follows the registry and the certificates: a rename
shows after the commit (signals), a revoked or expired certificate leaves the catalogue at once
(no rebuild), and `rebuild_catalog` writes the same rows as `refresh_product`."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ocop.catalog.models import CatalogEntry
from ocop.catalog.queries.search import (
    CatalogFilters,
    catalogue_choices,
    catalogue_entries,
    parse_query,
)
from ocop.catalog.services.index import entry_values, rebuild_catalog, refresh_product
from ocop.certificates.enums import RevocationGround
from ocop.certificates.models import Certificate
from ocop.certificates.services.revocations import decide_revocation, propose_revocation
from ocop.producers.enums import ProducerStatus
from ocop.producers.services.producers import change_producer_status
from ocop.products.enums import ProductStatus
from ocop.products.services.products import change_product_status, update_product
from tests.factories.catalog import listed_product
from tests.factories.certificates import CertificateFactory
from tests.factories.products import ProductFactory, ProductPhotoFactory

pytestmark = pytest.mark.django_db


def names(q: str = "") -> list[str]:
    query = parse_query(q)
    return [e.name for e in catalogue_entries(CatalogFilters(q=query.text, query=query))]


def page_names(client: Client, **params) -> str:
    response = client.get(reverse("catalog:list"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_a_rename_is_searchable_after_the_commit(cast, django_capture_on_commit_callbacks):
    entry = listed_product(name="Chè Shan tuyết", producer=cast.prod1)
    with django_capture_on_commit_callbacks(execute=True):
        update_product(
            actor=cast.office, product=entry.product, data={"name": "Trà Shan tuyết cổ thụ"}
        )
    assert names("tra shan") == ["Trà Shan tuyết cổ thụ"]
    assert names("che") == []
    entry.refresh_from_db()
    assert entry.name_folded == "tra shan tuyet co thu"


def test_a_rolled_back_change_leaves_the_index_alone(cast, django_capture_on_commit_callbacks):
    entry = listed_product(name="Chè Shan tuyết", producer=cast.prod1)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        update_product(actor=cast.office, product=entry.product, data={"name": "Trà mới"})
    # not committed: the callbacks have not run, the row still says the old name
    assert callbacks
    assert CatalogEntry.objects.get(pk=entry.pk).name == "Chè Shan tuyết"


def test_a_revoked_certificate_leaves_the_catalogue_at_once(cast):
    entry = listed_product(name="Kẹo lạc Ba Vì", producer=cast.prod1)
    client = Client()
    assert "Kẹo lạc Ba Vì" in page_names(client)
    revocation = propose_revocation(
        actor=cast.office,
        certificate=entry.certificate,
        ground=RevocationGround.FOOD_SAFETY_LAW,
        basis="Kết luận kiểm tra số 45/KL-ATTP",
        concluded_on=timezone.localdate() - dt.timedelta(days=1),
    )
    decide_revocation(actor=cast.approver, revocation=revocation, decision_number="99/QĐ-UBND")
    # no refresh, no rebuild: the row is still there, the listing reads the certificate
    assert CatalogEntry.objects.filter(pk=entry.pk).exists()
    assert names("keo lac") == []
    assert "Kẹo lạc Ba Vì" not in page_names(client)
    assert "Kẹo lạc Ba Vì" not in page_names(client, q="keo")
    api = client.get("/api/v1/catalog/products", {"q": "keo lac"}).json()
    assert api["count"] == 0
    assert client.get(f"/api/v1/catalog/products/{entry.product.code}").status_code == 404
    csv = b"".join(client.get(reverse("catalog:export_csv")).streaming_content).decode()
    assert entry.product.code not in csv


def test_an_expired_certificate_leaves_the_catalogue_on_its_day():
    entry = listed_product(name="Ô mai Hàng Đường")
    Certificate.objects.filter(pk=entry.certificate_id).update(
        expires_on=timezone.localdate() + dt.timedelta(days=1)
    )
    assert names("o mai") == ["Ô mai Hàng Đường"]
    Certificate.objects.filter(pk=entry.certificate_id).update(expires_on=timezone.localdate())
    assert names("o mai") == []


def test_an_archived_product_and_a_suspended_producer_leave_before_the_refresh(
    cast, django_capture_on_commit_callbacks
):
    first = listed_product(name="Nón lá Chuông", producer=cast.prod1)
    second = listed_product(name="Lụa Vạn Phúc", producer=cast.prod2)
    with django_capture_on_commit_callbacks(execute=False):
        change_product_status(actor=cast.office, product=first.product, to=ProductStatus.ARCHIVED)
        change_producer_status(
            actor=cast.office, producer=cast.prod2, to=ProducerStatus.SUSPENDED, reason="Kiểm tra"
        )
    assert CatalogEntry.objects.count() == 2
    assert names() == []
    refresh_product(first.product_id)
    refresh_product(second.product_id)
    assert CatalogEntry.objects.count() == 0


def test_refresh_keeps_the_newest_certificate_in_force(cast):
    entry = listed_product(name="Miến dong", stars=3, year=2024, producer=cast.prod1)
    newer = CertificateFactory(
        product=entry.product,
        stars=4,
        decided_on=dt.date(2026, 9, 1),
        issued_on=dt.date(2026, 9, 1),
        expires_on=dt.date(2029, 9, 1),
    )
    refresh_product(entry.product_id)
    entry.refresh_from_db()
    assert (entry.certificate_id, entry.stars, entry.year) == (newer.pk, 4, 2026)


def test_a_product_without_a_certificate_has_no_row(cast):
    product = ProductFactory(producer=cast.prod1)
    assert refresh_product(product.pk) is None
    assert not CatalogEntry.objects.filter(pk=product.pk).exists()
    assert refresh_product(999_999_999) is None


def _row(entry: CatalogEntry) -> dict:
    values = {
        f.attname: getattr(entry, f.attname)
        for f in CatalogEntry._meta.concrete_fields
        if f.name != "updated_at"
    }
    return values


def test_rebuild_writes_what_refresh_writes_and_removes_the_rest(cast):
    a = listed_product(name="Bánh cốm Hàng Than", group=("G1", "Bánh kẹo"), photo=True)
    ProductPhotoFactory(product=a.product, position=5)
    b = listed_product(name="Trà sen", producer=cast.prod2, stars=5)
    gone = listed_product(name="Gạo tám", producer=cast.prod1)
    before = {e.pk: _row(e) for e in CatalogEntry.objects.all()}
    # a stale row and a missing row
    Certificate.objects.filter(pk=gone.certificate_id).update(status="revoked")
    CatalogEntry.objects.filter(pk=b.pk).delete()
    CatalogEntry.objects.filter(pk=a.pk).update(name="stale", search_text=" stale ")
    counts = rebuild_catalog(batch_size=1)
    assert counts == {"listed": 2, "removed": 1}
    after = {e.pk: _row(e) for e in CatalogEntry.objects.all()}
    assert after == {a.pk: before[a.pk], b.pk: before[b.pk]}
    assert after[a.pk]["photo_id"] == a.photo_id
    # and refresh_product agrees with the rebuild, row for row
    for pk in after:
        refresh_product(pk)
    assert {e.pk: _row(e) for e in CatalogEntry.objects.all()} == after


def test_entry_values_of_a_product_without_classification_or_photo(cast):
    entry = listed_product(name="Mơ Hương Sơn", producer=cast.prod1)
    values = entry_values(entry.product, entry.certificate)
    assert values["group_code"] == values["category_code"] == ""
    assert values["photo"] is None
    assert values["search_text"] == " mo huong son htx gom bat trang xa bat trang "


def test_the_command(cast):
    listed_product(name="Mơ Hương Sơn", producer=cast.prod1)
    CatalogEntry.objects.all().delete()
    out = StringIO()
    call_command("catalog-rebuild", stdout=out)
    assert CatalogEntry.objects.count() == 1
    assert "1" in out.getvalue()


def test_a_new_entry_updates_the_cached_choices(cast):
    listed_product(name="Mơ Hương Sơn", producer=cast.prod1)
    first = catalogue_choices()
    assert [name for _key, name in first.communes] == ["Xã Bát Tràng"]
    listed_product(name="Trà sen", producer=cast.prod2)
    second = catalogue_choices()
    assert [name for _key, name in second.communes] == ["Phường Hoàn Kiếm", "Xã Bát Tràng"]
