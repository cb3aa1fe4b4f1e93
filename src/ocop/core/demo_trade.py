"""The supply–demand board part of the Hà Nội demo (issue 7): buyers, demands with real matches
among the demo products, offers, and connections in every status. Built only through the
services, after the catalogue part (inside `load_demo`'s transaction); everything is looked up
before it is made, so a second run adds nothing.

- **Buyers.** The demo `buyer` account's organisation (Công ty CP Phân phối Nông sản Sạch Thủ
  Đô) registers as a supermarket chain and the office approves it; `buyer2` registers an exporter
  (approved); `buyer3` a restaurant by the West Lake, still waiting for the office's approval
  (the office's queue at /ket-noi/nguoi-mua/?status=pending). The two accounts are created here,
  with the demo password.
- **Offers.** producer2 offers its lotus tea and tea bags, producer1 its set of cups and its
  blue-painted vase.
- **Demands.** Lotus tea for the Tết baskets (the lotus tea, 4★, is the first match — it holds a
  certificate in force even before the catalogue part); silk scarves for corporate gifts (the Vạn
  Phúc scarf); Bát Tràng ceramics for a souvenir counter; crafts and lotus tea for export (the
  exporter asks HACCP: the lotus tea's offer shows it missing); Diễn pomelos for the Mid-Autumn
  festival (already closed).
- **Connections.** One in each status: a deal (lotus tea), closed without a deal (the cups),
  sample sent (lotus tea for export), contacted (crafts for export), new (silk scarves), moved
  by the producer and the buyer through `change_connection_status`.

Dates follow the day the demo is loaded (a demand cannot start in the past), codes come from a
generator seeded here (`TRADE_SEED`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ocop.accounts.models import Organisation, User

TRADE_SEED = 2611


@dataclass(frozen=True)
class DemoBuyer:
    username: str
    full_name: str
    organisation: str | None  # key of ORGANISATIONS (the demo's own buyer organisation)
    kind: str
    name: str
    tax_code: str
    address: str
    commune: str
    contact: str
    phone: str
    website: str
    description: str
    approve: bool


BUYERS: tuple[DemoBuyer, ...] = (
    DemoBuyer(
        "buyer",
        "Đặng Quang Minh",
        "buyer",
        "supermarket_chain",
        "Công ty CP Phân phối Nông sản Sạch Thủ Đô",
        "0109876557",
        "Số 18 phố Phan Đình Phùng",
        "c00004",
        "Đặng Quang Minh",
        "0243 823 4567",
        "https://sachthudo.example.vn",
        "Chuỗi 14 siêu thị mini Sạch Thủ Đô ở các phường nội thành Hà Nội; quầy đặc sản OCOP "
        "ở mỗi siêu thị, giỏ quà Tết cho doanh nghiệp.",
        True,
    ),
    DemoBuyer(
        "buyer2",
        "Phạm Thị Thu Hà",
        None,
        "exporter",
        "Công ty TNHH Xuất nhập khẩu Việt Hà",
        "0108765438",
        "Tầng 9, số 25 phố Lý Thường Kiệt",
        "c00070",
        "Phạm Thị Thu Hà",
        "0912 456 789",
        "https://viethaexport.example.vn",
        "Xuất khẩu hàng thủ công mỹ nghệ và đặc sản Việt Nam sang Nhật Bản, Hàn Quốc và châu Âu.",
        True,
    ),
    DemoBuyer(
        "buyer3",
        "Lưu Văn Sen",
        None,
        "restaurant",
        "Nhà hàng Sen Hồ Tây",
        "",
        "Số 6 đường Xuân Diệu",
        "c00103",
        "Lưu Văn Sen",
        "0987 654 321",
        "",
        "Nhà hàng món Hà Nội bên Hồ Tây, 120 chỗ; cần trà sen và đặc sản OCOP cho thực đơn.",
        False,
    ),
)


@dataclass(frozen=True)
class DemoOffer:
    owner: str
    product: str
    capacity: str
    unit: str
    price: tuple[int, int]
    season: tuple[int, ...] = ()
    certifications: tuple[str, ...] = ()
    note: str = ""


OFFERS: tuple[DemoOffer, ...] = (
    DemoOffer(
        "producer2",
        "Trà ướp sen Tây Hồ",
        "150",
        "hộp",
        (450_000, 1_200_000),
        certifications=("food_safety",),
        note="Hộp 100 g và 200 g; ướp bằng sen Bách Diệp Hồ Tây, giao trong nội thành.",
    ),
    DemoOffer(
        "producer2",
        "Trà sen túi lọc",
        "400",
        "hộp",
        (85_000, 120_000),
        certifications=("food_safety",),
    ),
    DemoOffer(
        "producer1",
        "Bộ ấm chén men rạn",
        "120",
        "bộ",
        (350_000, 900_000),
        note="Nhận in logo doanh nghiệp lên hộp quà từ 50 bộ.",
    ),
    DemoOffer("producer1", "Bình gốm men lam vẽ tay", "60", "cái", (650_000, 2_500_000)),
)


@dataclass(frozen=True)
class DemoConnection:
    buyer: str
    product: str
    message: str
    moves: tuple[tuple[str, str, str], ...] = ()  # (username, to, note)


@dataclass(frozen=True)
class DemoDemand:
    buyer: str  # username
    title: str
    group: str
    keywords: str
    quantity: str
    unit: str
    starts_in: int  # days from today
    days: int
    delivery: tuple[str, ...] = ()
    min_stars: int | None = None
    certifications: tuple[str, ...] = ()
    description: str = ""
    closed: bool = False
    connections: tuple[DemoConnection, ...] = field(default_factory=tuple)


DEMANDS: tuple[DemoDemand, ...] = (
    DemoDemand(
        "buyer",
        "Trà sen Tây Hồ cho giỏ quà Tết Bính Ngọ",
        "I.5",
        "trà sen, trà ướp sen",
        "300",
        "hộp",
        7,
        60,
        delivery=("c00004", "c00103"),
        min_stars=3,
        description="Hộp 100–200 g, có tem truy xuất; giao về kho Ba Đình trước ngày 15 tháng Chạp.",
        connections=(
            DemoConnection(
                "buyer",
                "Trà ướp sen Tây Hồ",
                "Chào chị Sen, siêu thị Sạch Thủ Đô cần 300 hộp trà ướp sen cho giỏ quà Tết. "
                "Chị gửi giúp báo giá hộp 100 g và 200 g nhé.",
                (
                    ("producer2", "contacted", "Đã gọi điện, gửi báo giá qua e-mail."),
                    ("producer2", "sample_sent", "Đã gửi 5 hộp mẫu về kho Ba Đình."),
                    (
                        "buyer",
                        "deal",
                        "Đặt 300 hộp 200 g, giá 980.000 đ/hộp, giao hai đợt trong tháng Chạp.",
                    ),
                ),
            ),
        ),
    ),
    DemoDemand(
        "buyer",
        "Khăn lụa tơ tằm làm quà tặng doanh nghiệp",
        "IV.2",
        "khăn lụa, lụa tơ tằm",
        "500",
        "cái",
        10,
        45,
        min_stars=4,
        connections=(
            DemoConnection(
                "buyer",
                "Khăn lụa tơ tằm vân hoa",
                "Chúng tôi cần 500 khăn lụa vân hoa đóng hộp làm quà cho khách hàng doanh "
                "nghiệp. Xin cho biết giá và thời gian giao.",
            ),
        ),
    ),
    DemoDemand(
        "buyer",
        "Gốm Bát Tràng cho quầy quà lưu niệm",
        "IV.1",
        "gốm, ấm chén",
        "200",
        "bộ",
        14,
        90,
        delivery=("c00565",),
        connections=(
            DemoConnection(
                "buyer",
                "Bộ ấm chén men rạn",
                "Siêu thị muốn bày bộ ấm chén men rạn ở quầy quà lưu niệm, 200 bộ trong quý I.",
                (
                    ("producer1", "contacted", "Đã trao đổi qua điện thoại."),
                    ("buyer", "closed_no_deal", "Giá chưa phù hợp với quầy lưu niệm; hẹn năm sau."),
                ),
            ),
        ),
    ),
    DemoDemand(
        "buyer2",
        "Hàng thủ công mỹ nghệ xuất khẩu sang Nhật Bản",
        "IV.1",
        "khảm trai, gốm, hương trầm",
        "1000",
        "cái",
        30,
        180,
        min_stars=3,
        description="Đơn hàng cho hội chợ quà tặng Tokyo; cần mẫu trước khi ký hợp đồng.",
        connections=(
            DemoConnection(
                "buyer2",
                "Bình gốm men lam vẽ tay",
                "Việt Hà cần bình gốm men lam vẽ tay cho đơn hàng xuất khẩu sang Nhật Bản, "
                "khoảng 300 chiếc.",
                (("producer1", "contacted", "Hẹn khách xem xưởng ngày thứ Bảy."),),
            ),
        ),
    ),
    DemoDemand(
        "buyer2",
        "Trà sen xuất khẩu",
        "I.5",
        "trà sen",
        "2",
        "tấn",
        21,
        120,
        min_stars=4,
        certifications=("haccp",),
        connections=(
            DemoConnection(
                "buyer2",
                "Trà ướp sen Tây Hồ",
                "Việt Hà có khách Nhật Bản cần trà ướp sen. Cơ sở có chứng nhận HACCP chưa? "
                "Xin gửi mẫu và hồ sơ.",
                (
                    ("producer2", "contacted", "Đang làm hồ sơ HACCP, dự kiến xong quý II."),
                    ("producer2", "sample_sent", "Đã gửi mẫu qua chuyển phát."),
                ),
            ),
        ),
    ),
    DemoDemand(
        "buyer",
        "Bưởi Diễn dịp Trung thu",
        "I.1",
        "bưởi diễn",
        "2",
        "tấn",
        3,
        30,
        closed=True,
    ),
)


def load_trade_demo(
    *, users: dict[str, User], organisations: dict[str, Organisation]
) -> dict[str, int]:
    """The board's demo (inside `load_demo`'s transaction); what it made."""
    from ocop.core.codes import repeatable_codes

    with repeatable_codes(TRADE_SEED):
        return _load(users=users, organisations=organisations)


def _load(*, users: dict[str, User], organisations: dict[str, Organisation]) -> dict[str, int]:
    from ocop.catalog.services.index import rebuild_catalog
    from ocop.trade.models import Buyer, Connection, Demand, Offer

    # The catalogue's rows are written on commit, after the whole demo: write them now, so that
    # the matching sees the products certified by the earlier parts.
    rebuild_catalog()

    before = {
        "trade_buyers": Buyer.objects.count(),
        "trade_offers": Offer.objects.count(),
        "trade_demands": Demand.objects.count(),
        "trade_connections": Connection.objects.count(),
    }
    people = dict(users)
    buyers = {spec.username: _buyer(spec, people, organisations) for spec in BUYERS}
    for spec in OFFERS:
        _offer(spec, people)
    for spec in DEMANDS:
        buyer = buyers.get(spec.buyer)
        if buyer is not None and buyer.status == "active":
            _demand(spec, buyer, people)
    return {
        "trade_buyers": Buyer.objects.count() - before["trade_buyers"],
        "trade_offers": Offer.objects.count() - before["trade_offers"],
        "trade_demands": Demand.objects.count() - before["trade_demands"],
        "trade_connections": Connection.objects.count() - before["trade_connections"],
    }


def _buyer(spec: DemoBuyer, people: dict[str, User], organisations: dict[str, Organisation]) -> Any:
    from ocop.core.demo import DEMO_PASSWORD
    from ocop.geo.models import AdministrativeUnit
    from ocop.trade.enums import BuyerStatus
    from ocop.trade.models import Buyer
    from ocop.trade.services.buyers import change_buyer_status, register_buyer

    user = people.get(spec.username) or User.objects.filter(username=spec.username).first()
    if user is not None:
        existing = Buyer.objects.filter(organisation__memberships__user=user).first()
        if existing is not None:
            people[spec.username] = user
            return existing
    data = {
        "kind": spec.kind,
        "name": spec.name,
        "tax_code": spec.tax_code,
        "address": spec.address,
        "commune": AdministrativeUnit.objects.filter(key=spec.commune).first(),
        "contact_name": spec.contact,
        "phone": spec.phone,
        "email": f"{spec.username}@ocop-demo.vn",
        "website": spec.website,
        "description": spec.description,
    }
    if user is not None:
        buyer = register_buyer(actor=user, data=data)
    else:
        buyer = register_buyer(
            actor=None,
            data=data,
            account={
                "username": spec.username,
                "password": DEMO_PASSWORD,
                "email": f"{spec.username}@ocop-demo.vn",
                "full_name": spec.full_name,
            },
        )
        user = buyer.created_by
    assert user is not None
    people[spec.username] = user
    if spec.approve:
        buyer = change_buyer_status(actor=people["office"], buyer=buyer, to=BuyerStatus.ACTIVE)
    return buyer


def _product(name: str) -> Any:
    from ocop.products.models import Product

    return Product.objects.select_related("producer").filter(name=name).order_by("pk").first()


def _offer(spec: DemoOffer, people: dict[str, User]) -> None:
    from ocop.trade.models import Offer
    from ocop.trade.services.offers import create_offer

    product = _product(spec.product)
    if product is None or Offer.objects.filter(product=product).exists():
        return
    create_offer(
        actor=people[spec.owner],
        product=product,
        data={
            "capacity_per_month": Decimal(spec.capacity),
            "unit": spec.unit,
            "season_months": list(spec.season),
            "price_min": Decimal(spec.price[0]),
            "price_max": Decimal(spec.price[1]),
            "delivery_units": [],
            "certifications": list(spec.certifications),
            "note": spec.note,
        },
    )


def _demand(spec: DemoDemand, buyer: Any, people: dict[str, User]) -> None:
    from django.utils import timezone

    from ocop.geo.models import AdministrativeUnit
    from ocop.trade.enums import DemandStatus
    from ocop.trade.models import Demand
    from ocop.trade.services.demands import change_demand_status, create_demand

    demand = Demand.objects.filter(buyer=buyer, title=spec.title).first()
    if demand is None:
        start = timezone.localdate() + dt.timedelta(days=spec.starts_in)
        demand = create_demand(
            actor=people[spec.buyer],
            data={
                "title": spec.title,
                "group_code": spec.group,
                "keywords": spec.keywords,
                "quantity": Decimal(spec.quantity),
                "unit": spec.unit,
                "period_start": start,
                "period_end": start + dt.timedelta(days=spec.days),
                "delivery_units": list(AdministrativeUnit.objects.filter(key__in=spec.delivery)),
                "min_stars": spec.min_stars,
                "certifications": list(spec.certifications),
                "description": spec.description,
            },
        )
        for connection in spec.connections:
            _connection(connection, demand, people)
        if spec.closed:
            change_demand_status(actor=people[spec.buyer], demand=demand, to=DemandStatus.CLOSED)


def _connection(spec: DemoConnection, demand: Any, people: dict[str, User]) -> None:
    from ocop.trade.services.connections import change_connection_status, request_connection

    product = _product(spec.product)
    if product is None:
        return
    from ocop.catalog.queries.listing import listed_entries
    from ocop.trade.queries.board import open_offers

    if (
        not listed_entries().filter(product=product).exists()
        and not open_offers().filter(product=product).exists()
    ):
        return  # not on the board in this database (a certificate expired, no offer)
    connection, created = request_connection(
        actor=people[spec.buyer], message=spec.message, product=product, demand=demand
    )
    if not created:
        return
    for username, to, note in spec.moves:
        change_connection_status(actor=people[username], connection=connection, to=to, note=note)
