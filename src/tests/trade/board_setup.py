"""What the board's tests share (import the fixtures into a test module to use them).

`board(cast)`: on top of the cast,
- `cast.buyer`'s organisation gets an ACTIVE buyer (`board.buyer`, its user `board.buyer_user`);
  another active buyer (`board.other_buyer`, user `board.other_user`) and a PENDING one
  (`board.pending_buyer`, user `board.pending_user`);
- the product group "I.5 Chè" (a group of a published test criteria set, so a demand may ask for
  it) and "IV.1 Thủ công mỹ nghệ";
- producer2's lotus tea listed 4★ in group I.5 (`board.lotus`, a CatalogEntry);
- producer1's product (`cast.product1`) offered on the board, uncertified (`board.offer`).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import translation

from tests.factories.catalog import classification_group, listed_product
from tests.factories.trade import OfferFactory, buyer_and_user, buyer_for

TEA = ("I.5", "Chè")
CRAFTS = ("IV.1", "Thủ công mỹ nghệ gia dụng, trang trí")


@dataclass
class Board:
    cast: Any
    buyer: Any
    buyer_user: Any
    other_buyer: Any
    other_user: Any
    pending_buyer: Any
    pending_user: Any
    tea: Any
    crafts: Any
    lotus: Any
    offer: Any


@pytest.fixture
def board(cast) -> Board:
    tea = classification_group(*TEA, category=("I", "Thực phẩm"))
    crafts = classification_group(*CRAFTS, category=("IV", "Thủ công mỹ nghệ"))
    buyer = buyer_for(cast.buyer, name="Siêu thị Sạch Thủ Đô")
    other_buyer, other_user = buyer_and_user(name="Công ty Xuất khẩu Việt Hà", kind="exporter")
    pending_buyer, pending_user = buyer_and_user(name="Nhà hàng Sen", status="pending")
    lotus = listed_product(name="Trà ướp sen Tây Hồ", producer=cast.prod2, group=tea, stars=4)
    cast.product1.classification = crafts
    cast.product1.save()
    offer = OfferFactory(product=cast.product1, unit="bộ")
    return Board(
        cast=cast,
        buyer=buyer,
        buyer_user=cast.buyer,
        other_buyer=other_buyer,
        other_user=other_user,
        pending_buyer=pending_buyer,
        pending_user=pending_user,
        tea=tea,
        crafts=crafts,
        lotus=lotus,
        offer=offer,
    )


@pytest.fixture
def english():
    """Messages in English while the test runs (the services translate when they raise)."""
    with translation.override("en"):
        yield


def messages_of(exc: Any) -> dict[str, list[str]]:
    """A ValidationError's messages by field, in English."""
    with translation.override("en"):
        return {key: [str(m) for m in value] for key, value in exc.message_dict.items()}


def text_of(response: Any) -> str:
    content = response.content.decode()
    content = re.sub(r"<head>.*?</head>", " ", content, flags=re.S)
    content = re.sub(r"<[^>]+>", " ", content)
    return " ".join(html.unescape(content).split())
