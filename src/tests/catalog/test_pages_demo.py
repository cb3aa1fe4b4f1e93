"""The catalogue demo (`load_catalog_demo`): after the rest of the demo, 11 of the 19 demo
products are listed, with a spread of stars, years and communes, a 5★ of the ministry, and
Vietnamese GTINs; the certificates the README links keep their state; a second run records
nothing; the product and producer pages of the demo answer."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ocop.catalog.models import CatalogEntry
from ocop.catalog.queries.listing import listed_entries
from ocop.certificates.enums import Authority, CertificateStatus
from ocop.certificates.models import Certificate
from ocop.core.demo import load_demo
from ocop.core.demo_catalog import RECOGNITIONS, load_catalog_demo
from ocop.traceability.identifiers import is_vietnamese, normalise_gtin

# The demo is loaded once per module: keep the module on one worker (`--dist loadgroup`).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("test_pages_demo")]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, then the catalogue's part twice (once per module: the demo takes a while)."""
    from django.db import transaction

    from ocop.accounts.models import Organisation, User
    from ocop.core.codes import repeatable_codes

    with django_db_blocker.unblock(), transaction.atomic():
        load_demo(seed=42, cycles=False)
        states_before = dict(Certificate.objects.values_list("verification_code", "status"))
        users = {user.username: user for user in User.objects.all()}
        organisations = {str(org.pk): org for org in Organisation.objects.all()}
        with repeatable_codes(42):
            first = load_catalog_demo(users=users, organisations=organisations)
            second = load_catalog_demo(users=users, organisations=organisations)
        yield first, second, states_before
        transaction.set_rollback(True)


def test_the_catalogue_demo_runs_again_and_records_nothing(demo):
    # `load_demo` runs the catalogue part itself (its first-run figures are in
    # tests/core/test_demo.py): running it again records nothing and lists the same products.
    first, second, _states = demo
    nothing = {
        "catalog_certificates": 0,
        "catalog_gtins": 0,
        "catalog_stories": 0,
        "catalog_listed": 11,
    }
    assert first == second == nothing
    assert Certificate.objects.filter(
        product__name__in=[r.product for r in RECOGNITIONS]
    ).count() >= len(RECOGNITIONS)
    assert CatalogEntry.objects.count() == 11
    assert listed_entries().count() == 11


def test_the_catalogue_has_a_spread_of_stars_years_and_communes(demo):
    entries = listed_entries()
    assert set(entries.values_list("stars", flat=True)) == {3, 4, 5}
    assert set(entries.values_list("year", flat=True)) == {2023, 2024, 2025, 2026}
    assert entries.order_by().values("commune").distinct().count() == 9
    five = Certificate.objects.get(product__name="Tranh khảm trai phong cảnh")
    assert (five.stars, five.authority) == (5, Authority.CENTRAL)
    assert five.authority_name == "Bộ Nông nghiệp và Môi trường"
    gtins = [
        normalise_gtin(gtin)
        for gtin in entries.exclude(product__gtin="").values_list("product__gtin", flat=True)
    ]
    assert sum(is_vietnamese(gtin) for gtin in gtins) == 3


def test_the_certificates_the_readme_links_keep_their_state(demo):
    _first, _second, states_before = demo
    after = dict(Certificate.objects.values_list("verification_code", "status"))
    assert {code: after[code] for code in states_before} == states_before
    assert Certificate.objects.get(product__name="Bánh sữa Ba Vì").status == (
        CertificateStatus.REVOKED
    )
    apricots = Certificate.objects.filter(product__name="Mơ muối Hương Sơn")
    assert list(apricots.values_list("status", flat=True)) == [CertificateStatus.EXPIRED]
    assert not listed_entries().filter(product__name__in=["Bánh sữa Ba Vì", "Mơ muối Hương Sơn"])
    # Nothing for the products of the evaluation demo, nor of producers not approved.
    for name in ("Bộ ấm chén men rạn", "Đĩa gốm trang trí men ngọc", "Trà sen túi lọc"):
        assert not Certificate.objects.filter(product__name=name).exists(), name
    for name in ("Giỏ mây đan tay", "Bánh chưng Tranh Khúc", "Rau cải ngọt an toàn"):
        assert not Certificate.objects.filter(product__name=name).exists(), name
    # The sausage: recognised again in 2024, its 2019 certificate still expired.
    sausage = Certificate.objects.filter(product__name="Giò lụa Ước Lễ").order_by("decided_on")
    assert [(c.year, c.status) for c in sausage] == [
        (2019, CertificateStatus.EXPIRED),
        (2024, CertificateStatus.VALID),
    ]


def test_the_demo_pages_answer(demo):
    client = Client()
    today = timezone.localdate()
    for entry in listed_entries(today).select_related("product", "producer"):
        product = client.get(reverse("catalog:product", args=[entry.product.code]))
        assert product.status_code == 200, entry.name
        producer = client.get(reverse("catalog:producer", args=[entry.producer.code]))
        assert producer.status_code == 200, entry.producer.name
    pomelo = listed_entries(today).get(product__name="Bưởi Diễn").product
    page = client.get(reverse("catalog:product", args=[pomelo.code])).content.decode()
    assert 'href="/01/08936061000036"' in page
    revoked = Certificate.objects.get(product__name="Bánh sữa Ba Vì")
    assert client.get(reverse("catalog:product", args=[revoked.product.code])).status_code == 404
