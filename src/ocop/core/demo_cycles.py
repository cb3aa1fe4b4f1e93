"""The state-management part of the Hà Nội demo (issue 8): whole evaluation cycles, so that the
dashboard, the yearly report and `GET /api/v1/reports/summary` have the city's figures to count.
Built only through the services, with a fixed seed, after every other part of `load_demo`.

- **2019 under QĐ 1048** (three levels). Each of the 30 district-level units of the time has its
  district round of 2019 and its council ("Hội đồng đánh giá, phân hạng sản phẩm OCOP huyện
  Đông Anh năm 2019"); its producers' dossiers are lodged in an old commune of the district (a
  commune that ended on 30/6/2025 and is a predecessor of the producer's commune today), the
  results transcribed from the archived minutes of an archive session (`services/archive.py`:
  never rescored, every result inside the QĐ 1048 band of its mean), and the district's approved
  decision (tờ trình) forwards the results of 50 points or more to the city. The city then
  decides in three rounds of 2019: round 1 (decision 6103/QĐ-UBND of 10/12/2019, 2 products, the
  history part), round 2 (decision of 26/12/2019, 24 products: 2 potential 5★, 12 4★, 10 3★) —
  together the first batch of 26 (11 3★, 13 4★, 2 potential 5★) — and round 3, decided on
  15/06/2020 (275 products: 4 potential 5★, 194 4★, 77 3★). A potential 5★ is a city mean of
  90 or more in the 5★ band: the province does not certify 5★, so the decision proposes it to
  the ministry (`outcome_for` under the QĐ 1048 procedure profile). A few district results
  below 50 (not forwarded) and a few city results below 50 (not recognised) are there for
  realism and count nowhere.
- So `summary(Scope(year=2019))` counts **301 products** (6 potential 5★, 207 4★, 88 3★) of **75
  producers** (enterprises, cooperatives and household businesses: the 73 made here and the two
  of the history part) with **1,803 workers**, and the city's 2019 plan of 300 is achieved at
  **100.3%** ("100,3%" on the pages). The 2019 plans of the 30 districts add up to 300.
  **Source caveat**: only the total of 301 and the first batch of 26 (11/13/2) are confirmed by a
  source (`../shared/reference/ocop-rules.md` §5.2); the split 6/207/88 was not confirmed by any
  source found. The demo reproduces the figures the issue names; the producer and worker counts
  are the issue's too.
- **2020**: the districts' councils of 2020 met in August and September 2020: 127 products
  evaluated and forwarded by approved district decisions by 30/09/2020, waiting for the city's
  council (some accepted into the city's round 1 of 2020, the others still forwarded; no city
  session): 0 ranked in 2020 yet. The city's 2020 plan is 400.
- **2026 under QĐ 26/2026** (the 126 new communes): dossiers in every status besides those of
  the evaluation part — a draft, a withdrawn one, one returned by Xã Bát Tràng, one accepted
  into round 2, one on the agenda of an open session, one scored and waiting for the decision,
  and, in decision 5120/QĐ-UBND of 20/11/2026, one not recognised (under 50 points), one
  proposed to the ministry for 5★ (the four members' sheets through the scoring engine: a mean
  above 90 in the 5★ band) and the upgrade of the Ước Lễ cinnamon pork roll from 3★ to 4★,
  whose new certificate replaces the old one (the "superseded" state). The city's 2026 plan,
  and three training courses: two completed (commune officials; producers), one open.

Names of producers, people and decisions are invented. Everything is looked up before it is
made: a second run adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ocop.accounts.models import Organisation, User

CRITERIA_1048 = "qd1048-2019"
CRITERIA_26 = "qd26-2026"
CITY = "p01"
SEED_SALT = 8  # this part draws from its own stream: the other parts' draws stay as they were

# The figures of the issue (counted by ocop.reports.queries.summary.summary).
RANKED_2019 = 301
WORKERS_2019 = 1803
PLAN_2019 = 300
PLAN_2020 = 400
PLAN_2026 = 450
NEW_PRODUCERS_2019 = 73
# (class, how many) of each city round of 2019 made here; round 1 is the history part's.
ROUND_2_CLASSES = (("p5", 2), ("4", 12), ("3", 10))
ROUND_3_CLASSES = (("p5", 4), ("4", 194), ("3", 77))
KINDS_2019 = (("enterprise", 21), ("cooperative", 25), ("household", 27))
DISTRICT_FAILURES = 6  # district results below 50: not forwarded
CITY_FAILURES = 4  # forwarded, then below 50 at the city: not recognised
PRODUCTS_2020 = 127
NEW_PRODUCERS_2020 = 5

# The district-level units before 1/7/2025, weighted by a rural profile (huyện more than quận).
DISTRICT_WEIGHTS: dict[str, int] = {
    "Huyện Đông Anh": 14,
    "Huyện Gia Lâm": 16,
    "Huyện Thanh Trì": 11,
    "Huyện Thường Tín": 15,
    "Huyện Thanh Oai": 13,
    "Huyện Ba Vì": 16,
    "Huyện Chương Mỹ": 16,
    "Huyện Phú Xuyên": 13,
    "Huyện Ứng Hòa": 12,
    "Huyện Mỹ Đức": 12,
    "Huyện Hoài Đức": 12,
    "Huyện Thạch Thất": 12,
    "Huyện Quốc Oai": 11,
    "Huyện Phúc Thọ": 11,
    "Huyện Sóc Sơn": 11,
    "Huyện Mê Linh": 10,
    "Huyện Đan Phượng": 9,
    "Thị xã Sơn Tây": 6,
    "Quận Hà Đông": 5,
    "Quận Long Biên": 4,
    "Quận Bắc Từ Liêm": 4,
    "Quận Nam Từ Liêm": 3,
    "Quận Hoàng Mai": 3,
    "Quận Tây Hồ": 3,
    "Quận Hoàn Kiếm": 2,
    "Quận Ba Đình": 1,
    "Quận Đống Đa": 1,
    "Quận Hai Bà Trưng": 1,
    "Quận Cầu Giấy": 1,
    "Quận Thanh Xuân": 1,
}
# The five districts whose councils met first (October 2019); the city's round 2 comes from them.
FIRST_DISTRICTS = (
    "Huyện Đông Anh",
    "Huyện Gia Lâm",
    "Huyện Thanh Trì",
    "Huyện Thường Tín",
    "Huyện Thanh Oai",
)

# The city's rounds of 2019 made here: number → (name, minutes, decision number, title, signed on)
CITY_ROUNDS_2019: dict[int, tuple[str, tuple[tuple[dt.date, str], ...], str, str, dt.date]] = {
    2: (
        "Đánh giá sản phẩm OCOP cấp Thành phố năm 2019 (đợt 2)",
        ((dt.date(2019, 12, 16), "Biên bản số 19/BB-HĐ ngày 16/12/2019"),),
        "6986/QĐ-UBND",
        "Quyết định công nhận sản phẩm OCOP Thành phố Hà Nội năm 2019 (đợt 2)",
        dt.date(2019, 12, 26),
    ),
    3: (
        "Đánh giá sản phẩm OCOP cấp Thành phố năm 2019 (đợt 3)",
        (
            (dt.date(2020, 5, 12), "Biên bản số 07/BB-HĐ ngày 12/05/2020"),
            (dt.date(2020, 5, 14), "Biên bản số 08/BB-HĐ ngày 14/05/2020"),
        ),
        "2619/QĐ-UBND",
        "Quyết định công nhận sản phẩm OCOP Thành phố Hà Nội năm 2019 (đợt 3)",
        dt.date(2020, 6, 15),
    ),
}
CITY_ROUND_2020 = "Đánh giá sản phẩm OCOP cấp Thành phố năm 2020 (đợt 1)"
# Of the 127 products of 2020, those of the districts whose decisions came first were accepted
# into the city's round 1 of 2020; the others wait, forwarded.
ACCEPTED_2020_DISTRICTS = 8
PLANS: dict[int, dict[str, Any]] = {
    2019: {
        "products_target": PLAN_2019,
        "stars_3_target": 90,
        "stars_4_target": 200,
        "stars_5_target": 5,
        "reference": "Kế hoạch số 59/KH-UBND ngày 06/03/2019 của UBND Thành phố",
        "note": "Kế hoạch thực hiện Chương trình OCOP Thành phố năm 2019 (dữ liệu trình diễn).",
    },
    2020: {
        "products_target": PLAN_2020,
        "stars_3_target": 150,
        "stars_4_target": 240,
        "stars_5_target": 10,
        "reference": "Kế hoạch số 100/KH-UBND ngày 15/05/2020 của UBND Thành phố",
        "note": "Kế hoạch thực hiện Chương trình OCOP Thành phố năm 2020 (dữ liệu trình diễn).",
    },
    2026: {
        "products_target": PLAN_2026,
        "stars_3_target": 250,
        "stars_4_target": 180,
        "stars_5_target": 20,
        "reference": "Kế hoạch số 38/KH-UBND ngày 12/02/2026 của UBND Thành phố",
        "note": "Năm đầu áp dụng Quyết định 26/2026/QĐ-TTg (dữ liệu trình diễn).",
    },
}


@dataclass(frozen=True)
class Specialty:
    trade: str  # in the producer's name: "Hợp tác xã Gốm sứ …"
    weight: int
    # (leaf of QĐ 26/2026, node of QĐ 1048, the product's name without its place)
    items: tuple[tuple[str, str, str], ...]


SPECIALTIES: tuple[Specialty, ...] = (
    Specialty(
        "Nông sản sạch",
        14,
        (
            ("I.1.a", "1.1.a", "Bưởi đỏ"),
            ("I.1.a", "1.1.a", "Nhãn chín muộn"),
            ("I.1.a", "1.1.a", "Ổi lê"),
            ("I.1.a", "1.1.a", "Chuối tiêu hồng"),
            ("I.1.a", "1.1.a", "Rau muống"),
            ("I.1.a", "1.1.a", "Su hào"),
            ("I.1.a", "1.1.a", "Cà chua bi"),
            ("I.1.a", "1.1.a", "Dưa lê"),
        ),
    ),
    Specialty(
        "Chăn nuôi",
        6,
        (
            ("I.1.b", "1.1.b", "Trứng gà ta"),
            ("I.1.b", "1.1.b", "Trứng vịt"),
            ("I.1.b", "1.1.b", "Thịt lợn thảo mộc"),
            ("I.1.b", "1.1.b", "Gà đồi"),
            ("I.1.b", "1.1.b", "Sữa bò tươi"),
            ("I.1.b", "1.1.b", "Thịt bò"),
        ),
    ),
    Specialty(
        "Chế biến nông sản",
        14,
        (
            ("I.3.b", "1.3.b", "Bánh chưng"),
            ("I.3.b", "1.3.b", "Bún khô"),
            ("I.3.b", "1.3.b", "Miến dong"),
            ("I.3.b", "1.3.b", "Bánh đa nem"),
            ("I.3.b", "1.3.b", "Cốm"),
            ("I.3.c", "1.3.c", "Ô mai"),
            ("I.3.c", "1.3.c", "Mứt sen"),
            ("I.3.c", "1.3.c", "Tinh bột sắn dây"),
            ("I.3.c", "1.3.c", "Nấm sò sấy"),
        ),
    ),
    Specialty(
        "Thực phẩm",
        12,
        (
            ("I.3.d", "1.3.d", "Giò lụa"),
            ("I.3.d", "1.3.d", "Nem chua"),
            ("I.3.d", "1.3.d", "Ruốc thịt"),
            ("I.3.d", "1.3.d", "Chả lá lốt"),
            ("I.3.d", "1.3.d", "Sữa chua"),
            ("I.3.d", "1.3.e", "Cá thính"),
            ("I.3.d", "1.3.e", "Chả cá"),
            ("I.3.d", "1.3.e", "Tôm chua"),
        ),
    ),
    Specialty(
        "Mật ong",
        3,
        (
            ("I.2.b", "1.2.b", "Mật ong hoa nhãn"),
            ("I.2.b", "1.2.b", "Mật ong hoa vải"),
            ("I.2.b", "1.2.b", "Mật ong bạc hà"),
            ("I.2.b", "1.2.b", "Sữa ong chúa"),
        ),
    ),
    Specialty(
        "Chè và trà",
        4,
        (
            ("I.5.a", "1.5.a", "Chè búp"),
            ("I.5.a", "1.5.a", "Trà xanh"),
            ("I.5.b", "1.5.b", "Trà hoa cúc"),
            ("I.5.b", "1.5.b", "Trà sen"),
            ("I.5.b", "1.5.b", "Trà gừng"),
        ),
    ),
    Specialty(
        "Gia vị",
        2,
        (
            ("I.4.b", "1.4.b", "Muối vừng"),
            ("I.4.b", "1.4.b", "Bột nghệ"),
            ("I.4.b", "1.4.b", "Tỏi đen"),
            ("I.4.b", "1.4.b", "Ớt bột"),
        ),
    ),
    Specialty(
        "Rượu và đồ uống",
        4,
        (
            ("II.1.a", "2.7.a", "Rượu nếp cái hoa vàng"),
            ("II.1.a", "2.7.a", "Rượu làng"),
            ("II.1.a", "2.7.a", "Rượu ngô men lá"),
            ("II.2.b", "2.8.b", "Nước ép bưởi"),
            ("II.2.b", "2.8.b", "Sữa đậu nành"),
        ),
    ),
    Specialty(
        "Dược liệu",
        3,
        (
            ("III.3", "3.12.a", "Tinh dầu bưởi"),
            ("III.3", "3.12.a", "Cao ích mẫu"),
            ("III.3", "3.12.a", "Cao gắm"),
            ("III.2", "3.10.a", "Dầu gội bồ kết"),
            ("III.2", "3.10.a", "Xà phòng thảo dược"),
        ),
    ),
    Specialty(
        "Gốm sứ",
        9,
        (
            ("IV.1", "4.14.a", "Bộ ấm chén"),
            ("IV.1", "4.13.a", "Bình hoa"),
            ("IV.1", "4.14.a", "Bát đĩa men lam"),
            ("IV.1", "4.13.a", "Lọ hoa men rạn"),
            ("IV.1", "4.13.a", "Tượng gốm"),
            ("IV.1", "4.14.a", "Chum gốm"),
            ("IV.1", "4.13.a", "Đèn gốm"),
        ),
    ),
    Specialty(
        "Mây tre đan",
        8,
        (
            ("IV.1", "4.14.a", "Giỏ mây"),
            ("IV.1", "4.14.a", "Khay tre"),
            ("IV.1", "4.13.a", "Đèn mây"),
            ("IV.1", "4.14.a", "Hộp tre"),
            ("IV.1", "4.14.a", "Làn cói"),
            ("IV.1", "4.13.a", "Bình tre"),
        ),
    ),
    Specialty(
        "Sơn mài",
        6,
        (
            ("IV.1", "4.13.a", "Tranh sơn mài"),
            ("IV.1", "4.13.a", "Hộp sơn mài"),
            ("IV.1", "4.13.a", "Tượng gỗ"),
            ("IV.1", "4.14.a", "Khay sơn mài"),
            ("IV.1", "4.13.a", "Bình phong gỗ"),
        ),
    ),
    Specialty(
        "Thủ công truyền thống",
        5,
        (
            ("IV.1", "4.13.a", "Nón lá"),
            ("IV.1", "4.13.a", "Quạt giấy"),
            ("IV.1", "4.13.a", "Đèn lồng"),
            ("IV.1", "4.13.a", "Chuồn chuồn tre"),
            ("IV.1", "4.13.a", "Tranh thêu tay"),
        ),
    ),
    Specialty(
        "Dệt may",
        3,
        (
            ("IV.2", "5.15.a", "Khăn lụa"),
            ("IV.2", "5.15.a", "Áo lụa"),
            ("IV.2", "5.15.a", "Khăn tơ tằm"),
            ("IV.2", "5.15.a", "Túi vải thêu"),
        ),
    ),
)
CERAMICS = next(s for s in SPECIALTIES if s.trade == "Gốm sứ")

# The Bát Tràng cooperative of the 2026 part: a 2019 producer of Gia Lâm (old Xã Bát Tràng), in
# the new Xã Bát Tràng, so that the demo's commune officer (`commune`) handles its dossiers.
BAT_TRANG = {
    "name": "Hợp tác xã Gốm sứ Thanh Lam",
    "old_commune": "c00583~20250630",
    "commune": "c00577",
    "district": "Huyện Gia Lâm",
}
# Its 2026 products (bộ 21 of QĐ 26/2026), and where each dossier stands.
PRODUCTS_2026: tuple[tuple[str, str], ...] = (
    ("Bình hút lộc men rạn", "proposed_central"),
    ("Lọ hoa vẽ sen men lam", "not_recognised"),
    ("Bộ đồ trà men ngọc", "scored"),
    ("Đèn gốm thấu quang", "in_session"),
    ("Chum gốm men nâu", "accepted"),
    ("Bát đĩa men hoa lam", "returned"),
    ("Tượng gốm trang trí", "draft"),
    ("Đĩa sứ vẽ phố cổ", "withdrawn"),
)
# (sheet's target points, the stars the engine must give) of the council and of the producer's
# self-assessment (Mẫu 02), per stage.
SHEET_TARGETS: dict[str, tuple[tuple[int, int], tuple[int, int]]] = {
    "proposed_central": ((93, 5), (92, 5)),
    "not_recognised": ((45, 2), (56, 3)),
    "scored": ((66, 3), (68, 3)),
    "in_session": ((72, 4), (72, 4)),
    "accepted": ((64, 3), (64, 3)),
    "returned": ((60, 3), (60, 3)),
    "upgrade": ((80, 4), (79, 4)),
}
UPGRADE_PRODUCT = "Chả quế Ước Lễ"  # 3★ (5893/QĐ-UBND of 25/11/2025) → 4★ in 2026
ROUND_2026 = 2  # "Đợt 2 năm 2026", open
SESSIONS_2026 = {
    "decided": dt.date(2026, 11, 5),
    "scored": dt.date(2026, 11, 24),
    "open": dt.date(2026, 11, 27),
}
DECISION_2026 = (
    "5120/QĐ-UBND",
    "Quyết định công nhận sản phẩm OCOP Thành phố Hà Nội năm 2026 (đợt 2)",
    dt.date(2026, 11, 20),
)
PLACE_2026 = "Trụ sở Văn phòng Điều phối nông thôn mới Thành phố Hà Nội"
RETURN_REASONS = (
    "Giấy chứng nhận đăng ký kinh doanh đã hết hiệu lực; đề nghị bổ sung bản mới và phiếu kết "
    "quả kiểm nghiệm chì trong men."
)

SURNAMES = (
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Đào",
    "Đinh", "Phan", "Tạ", "Chu", "Lương", "Kiều", "Khuất", "Nghiêm",
)  # fmt: skip
MIDDLE = {"male": ("Văn", "Đức", "Minh", "Quang", "Hữu", "Xuân", "Công", "Thế"),
          "female": ("Thị", "Thu", "Ngọc", "Thanh", "Minh", "Hồng", "Kim", "Diệu")}  # fmt: skip
GIVEN = {
    "male": ("An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khánh", "Long", "Nam", "Phúc",
             "Quân", "Sơn", "Tuấn", "Thắng", "Toàn", "Vinh", "Lộc", "Tùng"),
    "female": ("Anh", "Cúc", "Duyên", "Hà", "Hạnh", "Hoa", "Huệ", "Lan", "Liên", "Mai", "Ngân",
               "Nhàn", "Oanh", "Phương", "Thảo", "Yến", "Hằng", "Trang"),
}  # fmt: skip
ENTERPRISE_FORMS = ("Công ty TNHH", "Công ty CP")
BRANDS = ("Hưng Phát", "An Khang", "Thịnh Vượng", "Phú An", "Tâm Việt", "Hòa Bình", "Xuân Mai",
          "Đại Thành", "Minh Tâm", "Kim Ngân", "Việt Xanh", "Bảo An")  # fmt: skip
DEMO_PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


# --- the plan: what the cycles hold, drawn from the seed ------------------------------------


@dataclass
class CycleProduct:
    sku: str
    name: str
    leaf: str  # QĐ 26/2026 classification of the product
    node: str  # QĐ 1048 classification it was lodged under
    year: int
    outcome: str  # "p5", "4", "3", "district_fail", "city_fail" (2020: "forwarded")
    city_round: int | None = None  # 2019: 2 or 3
    lodged_on: dt.date | None = None
    district_result: tuple[str, int] = ("0", 0)  # mean (two decimals), stars
    city_result: tuple[str, int] | None = None


@dataclass
class CycleProducer:
    name: str
    kind: str
    district: str
    old_commune: str  # key of the commune of 2019
    commune: str  # key of its successor today, where the producer is registered
    specialty: Specialty
    workforce: tuple[int, int] = (0, 0)
    representative: tuple[str, str] = ("", "male")
    founded: dt.date = dt.date(2010, 1, 1)
    tax_code: str = ""
    since: int = 2019  # the year of its first dossier
    products: list[CycleProduct] = field(default_factory=list)


@dataclass
class CyclePlan:
    producers: list[CycleProducer]
    districts: list[str]  # the 30 names, in the order of DISTRICT_WEIGHTS
    district_plans: dict[str, int]  # 2019 targets, summing to PLAN_2019
    sessions_2019: dict[str, tuple[dt.date, str, str, dt.date]]  # held, minutes, decision, signed
    sessions_2020: dict[str, tuple[dt.date, str, str, dt.date]]

    def products(self, year: int) -> list[tuple[CycleProducer, CycleProduct]]:
        return [(p, item) for p in self.producers for item in p.products if item.year == year]


def allocate(total: int, weights: Sequence[float], minimum: int = 0) -> list[int]:
    """`total` split in proportion to `weights` (each share at least `minimum`), by the largest
    remainders: the shares add up to `total` exactly."""
    base = [minimum] * len(weights)
    rest = total - minimum * len(weights)
    if rest < 0:
        raise ValueError("the minimum shares exceed the total")
    whole = sum(weights)
    exact = [rest * w / whole for w in weights]
    shares = [int(x) for x in exact]
    left = rest - sum(shares)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in order[:left]:
        shares[i] += 1
    return [b + s for b, s in zip(base, shares, strict=True)]


def _person(rng: random.Random) -> tuple[str, str]:
    sex = rng.choice(("male", "female"))
    name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}"
    return name, sex


def _short(unit_name: str) -> str:
    """ "Xã Vân Hà" → "Vân Hà" (the place in a product's name)."""
    for prefix in ("Thị trấn ", "Phường ", "Xã "):
        if unit_name.startswith(prefix):
            return unit_name[len(prefix) :]
    return unit_name


def _mean(rng: random.Random, low: str, high: str) -> str:
    cents = rng.randint(int(Decimal(low) * 100), int(Decimal(high) * 100))
    return f"{Decimal(cents) / 100:.2f}"


def _band(mean: str) -> int:
    """The QĐ 1048 band of a mean (90 5★, 70 4★, 50 3★, 30 2★): the stars the minutes give."""
    value = Decimal(mean)
    for lower, stars in ((90, 5), (70, 4), (50, 3), (30, 2)):
        if value >= lower:
            return stars
    return 1


def _results(rng: random.Random, outcome: str) -> tuple[tuple[str, int], tuple[str, int] | None]:
    """(district result, city result) of a 2019 product meant to end as `outcome`."""
    if outcome == "district_fail":
        mean = _mean(rng, "38.00", "49.50")
        return (mean, _band(mean)), None
    if outcome == "city_fail":
        district = _mean(rng, "50.50", "56.00")
        city = _mean(rng, "42.00", "49.50")
        return (district, _band(district)), (city, _band(city))
    low, high = {"p5": ("90.25", "95.50"), "4": ("70.25", "84.75"), "3": ("52.00", "69.50")}[
        outcome
    ]
    city = _mean(rng, low, high)
    shift = Decimal(rng.randint(-250, 250)) / 100
    district_value = min(Decimal("99.00"), max(Decimal("50.25"), Decimal(city) + shift))
    district = f"{district_value:.2f}"
    return (district, _band(district)), (city, _band(city))


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _mst(rng: random.Random, taken: set[str]) -> str:
    from ocop.core.demo import _mst as demo_mst

    while True:
        code = demo_mst(rng)
        if code not in taken:
            taken.add(code)
            return code


def build_plan(seed: int) -> CyclePlan:
    """Everything the cycles hold, from the seed and the administrative map (no writes)."""
    from ocop.geo.enums import UnitLevel
    from ocop.geo.models import AdministrativeUnit, UnitSuccession

    rng = random.Random(seed * 1000 + SEED_SALT)  # noqa: S311 - seeded demo data
    districts = list(DISTRICT_WEIGHTS)
    units = {
        unit.name: unit
        for unit in AdministrativeUnit.objects.filter(
            level=UnitLevel.DISTRICT, name__in=districts, valid_to__isnull=False
        )
    }
    missing = sorted(set(districts) - set(units))
    if missing:
        raise LookupError(f"the administrative map lacks {', '.join(missing)}")
    communes: dict[str, list[Any]] = {name: [] for name in districts}
    by_pk = {unit.pk: name for name, unit in units.items()}
    for commune in AdministrativeUnit.objects.filter(
        level=UnitLevel.COMMUNE, parent__in=units.values()
    ).order_by("key"):
        communes[by_pk[commune.parent_id]].append(commune)
    successors: dict[str, list[str]] = {}
    for old_key, new_key in UnitSuccession.objects.order_by(
        "predecessor__key", "successor__key"
    ).values_list("predecessor__key", "successor__key"):
        successors.setdefault(old_key, []).append(new_key)
    names = {unit.key: unit.name for units_ in communes.values() for unit in units_}
    # Unique within the plan (drawing against the database would draw differently on a second
    # run); the other demo producers' names are kept out.
    from ocop.core.demo import PRODUCERS

    taken_codes: set[str] = set()
    used_names: set[str] = {spec.name for spec in PRODUCERS}

    # 2019: the new products of each district, then the producers that make them.
    weights = [DISTRICT_WEIGHTS[name] for name in districts]
    new_ranked = RANKED_2019 - len(_history_2019_products())
    products_per_district = allocate(new_ranked, weights, minimum=1)
    producers_per_district = allocate(NEW_PRODUCERS_2019, products_per_district, minimum=1)
    producers: list[CycleProducer] = []
    counts: list[int] = []
    specialty_weights = [s.weight for s in SPECIALTIES]
    for district, n_products, n_producers in zip(
        districts, products_per_district, producers_per_district, strict=True
    ):
        shares = allocate(n_products, [rng.randint(1, 4) for _ in range(n_producers)], minimum=1)
        for index, share in enumerate(shares):
            if district == BAT_TRANG["district"] and index == 0:
                old_key, new_key, specialty = (
                    BAT_TRANG["old_commune"],
                    BAT_TRANG["commune"],
                    CERAMICS,
                )
            else:
                old = rng.choice(communes[district])
                old_key = old.key
                new_key = rng.choice(successors[old_key])
                specialty = rng.choices(SPECIALTIES, weights=specialty_weights)[0]
            producers.append(
                CycleProducer(
                    name="",
                    kind="",
                    district=district,
                    old_commune=old_key,
                    commune=new_key,
                    specialty=specialty,
                )
            )
            counts.append(share)
    # Kinds: the household businesses make the fewest products; the Bát Tràng one is a
    # cooperative.
    order = sorted(range(len(producers)), key=lambda i: (counts[i], rng.random()))
    kinds = dict(KINDS_2019)
    households = [i for i in order if producers[i].commune != BAT_TRANG["commune"]]
    households = households[: kinds["household"]]
    others = [i for i in range(len(producers)) if i not in set(households)]
    rng.shuffle(others)
    bat_trang = next(i for i in others if producers[i].commune == BAT_TRANG["commune"])
    others.remove(bat_trang)
    pool = ["cooperative"] * (kinds["cooperative"] - 1) + ["enterprise"] * kinds["enterprise"]
    rng.shuffle(pool)
    for i in households:
        producers[i].kind = "household"
    for i, kind in zip(others, pool, strict=True):
        producers[i].kind = kind
    producers[bat_trang].kind = "cooperative"
    for i, producer in enumerate(producers):
        _name_producer(rng, producer, names, used_names, taken_codes)
        if i == bat_trang:
            producer.name = BAT_TRANG["name"]
            used_names.add(producer.name)
    _workforce(rng, producers, WORKERS_2019 - _history_2019_workers())

    # Each producer's 2019 products, their city round and their class.
    first_pool: list[CycleProduct] = []
    later_pool: list[CycleProduct] = []
    for producer, count in zip(producers, counts, strict=True):
        for _ in range(count):
            item = _new_product(rng, producer, 2019, names)
            (first_pool if producer.district in FIRST_DISTRICTS else later_pool).append(item)
    rng.shuffle(first_pool)
    round_2 = first_pool[: sum(n for _c, n in ROUND_2_CLASSES)]
    round_3 = first_pool[len(round_2) :] + later_pool
    for items, classes, number in ((round_2, ROUND_2_CLASSES, 2), (round_3, ROUND_3_CLASSES, 3)):
        outcomes = [outcome for outcome, n in classes for _ in range(n)]
        if len(outcomes) != len(items):
            raise ValueError(f"round {number} of 2019: {len(items)} products, {len(outcomes)}")
        rng.shuffle(outcomes)
        for item, outcome in zip(items, outcomes, strict=True):
            item.outcome, item.city_round = outcome, number
    # The results that count nowhere: a few below 50 at the district, a few at the city.
    later = [p for p in producers if p.district not in FIRST_DISTRICTS]
    for outcome, how_many in (
        ("district_fail", DISTRICT_FAILURES),
        ("city_fail", CITY_FAILURES),
    ):
        for producer in rng.sample(later, how_many):
            item = _new_product(rng, producer, 2019, names)
            item.outcome, item.city_round = outcome, 3 if outcome == "city_fail" else None

    # The district sessions of 2019: the five first in October, the others until March 2020.
    sessions_2019: dict[str, tuple[dt.date, str, str, dt.date]] = {}
    later_days = sorted(
        _day(rng, dt.date(2019, 11, 12), dt.date(2020, 3, 20))
        for _ in range(len(districts) - len(FIRST_DISTRICTS))
    )
    for district in districts:
        if district in FIRST_DISTRICTS:
            held = dt.date(2019, 10, 8) + dt.timedelta(days=4 * FIRST_DISTRICTS.index(district))
        else:
            held = later_days.pop(0)
        sessions_2019[district] = _session_names(rng, held)
    for producer in producers:
        held = sessions_2019[producer.district][0]
        for item in producer.products:
            start = max(dt.date(2019, 8, 22), held - dt.timedelta(days=75))
            item.lodged_on = _day(rng, start, held - dt.timedelta(days=12))
            item.district_result, item.city_result = _results(rng, item.outcome)

    # 2020: 127 products of some of these producers and of five new ones.
    new_2020: list[CycleProducer] = []
    for district in rng.sample(districts[:18], NEW_PRODUCERS_2020):  # huyện and Sơn Tây
        old = rng.choice(communes[district])
        producer = CycleProducer(
            name="",
            kind=rng.choice(("enterprise", "cooperative")),
            district=district,
            old_commune=old.key,
            commune=rng.choice(successors[old.key]),
            specialty=rng.choices(SPECIALTIES, weights=specialty_weights)[0],
            since=2020,
        )
        _name_producer(rng, producer, names, used_names, taken_codes)
        producer.workforce = (rng.randint(12, 40), 0)
        producer.workforce = (producer.workforce[0], rng.randint(8, producer.workforce[0]))
        new_2020.append(producer)
    returning = rng.sample(
        [p for p in producers if p.commune != BAT_TRANG["commune"]],
        (PRODUCTS_2020 - 3 * NEW_PRODUCERS_2020) // 2,
    )
    for producer in returning:
        for _ in range(2):
            _new_product(rng, producer, 2020, names).outcome = "forwarded"
    for producer in new_2020:
        for _ in range(3):
            _new_product(rng, producer, 2020, names).outcome = "forwarded"
    producers.extend(new_2020)
    districts_2020 = [d for d in districts if any(p.district == d for p in returning + new_2020)]
    days_2020 = sorted(
        _day(rng, dt.date(2020, 8, 10), dt.date(2020, 9, 18)) for _ in districts_2020
    )
    sessions_2020 = {
        district: _session_names(rng, held, latest=dt.date(2020, 9, 30))
        for district, held in zip(districts_2020, days_2020, strict=True)
    }
    for producer in producers:
        for item in producer.products:
            if item.year != 2020:
                continue
            held = sessions_2020[producer.district][0]
            item.lodged_on = _day(rng, dt.date(2020, 6, 1), held - dt.timedelta(days=14))
            mean = _mean(rng, "55.00", "86.00")
            item.district_result = (mean, _band(mean))

    return CyclePlan(
        producers=producers,
        districts=districts,
        district_plans=dict(zip(districts, allocate(PLAN_2019, weights, minimum=1), strict=True)),
        sessions_2019=sessions_2019,
        sessions_2020=sessions_2020,
    )


def _session_names(
    rng: random.Random, held: dt.date, latest: dt.date | None = None
) -> tuple[dt.date, str, str, dt.date]:
    minutes = f"Biên bản số {rng.randint(5, 48):02d}/BB-HĐOCOP ngày {held:%d/%m/%Y}"
    decision = f"{rng.randint(120, 980)}/TTr-UBND"
    signed = held + dt.timedelta(days=rng.randint(6, 12))
    if latest is not None:
        signed = min(signed, latest)
    return held, minutes, decision, signed


def _name_producer(
    rng: random.Random,
    producer: CycleProducer,
    names: dict[str, str],
    used: set[str],
    taken_codes: set[str],
) -> None:
    place = _short(names.get(producer.old_commune, ""))
    person = _person(rng)
    producer.representative = person
    producer.founded = dt.date(rng.randint(1998, 2018), rng.randint(1, 12), rng.randint(1, 28))
    producer.tax_code = _mst(rng, taken_codes)
    brands = list(BRANDS)
    rng.shuffle(brands)
    for brand in ["", *brands]:
        if producer.kind == "household":
            name = f"Hộ kinh doanh {person[0]}" + (f" {brand}" if brand else "")
        elif producer.kind == "cooperative":
            name = f"Hợp tác xã {producer.specialty.trade} {brand or place}"
        else:
            form = rng.choice(ENTERPRISE_FORMS)
            name = f"{form} {producer.specialty.trade} {brand or place}"
        if name not in used:
            break
    used.add(name)
    producer.name = name


def _workforce(rng: random.Random, producers: list[CycleProducer], total: int) -> None:
    """Each producer's workforce by its kind, then adjusted one worker at a time (the
    enterprises and cooperatives, in a seeded order) so that the sum is exactly `total`."""
    ranges = {"enterprise": (25, 70), "cooperative": (15, 45), "household": (4, 12)}
    sizes = [rng.randint(*ranges[p.kind]) for p in producers]
    adjustable = [i for i, p in enumerate(producers) if p.kind != "household"]
    rng.shuffle(adjustable)
    step = 1 if total > sum(sizes) else -1
    position = stalled = 0
    while sum(sizes) != total:
        if stalled > len(adjustable):  # every one is at the least workforce
            raise ValueError(f"no workforce of {len(producers)} producers adds up to {total}")
        i = adjustable[position % len(adjustable)]
        if sizes[i] + step >= 10:
            sizes[i] += step
            stalled = 0
        else:
            stalled += 1
        position += 1
    for producer, size in zip(producers, sizes, strict=True):
        local = max(1, round(size * rng.uniform(0.6, 1.0)))
        producer.workforce = (size, min(size, local))


def _new_product(
    rng: random.Random, producer: CycleProducer, year: int, names: dict[str, str]
) -> CycleProduct:
    place = _short(names.get(producer.old_commune, ""))
    used = {item.name for item in producer.products}
    items = list(producer.specialty.items)
    rng.shuffle(items)
    for suffix in ("", " loại đặc biệt", " hộp quà", " truyền thống"):
        for leaf, node, stem in items:
            name = f"{stem} {place}{suffix}"
            if name not in used:
                item = CycleProduct(
                    sku=f"OCOP{year}-{len(producer.products) + 1:02d}",
                    name=name,
                    leaf=leaf,
                    node=node,
                    year=year,
                    outcome="",
                )
                producer.products.append(item)
                return item
    raise ValueError(f"{producer.name}: too many products")


def _history_2019_products() -> list[str]:
    from ocop.core.demo_history import CHAINS

    return [e.product for chain in CHAINS if chain.year == 2019 for e in chain.evaluations]


def _history_2019_workers() -> int:
    """The workers of the producers of the history part's 2019 products (the issue's 1,803
    counts them too)."""
    from django.db.models import Sum

    from ocop.producers.models import Producer

    names = _history_2019_products()
    total = (
        Producer.objects.filter(products__name__in=names)
        .distinct()
        .aggregate(n=Sum("workforce_total"))["n"]
    )
    return int(total or 0)


# --- loading --------------------------------------------------------------------------------


def load_cycles_demo(
    *, users: dict[str, User], organisations: dict[str, Organisation], seed: int
) -> dict[str, int]:
    """The cycles (inside `load_demo`'s transaction, after the other parts); what it made."""
    from ocop.catalog.services.index import rebuild_catalog
    from ocop.certificates.services.lifecycle import sweep_certificates

    plan = build_plan(seed)
    made = Made()
    office = users["office"]
    catalogue = _producers_and_products(office, plan, made)
    _year_2019(users, organisations, plan, made)
    _year_2020(users, organisations, plan, made)
    _plans(office, plan, made)
    _year_2026(users, catalogue, made)
    _training(users, plan, made, seed)
    if made.dossiers or made.decisions:
        sweep_certificates(today=timezone.localdate())
        rebuild_catalog()
    return made.as_dict()


@dataclass
class Made:
    producers: int = 0
    products: int = 0
    dossiers: int = 0
    rounds: int = 0
    councils: int = 0
    sessions: int = 0
    decisions: int = 0
    plans: int = 0
    courses: int = 0
    participants: int = 0

    def as_dict(self) -> dict[str, int]:
        return {f"cycle_{name}": value for name, value in self.__dict__.items()}


def _producers_and_products(office: User, plan: CyclePlan, made: Made) -> dict[str, Any]:
    """Every producer and product of the plan (looked up by name, then by SKU): the producers by
    name, the products by (producer id, SKU) and the communes by key, for the later steps."""
    from ocop.criteria.models import ClassificationNode
    from ocop.geo.models import AdministrativeUnit
    from ocop.producers.models import Producer
    from ocop.producers.services.producers import create_producer
    from ocop.products.models import Product
    from ocop.products.services.products import create_product

    leaves = {
        node.code: node
        for node in ClassificationNode.objects.filter(
            criteria_set__code=CRITERIA_26, scorecard__isnull=False
        )
    }
    communes = {
        unit.key: unit
        for unit in AdministrativeUnit.objects.filter(
            key__in={p.commune for p in plan.producers} | {p.old_commune for p in plan.producers}
        )
    }
    existing = {
        p.name: p for p in Producer.objects.filter(name__in=[p.name for p in plan.producers])
    }
    have = {
        (producer_id, sku)
        for producer_id, sku in Product.objects.filter(producer__in=existing.values()).values_list(
            "producer_id", "producer_sku"
        )
    }
    catalogue: dict[str, Any] = {}
    for number, spec in enumerate(plan.producers, start=1):
        producer = existing.get(spec.name)
        if producer is None:
            commune = communes[spec.commune]
            producer = create_producer(
                actor=office,
                data={
                    "kind": spec.kind,
                    "name": spec.name,
                    "tax_code": spec.tax_code,
                    "registration_number": f"{spec.tax_code[-4:]}/ĐKKD",
                    "registration_date": spec.founded + dt.timedelta(days=30),
                    "founded_on": spec.founded,
                    "address": _address(number, commune),
                    "commune": commune,
                    "phone": f"09{int(spec.tax_code) % 90_000_000 + 10_000_000}",
                    "email": f"chuthe{number:03d}@ocop-demo.vn",
                    "representative_name": spec.representative[0],
                    "representative_sex": spec.representative[1],
                    "representative_ethnicity": "Kinh",
                    "representative_disability": False,
                    "workforce_total": spec.workforce[0],
                    "workforce_local": spec.workforce[1],
                },
            )
            made.producers += 1
        catalogue[spec.name] = producer
        old_name = communes[spec.old_commune].name
        for item in spec.products:
            if (producer.pk, item.sku) in have:
                continue
            create_product(
                actor=office,
                producer=producer,
                data={
                    "name": item.name,
                    "description": f"{item.name}, sản phẩm của {producer.name} ({old_name} cũ).",
                    "producer_sku": item.sku,
                    "classification": leaves[item.leaf],
                },
            )
            made.products += 1
    products = {
        (row.producer_id, row.producer_sku): row
        for row in Product.objects.filter(producer__in=catalogue.values()).select_related(
            "producer__commune"
        )
    }
    return {"producers": catalogue, "products": products, "communes": communes}


def _address(number: int, commune: Any) -> str:
    word = "Tổ dân phố" if commune.name.startswith("Phường") else "Thôn"
    return f"{word} {number % 9 + 1}, {commune.name}"


# --- the evaluation chain under QĐ 1048 ------------------------------------------------------


def _round(office: User, level: str, year: int, name: str, made: Made) -> Any:
    """The round of `year` at `level` named `name`, made (and opened) with the next number."""
    from django.db.models import Max

    from ocop.criteria.models import CriteriaSet
    from ocop.evaluation.enums import RoundStatus
    from ocop.evaluation.models import Round
    from ocop.evaluation.services.rounds import change_round_status, create_round

    round_ = Round.objects.filter(year=year, level=level, name=name).first()
    if round_ is not None:
        return round_
    top = Round.objects.filter(year=year, level=level).aggregate(n=Max("number"))["n"] or 0
    round_ = create_round(
        actor=office,
        year=year,
        number=top + 1,
        level=level,
        criteria_set=CriteriaSet.objects.get(code=CRITERIA_1048),
        name=name,
    )
    change_round_status(actor=office, round=round_, to=RoundStatus.OPEN)
    made.rounds += 1
    return round_


def _council(office: User, name: str, level: str, organisation: Organisation, made: Made) -> Any:
    from ocop.evaluation.models import Council
    from ocop.evaluation.services.councils import create_council

    council = Council.objects.filter(name=name, level=level).first()
    if council is None:
        council = create_council(actor=office, name=name, level=level, organisation=organisation)
        made.councils += 1
    return council


def _lodge(office: User, context: dict[str, Any], producer: CycleProducer, item: CycleProduct,
           nodes: dict[str, Any], round_: Any) -> Any:  # fmt: skip
    """The dossier as the district received it, lodged in the old commune, accepted into the
    district's round."""
    from ocop.core.demo_history import REGISTRATION, district_phrase
    from ocop.evaluation.enums import DossierKind
    from ocop.evaluation.services.dossiers import (
        accept_dossier,
        add_evidence,
        create_dossier,
        forward_dossier,
        submit_dossier,
        update_registration,
    )

    record = context["producers"][producer.name]
    product = context["products"][(record.pk, item.sku)]
    assert item.lodged_on is not None
    dossier = create_dossier(
        actor=office,
        product=product,
        kind=DossierKind.FIRST,
        on=item.lodged_on,
        classification=nodes[item.node],
        commune=context["communes"][producer.old_commune],
    )
    update_registration(
        actor=office,
        dossier=dossier,
        data={"product_name": product.name, **REGISTRATION},
        samples_count=5,
    )
    for category, title in (
        ("registration_form", "Phiếu đăng ký sản phẩm (biểu số 02)"),
        ("business_registration", "Giấy chứng nhận đăng ký kinh doanh"),
    ):
        add_evidence(
            actor=office,
            dossier=dossier,
            category=category,
            title=title,
            upload=SimpleUploadedFile(f"{category}.pdf", DEMO_PDF, "application/pdf"),
            issued_on=item.lodged_on - dt.timedelta(days=30),
        )
    submit_dossier(actor=office, dossier=dossier)
    forward_dossier(
        actor=office,
        dossier=dossier,
        note=f"Hồ sơ được UBND {district_phrase(producer.district)} tiếp nhận "
        "(nhập từ hồ sơ lưu trữ).",
    )
    accept_dossier(actor=office, dossier=dossier, round=round_)
    return dossier


def _minutes(
    office: User,
    council: Any,
    round_: Any,
    held_on: dt.date,
    minutes: str,
    results: Iterable[tuple[Any, tuple[str, int]]],
    made: Made,
) -> None:
    from ocop.evaluation.services.archive import create_archive_session, record_archived_result
    from ocop.evaluation.services.sessions import add_to_agenda, close_session

    session = create_archive_session(
        actor=office, council=council, round=round_, held_on=held_on, minutes_reference=minutes
    )
    for dossier, (mean, stars) in results:
        item = add_to_agenda(actor=office, session=session, dossier=dossier)
        record_archived_result(actor=office, item=item, mean_total=mean, stars=stars)
    close_session(actor=office, session=session)
    made.sessions += 1


def _decide(users: dict[str, User], round_: Any, number: str, title: str, day: dt.date,
            made: Made) -> None:  # fmt: skip
    from ocop.evaluation.enums import DecisionStatus
    from ocop.evaluation.services.decisions import change_decision_status, draft_decision

    decision = draft_decision(actor=users["office"], round=round_, title=title, number=number)
    change_decision_status(
        actor=users["approver"], decision=decision, to=DecisionStatus.APPROVED, signed_on=day
    )
    made.decisions += 1


def _nodes() -> dict[str, Any]:
    from ocop.criteria.models import ClassificationNode

    return {
        node.code: node
        for node in ClassificationNode.objects.filter(
            criteria_set__code=CRITERIA_1048, scorecard__isnull=False
        ).select_related("criteria_set", "scorecard")
    }


def _lodged_products(year: int) -> set[int]:
    """The products that already have a dossier under QĐ 1048 lodged in `year`'s rounds."""
    from ocop.evaluation.models import Dossier

    return set(
        Dossier.objects.filter(criteria_set__code=CRITERIA_1048, round__year=year).values_list(
            "product_id", flat=True
        )
    ) | set(
        Dossier.objects.filter(
            criteria_set__code=CRITERIA_1048, agenda_items__session__round__year=year
        ).values_list("product_id", flat=True)
    )


def _districts(
    users: dict[str, User],
    organisations: dict[str, Organisation],
    plan: CyclePlan,
    year: int,
    sessions: dict[str, tuple[dt.date, str, str, dt.date]],
    made: Made,
    context: dict[str, Any],
) -> dict[int, Any]:
    """The district rounds of `year`: each district's products lodged, scored from the minutes
    and forwarded by the district's decision. Product id → its dossier."""
    from ocop.core.demo_history import district_phrase
    from ocop.evaluation.enums import Level

    office = users["office"]
    nodes = _nodes()
    done = _lodged_products(year)
    dossiers: dict[int, Any] = {}
    for district in plan.districts:
        todo = [
            (producer, item)
            for producer, item in plan.products(year)
            if producer.district == district
            and context["products"][(context["producers"][producer.name].pk, item.sku)].pk
            not in done
        ]
        if not todo:
            continue
        round_ = _round(
            office, Level.DISTRICT, year, f"Đánh giá sản phẩm OCOP năm {year} – {district}", made
        )
        council = _council(
            office,
            f"Hội đồng đánh giá, phân hạng sản phẩm OCOP {district_phrase(district)} năm {year}",
            Level.DISTRICT,
            organisations["council"],
            made,
        )
        lodged = []
        for producer, item in todo:
            dossier = _lodge(office, context, producer, item, nodes, round_)
            dossiers[dossier.product_id] = dossier
            lodged.append((dossier, item.district_result))
            made.dossiers += 1
        held_on, minutes, number, signed_on = sessions[district]
        _minutes(office, council, round_, held_on, minutes, lodged, made)
        _decide(
            users,
            round_,
            number,
            f"Tờ trình đề nghị Thành phố đánh giá, phân hạng sản phẩm OCOP năm {year} "
            f"của UBND {district_phrase(district)}",
            signed_on,
            made,
        )
    return dossiers


def _year_2019(
    users: dict[str, User], organisations: dict[str, Organisation], plan: CyclePlan, made: Made
) -> None:
    from ocop.core.demo_history import CITY_COUNCIL
    from ocop.evaluation.enums import Level
    from ocop.evaluation.services.dossiers import accept_dossier

    office = users["office"]
    context = _context(plan)
    dossiers = _districts(users, organisations, plan, 2019, plan.sessions_2019, made, context)
    if not dossiers:
        return
    council = _council(office, CITY_COUNCIL, Level.PROVINCE, organisations["council"], made)
    for number, (name, sittings, decision, title, signed_on) in CITY_ROUNDS_2019.items():
        round_ = _round(office, Level.PROVINCE, 2019, name, made)
        items = [
            (producer, item)
            for producer, item in plan.products(2019)
            if item.city_round == number and item.city_result is not None
        ]
        chosen = []
        for producer, item in items:
            product = context["products"][(context["producers"][producer.name].pk, item.sku)]
            # No refresh: accept_dossier reads the stored status and level itself, and the
            # product and producer the dossier holds stay loaded for its notices.
            dossier = dossiers[product.pk]
            accept_dossier(actor=office, dossier=dossier, round=round_)
            chosen.append((producer, item, dossier))
        # Food, drinks and herbal products in the first sitting, the others in the second.
        for index, (held_on, minutes) in enumerate(sittings):
            part = [
                (dossier, item.city_result)
                for producer, item, dossier in chosen
                if len(sittings) == 1 or (index == 0) == item.leaf.startswith(("I.", "II.", "III."))
            ]
            _minutes(office, council, round_, held_on, minutes, part, made)
        _decide(users, round_, decision, title, signed_on, made)
    _close_rounds(office, 2019)


def _year_2020(
    users: dict[str, User], organisations: dict[str, Organisation], plan: CyclePlan, made: Made
) -> None:
    from ocop.evaluation.enums import Level
    from ocop.evaluation.services.dossiers import accept_dossier

    office = users["office"]
    context = _context(plan)
    dossiers = _districts(users, organisations, plan, 2020, plan.sessions_2020, made, context)
    if not dossiers:
        return
    _close_rounds(office, 2020, level=Level.DISTRICT)
    city_round = _round(office, Level.PROVINCE, 2020, CITY_ROUND_2020, made)
    first = sorted(plan.sessions_2020, key=lambda d: plan.sessions_2020[d][3])
    first = first[:ACCEPTED_2020_DISTRICTS]
    for producer, item in plan.products(2020):
        if producer.district not in first:
            continue
        product = context["products"][(context["producers"][producer.name].pk, item.sku)]
        dossier = dossiers[product.pk]
        accept_dossier(actor=office, dossier=dossier, round=city_round)


def _context(plan: CyclePlan) -> dict[str, Any]:
    from ocop.geo.models import AdministrativeUnit
    from ocop.producers.models import Producer
    from ocop.products.models import Product

    producers = {
        p.name: p for p in Producer.objects.filter(name__in=[p.name for p in plan.producers])
    }
    products = {
        (row.producer_id, row.producer_sku): row
        for row in Product.objects.filter(producer__in=producers.values()).select_related(
            "producer__commune"
        )
    }
    communes = {
        unit.key: unit
        for unit in AdministrativeUnit.objects.filter(
            key__in={p.old_commune for p in plan.producers}
        ).select_related("parent")
    }
    return {"producers": producers, "products": products, "communes": communes}


def _close_rounds(office: User, year: int, level: str | None = None) -> None:
    """The rounds of `year` under QĐ 1048 (of `level`, or every level) move on to closed."""
    from ocop.evaluation.enums import RoundStatus
    from ocop.evaluation.models import Round
    from ocop.evaluation.services.rounds import change_round_status

    rounds = Round.objects.filter(year=year, criteria_set__code=CRITERIA_1048).exclude(
        status=RoundStatus.CLOSED
    )
    if level is not None:
        rounds = rounds.filter(level=level)
    for round_ in rounds.order_by("level", "number"):
        if round_.status == RoundStatus.PLANNED:
            continue
        if round_.status == RoundStatus.OPEN:
            change_round_status(actor=office, round=round_, to=RoundStatus.SCORING)
        change_round_status(actor=office, round=round_, to=RoundStatus.CLOSED)


# --- plans ----------------------------------------------------------------------------------


def _plans(office: User, plan: CyclePlan, made: Made) -> None:
    from ocop.core.demo_history import district_phrase
    from ocop.geo.models import AdministrativeUnit
    from ocop.reports.models import Plan
    from ocop.reports.services.plans import save_plan

    wanted: list[tuple[int, Any, dict[str, Any]]] = [
        (year, AdministrativeUnit.objects.get(key=CITY), data) for year, data in PLANS.items()
    ]
    units = {
        unit.name: unit
        for unit in AdministrativeUnit.objects.filter(
            level="district", name__in=plan.districts, valid_to__isnull=False
        )
    }
    for district, target in plan.district_plans.items():
        wanted.append(
            (
                2019,
                units[district],
                {
                    "products_target": target,
                    "reference": f"Kế hoạch của UBND {district_phrase(district)} năm 2019",
                    "note": "Chỉ tiêu Thành phố giao (dữ liệu trình diễn).",
                },
            )
        )
    have = set(Plan.objects.values_list("year", "unit_id"))
    for year, unit, data in wanted:
        if (year, unit.pk) in have:
            continue
        save_plan(actor=office, year=year, unit=unit, data=data)
        made.plans += 1


# --- 2026 under QĐ 26/2026 ------------------------------------------------------------------


def target_sheet(spec: Any, policy: Any, total: int, stars: int) -> dict[str, Any]:
    """A complete sheet of the scorecard `spec` whose engine result is `stars` with a total just
    above `total`: from the best option of every criterion, options are lowered one step at a
    time (last criteria first) while the engine still gives `stars` and at least `total`."""
    from ocop.evaluation.queries.prediction import predict

    options = {
        c.code: sorted({o.points for o in c.options} or {Decimal(0), c.max_points})
        for c in spec.criteria
    }
    sheet = {code: points[-1] for code, points in options.items()}

    def result(selections: dict[str, Decimal]) -> tuple[Decimal, int]:
        outcome = predict(spec, policy, selections, has_story=True).result
        return outcome.mean_total, outcome.stars

    current, current_stars = result(sheet)
    changed = True
    while changed and current > total:
        changed = False
        for criterion in reversed(spec.criteria):
            points = options[criterion.code]
            index = points.index(sheet[criterion.code])
            if index == 0:
                continue
            trial = {**sheet, criterion.code: points[index - 1]}
            trial_total, trial_stars = result(trial)
            keeps = trial_stars == stars or (trial_stars > stars and trial_total >= total)
            if trial_total >= total and keeps:
                sheet, current, current_stars = trial, trial_total, trial_stars
                changed = True
                if current <= total:
                    break
    if current_stars != stars:
        raise ValueError(f"bộ {spec.number}: no sheet of {total} points at {stars}★")
    return {code: _json_number(points) for code, points in sheet.items()}


def member_sheets(spec: Any, policy: Any, base: dict[str, Any], count: int) -> list[dict[str, Any]]:
    """`count` members' readings of `base`: the first is `base`, each other one lowers one
    criterion (a different one each) by one option where the engine's stars stay the same."""
    from ocop.evaluation.queries.prediction import predict

    stars = predict(spec, policy, base, has_story=True).result.stars
    sheets = [dict(base)]
    for criterion in spec.criteria:
        if len(sheets) == count:
            break
        points = sorted({o.points for o in criterion.options} or {Decimal(0), criterion.max_points})
        value = Decimal(str(base[criterion.code]))
        index = points.index(value)
        if index == 0:
            continue
        trial = {**base, criterion.code: _json_number(points[index - 1])}
        if predict(spec, policy, trial, has_story=True).result.stars == stars:
            sheets.append(trial)
    while len(sheets) < count:
        sheets.append(dict(base))
    return sheets


def _json_number(value: Decimal) -> Any:
    return int(value) if value == value.to_integral_value() else float(value)


def _year_2026(users: dict[str, User], context: dict[str, Any], made: Made) -> None:
    from ocop.evaluation.models import Dossier
    from ocop.products.models import Product

    producer = context["producers"][BAT_TRANG["name"]]
    upgrade = Product.objects.select_related("producer__commune", "classification").get(
        name=UPGRADE_PRODUCT
    )
    if Dossier.objects.filter(product__producer=producer, criteria_set__code=CRITERIA_26).exists():
        return
    products = _products_2026(users["office"], producer, made)
    _evaluate_2026(users, products, upgrade, made)


def _products_2026(office: User, producer: Any, made: Made) -> dict[str, Any]:
    from ocop.criteria.models import ClassificationNode
    from ocop.products.models import Product
    from ocop.products.services.products import create_product

    leaf = ClassificationNode.objects.get(criteria_set__code=CRITERIA_26, code="IV.1")
    products: dict[str, Any] = {}
    for number, (name, stage) in enumerate(PRODUCTS_2026, start=1):
        product = Product.objects.filter(producer=producer, name=name).first()
        if product is None:
            product = create_product(
                actor=office,
                producer=producer,
                data={
                    "name": name,
                    "description": f"{name}, gốm Bát Tràng của {producer.name}.",
                    "producer_sku": f"OCOP2026-{number:02d}",
                    "classification": leaf,
                },
            )
            made.products += 1
        products[stage] = Product.objects.select_related(
            "producer__commune", "classification__criteria_set", "classification__scorecard"
        ).get(pk=product.pk)
    return products


def _spec(product: Any) -> tuple[Any, Any]:
    from ocop.criteria.queries.specs import load_scorecard_spec, policy_for

    node = product.classification
    return load_scorecard_spec(CRITERIA_26, node.scorecard.number), policy_for(CRITERIA_26)


def _dossier_2026(actor: User, product: Any, stage: str, *, kind: str = "first",
                  current_stars: int | None = None, submit: bool = True) -> Any:  # fmt: skip
    """A 2026 dossier: Mẫu 01, the producer's final self-assessment (Mẫu 02), the evidence the
    procedure asks for, then submitted to the commune (unless `submit` is False)."""
    from ocop.core.demo_evaluation import EVIDENCE_TITLES
    from ocop.core.demo_history import REGISTRATION
    from ocop.evaluation.enums import EvidenceCategory
    from ocop.evaluation.services.dossiers import (
        add_evidence,
        attach_self_assessment,
        category_of,
        create_dossier,
        dossier_profile,
        submit_dossier,
        update_registration,
    )
    from ocop.evaluation.services.self_assessment import (
        finalise_self_assessment,
        save_self_assessment,
        start_self_assessment,
    )

    dossier = create_dossier(actor=actor, product=product, kind=kind, current_stars=current_stars)
    profile = dossier_profile(dossier)
    category = category_of(dossier)
    update_registration(
        actor=actor,
        dossier=dossier,
        data={"product_name": product.name, **REGISTRATION},
        samples_count=profile.samples_for(category),
    )
    if not submit:
        return dossier
    spec, policy = _spec(product)
    total, stars = SHEET_TARGETS[stage][1]
    assessment = start_self_assessment(actor=actor, product=product)
    save_self_assessment(
        actor=actor,
        assessment=assessment,
        selections=target_sheet(spec, policy, total, stars),
        has_story=True,
    )
    finalise_self_assessment(actor=actor, assessment=assessment)
    attach_self_assessment(actor=actor, dossier=dossier, assessment=assessment)
    today = timezone.localdate()
    for evidence in profile.evidence_for(category):
        add_evidence(
            actor=actor,
            dossier=dossier,
            category=evidence,
            title=EVIDENCE_TITLES.get(evidence, str(EvidenceCategory(evidence).label)),
            upload=SimpleUploadedFile(f"{evidence}.pdf", DEMO_PDF, "application/pdf"),
            issued_on=today - dt.timedelta(days=120),
            expires_on=today + dt.timedelta(days=3 * 365) if evidence == "food_safety" else None,
        )
    return submit_dossier(actor=actor, dossier=dossier)


def _evaluate_2026(
    users: dict[str, User], products: dict[str, Any], upgrade: Any, made: Made
) -> None:
    from ocop.core.demo_evaluation import COMMUNE_FORWARD, COUNCIL_NAME, SCORERS
    from ocop.evaluation.enums import DecisionStatus, Level
    from ocop.evaluation.models import Council, Round
    from ocop.evaluation.services.decisions import change_decision_status, draft_decision
    from ocop.evaluation.services.dossiers import (
        accept_dossier,
        assess_at_commune,
        withdraw_dossier,
    )

    office, commune = users["office"], users["commune"]
    round_ = Round.objects.get(year=2026, number=ROUND_2026, level=Level.PROVINCE)
    council = Council.objects.get(name=COUNCIL_NAME, level=Level.PROVINCE)
    # Lodged with the help of Xã Bát Tràng's officer (the cooperative has no account).
    _dossier_2026(commune, products["draft"], "draft", submit=False)
    withdrawn = _dossier_2026(commune, products["withdrawn"], "withdrawn", submit=False)
    withdraw_dossier(
        actor=commune, dossier=withdrawn, reason="Chủ thể xin rút hồ sơ để hoàn thiện bao bì."
    )
    returned = _dossier_2026(commune, products["returned"], "returned")
    assess_at_commune(
        actor=commune,
        dossier=returned,
        data={**COMMUNE_FORWARD, "conclusion": "return", "completeness_ok": False,
              "reasons": RETURN_REASONS},
    )  # fmt: skip
    waiting = {}
    for stage in ("proposed_central", "not_recognised", "scored", "in_session", "accepted"):
        dossier = _dossier_2026(commune, products[stage], stage)
        assess_at_commune(actor=commune, dossier=dossier, data=COMMUNE_FORWARD)
        waiting[stage] = dossier
    # The Ước Lễ roll (Xã Bình Minh has no officer account: the office records its Mẫu 03).
    upgraded = _dossier_2026(office, upgrade, "upgrade", kind="upgrade", current_stars=3)
    assess_at_commune(actor=office, dossier=upgraded, data=COMMUNE_FORWARD)
    waiting["upgrade"] = upgraded
    for dossier in waiting.values():
        accept_dossier(actor=office, dossier=dossier, round=round_)
    made.dossiers += 3 + len(waiting)
    seats = {seat.user.username: seat for seat in council.members.select_related("user")}
    scorers = [users[name] for name in SCORERS]
    sittings = (
        ("decided", ("proposed_central", "not_recognised", "upgrade"), True),
        ("scored", ("scored",), True),
        ("open", ("in_session",), False),
    )
    products_by_stage = {**products, "upgrade": upgrade}
    for sitting, stages, close in sittings:
        _live_session(
            users,
            council,
            round_,
            SESSIONS_2026[sitting],
            [(waiting[stage], products_by_stage[stage], stage) for stage in stages],
            [seats[name] for name in SCORERS] + [seats["secretary"]],
            scorers,
            close=close,
        )
        made.sessions += 1
        if sitting == "decided":
            number, title, signed_on = DECISION_2026
            decision = draft_decision(actor=office, round=round_, title=title, number=number)
            change_decision_status(
                actor=users["approver"],
                decision=decision,
                to=DecisionStatus.APPROVED,
                signed_on=signed_on,
            )
            made.decisions += 1


def _live_session(
    users: dict[str, User],
    council: Any,
    round_: Any,
    held_on: dt.date,
    items: list[tuple[Any, Any, str]],
    present: list[Any],
    scorers: list[User],
    *,
    close: bool,
) -> None:
    """A council session of 2026 scored in the platform: the members' sheets (the chair's is the
    target sheet, each member lowers one criterion), submitted, and the chair closes it (the
    engine's result). An open session keeps its agenda, not yet scored."""
    from ocop.evaluation.services.sessions import (
        add_to_agenda,
        close_session,
        create_session,
        declare_conflict,
        record_attendance,
        save_sheet,
        submit_sheet,
    )

    session = create_session(
        actor=users["office"], council=council, round=round_, held_on=held_on, place=PLACE_2026
    )
    agenda = [
        (add_to_agenda(actor=users["office"], session=session, dossier=dossier), product, stage)
        for dossier, product, stage in items
    ]
    if not close:
        return
    record_attendance(actor=users["secretary"], session=session, present_members=present)
    for item, product, stage in agenda:
        spec, policy = _spec(product)
        total, stars = SHEET_TARGETS[stage][0]
        sheets = member_sheets(spec, policy, target_sheet(spec, policy, total, stars), len(scorers))
        for member, selections in zip(scorers, sheets, strict=True):
            declare_conflict(actor=member, item=item, has_conflict=False)
            save_sheet(actor=member, item=item, selections=selections, has_story=True)
            submit_sheet(actor=member, item=item)
    close_session(actor=users["chair"], session=session)


# --- training (issue 8) ---------------------------------------------------------------------


@dataclass(frozen=True)
class Course:
    title: str
    topic: str
    audience: str
    status: str  # completed / open
    capacity: int
    description: str
    sessions: tuple[tuple[dt.date, dt.date, str, str], ...]  # starts, ends, place, trainer


COURSES: tuple[Course, ...] = (
    Course(
        "Tập huấn nghiệp vụ đánh giá, phân hạng sản phẩm OCOP theo Quyết định 26/2026/QĐ-TTg",
        "Quy trình hai cấp; tiếp nhận và đánh giá sơ bộ hồ sơ tại xã (Mẫu 03)",
        "officials",
        "completed",
        60,
        "Dành cho cán bộ phụ trách OCOP của các xã, phường sau sắp xếp.",
        (
            (
                dt.date(2026, 7, 14),
                dt.date(2026, 7, 14),
                "Hội trường Sở Nông nghiệp và Môi trường Hà Nội",
                "ThS. Lại Thu Hiền",
            ),
            (
                dt.date(2026, 7, 15),
                dt.date(2026, 7, 15),
                "Hội trường Sở Nông nghiệp và Môi trường Hà Nội",
                "TS. Đoàn Minh Khôi",
            ),
        ),
    ),
    Course(
        "Tập huấn xây dựng câu chuyện sản phẩm và truy xuất nguồn gốc cho chủ thể OCOP",
        "Câu chuyện sản phẩm; mã truy xuất nguồn gốc điện tử; tự đánh giá (Mẫu 02)",
        "producers",
        "completed",
        80,
        "Dành cho chủ thể chuẩn bị hồ sơ đánh giá năm 2026.",
        (
            (
                dt.date(2026, 9, 8),
                dt.date(2026, 9, 9),
                "Nhà văn hóa xã Bát Tràng",
                "ThS. Phùng Quỳnh Nga",
            ),
        ),
    ),
    Course(
        "Tập huấn chuẩn bị hồ sơ đánh giá sản phẩm OCOP năm 2027",
        "Hồ sơ, bằng chứng và lịch các đợt đánh giá năm 2027",
        "mixed",
        "open",
        100,
        "Cán bộ xã và chủ thể cùng tham dự; đang nhận đăng ký.",
        (
            (
                dt.date(2026, 12, 15),
                dt.date(2026, 12, 16),
                "Trung tâm Hội nghị Thành phố",
                "ThS. Lại Thu Hiền",
            ),
        ),
    ),
)
ORGANISER = "Văn phòng Điều phối nông thôn mới Thành phố Hà Nội"


def _training(users: dict[str, User], plan: CyclePlan, made: Made, seed: int) -> None:
    from ocop.reports.enums import ParticipantKind, TrainingStatus
    from ocop.reports.models import TrainingCourse
    from ocop.reports.services.training import (
        add_participant,
        add_session,
        change_course_status,
        create_course,
        record_attendance,
    )

    office = users["office"]
    rng = random.Random(seed * 1000 + SEED_SALT + 1)  # noqa: S311 - seeded demo data
    officials = _officials(rng, users)
    producers = _producer_people(plan)
    for course_spec in COURSES:
        if TrainingCourse.objects.filter(title=course_spec.title, year=2026).exists():
            continue
        course = create_course(
            actor=office,
            data={
                "title": course_spec.title,
                "topic": course_spec.topic,
                "audience": course_spec.audience,
                "organiser": ORGANISER,
                "year": 2026,
                "unit": CITY,
                "description": course_spec.description,
                "capacity": course_spec.capacity,
            },
        )
        made.courses += 1
        sessions = [
            add_session(
                actor=office,
                course=course,
                starts_on=starts,
                ends_on=ends,
                place=place,
                trainer=trainer,
            )
            for starts, ends, place, trainer in course_spec.sessions
        ]
        people: list[tuple[str, dict[str, Any]]] = []
        if course_spec.audience in ("officials", "mixed"):
            people += [(ParticipantKind.OFFICIAL, p) for p in officials]
        if course_spec.audience in ("producers", "mixed"):
            people += [(ParticipantKind.PRODUCER, p) for p in producers]
        if course_spec.status == "open":
            people = people[::4]  # the registrations so far
        participants = [
            add_participant(actor=office, course=course, kind=kind, **person)
            for kind, person in people
        ]
        made.participants += len(participants)
        change_course_status(actor=office, course=course, to=TrainingStatus.OPEN)
        if course_spec.status != "completed":
            continue
        for number, session in enumerate(sessions):
            present = [p for i, p in enumerate(participants) if (i + number) % 7 != 3]
            record_attendance(actor=office, session=session, present=present)
        change_course_status(actor=office, course=course, to=TrainingStatus.COMPLETED)


def _officials(rng: random.Random, users: dict[str, User]) -> list[dict[str, Any]]:
    """The demo's two commune officers, and an invented officer of each of 22 other communes."""
    from ocop.accounts.enums import Role
    from ocop.accounts.models import Membership
    from ocop.geo.models import AdministrativeUnit

    people: list[dict[str, Any]] = []
    taken: set[int] = set()
    for username in ("commune", "commune2"):
        membership = (
            Membership.objects.filter(user=users[username], role=Role.COMMUNE_OFFICER)
            .select_related("organisation__unit")
            .first()
        )
        unit = membership.organisation.unit if membership else None
        if unit is not None:
            taken.add(unit.pk)
        people.append(
            {
                "full_name": users[username].full_name,
                "organisation_name": membership.organisation.name if membership else "",
                "user": users[username],
                "unit": unit,
            }
        )
    communes = list(
        AdministrativeUnit.objects.filter(level="commune", valid_to__isnull=True)
        .exclude(pk__in=taken)
        .order_by("key")
    )
    for unit in rng.sample(communes, 22):
        name, sex = _person(rng)
        people.append(
            {
                "full_name": name,
                "organisation_name": f"Ủy ban nhân dân {unit.name[0].lower()}{unit.name[1:]}",
                "unit": unit,
                "sex": sex,
            }
        )
    return people


def _producer_people(plan: CyclePlan) -> list[dict[str, Any]]:
    """The representatives of the 2019 producers of Gia Lâm, Đông Anh and Thường Tín."""
    from ocop.producers.models import Producer

    wanted = [
        p for p in plan.producers
        if p.district in ("Huyện Gia Lâm", "Huyện Đông Anh", "Huyện Thường Tín")
    ]  # fmt: skip
    records = {p.name: p for p in Producer.objects.filter(name__in=[p.name for p in wanted])}
    return [
        {
            "full_name": spec.representative[0],
            "producer": records[spec.name],
            "sex": spec.representative[1],
            "unit": records[spec.name].commune,
        }
        for spec in wanted
        if spec.name in records
    ]


# --- what the demo prints -------------------------------------------------------------------


def demo_report_lines() -> list[str]:
    """The 2019 figures as the platform counts them, for `ocop load-demo` to print."""
    from ocop.reports.queries.summary import Scope, summary

    figures = summary(Scope(year=2019))
    stars = figures.stars
    return [
        f"  2019: {figures.products_ranked} products ranked ({stars['potential_5']} potential "
        f"5★, {stars['4']} 4★, {stars['3']} 3★) of {figures.producers} producers, "
        f"{figures.workers} workers; plan {figures.plan_target}: "
        f"{figures.plan_achievement_percent}%.",
        "  dashboard: /bao-cao/?year=2019 — API: /api/v1/reports/summary?year=2019",
    ]
