"""The catalogue part of the Hà Nội demo (issue 7): enough certified products that the public
catalogue, the product pages and the producer pages are worth browsing. Built only through the
services, after the history and traceability demos (inside `load_demo`'s transaction).

Before this part, three demo products hold a certificate in force (the lotus tea, the Vạn Phúc
silk scarf, the Quảng Phú Cầu incense). Here the office records the paper certificates of eight
more (`record_certificate`: decisions taken before the platform, under QĐ 148/2023), so that 11 of
the 19 demo products are listed:

- a spread of stars: 3★ and 4★ by the city's decisions, and one 5★ by the Ministry of
  Agriculture and Environment (`Authority.CENTRAL`: a 5★ recognition is a national decision);
- decisions of December 2023 (the same decision as the silk scarf, so it reads "expiring" in
  December 2026 too), 2024, 2025 and March 2026, each valid 36 months;
- producers in seven communes (Bát Tràng, Chuyên Mỹ, Hương Sơn, Ba Vì, Bình Minh, Phú Diễn, and
  Tây Hồ, Hà Đông, Ứng Thiên before this part);
- Vietnamese GTINs (prefix 893, GS1 check digit) for four products that have no GTIN (the
  traceability demo gives platform GTINs to five others), and a longer story for each.

Left alone: the products in the evaluation demo's workflow (producer1's set of cups and plate,
producer2's tea bags), the products of producers that are not approved (they cannot be listed),
and every product that already has a certificate — the expired salted apricots and the revoked
milk sweets keep the state the README's verification links show. The one exception is the Ước
Lễ sausage, whose 2019 certificate expired in 2022: it was recognised again in 2024 (a new
certificate; the old one stays expired). Then `rebuild_catalog()` writes the catalogue's rows.

Everything is looked up before it is made: a second run records nothing new.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ocop.accounts.models import Organisation, User

# Certificates issued on paper before the platform (QĐ 148/QĐ-TTg of 24/02/2023).
CRITERIA_148 = ("qd148-2023", "Bộ tiêu chí đánh giá, phân hạng sản phẩm OCOP (QĐ 148/QĐ-TTg)")


@dataclass(frozen=True)
class Recognition:
    """One product's paper certificate, and what the catalogue shows of it."""

    product: str
    stars: int
    decision: str
    decided_on: dt.date
    authority: str  # district, province, central (Authority values)
    mean_total: str
    gtin: str = ""  # a GTIN-13 given to a product that has none
    story: str = ""  # the product's description, when it is still the demo's one-liner
    renewal: bool = False  # a product whose older certificates have all expired


RECOGNITIONS: tuple[Recognition, ...] = (
    Recognition(
        "Rượu mơ Hương Sơn",
        3,
        "5521/QĐ-UBND",
        dt.date(2023, 12, 20),
        "province",
        "66.50",
        gtin="8936061000012",
        story=(
            "Mơ lông Hương Sơn hái vào tháng Ba, khi quả vừa chín tới, rửa sạch và ngâm với rượu "
            "nếp cái hoa vàng của làng trong chum sành.\n\n"
            "Rượu được ủ 12 tháng nơi thoáng mát rồi mới lọc và đóng chai 500 ml; vị chua ngọt, "
            "thơm mùi mơ chín, nồng độ 29 độ."
        ),
    ),
    Recognition(
        "Bình gốm men lam vẽ tay",
        3,
        "6118/QĐ-UBND",
        dt.date(2024, 12, 12),
        "province",
        "68.00",
        story=(
            "Bình được nặn trên bàn xoay từ đất sét trắng, phơi trong bóng râm mười ngày rồi "
            "mới vẽ.\n\n"
            "Họa tiết hoa sen được vẽ tay bằng men lam (oxit coban) dưới lớp men trong, nung "
            "một lần ở 1.250 °C trong lò ga của hợp tác xã."
        ),
    ),
    Recognition(
        "Hộp trang sức khảm trai",
        4,
        "6118/QĐ-UBND",
        dt.date(2024, 12, 12),
        "province",
        "74.50",
        story=(
            "Hộp làm từ gỗ gụ, mặt hộp khảm trai và ốc xà cừ theo lối khảm truyền thống của "
            "làng Chuyên Mỹ.\n\n"
            "Mỗi mảnh trai được cưa, mài và gắn bằng tay; nghệ nhân mất khoảng hai tuần để "
            "hoàn thiện một chiếc hộp."
        ),
    ),
    Recognition(
        "Giò lụa Ước Lễ",
        4,
        "6118/QĐ-UBND",
        dt.date(2024, 12, 12),
        "province",
        "78.00",
        story=(
            "Thịt thăn lợn nóng, giã bằng cối đá cho thật dẻo, thêm nước mắm ngon rồi gói chặt "
            "trong lá chuối.\n\n"
            "Giò được luộc ngay trong ngày và giữ lạnh từ xưởng đến cửa hàng."
        ),
        renewal=True,
    ),
    Recognition(
        "Tranh khảm trai phong cảnh",
        5,
        "4120/QĐ-BNNMT",
        dt.date(2025, 9, 5),
        "central",
        "91.50",
        story=(
            "Bức tranh phong cảnh làng quê Bắc Bộ trên nền gỗ sơn then, ghép từ hàng nghìn "
            "mảnh trai, ốc và vỏ trứng.\n\n"
            "Sản phẩm được Bộ Nông nghiệp và Môi trường công nhận là sản phẩm OCOP 5 sao, "
            "tiêu biểu cho nghề khảm trai Chuyên Mỹ."
        ),
    ),
    Recognition(
        "Sữa chua nếp cẩm Ba Vì",
        4,
        "5893/QĐ-UBND",
        dt.date(2025, 11, 25),
        "province",
        "76.00",
        gtin="8936061000029",
        story=(
            "Sữa bò tươi vắt mỗi sáng ở trang trại Yên Khoái, lên men tự nhiên và trộn với "
            "nếp cẩm đồ chín.\n\n"
            "Sản phẩm không dùng chất bảo quản; giữ ở 2–6 °C và dùng trong 10 ngày."
        ),
    ),
    Recognition(
        "Chả quế Ước Lễ",
        3,
        "5893/QĐ-UBND",
        dt.date(2025, 11, 25),
        "province",
        "64.00",
    ),
    Recognition(
        "Bưởi Diễn",
        4,
        "912/QĐ-UBND",
        dt.date(2026, 3, 10),
        "province",
        "73.50",
        gtin="8936061000036",
        story=(
            "Bưởi Diễn trồng trên đất bãi ven sông của phường Phú Diễn, quả tròn, vỏ mỏng, "
            "tép vàng, ngọt mát.\n\n"
            "Bưởi thu hoạch từ tháng Mười Một đến Tết, để từ hai đến bốn tuần cho ráo vỏ thì "
            "ăn ngon nhất."
        ),
    ),
)


def load_catalog_demo(
    *, users: dict[str, User], organisations: dict[str, Organisation]
) -> dict[str, int]:
    """The catalogue's certificates, GTINs and stories; what it made, and how many products the
    catalogue lists afterwards (`catalog_listed`, a count and not a creation)."""
    from ocop.catalog.services.index import rebuild_catalog

    office = users["office"]
    made = gtins = stories = 0
    for recognition in RECOGNITIONS:
        product = _product(recognition.product)
        if product is None:
            continue
        gtins += _give_gtin(office, product, recognition.gtin)
        stories += _tell_story(office, product, recognition.story)
        made += _record(office, product, recognition)
    listed = rebuild_catalog()["listed"]
    return {
        "catalog_certificates": made,
        "catalog_gtins": gtins,
        "catalog_stories": stories,
        "catalog_listed": listed,
    }


def _product(name: str) -> Any:
    from ocop.producers.enums import ProducerStatus
    from ocop.products.enums import ProductStatus
    from ocop.products.models import Product

    return (
        Product.objects.select_related("producer__commune")
        .filter(
            name=name,
            status=ProductStatus.ACTIVE,
            producer__status=ProducerStatus.APPROVED,
        )
        .first()
    )


def _record(office: User, product: Any, recognition: Recognition) -> int:
    """The paper certificate, unless the product has one that this part must not disturb."""
    from ocop.certificates.enums import CertificateStatus
    from ocop.certificates.models import Certificate
    from ocop.certificates.services.certificates import record_certificate

    held = Certificate.objects.filter(product=product)
    if recognition.renewal:
        # Only over certificates that have all expired (never a revoked or a valid one), and
        # only once (the renewal itself is a certificate of this decision).
        if held.exclude(status=CertificateStatus.EXPIRED).exists():
            return 0
    elif held.exists():
        return 0
    record_certificate(
        actor=office,
        product=product,
        stars=recognition.stars,
        criteria_set=None,
        criteria_code=CRITERIA_148[0],
        criteria_name=CRITERIA_148[1],
        decision_number=recognition.decision,
        decided_on=recognition.decided_on,
        authority=recognition.authority,
        mean_total=Decimal(recognition.mean_total),
        note="Nhập từ giấy chứng nhận lưu trữ (dữ liệu trình diễn).",
    )
    return 1


def _give_gtin(office: User, product: Any, gtin: str) -> int:
    from ocop.products.models import Product
    from ocop.products.services.products import update_product

    if not gtin or product.gtin or Product.objects.filter(gtin=gtin).exists():
        return 0
    update_product(actor=office, product=product, data={"gtin": gtin})
    return 1


def _tell_story(office: User, product: Any, story: str) -> int:
    """The longer story, over the demo's one-line description only (never over an edit)."""
    from ocop.core.demo import PRODUCERS
    from ocop.products.services.products import update_product

    if not story:
        return 0
    original = {
        name: description for spec in PRODUCERS for name, description, _node in spec.products
    }
    if product.description != original.get(product.name):
        return 0
    update_product(actor=office, product=product, data={"description": story})
    return 1
