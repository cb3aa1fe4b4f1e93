"""The history part of the Hà Nội demo: evaluations before the platform, and certificates in
every state. Built only through the services, after the 2026 evaluation demo.

- **2019 under QĐ 1048** (three levels): the councils of the old districts Mỹ Đức, Thanh Oai and
  Ba Vì met first (each dossier lodged in the commune of its time, which ended on 30/6/2025) and
  forwarded their products to the city's council, which met in November;
  the city's decision "6103/QĐ-UBND" of 10/12/2019 recognised them. The results are transcribed
  from the archived minutes (`services/archive.py`): the QĐ 1048 scorecards exist only as an
  unofficial transcription, so no sheet is scored and no result recomputed. Their certificates
  (36 months) expired in December 2022.
- **2022 under QĐ 1048**: Ba Vì's milk sweets, recognised 3★ by "4859/QĐ-UBND" of 28/11/2022 and
  revoked on 10/05/2024 after a food-safety conclusion (Điều 8.c).
- **A certificate recorded from paper** (QĐ 148/2023, whose criteria the platform does not hold):
  the Vạn Phúc silk scarf, 4★ by "5521/QĐ-UBND" of 20/12/2023, which expires on 20/12/2026 (so it
  reads "expiring" in the weeks before), and the Quảng Phú Cầu incense, recorded so that it
  always expires 20 days after the demo is loaded.
- The 2026 lotus tea of the evaluation demo holds the valid certificate (decision 45/QĐ-UBND).

The daily sweep (`ocop certificates-sweep`) runs at the end, so that the stored states and the
notices are those of today. Everything is looked up before it is made: a second run adds nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ocop.accounts.models import Organisation, User

CRITERIA_1048 = "qd1048-2019"
DEMO_PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
CITY_COUNCIL = "Hội đồng đánh giá, phân hạng sản phẩm OCOP Thành phố Hà Nội năm 2019"


@dataclass(frozen=True)
class Evaluation:
    """One product's way through the 2019 (or 2022) chain: its district, the two results the
    minutes give, and the decisions."""

    product: str
    node: str  # its classification under QĐ 1048
    district: str  # the old district whose council met first
    lodged_on: dt.date
    district_result: tuple[str, int]  # mean, stars
    city_result: tuple[str, int]


@dataclass(frozen=True)
class Chain:
    year: int
    district_round: int  # the number of the district rounds (one per district in the demo)
    district_minutes: dict[str, tuple[dt.date, str]]  # district → (held on, minutes)
    district_decisions: dict[str, tuple[str, dt.date]]  # district → (number, signed on)
    city_round: int
    city_minutes: tuple[dt.date, str]
    city_decision: tuple[str, str, dt.date]  # number, title, signed on
    evaluations: tuple[Evaluation, ...]


CHAINS: tuple[Chain, ...] = (
    Chain(
        year=2019,
        district_round=1,
        district_minutes={
            "Huyện Mỹ Đức": (dt.date(2019, 10, 15), "Biên bản số 08/BB-HĐOCOP ngày 15/10/2019"),
            "Huyện Thanh Oai": (dt.date(2019, 10, 17), "Biên bản số 11/BB-HĐOCOP ngày 17/10/2019"),
        },
        district_decisions={
            "Huyện Mỹ Đức": ("256/TTr-UBND", dt.date(2019, 10, 25)),
            "Huyện Thanh Oai": ("318/TTr-UBND", dt.date(2019, 10, 28)),
        },
        city_round=1,
        city_minutes=(dt.date(2019, 11, 20), "Biên bản số 15/BB-HĐ ngày 20/11/2019"),
        city_decision=(
            "6103/QĐ-UBND",
            "Quyết định công nhận sản phẩm OCOP Thành phố Hà Nội năm 2019",
            dt.date(2019, 12, 10),
        ),
        evaluations=(
            Evaluation(
                "Mơ muối Hương Sơn",
                "1.3.c",
                "Huyện Mỹ Đức",
                dt.date(2019, 9, 5),
                ("66.50", 3),
                ("67.00", 3),
            ),
            Evaluation(
                "Giò lụa Ước Lễ",
                "1.3.d",
                "Huyện Thanh Oai",
                dt.date(2019, 9, 9),
                ("76.00", 4),
                ("77.50", 4),
            ),
        ),
    ),
    Chain(
        year=2022,
        district_round=1,
        district_minutes={
            "Huyện Ba Vì": (dt.date(2022, 9, 22), "Biên bản số 21/BB-HĐOCOP ngày 22/9/2022"),
        },
        district_decisions={"Huyện Ba Vì": ("412/TTr-UBND", dt.date(2022, 9, 30))},
        city_round=1,
        city_minutes=(dt.date(2022, 11, 8), "Biên bản số 09/BB-HĐ ngày 08/11/2022"),
        city_decision=(
            "4859/QĐ-UBND",
            "Quyết định công nhận sản phẩm OCOP Thành phố Hà Nội năm 2022 (đợt 2)",
            dt.date(2022, 11, 28),
        ),
        evaluations=(
            Evaluation(
                "Bánh sữa Ba Vì",
                "1.3.d",
                "Huyện Ba Vì",
                dt.date(2022, 8, 15),
                ("61.00", 3),
                ("62.50", 3),
            ),
        ),
    ),
)

# The 2022 milk sweets lose their certificate (Điều 8.c).
REVOKED_PRODUCT = "Bánh sữa Ba Vì"
REVOCATION = {
    "ground": "food_safety_law",
    "basis": "Kết luận kiểm tra số 45/KL-ATTP ngày 26/4/2024 của Chi cục An toàn vệ sinh thực phẩm",
    "concluded_on": dt.date(2024, 4, 26),
    "decision_number": "2150/QĐ-UBND",
    "decided_on": dt.date(2024, 5, 10),
}

# Certificates issued on paper before the platform, under QĐ 148/2023.
CRITERIA_148 = ("qd148-2023", "Bộ tiêu chí đánh giá, phân hạng sản phẩm OCOP (QĐ 148/QĐ-TTg)")
RECORDED: tuple[tuple[str, int, str, dt.date | None], ...] = (
    # product, stars, decision number, decided on (None: 36 months less 20 days before today)
    ("Khăn lụa tơ tằm vân hoa", 4, "5521/QĐ-UBND", dt.date(2023, 12, 20)),
    ("Hương vòng trầm", 3, "1930/QĐ-UBND", None),
)

REGISTRATION = {
    "description": "Sản phẩm truyền thống của địa phương.",
    "raw_material_source": "Nguyên liệu của các hộ trong vùng.",
    "capacity_per_year": "5",
    "capacity_unit": "tấn",
    "market_domestic": "Hà Nội",
    "market_export": "",
    "price": 150000,
    "packaging": "Hộp giấy",
    "brand_status": "registered",
}


def load_history_demo(
    *, users: dict[str, User], organisations: dict[str, Organisation]
) -> dict[str, int]:
    """The history and the certificates (inside `load_demo`'s transaction); what it made."""
    from ocop.certificates.models import Certificate
    from ocop.certificates.services.lifecycle import sweep_certificates

    before = Certificate.objects.count()
    made_dossiers = 0
    for chain in CHAINS:
        made_dossiers += _chain(users, organisations, chain)
    _revoke(users)
    recorded = _recorded(users)
    sweep_certificates(today=timezone.localdate())
    return {
        "history_dossiers": made_dossiers,
        "recorded_certificates": recorded,
        "certificates": Certificate.objects.count() - before,
    }


def district_phrase(district: str) -> str:
    """ "Huyện Mỹ Đức" as it reads inside a sentence: "huyện Mỹ Đức"."""
    kind, _space, name = district.partition(" ")
    return f"{kind.lower()} {name}"


def old_commune(commune: Any, district: str) -> Any:
    """The commune of `district` (before 1/7/2025) that `commune` (a new one) was formed from:
    the one of the same name if there is one, else the first by code; None if there is none."""
    from ocop.geo.models import AdministrativeUnit

    candidates = list(
        AdministrativeUnit.objects.filter(
            successions__successor=commune, parent__name=district
        ).order_by("key")
    )
    same_name = [unit for unit in candidates if unit.name == commune.name]
    return (same_name or candidates or [None])[0]


def _product(name: str) -> Any:
    from ocop.products.models import Product

    return Product.objects.select_related("producer__commune").get(name=name)


def _round(office: User, level: str, year: int, number: int, name: str) -> Any:
    from ocop.criteria.models import CriteriaSet
    from ocop.evaluation.enums import RoundStatus
    from ocop.evaluation.models import Round
    from ocop.evaluation.services.rounds import change_round_status, create_round

    round_ = Round.objects.filter(year=year, number=number, level=level).first()
    if round_ is None:
        round_ = create_round(
            actor=office,
            year=year,
            number=number,
            level=level,
            criteria_set=CriteriaSet.objects.get(code=CRITERIA_1048),
            name=name,
        )
        change_round_status(actor=office, round=round_, to=RoundStatus.OPEN)
    return round_


def _council(office: User, name: str, level: str, organisation: Organisation) -> Any:
    from ocop.evaluation.models import Council
    from ocop.evaluation.services.councils import create_council

    council = Council.objects.filter(name=name, level=level).first()
    return council or create_council(
        actor=office, name=name, level=level, organisation=organisation
    )


def _lodge(office: User, evaluation: Evaluation, round_: Any) -> Any:
    """The dossier as the district received it, accepted into the district's round."""
    from ocop.criteria.models import ClassificationNode
    from ocop.evaluation.enums import DossierKind
    from ocop.evaluation.services.dossiers import (
        accept_dossier,
        add_evidence,
        create_dossier,
        forward_dossier,
        submit_dossier,
        update_registration,
    )

    product = _product(evaluation.product)
    node = ClassificationNode.objects.get(criteria_set__code=CRITERIA_1048, code=evaluation.node)
    dossier = create_dossier(
        actor=office,
        product=product,
        kind=DossierKind.FIRST,
        on=evaluation.lodged_on,
        classification=node,
        commune=old_commune(product.producer.commune, evaluation.district),
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
            issued_on=evaluation.lodged_on - dt.timedelta(days=30),
        )
    submit_dossier(actor=office, dossier=dossier)
    forward_dossier(
        actor=office,
        dossier=dossier,
        note=f"Hồ sơ được UBND {district_phrase(evaluation.district)} tiếp nhận "
        "(nhập từ hồ sơ lưu trữ).",
    )
    accept_dossier(actor=office, dossier=dossier, round=round_)
    return dossier


def _minutes_session(
    office: User, council: Any, round_: Any, held_on: dt.date, minutes: str, results: list
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


def _decide(users: dict[str, User], round_: Any, number: str, title: str, day: dt.date) -> None:
    from ocop.evaluation.enums import DecisionStatus
    from ocop.evaluation.services.decisions import change_decision_status, draft_decision

    decision = draft_decision(actor=users["office"], round=round_, title=title, number=number)
    change_decision_status(
        actor=users["approver"], decision=decision, to=DecisionStatus.APPROVED, signed_on=day
    )


def _chain(users: dict[str, User], organisations: dict[str, Organisation], chain: Chain) -> int:
    from ocop.evaluation.enums import Level
    from ocop.evaluation.models import Dossier

    office = users["office"]
    todo = [
        e
        for e in chain.evaluations
        if not Dossier.objects.filter(product=_product(e.product)).exists()
    ]
    if not todo:
        return 0
    dossiers: dict[str, Any] = {}
    for number, district in enumerate(sorted(chain.district_minutes), start=chain.district_round):
        mine = [e for e in todo if e.district == district]
        if not mine:
            continue
        round_ = _round(
            office,
            Level.DISTRICT,
            chain.year,
            number,
            f"Đánh giá sản phẩm OCOP năm {chain.year} – {district}",
        )
        council = _council(
            office,
            "Hội đồng đánh giá, phân hạng sản phẩm OCOP "
            f"{district_phrase(district)} năm {chain.year}",
            Level.DISTRICT,
            organisations["council"],
        )
        for evaluation in mine:
            dossiers[evaluation.product] = _lodge(office, evaluation, round_)
        held_on, minutes = chain.district_minutes[district]
        _minutes_session(
            office,
            council,
            round_,
            held_on,
            minutes,
            [(dossiers[e.product], e.district_result) for e in mine],
        )
        decision_number, signed_on = chain.district_decisions[district]
        _decide(
            users,
            round_,
            decision_number,
            f"Tờ trình đề nghị Thành phố đánh giá, phân hạng sản phẩm OCOP năm {chain.year} "
            f"của UBND {district_phrase(district)}",
            signed_on,
        )
    from ocop.evaluation.services.dossiers import accept_dossier

    city_round = _round(
        office,
        Level.PROVINCE,
        chain.year,
        chain.city_round,
        f"Đánh giá sản phẩm OCOP cấp Thành phố năm {chain.year}",
    )
    for evaluation in todo:
        dossier = dossiers[evaluation.product]
        dossier.refresh_from_db()
        accept_dossier(actor=office, dossier=dossier, round=city_round)
    city_council = _council(
        office,
        CITY_COUNCIL.replace("2019", str(chain.year)),
        Level.PROVINCE,
        organisations["council"],
    )
    held_on, minutes = chain.city_minutes
    _minutes_session(
        office,
        city_council,
        city_round,
        held_on,
        minutes,
        [(dossiers[e.product], e.city_result) for e in todo],
    )
    number, title, signed_on = chain.city_decision
    _decide(users, city_round, number, title, signed_on)
    return len(todo)


def _revoke(users: dict[str, User]) -> None:
    from ocop.certificates.enums import CertificateStatus
    from ocop.certificates.models import Certificate
    from ocop.certificates.services.revocations import decide_revocation, propose_revocation

    certificate = Certificate.objects.filter(product__name=REVOKED_PRODUCT).first()
    if certificate is None or certificate.status != CertificateStatus.VALID:
        return
    revocation = propose_revocation(
        actor=users["office"],
        certificate=certificate,
        ground=REVOCATION["ground"],
        basis=REVOCATION["basis"],
        concluded_on=REVOCATION["concluded_on"],
    )
    decide_revocation(
        actor=users["approver"],
        revocation=revocation,
        decision_number=REVOCATION["decision_number"],
        decided_on=REVOCATION["decided_on"],
    )


def _recorded(users: dict[str, User]) -> int:
    from ocop.certificates.dates import add_months
    from ocop.certificates.enums import Authority
    from ocop.certificates.models import Certificate
    from ocop.certificates.services.certificates import record_certificate

    made = 0
    today = timezone.localdate()
    for name, stars, number, decided_on in RECORDED:
        product = _product(name)
        if Certificate.objects.filter(product=product).exists():
            continue
        if decided_on is None:  # expires 20 days from today
            expires = today + dt.timedelta(days=20)
            decided_on = add_months(expires, -36)
        record_certificate(
            actor=users["office"],
            product=product,
            stars=stars,
            criteria_set=None,
            criteria_code=CRITERIA_148[0],
            criteria_name=CRITERIA_148[1],
            decision_number=number,
            decided_on=decided_on,
            authority=Authority.PROVINCE,
            mean_total=Decimal("72.00") if stars == 4 else Decimal("63.50"),
        )
        made += 1
    return made


# The certificate of each state, as the README lists them (product name → state on the day the
# demo was written, 29/11/2026; the register and the verification pages compute the state).
LINKED_CERTIFICATES: tuple[tuple[str, str], ...] = (
    ("valid", "Trà ướp sen Tây Hồ"),
    ("expiring (until 19/12/2026)", "Khăn lụa tơ tằm vân hoa"),
    ("expiring (always 20 days after loading)", "Hương vòng trầm"),
    ("expired", "Mơ muối Hương Sơn"),
    ("revoked", REVOKED_PRODUCT),
)


def demo_links() -> list[tuple[str, str]]:
    """(state, verification URL) of the demo's certificates, and one certificate's PDF."""
    from django.conf import settings
    from django.urls import NoReverseMatch, reverse

    from ocop.certificates.models import Certificate

    links: list[tuple[str, str]] = []
    for state, product in LINKED_CERTIFICATES:
        certificate = (
            Certificate.objects.filter(product__name=product).order_by("-decided_on").first()
        )
        if certificate is None:
            continue
        try:
            path = reverse("verify:verify", kwargs={"code": certificate.verification_code})
        except NoReverseMatch:  # the public pages are not mounted
            path = f"/verify/{certificate.verification_code}/"
        links.append((state, f"{settings.SITE_URL}{path}"))
        if state == "valid":
            try:
                pdf = reverse(
                    "verify:certificate_pdf", kwargs={"code": certificate.verification_code}
                )
            except NoReverseMatch:
                continue
            links.append(("PDF", f"{settings.SITE_URL}{pdf}"))
    return links
