"""The supply–demand board: buyers, demands, offers, connections.

    buyer, user = buyer_and_user()                      # an ACTIVE buyer and one of its people
    demand = DemandFactory(buyer=buyer, keywords="trà sen")
    offer = OfferFactory(product=product)               # open, for the product's producer
    connection = ConnectionFactory(buyer=buyer, product=product)

The factories write rows directly (for the read side and the permission tests); the tests of
the services go through the services (`create_demand`, `request_connection` …).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone

from ocop.accounts.enums import OrganisationKind, Role
from ocop.trade.enums import BuyerKind, BuyerStatus, ConnectionStatus, DemandStatus, OfferStatus
from ocop.trade.models import Buyer, Connection, Demand, Offer

from .accounts import MembershipFactory, OrganisationFactory
from .products import ProductFactory


def _today() -> dt.date:
    return timezone.localdate()


class BuyerFactory(factory.django.DjangoModelFactory):
    """A buyer on the board, ACTIVE unless told otherwise."""

    class Meta:
        model = Buyer

    organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.BUYER)
    kind = BuyerKind.SUPERMARKET_CHAIN
    name = factory.Sequence(lambda n: f"Chuỗi siêu thị Sạch {n}")
    address = factory.Sequence(lambda n: f"Số {n} phố Huế")
    contact_name = "Đặng Thị Mai"
    phone = "0912345678"
    email = factory.Sequence(lambda n: f"muahang{n}@example.vn")
    status = BuyerStatus.ACTIVE


def buyer_and_user(**fields: Any) -> tuple[Buyer, Any]:
    """A buyer and a user with the BUYER role in its organisation."""
    buyer = BuyerFactory(**fields)
    user = MembershipFactory(role=Role.BUYER, organisation=buyer.organisation).user
    return buyer, user


def buyer_for(user: Any, **fields: Any) -> Buyer:
    """The buyer record of the organisation a user already holds the BUYER role in (the cast's
    `buyer`)."""
    organisation = user.memberships.get(role=Role.BUYER).organisation
    return BuyerFactory(organisation=organisation, **fields)


class DemandFactory(factory.django.DjangoModelFactory):
    """An open demand starting tomorrow for two months (1,000 kg of anything by keywords)."""

    class Meta:
        model = Demand
        skip_postgeneration_save = True

    buyer = factory.SubFactory(BuyerFactory)
    title = factory.Sequence(lambda n: f"Nhu cầu thử {n}")
    keywords = "trà sen"
    quantity = Decimal(1000)
    unit = "kg"
    period_start = factory.LazyFunction(lambda: _today() + dt.timedelta(days=1))
    period_end = factory.LazyAttribute(lambda o: o.period_start + dt.timedelta(days=60))
    status = DemandStatus.OPEN

    @factory.post_generation
    def delivery(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.delivery_units.set(extracted)


class OfferFactory(factory.django.DjangoModelFactory):
    """An open offer of a product by its producer: 500 kg a month, all year."""

    class Meta:
        model = Offer
        skip_postgeneration_save = True

    product = factory.SubFactory(ProductFactory)
    producer = factory.SelfAttribute("product.producer")
    capacity_per_month = Decimal(500)
    unit = "kg"
    status = OfferStatus.OPEN

    @factory.post_generation
    def delivery(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.delivery_units.set(extracted)


class ConnectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Connection

    buyer = factory.SubFactory(BuyerFactory)
    product = factory.SubFactory(ProductFactory)
    producer = factory.SelfAttribute("product.producer")
    message = "Chúng tôi muốn đặt hàng thử."
    status = ConnectionStatus.NEW
    status_changed_at = factory.LazyFunction(timezone.now)


def demand_data(**overrides: Any) -> dict[str, Any]:
    """Valid input for `create_demand` (keywords, no group): starts tomorrow, two months."""
    start = _today() + dt.timedelta(days=1)
    data: dict[str, Any] = {
        "title": "Trà sen cho giỏ quà Tết",
        "group_code": "",
        "keywords": "trà sen",
        "quantity": Decimal(200),
        "unit": "kg",
        "period_start": start,
        "period_end": start + dt.timedelta(days=60),
        "delivery_units": [],
        "min_stars": None,
        "certifications": [],
        "description": "",
    }
    data.update(overrides)
    return data


def offer_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "capacity_per_month": Decimal(100),
        "unit": "kg",
        "season_months": [],
        "price_min": None,
        "price_max": None,
        "delivery_units": [],
        "certifications": [],
        "note": "",
    }
    data.update(overrides)
    return data
