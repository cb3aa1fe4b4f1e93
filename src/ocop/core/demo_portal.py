"""The portal part of the Hà Nội demo (issue 7): points of sale, store links, news and
announcements, featured products. Built only through the services, after the catalogue demo has
certified the demo products (it also works when only the three products listed by the history
demo are in the catalogue: every point then carries what is listed).

- 8 points of sale in 8 communes and wards (real units of the gazetteer, invented names and
  addresses): three OCOP introduction and sales points (Hoàn Kiếm, Bát Tràng, Tây Hồ), two
  supermarkets of the demo's buyer (run by it when the board's demo has registered it), two
  shops, and a fair that runs from two days before the demo was loaded to twelve days after;
  each carries the listed products it would sell;
- store links for four products, on example paths (`/vi-du-ocop-demo/…`) of shopee.vn, tiki.vn
  and postmart.vn;
- 6 articles: a news item, the opening of a sales point, the call for the 2027 round (its
  deadline 45 days after the load), the 2026 round 2 call (closed 30 days before the load), the
  announcement of the 2026 results (linked to the public results), and a withdrawn article that
  the public never sees;
- up to 4 featured products (those of `FEATURED` that are listed).

Everything is looked up before it is made: a second run adds nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from ocop.accounts.models import Organisation, User

# name, kind, commune key, address, opening hours, phone, latitude, longitude, products carried
# ("*": every listed product), run by the demo's buyer.


@dataclass(frozen=True)
class DemoPoint:
    name: str
    kind: str
    commune: str
    address: str
    opening_hours: str
    phone: str
    position: tuple[str, str] | None
    products: tuple[str, ...]  # product names; ("*",): every listed product
    run_by_buyer: bool = False
    fair: bool = False


FOOD = (
    "Trà ướp sen Tây Hồ",
    "Trà sen túi lọc",
    "Mơ muối Hương Sơn",
    "Rượu mơ Hương Sơn",
    "Sữa chua nếp cẩm Ba Vì",
    "Giò lụa Ước Lễ",
    "Chả quế Ước Lễ",
    "Bưởi Diễn",
)
CRAFTS = (
    "Bình gốm men lam vẽ tay",
    "Bộ ấm chén men rạn",
    "Đĩa gốm trang trí men ngọc",
    "Tranh khảm trai phong cảnh",
    "Hộp trang sức khảm trai",
    "Khăn lụa tơ tằm vân hoa",
    "Hương vòng trầm",
)
POINTS: list[DemoPoint] = [
    DemoPoint(
        "Điểm giới thiệu và bán sản phẩm OCOP Hoàn Kiếm",
        "ocop_point",
        "c00070",
        "Số 15 phố Hàng Thử Nghiệm (địa chỉ minh họa)",
        "8:00–21:30 hằng ngày",
        "024 3825 1234",
        ("21.028511", "105.852400"),
        ("*",),
    ),
    DemoPoint(
        "Điểm giới thiệu sản phẩm OCOP làng gốm Bát Tràng",
        "ocop_point",
        "c00577",
        "Khu chợ gốm, thôn 3, xã Bát Tràng (địa chỉ minh họa)",
        "7:30–18:00 hằng ngày",
        "0912 000 101",
        ("20.975900", "105.912600"),
        CRAFTS,
    ),
    DemoPoint(
        "Điểm bán sản phẩm OCOP ven Hồ Tây",
        "ocop_point",
        "c00103",
        "Số 2 đường Ven Hồ Minh Họa, phường Tây Hồ",
        "8:00–20:00, nghỉ thứ Hai",
        "0912 000 102",
        ("21.065000", "105.818000"),
        ("Trà ướp sen Tây Hồ", "Trà sen túi lọc", "Khăn lụa tơ tằm vân hoa", "Hương vòng trầm"),
    ),
    DemoPoint(
        "Siêu thị Nông sản Sạch Thủ Đô – Cầu Giấy",
        "supermarket",
        "c00166",
        "Tầng 1, tòa nhà Minh Họa, phường Cầu Giấy",
        "7:00–22:00 hằng ngày",
        "024 3999 0001",
        None,
        FOOD,
        run_by_buyer=True,
    ),
    DemoPoint(
        "Siêu thị Nông sản Sạch Thủ Đô – Long Biên",
        "supermarket",
        "c00145",
        "Số 100 đường Minh Họa, phường Long Biên",
        "7:00–22:00 hằng ngày",
        "024 3999 0002",
        None,
        FOOD,
        run_by_buyer=True,
    ),
    DemoPoint(
        "Cửa hàng Đặc sản Hà Thành",
        "shop",
        "c09556",
        "Số 5 phố Minh Họa, phường Hà Đông",
        "8:00–21:00 hằng ngày",
        "0912 000 103",
        None,
        ("Khăn lụa tơ tằm vân hoa", "Hương vòng trầm", "Giò lụa Ước Lễ", "Chả quế Ước Lễ"),
    ),
    DemoPoint(
        "Cửa hàng Quà quê xứ Đoài",
        "shop",
        "c09574",
        "Số 9 phố Minh Họa, phường Sơn Tây",
        "7:30–20:30 hằng ngày",
        "0912 000 104",
        None,
        ("Mơ muối Hương Sơn", "Rượu mơ Hương Sơn", "Sữa chua nếp cẩm Ba Vì", "Hương vòng trầm"),
    ),
    DemoPoint(
        "Hội chợ sản phẩm OCOP Hà Nội (minh họa)",
        "fair",
        "c00004",
        "Khu triển lãm Minh Họa, phường Ba Đình",
        "9:00–21:00",
        "024 3999 0003",
        ("21.036000", "105.834000"),
        ("*",),
        fair=True,
    ),
]
FAIR_STARTS, FAIR_ENDS = -2, 12  # days from the load
FALLBACK_PRODUCTS = 2  # a point none of whose products is listed carries the first listed ones

# product name, platform, example address (clearly not a real shop page)
STORE_LINKS: list[tuple[str, str, str]] = [
    ("Trà ướp sen Tây Hồ", "shopee", "https://shopee.vn/vi-du-ocop-demo/tra-uop-sen-tay-ho"),
    ("Trà ướp sen Tây Hồ", "tiki", "https://tiki.vn/vi-du-ocop-demo/tra-uop-sen-tay-ho"),
    ("Trà sen túi lọc", "postmart", "https://postmart.vn/vi-du-ocop-demo/tra-sen-tui-loc"),
    ("Khăn lụa tơ tằm vân hoa", "shopee", "https://shopee.vn/vi-du-ocop-demo/khan-lua-van-phuc"),
    ("Bình gốm men lam vẽ tay", "tiki", "https://tiki.vn/vi-du-ocop-demo/binh-gom-men-lam"),
]

FEATURED = (
    "Trà ướp sen Tây Hồ",
    "Bình gốm men lam vẽ tay",
    "Khăn lụa tơ tằm vân hoa",
    "Giò lụa Ước Lễ",
    "Hương vòng trầm",
    "Mơ muối Hương Sơn",
)
FEATURED_COUNT = 4


@dataclass(frozen=True)
class DemoArticle:
    key: str
    kind: str
    title: str
    summary: str
    body: str
    deadline_days: int | None = None  # from the load
    results_year: int | None = None
    round: tuple[int, int] | None = None  # (year, number) of a demo round, when it exists
    final_status: str = "published"


# In the order they are published (the last is the newest).
ARTICLES: list[DemoArticle] = [
    DemoArticle(
        "results-2026",
        "result",
        "Công bố kết quả đánh giá, phân hạng sản phẩm OCOP Thành phố Hà Nội năm 2026 (đợt 1)",
        "Ủy ban nhân dân Thành phố công nhận các sản phẩm đạt 3 sao và 4 sao của đợt 1 năm 2026.",
        "Ngày 30/6/2026, Ủy ban nhân dân Thành phố Hà Nội ban hành Quyết định 45/QĐ-UBND công "
        "nhận kết quả đánh giá, phân hạng sản phẩm OCOP đợt 1 năm 2026.\n\n"
        "Trong đợt này, sản phẩm Trà ướp sen Tây Hồ của Công ty TNHH Trà sen Quảng An đạt 4 "
        "sao.\n\n"
        "Danh sách đầy đủ các sản phẩm được công nhận có trên trang Kết quả của nền tảng. "
        "(Bài viết minh họa của dữ liệu thử.)",
        results_year=2026,
    ),
    DemoArticle(
        "call-2026-2",
        "call",
        "Thông báo tiếp nhận hồ sơ đánh giá sản phẩm OCOP năm 2026 (đợt 2)",
        "Các chủ thể nộp hồ sơ qua Ủy ban nhân dân cấp xã; hạn nộp đã kết thúc.",
        "Văn phòng Điều phối nông thôn mới Thành phố thông báo tiếp nhận hồ sơ đề nghị đánh giá, "
        "phân hạng sản phẩm OCOP đợt 2 năm 2026.\n\n"
        "Hồ sơ gồm Phiếu đăng ký (Mẫu 01), Phiếu tự đánh giá (Mẫu 02) và các tài liệu minh "
        "chứng, nộp tại Ủy ban nhân dân cấp xã hoặc trực tiếp trên nền tảng. "
        "(Bài viết minh họa của dữ liệu thử.)",
        deadline_days=-30,
        round=(2026, 2),
    ),
    DemoArticle(
        "news-ecommerce",
        "news",
        "Hà Nội đẩy mạnh đưa sản phẩm OCOP lên sàn thương mại điện tử",
        "Các chủ thể OCOP được hỗ trợ mở gian hàng trên các sàn thương mại điện tử.",
        "Năm 2026, Thành phố tiếp tục hỗ trợ các chủ thể OCOP mở gian hàng trên các sàn "
        "thương mại điện tử và kết nối với các chuỗi siêu thị.\n\n"
        "Trên trang của mỗi sản phẩm OCOP, người mua thấy các điểm bán và liên kết tới gian "
        "hàng trực tuyến của chủ thể. Nền tảng chỉ dẫn liên kết, không bán hàng. "
        "(Bài viết minh họa của dữ liệu thử.)",
    ),
    DemoArticle(
        "news-point",
        "news",
        "Khai trương Điểm giới thiệu và bán sản phẩm OCOP Hoàn Kiếm",
        "Điểm bán mới giới thiệu các sản phẩm OCOP còn hiệu lực của Hà Nội.",
        "Điểm giới thiệu và bán sản phẩm OCOP Hoàn Kiếm mở cửa từ 8:00 đến 21:30 hằng ngày.\n"
        "Danh sách các điểm bán có trên trang Điểm bán của nền tảng. "
        "(Bài viết minh họa của dữ liệu thử.)",
    ),
    DemoArticle(
        "withdrawn",
        "news",
        "Lịch hội chợ OCOP (bản đã thu hồi)",
        "",
        "Bài viết này đã được thu hồi: người xem không thấy nó trên trang tin tức.",
        final_status="withdrawn",
    ),
    DemoArticle(
        "call-2027",
        "call",
        "Thông báo đăng ký tham gia đánh giá, phân hạng sản phẩm OCOP năm 2027 (đợt 1)",
        "Các chủ thể đăng ký sản phẩm tham gia đánh giá OCOP năm 2027 trước hạn nộp hồ sơ.",
        "Văn phòng Điều phối nông thôn mới Thành phố Hà Nội đề nghị các chủ thể có sản phẩm "
        "đủ điều kiện đăng ký tham gia đánh giá, phân hạng sản phẩm OCOP năm 2027 (đợt 1).\n\n"
        "Chủ thể đăng ký tài khoản trên nền tảng, tự đánh giá sản phẩm theo bộ tiêu chí của "
        "Quyết định 26/2026 và nộp hồ sơ trước hạn. "
        "(Bài viết minh họa của dữ liệu thử.)",
        deadline_days=45,
    ),
]


def load_portal_demo(
    *, users: dict[str, User], organisations: dict[str, Organisation]
) -> dict[str, int]:
    """Points of sale, store links, articles and featured products of the demo; what it made."""
    from ocop.catalog.services.index import rebuild_catalog  # leaf: the demo's own imports

    # The rows of the products certified earlier in the same transaction (their signals wait
    # for the commit).
    rebuild_catalog()
    office = users["office"]
    today = timezone.localdate()
    points, carried = _points(office, organisations, today)
    return {
        "points_of_sale": points,
        "point_products": carried,
        "store_links": _store_links(office),
        "articles": _articles(office, today),
        "featured": _featured(office),
    }


def _listed_products() -> dict[str, Any]:
    from ocop.catalog.queries.listing import listed_entries

    return {
        entry.product.name: entry.product
        for entry in listed_entries().order_by("name_folded", "product_id")
    }


def _points(
    office: User, organisations: dict[str, Organisation], today: dt.date
) -> tuple[int, int]:
    from ocop.geo.models import AdministrativeUnit
    from ocop.trade.enums import BuyerStatus
    from ocop.trade.models import Buyer, PointOfSale, PointOfSaleProduct
    from ocop.trade.services.points import (
        add_point_product,
        create_point_of_sale,
        update_point_of_sale,
    )

    listed = _listed_products()
    org = organisations.get("buyer")
    buyer = (
        Buyer.objects.filter(organisation=org, status=BuyerStatus.ACTIVE).first() if org else None
    )
    made = carried = 0
    for spec in POINTS:
        point = PointOfSale.objects.filter(name=spec.name).first()
        if point is None:
            data: dict[str, Any] = {
                "kind": spec.kind,
                "name": spec.name,
                "address": spec.address,
                "commune": AdministrativeUnit.objects.get(key=spec.commune),
                "opening_hours": spec.opening_hours,
                "phone": spec.phone,
                "operator_name": "Văn phòng Điều phối nông thôn mới TP Hà Nội"
                if spec.kind in ("ocop_point", "fair")
                else "",
                "buyer": buyer if spec.run_by_buyer else None,
            }
            if spec.position:
                data["latitude"], data["longitude"] = spec.position
            if spec.fair:
                data["starts_on"] = today + dt.timedelta(days=FAIR_STARTS)
                data["ends_on"] = today + dt.timedelta(days=FAIR_ENDS)
            point = create_point_of_sale(actor=office, data=data)
            made += 1
        elif spec.run_by_buyer and buyer is not None and point.buyer_id is None:
            # The board's demo registered the buyer after this demo first ran.
            update_point_of_sale(actor=office, point=point, data={"buyer": buyer})
        wanted = (
            list(listed) if spec.products == ("*",) else [n for n in spec.products if n in listed]
        )
        if not wanted:
            wanted = list(listed)[:FALLBACK_PRODUCTS]
        have = set(
            PointOfSaleProduct.objects.filter(point=point).values_list("product__name", flat=True)
        )
        for name in wanted:
            if name not in have:
                add_point_product(actor=office, point=point, product=listed[name])
                carried += 1
    return made, carried


def _store_links(office: User) -> int:
    from ocop.products.models import Product
    from ocop.trade.models import StoreLink
    from ocop.trade.services.store_links import add_store_link

    made = 0
    for name, platform, url in STORE_LINKS:
        product = Product.objects.filter(name=name).first()
        if product is None or StoreLink.objects.filter(product=product, url=url).exists():
            continue
        add_store_link(actor=office, product=product, platform=platform, url=url)
        made += 1
    return made


def _articles(office: User, today: dt.date) -> int:
    from ocop.catalog.enums import ArticleStatus
    from ocop.catalog.models import Article
    from ocop.catalog.services.news import change_article_status, create_article
    from ocop.evaluation.models import Round

    made = 0
    for spec in ARTICLES:
        if Article.objects.filter(title=spec.title).exists():
            continue
        found_round = None
        if spec.round is not None:
            year, number = spec.round
            found_round = Round.objects.filter(year=year, number=number).order_by("pk").first()
        article = create_article(
            actor=office,
            data={
                "kind": spec.kind,
                "title": spec.title,
                "summary": spec.summary,
                "body": spec.body,
                "deadline": None
                if spec.deadline_days is None
                else today + dt.timedelta(days=spec.deadline_days),
                "results_year": spec.results_year,
                "round": found_round,
            },
        )
        change_article_status(actor=office, article=article, to=ArticleStatus.PUBLISHED)
        if spec.final_status == ArticleStatus.WITHDRAWN:
            change_article_status(actor=office, article=article, to=ArticleStatus.WITHDRAWN)
        made += 1
    return made


def _featured(office: User) -> int:
    from ocop.catalog.models import FeaturedProduct
    from ocop.catalog.services.featured import feature_product

    listed = _listed_products()
    made = 0
    for name in FEATURED:
        if FeaturedProduct.objects.count() >= FEATURED_COUNT:
            break
        product = listed.get(name)
        if product is None or FeaturedProduct.objects.filter(product=product).exists():
            continue
        feature_product(actor=office, product=product)
        made += 1
    return made
