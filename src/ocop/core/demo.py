"""The Hà Nội demo data, built only through the platform's services, with a fixed seed.

`ocop load-demo` wipes nothing it did not make: it refuses to run on a database that holds
non-demo producers unless --force is given, and it is idempotent for the demo accounts.
The demo accounts share the password `ocop-demo` (DEMO_PASSWORD) and exist only here.

It also imports the bundled OCOP criteria (QĐ 26/2026 and the QĐ 1048 history; importing the
same file again changes nothing), classifies every demo product under a leaf of QĐ 26/2026, and
gives producer1's first product a draft self-assessment predicting 3★ (with what to improve for
4★) and producer2's first product a final one predicting 4★; the other products that take part
in the evaluation demo get final ones. The evaluation demo itself (holidays, the 2026 rounds,
the city council, dossiers at each stage, a recognised product) is `ocop.core.demo_evaluation`.
The evaluation cycles of 2019 (the city's 301 ranked products), 2020 and 2026, the plans and the
training courses — what the reports count — are `ocop.core.demo_cycles`, loaded last
(`cycles=False` leaves them out).
"""

from __future__ import annotations

import datetime as dt
import random
import struct
import zlib
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from ocop.accounts.enums import OrganisationKind, Role
from ocop.accounts.models import Organisation, User
from ocop.accounts.services.users import add_membership, create_organisation, create_user
from ocop.geo.models import AdministrativeUnit

DEMO_PASSWORD = "ocop-demo"  # noqa: S105 - the documented password of the demo accounts

# username, full name, role, organisation key (see ORGANISATIONS)
ACCOUNTS: list[tuple[str, str, str, str]] = [
    ("admin", "Quản trị hệ thống", Role.ADMIN, "platform"),
    ("office", "Nguyễn Thị Hồng Nhung", Role.PROVINCE_OFFICER, "office"),
    ("commune", "Lê Văn Thành", Role.COMMUNE_OFFICER, "ubnd_bat_trang"),
    ("commune2", "Phạm Thu Trang", Role.COMMUNE_OFFICER, "ubnd_tay_ho"),
    ("chair", "Trần Quốc Hùng", Role.COUNCIL_CHAIR, "council"),
    ("member1", "Đỗ Minh Châu", Role.COUNCIL_MEMBER, "council"),
    ("member2", "Vũ Thị Hạnh", Role.COUNCIL_MEMBER, "council"),
    ("member3", "Hoàng Anh Tuấn", Role.COUNCIL_MEMBER, "council"),
    ("secretary", "Ngô Thị Lan", Role.COUNCIL_SECRETARY, "council"),
    ("approver", "Bùi Đức Long", Role.APPROVER, "committee"),
    ("producer1", "Nguyễn Văn Phát", Role.PRODUCER_OWNER, None),
    ("producer2", "Trịnh Thị Sen", Role.PRODUCER_OWNER, None),
    ("buyer", "Đặng Quang Minh", Role.BUYER, "buyer"),
]

# key: (kind, name, unit code or None, unit level)
ORGANISATIONS: dict[str, tuple[str, str, str | None]] = {
    "platform": (OrganisationKind.PLATFORM, "Đơn vị vận hành nền tảng OCOP", None),
    "office": (
        OrganisationKind.PROVINCE_OFFICE,
        "Văn phòng Điều phối nông thôn mới TP Hà Nội",
        "p01",
    ),
    "committee": (OrganisationKind.PROVINCE_COMMITTEE, "Ủy ban nhân dân Thành phố Hà Nội", "p01"),
    "council": (
        OrganisationKind.COUNCIL,
        "Hội đồng đánh giá, phân hạng sản phẩm OCOP Thành phố Hà Nội",
        "p01",
    ),
    "ubnd_bat_trang": (
        OrganisationKind.COMMUNE_COMMITTEE,
        "Ủy ban nhân dân xã Bát Tràng",
        "c00577",
    ),
    "ubnd_tay_ho": (OrganisationKind.COMMUNE_COMMITTEE, "Ủy ban nhân dân phường Tây Hồ", "c00103"),
    "buyer": (OrganisationKind.BUYER, "Công ty CP Phân phối Nông sản Sạch Thủ Đô", None),
}


@dataclass(frozen=True)
class DemoProducer:
    owner: str | None  # demo username of the owner, if any
    kind: str
    name: str
    commune_key: str
    address: str
    tax_code: str
    representative: str
    sex: str
    ethnicity: str
    workforce: tuple[int, int]
    founded: dt.date
    status: str  # approved / pending / rejected
    # name, description, OCOP classification (a leaf of the QĐ 26/2026 classification)
    products: tuple[tuple[str, str, str], ...]


# Fictional producers in real Hà Nội communes; tax codes carry valid check digits.
PRODUCERS: list[DemoProducer] = [
    DemoProducer(
        "producer1",
        "cooperative",
        "Hợp tác xã Gốm sứ Minh Phát",
        "c00577",
        "Thôn 3, xã Bát Tràng",
        "",
        "Nguyễn Văn Phát",
        "male",
        "Kinh",
        (42, 35),
        dt.date(2012, 3, 15),
        "approved",
        (
            ("Bình gốm men lam vẽ tay", "Bình gốm men lam, vẽ tay hoa sen, cao 35 cm.", "IV.1"),
            ("Bộ ấm chén men rạn", "Bộ ấm chén 6 chén, men rạn cổ.", "IV.1"),
            ("Đĩa gốm trang trí men ngọc", "Đĩa gốm men ngọc, đường kính 30 cm.", "IV.1"),
        ),
    ),
    DemoProducer(
        "producer2",
        "enterprise",
        "Công ty TNHH Trà sen Quảng An",
        "c00103",
        "Ngõ 52 Quảng An, phường Tây Hồ",
        "",
        "Trịnh Thị Sen",
        "female",
        "Kinh",
        (18, 16),
        dt.date(2016, 6, 1),
        "approved",
        (
            ("Trà ướp sen Tây Hồ", "Chè Thái Nguyên ướp bông sen Bách Diệp Hồ Tây.", "I.5.a"),
            ("Trà sen túi lọc", "Hộp 25 túi lọc trà sen.", "I.5.b"),
        ),
    ),
    DemoProducer(
        None,
        "cooperative",
        "Hợp tác xã Khảm trai Chuyên Mỹ",
        "c10330",
        "Thôn Chuyên Mỹ, xã Chuyên Mỹ",
        "",
        "Đinh Văn Khảm",
        "male",
        "Kinh",
        (60, 52),
        dt.date(2009, 9, 9),
        "approved",
        (
            ("Tranh khảm trai phong cảnh", "Tranh khảm trai trên gỗ, 60 × 90 cm.", "IV.1"),
            ("Hộp trang sức khảm trai", "Hộp gỗ khảm trai, khóa đồng.", "IV.1"),
        ),
    ),
    DemoProducer(
        None,
        "household",
        "Hộ kinh doanh Lụa Vạn Phúc Hà Đông",
        "c09556",
        "Làng lụa Vạn Phúc, phường Hà Đông",
        "",
        "Triệu Thị Lụa",
        "female",
        "Kinh",
        (8, 8),
        dt.date(2015, 1, 20),
        "approved",
        (("Khăn lụa tơ tằm vân hoa", "Khăn lụa tơ tằm dệt vân hoa, 180 × 55 cm.", "IV.2"),),
    ),
    DemoProducer(
        None,
        "cooperative",
        "Hợp tác xã Nông nghiệp Hương Sơn",
        "c10489",
        "Thôn Yến Vĩ, xã Hương Sơn",
        "",
        "Quách Văn Mơ",
        "male",
        "Mường",
        (25, 25),
        dt.date(2018, 2, 2),
        "approved",
        (
            ("Mơ muối Hương Sơn", "Mơ lông muối, hũ 500 g.", "I.3.c"),
            ("Rượu mơ Hương Sơn", "Rượu mơ ngâm 12 tháng, chai 500 ml.", "II.1.b"),
        ),
    ),
    DemoProducer(
        None,
        "farm",
        "Trang trại Bò sữa Ba Vì Xanh",
        "c09700",
        "Thôn Yên Khoái, xã Ba Vì",
        "",
        "Đinh Thị Hoa",
        "female",
        "Dao",
        (30, 27),
        dt.date(2014, 4, 30),
        "approved",
        (
            ("Sữa chua nếp cẩm Ba Vì", "Sữa chua nếp cẩm từ sữa bò tươi.", "I.3.d"),
            ("Bánh sữa Ba Vì", "Bánh sữa truyền thống, hộp 250 g.", "I.3.d"),
        ),
    ),
    DemoProducer(
        None,
        "cooperative_group",
        "Tổ hợp tác Hương vòng Quảng Phú Cầu",
        "c10369",
        "Thôn Cầu Bầu, xã Ứng Thiên",
        "",
        "Lương Văn Hương",
        "male",
        "Kinh",
        (14, 14),
        dt.date(2019, 11, 11),
        "approved",
        (("Hương vòng trầm", "Hương vòng trầm tự nhiên, đốt 24 giờ.", "IV.1"),),
    ),
    DemoProducer(
        None,
        "enterprise",
        "Công ty CP Thực phẩm Ước Lễ",
        "c10126",
        "Thôn Ước Lễ, xã Bình Minh",
        "",
        "Phan Văn Giò",
        "male",
        "Kinh",
        (40, 31),
        dt.date(2011, 7, 7),
        "approved",
        (
            ("Giò lụa Ước Lễ", "Giò lụa gói lá chuối, 1 kg.", "I.3.d"),
            ("Chả quế Ước Lễ", "Chả quế nướng, 500 g.", "I.3.d"),
        ),
    ),
    DemoProducer(
        None,
        "cooperative",
        "Hợp tác xã Mây tre đan Phú Vinh",
        "c10045",
        "Thôn Phú Vinh, xã Xuân Mai",
        "",
        "Kiều Thị Mây",
        "female",
        "Kinh",
        (85, 80),
        dt.date(2008, 5, 19),
        "pending",
        (("Giỏ mây đan tay", "Giỏ mây đan tay, có nắp.", "IV.1"),),
    ),
    DemoProducer(
        None,
        "household",
        "Hộ sản xuất Bánh chưng Tranh Khúc",
        "c00664",
        "Thôn Tranh Khúc, xã Đại Thanh",
        "",
        "Nguyễn Thị Chưng",
        "female",
        "Kinh",
        (6, 6),
        dt.date(2020, 12, 1),
        "pending",
        (("Bánh chưng Tranh Khúc", "Bánh chưng lá dong, 1 kg.", "I.3.b"),),
    ),
    DemoProducer(
        None,
        "cooperative",
        "Hợp tác xã Rau an toàn Văn Đức",
        "c00565",
        "Thôn Văn Đức, xã Gia Lâm",
        "",
        "Tạ Văn Rau",
        "male",
        "Kinh",
        (33, 33),
        dt.date(2013, 8, 8),
        "rejected",
        (("Rau cải ngọt an toàn", "Rau cải ngọt VietGAP, bó 500 g.", "I.1.a"),),
    ),
    DemoProducer(
        None,
        "farm",
        "Trang trại Bưởi Diễn Phú Diễn",
        "c00619",
        "Tổ dân phố 5, phường Phú Diễn",
        "",
        "Đỗ Thị Bưởi",
        "female",
        "Kinh",
        (12, 10),
        dt.date(2017, 10, 10),
        "approved",
        (("Bưởi Diễn", "Bưởi Diễn đặc sản, quả 1–1,2 kg.", "I.1.a"),),
    ),
]


# The demo self-assessments: (owner, product name, points per criterion, comments, final).
# Bộ 21 (thủ công mỹ nghệ): 60 points, 3★; 4★ needs 10 more points and six requirements.
CERAMICS_SHEET: dict[str, int] = {
    "1.1": 2, "1.2": 2, "1.3": 2, "1.4": 1, "1.5": 1, "1.6": 0,
    "2.1": 4, "2.2": 3, "2.3": 1,
    "3.1": 3, "3.2": 0, "3.3": 3, "3.4": 1, "3.5": 1,
    "4.1": 3, "4.2": 2, "4.3": 3,
    "5.1": 3, "5.2": 1, "5.3": 3,
    "6.1": 3, "6.2": 3, "6.3": 2, "6.4": 2, "6.5": 5,
    "7": 2, "8": 1, "9": 3,
}  # fmt: skip
# Bộ 11 (chè): 77 points, 4★.
LOTUS_TEA_SHEET: dict[str, int] = {
    "1.1": 2, "1.2": 1, "1.3": 3, "1.4": 2, "1.5": 2, "1.6": 1, "1.7": 1,
    "2.1": 3, "2.2": 3, "2.3": 3, "2.4": 1,
    "3.1": 2, "3.2": 1, "3.3": 3, "3.4": 2, "3.5": 2,
    "4.1": 3, "4.2": 2, "4.3": 3,
    "5.1": 5, "5.2": 2, "5.3": 5,
    "6.1.1": 2, "6.1.2": 2, "6.2.1": 2, "6.2.2": 3, "6.2.3": 3,
    "7": 3, "8": 4, "9": 3, "10": 2, "11": 1,
}  # fmt: skip
# Bộ 21: 78 points, 4★ (the set of cups producer1 lodges in the browser journey).
TEA_SET_SHEET: dict[str, int] = {
    "1.1": 1, "1.2": 3, "1.3": 3, "1.4": 2, "1.5": 1, "1.6": 1,
    "2.1": 4, "2.2": 4, "2.3": 1,
    "3.1": 3, "3.2": 1, "3.3": 3, "3.4": 2, "3.5": 2,
    "4.1": 3, "4.2": 3, "4.3": 3,
    "5.1": 5, "5.2": 2, "5.3": 1,
    "6.1": 5, "6.2": 5, "6.3": 3, "6.4": 3, "6.5": 5,
    "7": 1, "8": 3, "9": 5,
}  # fmt: skip
# Bộ 21: 61 points, 3★ (the plate, a dossier waiting at the commune).
PLATE_SHEET: dict[str, int] = {
    "1.1": 1, "1.2": 2, "1.3": 2, "1.4": 2, "1.5": 1, "1.6": 1,
    "2.1": 4, "2.2": 4, "2.3": 1,
    "3.1": 2, "3.2": 1, "3.3": 2, "3.4": 2, "3.5": 2,
    "4.1": 3, "4.2": 2, "4.3": 2,
    "5.1": 5, "5.2": 1, "5.3": 1,
    "6.1": 3, "6.2": 3, "6.3": 2, "6.4": 2, "6.5": 3,
    "7": 1, "8": 3, "9": 3,
}  # fmt: skip
# Bộ 12 (trà từ thực vật khác): 75 points, 4★ (the tea bags, a dossier waiting for the office).
TEA_BAG_SHEET: dict[str, int] = {
    "1.1": 2, "1.2": 2, "1.3": 3, "1.4": 3, "1.5": 2, "1.6": 1, "1.7": 1,
    "2.1": 3, "2.2": 2, "2.3": 3, "2.4": 1,
    "3.1": 3, "3.2": 1, "3.3": 3, "3.4": 2, "3.5": 2,
    "4.1": 3, "4.2": 3, "4.3": 3,
    "5.1": 5, "5.2": 2, "5.3": 1,
    "6.1": 2, "6.2": 2, "6.3": 2, "6.4": 2, "6.5": 3,
    "7": 3, "8": 2, "9": 3, "10": 2, "11": 3,
}  # fmt: skip
SELF_ASSESSMENTS: list[tuple[str, str, dict[str, int], dict[str, str], bool]] = [
    (
        "producer1",
        "Bình gốm men lam vẽ tay",
        CERAMICS_SHEET,
        {
            "3.5": "Đã nộp đơn đăng ký nhãn hiệu, đang chờ cấp giấy chứng nhận.",
            "8": "Đang làm hồ sơ chứng nhận ISO 9001 cho xưởng.",
        },
        False,
    ),
    ("producer2", "Trà ướp sen Tây Hồ", LOTUS_TEA_SHEET, {}, True),
    ("producer1", "Bộ ấm chén men rạn", TEA_SET_SHEET, {}, True),
    ("producer1", "Đĩa gốm trang trí men ngọc", PLATE_SHEET, {}, True),
    ("producer2", "Trà sen túi lọc", TEA_BAG_SHEET, {}, True),
]


def tiny_png(rgb: tuple[int, int, int], size: int = 64) -> bytes:
    """A valid PNG of one colour, made here so the demo ships no image files."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + tag
            + data
            + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
        )

    row = b"\x00" + bytes(rgb) * size
    raw = row * size
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def _unit(key: str) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(key=key)


def _mst(rng: random.Random) -> str:
    """A random 10-digit Vietnamese tax code with a valid check digit."""
    weights = (31, 29, 23, 19, 17, 13, 7, 5, 3)
    while True:
        digits = [rng.randint(0, 9) for _ in range(9)]
        digits[0] = 0
        digits[1] = 1  # Hà Nội codes start 01
        check = (10 - sum(w * d for w, d in zip(weights, digits, strict=True)) % 11) % 11
        if check < 10:
            return "".join(map(str, digits)) + str(check)


def load_demo(*, seed: int = 42, stdout: Any = None, cycles: bool = True) -> dict[str, int]:
    """Load (or complete) the demo; returns what it created. The demo sends no e-mail: the
    notices of its workflow stay in-app, and its e-mails go to the dummy backend (the result
    mails of its decision wait in the outbox for the office's review, as usual).

    `cycles=False` leaves out the evaluation cycles of 2019, 2020 and 2026 with the plans and the
    training courses (`ocop.core.demo_cycles`, the figures of the reports): the tests that need
    the demo only for its accounts and pages load it faster that way."""
    from django.test.utils import override_settings

    from ocop.core.codes import repeatable_codes

    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
        repeatable_codes(seed),
    ):
        return _load_demo(seed=seed, stdout=stdout, cycles=cycles)


@transaction.atomic
def _load_demo(*, seed: int, stdout: Any, cycles: bool) -> dict[str, int]:
    from ocop.criteria.models import ClassificationNode
    from ocop.criteria.services.importer import BUNDLED_FILES, import_criteria
    from ocop.geo.services.gazetteer import import_gazetteer  # leaf: keeps start-up light
    from ocop.producers.models import Producer
    from ocop.producers.services.producers import (
        change_producer_status,
        create_producer,
        register_producer,
    )
    from ocop.products.models import Product
    from ocop.products.services.products import (
        add_product_photo,
        create_product,
        update_product,
    )

    rng = random.Random(seed)
    say = stdout.write if stdout else (lambda _m: None)

    import_gazetteer()
    say("Administrative map of Hà Nội loaded.")
    for path in BUNDLED_FILES:
        import_criteria(actor=None, path=path)
    say("OCOP criteria loaded (QĐ 26/2026, and the QĐ 1048 history).")
    leaves = {
        node.code: node
        for node in ClassificationNode.objects.filter(
            criteria_set__code="qd26-2026", scorecard__isnull=False
        ).select_related("criteria_set", "scorecard")
    }

    organisations: dict[str, Organisation] = {}
    for key, (kind, name, unit_key) in ORGANISATIONS.items():
        existing = Organisation.objects.filter(kind=kind, name=name).first()
        organisations[key] = existing or create_organisation(
            actor=None, kind=kind, name=name, unit=_unit(unit_key) if unit_key else None
        )

    users: dict[str, User] = {}
    for username, full_name, role, org_key in ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = create_user(
                actor=None,
                username=username,
                password=DEMO_PASSWORD,
                full_name=full_name,
                email=f"{username}@ocop-demo.vn",
            )
        if username == "admin" and not user.is_superuser:
            user.is_superuser = True
            user.is_staff = True
            user.save(update_fields=["is_superuser", "is_staff"])
        if org_key:
            add_membership(actor=None, user=user, organisation=organisations[org_key], role=role)
        users[username] = user

    office = users["office"]
    made_producers = made_products = 0
    for index, spec in enumerate(PRODUCERS):
        if Producer.objects.filter(name=spec.name).exists():
            continue
        data = {
            "kind": spec.kind,
            "name": spec.name,
            "tax_code": spec.tax_code or _mst(rng),
            "registration_number": f"{rng.randint(1000, 9999)}/ĐKKD",
            "registration_date": spec.founded + dt.timedelta(days=rng.randint(10, 200)),
            "founded_on": spec.founded,
            "address": spec.address,
            "commune": _unit(spec.commune_key),
            "phone": f"09{rng.randint(10_000_000, 99_999_999)}",
            "email": f"lienhe{index + 1}@ocop-demo.vn",
            "representative_name": spec.representative,
            "representative_sex": spec.sex,
            "representative_ethnicity": spec.ethnicity,
            "representative_disability": False,
            "workforce_total": spec.workforce[0],
            "workforce_local": spec.workforce[1],
        }
        if spec.owner:
            producer = register_producer(actor=users[spec.owner], data=data)
        else:
            producer = create_producer(actor=None, data=data)
        if spec.status == "approved" and producer.status != "approved":
            change_producer_status(actor=office, producer=producer, to="approved")
        elif spec.status == "rejected" and producer.status != "rejected":
            change_producer_status(
                actor=office,
                producer=producer,
                to="rejected",
                reason="Thiếu giấy chứng nhận đăng ký kinh doanh.",
            )
        made_producers += 1
        actor = users[spec.owner] if spec.owner else office
        for number, (name, description, classification) in enumerate(spec.products):
            product = create_product(
                actor=actor,
                producer=producer,
                data={
                    "name": name,
                    "description": description,
                    "producer_sku": f"SP{number + 1:02d}",
                    "classification": leaves[classification],
                },
            )
            colour = (rng.randint(60, 220), rng.randint(60, 220), rng.randint(60, 220))
            upload = SimpleUploadedFile(
                "anh-san-pham.png", tiny_png(colour), content_type="image/png"
            )
            add_product_photo(actor=actor, product=product, upload=upload, caption=name)
            made_products += 1
    say(f"{made_producers} producers and {made_products} products created.")

    # Products made by an earlier version of the demo get their classification now.
    for spec in PRODUCERS:
        for name, _description, classification in spec.products:
            product = Product.objects.filter(
                producer__name=spec.name, name=name, classification__isnull=True
            ).first()
            if product is not None:
                update_product(
                    actor=office, product=product, data={"classification": leaves[classification]}
                )

    made_assessments = _demo_self_assessments(users)
    say(f"{made_assessments} self-assessments created.")
    from ocop.core.demo_evaluation import load_evaluation_demo

    evaluation = load_evaluation_demo(users=users, organisations=organisations)
    say(
        "Evaluation: {holidays} holidays, {rounds} rounds, {councils} council(s), "
        "{dossiers} dossiers and {decisions} decision(s) created.".format(**evaluation)
    )
    from ocop.core.demo_history import demo_links, load_history_demo

    history = load_history_demo(users=users, organisations=organisations)
    say(
        "History: {history_dossiers} dossiers of 2019–2022 (from the archived minutes), "
        "{recorded_certificates} certificates recorded from paper, {certificates} certificates "
        "in all.".format(**history)
    )
    for state, link in demo_links():
        say(f"  {state}: {link}")
    from ocop.core.demo_traceability import demo_trace_links, load_traceability_demo

    trace = load_traceability_demo(users=users, organisations=organisations)
    say(
        "Traceability: {trace_places} places, {trace_batches} batches, {trace_steps} steps, "
        "{trace_shipments} shipments, {trace_stamps} stamps created.".format(**trace)
    )
    for label, link in demo_trace_links():
        say(f"  {label}: {link}")
    # The portal (issue 7), last: its codes come after the ones the README links to.
    from ocop.core.demo_catalog import load_catalog_demo
    from ocop.core.demo_portal import load_portal_demo
    from ocop.core.demo_trade import load_trade_demo

    catalog = load_catalog_demo(users=users, organisations=organisations)
    say(
        "Catalogue: {catalog_certificates} certificates recorded, {catalog_listed} products "
        "listed.".format(**catalog)
    )
    trade = load_trade_demo(users=users, organisations=organisations)
    say(
        "Supply and demand: {trade_buyers} buyers, {trade_demands} demands, {trade_offers} "
        "offers, {trade_connections} connections.".format(**trade)
    )
    portal = load_portal_demo(users=users, organisations=organisations)
    say(
        "Portal: {points_of_sale} points of sale, {store_links} store links, {articles} "
        "articles, {featured} featured products.".format(**portal)
    )
    made = {
        "producers": made_producers,
        "products": made_products,
        "accounts": len(users),
        "self_assessments": made_assessments,
        **evaluation,
        **history,
        **trace,
        **catalog,
        **trade,
        **portal,
    }
    if cycles:
        # The cycles (issue 8), after everything else: they need the 2019 history, and their
        # codes come after the ones the README links to.
        from ocop.core.demo_cycles import demo_report_lines, load_cycles_demo

        made_cycles = load_cycles_demo(users=users, organisations=organisations, seed=seed)
        say(
            "Cycles: {cycle_producers} producers, {cycle_products} products, {cycle_dossiers} "
            "dossiers, {cycle_rounds} rounds, {cycle_decisions} decisions, {cycle_plans} plans, "
            "{cycle_courses} training courses created.".format(**made_cycles)
        )
        for line in demo_report_lines():
            say(line)
        made.update(made_cycles)
    return made


def _demo_self_assessments(users: dict[str, User]) -> int:
    """The demo self-assessments, for products that have none yet."""
    from ocop.evaluation.services.self_assessment import (
        finalise_self_assessment,
        save_self_assessment,
        start_self_assessment,
    )
    from ocop.products.models import Product

    made = 0
    for username, product_name, selections, comments, final in SELF_ASSESSMENTS:
        owner = users[username]
        product = (
            Product.objects.select_related(
                "classification__criteria_set", "classification__scorecard"
            )
            .filter(name=product_name, producer__organisation__memberships__user=owner)
            .first()
        )
        if product is None or product.self_assessments.exists():
            continue
        assessment = start_self_assessment(actor=owner, product=product)
        save_self_assessment(
            actor=owner,
            assessment=assessment,
            selections=selections,
            has_story=True,
            comments=comments,
        )
        if final:
            finalise_self_assessment(actor=owner, assessment=assessment)
        made += 1
    return made
