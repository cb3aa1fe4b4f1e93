"""What the tests of the product and producer pages share: points of sale, store links, the
visible text of a page, the JSON-LD of a page."""

from __future__ import annotations

import html
import json
import re
from typing import Any

from ocop.trade.enums import PointOfSaleKind, PointOfSaleStatus, StorePlatform
from ocop.trade.models import PointOfSale, PointOfSaleProduct, StoreLink
from tests.factories.geo import CommuneFactory

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def point_of_sale(*products: Any, commune: Any = None, **fields: Any) -> PointOfSale:
    """A point of sale (open unless told) carrying `products`."""
    values: dict[str, Any] = {
        "kind": PointOfSaleKind.OCOP_POINT,
        "name": "Điểm giới thiệu sản phẩm OCOP Hoàn Kiếm",
        "address": "12 Hàng Bạc",
        "opening_hours": "8:00–21:00 hằng ngày",
        "status": PointOfSaleStatus.OPEN,
        **fields,
    }
    point = PointOfSale.objects.create(commune=commune or CommuneFactory(), **values)
    for product in products:
        PointOfSaleProduct.objects.create(point=point, product=product)
    return point


def store_link(product: Any, url: str, platform: str = StorePlatform.SHOPEE, **fields) -> StoreLink:
    return StoreLink.objects.create(product=product, url=url, platform=platform, **fields)


def text_of(response: Any) -> str:
    """The visible text of a page (head and data blocks removed), spaces squeezed."""
    content = response.content.decode()
    content = re.sub(r"<head>.*?</head>", " ", content, flags=re.S)
    content = re.sub(r"<[^>]+>", " ", content)
    return " ".join(html.unescape(content).split())


def json_ld_of(response: Any) -> list[dict[str, Any]]:
    """The schema.org data blocks of a page, parsed."""
    return [json.loads(block) for block in JSON_LD.findall(response.content.decode())]


def meta(response: Any, prop: str) -> str | None:
    """The content of `<meta property="prop">` (or name=), unescaped."""
    content = response.content.decode()
    match = re.search(rf'<meta (?:property|name)="{re.escape(prop)}" content="([^"]*)"', content)
    return html.unescape(match.group(1)) if match else None
