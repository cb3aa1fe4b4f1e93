"""The trade app's routes (the supply–demand board, /ket-noi/ and /api/v1/trade) in the
authorisation matrix (see tests/security/matrix.py and ocop/trade/rules.py).

The world (worlds/trade.py): a CLOSED demand of the buyer, connected to producer A; a CLOSED
offer of producer A; a connection between them. Officials read the board (the office and the
administrator all of it, a commune officer the buyers and demands, and the offers and
connections of the producers of their commune) and write nothing on it; the council and the
approver have no part on the board.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tests.security.matrix import (
    ADMIN,
    BUYER,
    COMMUNE_A,
    COMMUNE_B,
    EVERYONE,
    MANAGERS,
    OFFICE,
    OK,
    PRODUCER_A,
    PRODUCER_B,
    SIGNED_IN,
    E,
    Entry,
)

OFFICIALS = frozenset({COMMUNE_A, COMMUNE_B, OFFICE, ADMIN})  # rules.is_trade_official
# rules.uses_board: officials, a buyer's people, a producer's people.
BOARD = OFFICIALS | {BUYER, PRODUCER_A, PRODUCER_B}
# The closed demand: officials, its buyer, and producer A (connected to it).
DEMAND_READERS = OFFICIALS | {BUYER, PRODUCER_A}
# Producer A's closed offer and its connection: the office, commune A's officer, producer A
# (and the buyer, for the connection).
OFFER_READERS = frozenset({COMMUNE_A, OFFICE, ADMIN, PRODUCER_A})
CONNECTION_READERS = OFFER_READERS | {BUYER}
PARTIES = frozenset({BUYER, PRODUCER_A})


def _code(name):
    return lambda world: {"code": getattr(world, name).code}


def _dates():
    start = timezone.localdate() + dt.timedelta(days=1)
    return start, start + dt.timedelta(days=30)


def _demand_form(world):
    start, end = _dates()
    return {
        "title": "Bình gốm cho quà biếu",
        "keywords": "gốm, bình",
        "quantity": "100",
        "unit": "cái",
        "period_start": start.strftime("%d/%m/%Y"),
        "period_end": end.strftime("%d/%m/%Y"),
    }


def _demand_json(world):
    start, end = _dates()
    return {
        "title": "Bình gốm cho quà biếu",
        "keywords": "gốm, bình",
        "quantity": "100",
        "unit": "cái",
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
    }


def _buyer_form(world):
    return {
        "kind": world.trade_buyer.kind,
        "name": "Siêu thị Sen Việt",
        "address": "Số 1 phố Huế",
        "contact_name": "Đặng Thị Mai",
        "phone": "0912345678",
    }


ENTRIES: list[Entry] = [
    E("trade:home", EVERYONE, note="a visitor without a part on the board reads what it is"),
    E(
        "trade:register",
        EVERYONE,
        method="post",
        note="a buyer registers itself, signed in or not (a visitor creates an account)",
    ),
    E("trade:statistics", OFFICIALS),
    # Buyers.
    E("trade:buyers", OFFICIALS),
    E(
        "trade:buyer",
        OFFICIALS | {BUYER},
        kwargs=_code("trade_buyer"),
        note="officials read every buyer's profile (commune officers too: a buyer is not tied "
        "to a commune); producers see a buyer only through its demands and connections",
    ),
    E(
        "trade:buyer_edit",
        MANAGERS | {BUYER},
        kwargs=_code("trade_buyer"),
        method="post",
        data=_buyer_form,
    ),
    E(
        "trade:buyer_status",
        MANAGERS,
        kwargs=lambda w: {"code": w.trade_buyer.code, "action": "suspend"},
        method="post",
        data={"reason": "Hồ sơ chưa đầy đủ."},
    ),
    # Demands.
    E("trade:demands", BOARD),
    E("trade:demand_create", {BUYER}, method="post", data=_demand_form),
    E("trade:demand", DEMAND_READERS, kwargs=_code("trade_demand")),
    E(
        "trade:demand_edit",
        {BUYER},
        kwargs=_code("trade_demand"),
        method="post",
        data=_demand_form,
    ),
    E(
        "trade:demand_status",
        {BUYER},
        kwargs=_code("trade_demand"),
        method="post",
        data={"action": "reopen"},
    ),
    # Offers.
    E("trade:offers", BOARD),
    E(
        "trade:offer_create",
        {PRODUCER_A, PRODUCER_B},
        method="post",
        data=lambda w: {
            "product": w.catalog_listed.code,
            "capacity_per_month": "50",
            "unit": "bộ",
        },
        note="any approved producer's people post offers (producer B's form refuses producer "
        "A's product: it is not among its choices)",
    ),
    E("trade:offer", OFFER_READERS, kwargs=_code("trade_offer")),
    E(
        "trade:offer_edit",
        {PRODUCER_A},
        kwargs=_code("trade_offer"),
        method="post",
        data={"capacity_per_month": "80", "unit": "bộ"},
    ),
    E(
        "trade:offer_status",
        {PRODUCER_A},
        kwargs=_code("trade_offer"),
        method="post",
        data={"action": "reopen"},
    ),
    # Connections.
    E("trade:connections", BOARD),
    E(
        "trade:connect",
        {BUYER},
        method="post",
        data=lambda w: {"product": w.catalog_listed.code, "message": "Xin báo giá 100 bộ."},
    ),
    E("trade:connection", CONNECTION_READERS, kwargs=_code("trade_connection")),
    E(
        "trade:connection_status",
        PARTIES,
        kwargs=_code("trade_connection"),
        method="post",
        data={"status": "contacted", "note": ""},
    ),
    # The API (a bearer token; the anonymous caller gets 401).
    E("GET /api/v1/trade/demands", SIGNED_IN, note="a list filtered to what the caller sees"),
    E("POST /api/v1/trade/demands", {BUYER}, data=_demand_json),
    E("GET /api/v1/trade/demands/{code}", DEMAND_READERS, kwargs=_code("trade_demand")),
    E(
        "PATCH /api/v1/trade/demands/{code}",
        {BUYER},
        kwargs=_code("trade_demand"),
        data={"title": "Ấm chén gốm cho quà Tết (sửa)"},
    ),
    E(
        "POST /api/v1/trade/demands/{code}/status",
        {BUYER},
        kwargs=_code("trade_demand"),
        data={"status": "open"},
    ),
    E(
        "GET /api/v1/trade/demands/{code}/matches",
        OFFICIALS | {BUYER},
        kwargs=_code("trade_demand"),
        note="the ranked matches are for the demand's buyer and officials; producer A sees "
        "the demand, not its matches",
    ),
    E("GET /api/v1/trade/offers", SIGNED_IN, note="a list filtered to what the caller sees"),
    E(
        "POST /api/v1/trade/offers",
        {PRODUCER_A},
        data=lambda w: {"product": w.catalog_listed.code, "capacity_per_month": "50", "unit": "bộ"},
        expect={PRODUCER_B: OK},
        note="producer B asking for producer A's product gets 422 'choose one of your "
        "products', the same answer as for an unknown code (nothing leaks, nothing is made)",
    ),
    E("GET /api/v1/trade/offers/{code}", OFFER_READERS, kwargs=_code("trade_offer")),
    E(
        "PATCH /api/v1/trade/offers/{code}",
        {PRODUCER_A},
        kwargs=_code("trade_offer"),
        data={"note": "Giao hàng trong 7 ngày."},
    ),
    E(
        "POST /api/v1/trade/offers/{code}/status",
        {PRODUCER_A},
        kwargs=_code("trade_offer"),
        data={"status": "open"},
    ),
    E(
        "GET /api/v1/trade/connections",
        SIGNED_IN,
        note="a list filtered to what the caller sees",
    ),
    E(
        "POST /api/v1/trade/connections",
        {BUYER},
        data=lambda w: {"product": w.catalog_listed.code, "message": "Xin báo giá 100 bộ."},
    ),
    E("GET /api/v1/trade/connections/{code}", CONNECTION_READERS, kwargs=_code("trade_connection")),
    E(
        "POST /api/v1/trade/connections/{code}/status",
        PARTIES,
        kwargs=_code("trade_connection"),
        data={"status": "contacted"},
    ),
]
