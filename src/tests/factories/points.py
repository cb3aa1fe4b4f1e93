"""Points of sale, the products they carry, store links, and a buyer that runs a point.

point = PointOfSaleFactory(commune=commune)            # open, kind OCOP point
carry(point, entry.product)                            # the point carries a product
buyer, user = buyer_with_user(status="active")        # a buyer and one of its BUYER users
"""

from __future__ import annotations

from typing import Any

import factory

from ocop.accounts.enums import OrganisationKind, Role
from ocop.trade.enums import BuyerKind, BuyerStatus, PointOfSaleKind, PointOfSaleStatus
from ocop.trade.models import Buyer, PointOfSale, PointOfSaleProduct, StoreLink

from .accounts import MembershipFactory, OrganisationFactory
from .geo import CommuneFactory
from .products import ProductFactory


class PointBuyerFactory(factory.django.DjangoModelFactory):
    """A buyer (the board's own factories are in trade.py): active unless told otherwise."""

    class Meta:
        model = Buyer

    organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.BUYER)
    kind = BuyerKind.SUPERMARKET_CHAIN
    name = factory.Sequence(lambda n: f"Chuỗi siêu thị Thử {n}")
    address = factory.Sequence(lambda n: f"Số {n} phố Thử")
    contact_name = "Lê Thị Mua"
    status = BuyerStatus.ACTIVE


def buyer_with_user(**fields: Any) -> tuple[Buyer, Any]:
    buyer = PointBuyerFactory(**fields)
    user = MembershipFactory(role=Role.BUYER, organisation=buyer.organisation).user
    return buyer, user


class PointOfSaleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PointOfSale

    kind = PointOfSaleKind.OCOP_POINT
    name = factory.Sequence(lambda n: f"Điểm bán OCOP Thử {n}")
    address = factory.Sequence(lambda n: f"Số {n} đường Thử")
    commune = factory.SubFactory(CommuneFactory)
    opening_hours = "8:00–21:00"
    phone = "0912345678"
    status = PointOfSaleStatus.OPEN


def carry(point: PointOfSale, *products: Any) -> None:
    for product in products:
        PointOfSaleProduct.objects.create(point=point, product=product)


class StoreLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StoreLink

    product = factory.SubFactory(ProductFactory)
    platform = "shopee"
    url = factory.Sequence(lambda n: f"https://shopee.vn/vi-du-san-pham-{n}")
    position = factory.Sequence(lambda n: n)


def point_data(commune: Any, **overrides: Any) -> dict[str, Any]:
    """Valid input for the point-of-sale services."""
    data: dict[str, Any] = {
        "kind": PointOfSaleKind.OCOP_POINT,
        "name": "Điểm giới thiệu sản phẩm OCOP Hồ Gươm",
        "address": "Số 1 phố Thử",
        "commune": commune,
        "opening_hours": "8:00–21:00",
        "phone": "024 3825 1234",
        "email": "",
        "website": "",
        "operator_name": "",
        "buyer": None,
        "latitude": None,
        "longitude": None,
        "starts_on": None,
        "ends_on": None,
    }
    data.update(overrides)
    return data
