"""Objects of the trade app (the supply–demand board and the points of sale) for the
authorisation matrix (see tests/security/world.py).

- `trade_buyer`: the buyer record (ACTIVE) of the world's buyer organisation, so that the
  `buyer` role is a buyer on the board;
- `trade_demand`: a CLOSED demand of that buyer: off the board, so only officials, the buyer
  and the producers connected to it (producer A, through `trade_connection`) see it;
- `trade_offer`: a CLOSED offer of producer A's listed product: only its producer, the officials
  of its commune and the office see it (a buyer sees OPEN offers only);
- `trade_connection`: the buyer's contact request to producer A about the listed product, on
  the demand;
- `points_closed`: a CLOSED point of sale run by the buyer, carrying producer A's listed
  product: only the office, the administrator and the buyer that runs it see it;
- `points_open`: an open point carrying the same product (the public's view).
"""

from __future__ import annotations

from typing import Any

from ocop.trade.enums import DemandStatus, OfferStatus, PointOfSaleStatus
from tests.factories.points import PointOfSaleFactory, carry
from tests.factories.trade import ConnectionFactory, DemandFactory, OfferFactory, buyer_for


def build(world: Any) -> None:
    buyer = buyer_for(world.users["buyer"], name="Siêu thị Sen Việt")
    world.objects["trade_buyer"] = buyer
    listed = world.catalog_listed  # worlds/catalog.py: producer A's listed product

    demand = DemandFactory(
        buyer=buyer, title="Ấm chén gốm cho quà Tết", keywords="gốm, ấm chén", unit="bộ"
    )
    demand.status = DemandStatus.CLOSED
    demand.save(update_fields=["status"])
    world.objects["trade_demand"] = demand
    world.objects["trade_offer"] = OfferFactory(
        product=listed, unit="bộ", capacity_per_month=200, status=OfferStatus.CLOSED
    )
    world.objects["trade_connection"] = ConnectionFactory(
        buyer=buyer, product=listed, demand=demand, message="Chúng tôi muốn đặt 200 bộ."
    )

    closed = PointOfSaleFactory(
        name="Điểm bán OCOP Siêu thị Sen",
        commune=world.commune_a,
        buyer=buyer,
        status=PointOfSaleStatus.CLOSED,
    )
    carry(closed, listed)
    world.objects["points_closed"] = closed
    opened = PointOfSaleFactory(name="Điểm giới thiệu OCOP Bát Tràng", commune=world.commune_a)
    carry(opened, listed)
    world.objects["points_open"] = opened
