"""Fixtures of the self-assessment tests, on the real QĐ 26/2026 criteria (`qd26`).

`classified` puts the cast's products under real leaves: product1 (producer1, commune A) under
I.3.b (bộ 6, 32 criteria), product2 (producer2, commune B) under VI.1 (bộ 26, alternative cases).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from ocop.accounts.enums import OrganisationKind, Role
from ocop.criteria.models import ClassificationNode
from ocop.criteria.queries.specs import clear_spec_cache
from ocop.products.models import Product
from ocop.products.services.products import update_product
from tests.factories.accounts import MembershipFactory, OrganisationFactory
from tests.factories.geo import DistrictFactory, OldCommuneFactory
from tests.factories.producers import ProducerFactory
from tests.factories.products import ProductFactory, classification_leaf

# A complete bộ 6 sheet: 56 points (A 25, B 12, C 19), 3★; for 4★ it misses 14 points and
# eight requirements (1.5, 2.1, 2.3, 3.4, 3.5, 4.1, 5.1, 9).
BO6: dict[str, int] = {
    "1.1": 2, "1.2": 1, "1.3": 2, "1.4": 2, "1.5": 1, "1.6": 1, "1.7": 1,
    "2.1": 2, "2.2": 2, "2.3": 2, "2.4": 1,
    "3.1": 3, "3.2": 0, "3.3": 3, "3.4": 1, "3.5": 1,
    "4.1": 2, "4.2": 1, "4.3": 2,
    "5.1": 3, "5.2": 1, "5.3": 3,
    "6.1": 3, "6.2": 2, "6.3": 2, "6.4": 2, "6.5": 2,
    "7": 3, "8": 2, "9": 1, "10": 1, "11": 1,
}  # fmt: skip


@pytest.fixture(autouse=True)
def _fresh_spec_cache():
    clear_spec_cache()
    yield
    clear_spec_cache()


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def classified(qd26, cast):
    update_product(
        actor=cast.office,
        product=cast.product1,
        data={"classification": classification_leaf("I.3.b")},
    )
    update_product(
        actor=cast.office,
        product=cast.product2,
        data={"classification": classification_leaf("VI.1")},
    )
    return cast


@pytest.fixture
def english_client():
    """A logged-in client whose pages are in English (content checks read the msgids)."""

    def make(user) -> Client:
        client = Client()
        client.cookies["ocop_language"] = "en"
        client.force_login(user)
        return client

    return make


@pytest.fixture
def api(api_token):
    """A JSON client of /api/v1/self-assessments with a user's bearer token (English)."""

    class Api:
        BASE = "/api/v1/self-assessments"

        def __init__(self, user):
            self.client = Client()
            self.client.cookies["ocop_language"] = "en"
            self.headers = api_token(user)

        def get(self, path: str = "", **params: Any):
            return self.client.get(self.BASE + path, params, **self.headers)

        def post(self, path: str = "", body: Any = None):
            return self.client.post(
                self.BASE + path,
                json.dumps(body or {}),
                content_type="application/json",
                **self.headers,
            )

        def put(self, path: str, body: Any):
            return self.client.put(
                self.BASE + path, json.dumps(body), content_type="application/json", **self.headers
            )

    return Api


@pytest.fixture
def district_world(both, cast):
    district = DistrictFactory(name="Huyện Gia Lâm")
    old_commune = OldCommuneFactory(parent=district, name="Xã Bát Tràng (cũ)")
    producer = ProducerFactory(commune=old_commune, name="HTX Gốm cũ")
    owner = MembershipFactory(role=Role.PRODUCER_OWNER, organisation=producer.organisation).user
    office = OrganisationFactory(
        kind=OrganisationKind.COMMUNE_COMMITTEE, name="UBND huyện Gia Lâm", unit=district
    )
    district_officer = MembershipFactory(role=Role.COMMUNE_OFFICER, organisation=office).user
    product = ProductFactory(producer=producer, name="Bình gốm 2020")
    node = ClassificationNode.objects.get(criteria_set__code="qd1048-2019", code="1.3.b")
    Product.objects.filter(pk=product.pk).update(classification=node)
    product.refresh_from_db()
    return {
        "cast": cast,
        "owner": owner,
        "district_officer": district_officer,
        "product": product,
    }
