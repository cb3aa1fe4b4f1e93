"""The evaluation part of the Hà Nội demo (issue 4), built only through the services.

- the public holidays of the bundled file (the working-day deadlines skip them);
- the provincial rounds of 2026 under QĐ 26/2026: round 1 (its council has met: "scoring") and
  round 2 (open for dossiers);
- the city council: `chair` chairs it, `member1`–`member3` score, `secretary` keeps the minutes;
- dossiers at each stage, for people trying the demo:
  - producer1's plate ("Đĩa gốm trang trí men ngọc"), submitted and waiting at Xã Bát Tràng;
  - producer2's tea bags ("Trà sen túi lọc"), pre-assessed and forwarded by Phường Tây Hồ,
    waiting for the office to accept them into a round;
  - producer2's lotus tea ("Trà ướp sen Tây Hồ"), evaluated end to end in round 1: a closed
    session with the four members' sheets (the engine's result, 4★), decision "45/QĐ-UBND" of
    30/06/2026 approved, so /ket-qua/ shows a recognised product out of the box (its result
    mails wait in the office's outbox for review) and its certificate is valid to 30/06/2029.

Producer1's set of cups ("Bộ ấm chén men rạn") has a final self-assessment and no dossier: the
browser journey (src/tests/browser/test_evaluation_journey.py) lodges it. Everything is looked
up before it is made, so a second run creates nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ocop.accounts.models import Organisation, User

YEAR = 2026
CRITERIA_SET = "qd26-2026"
# number, name, the status the round ends in
ROUNDS: list[tuple[int, str, str]] = [
    (1, "Đợt 1 năm 2026", "scoring"),
    (2, "Đợt 2 năm 2026", "open"),
]
COUNCIL_NAME = "Hội đồng đánh giá, phân hạng sản phẩm OCOP Thành phố Hà Nội năm 2026"
# username, council role, department
COUNCIL_SEATS: list[tuple[str, str, str]] = [
    ("chair", "chair", "Sở Nông nghiệp và Môi trường"),
    ("member1", "member", "Sở Công Thương"),
    ("member2", "member", "Sở Khoa học và Công nghệ"),
    ("member3", "member", "Sở Văn hóa và Thể thao"),
    ("secretary", "secretary", "Văn phòng Điều phối nông thôn mới Thành phố"),
]
SCORERS = ("chair", "member1", "member2", "member3")
DECISION_NUMBER = "45/QĐ-UBND"
DECISION_TITLE = "Quyết định công nhận sản phẩm OCOP Thành phố Hà Nội năm 2026 (đợt 1)"
PLACE = "Trụ sở Văn phòng Điều phối nông thôn mới Thành phố Hà Nội"
# Round 1 of 2026 met and was decided before its deadline (30/6): fixed days, so that the lotus
# tea's certificate (and its verification link in the README) is the same on every machine.
SESSION_DAY = dt.date(2026, 6, 20)
DECISION_DAY = dt.date(2026, 6, 30)

# A minimal PDF (the evidence of the demo dossiers; the uploads are sniffed, not trusted).
DEMO_PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
EVIDENCE_TITLES = {
    "registration_form": "Phiếu đăng ký tham gia đánh giá (Mẫu 01) có chữ ký",
    "self_assessment_report": "Báo cáo tự đánh giá (Mẫu 02)",
    "business_registration": "Giấy chứng nhận đăng ký kinh doanh",
    "food_safety": "Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
}

# product name → (owner, the stage it reaches, Mẫu 01)
DOSSIERS: list[tuple[str, str, str, dict[str, Any]]] = [
    (
        "Đĩa gốm trang trí men ngọc",
        "producer1",
        "submitted",
        {
            "description": "Đĩa gốm men ngọc vẽ tay, đường kính 30 cm, nung ở 1.250 °C.",
            "raw_material_source": "Đất sét trắng và men tro của làng Bát Tràng.",
            "capacity_per_year": "3000",
            "capacity_unit": "sản phẩm",
            "market_domestic": "Hà Nội, Quảng Ninh, Thành phố Hồ Chí Minh",
            "market_export": "Nhật Bản",
            "price": 650000,
            "packaging": "Hộp gỗ lót vải",
            "brand_status": "applied",
        },
    ),
    (
        "Trà sen túi lọc",
        "producer2",
        "forwarded",
        {
            "description": "Hộp 25 túi lọc trà xanh ướp hương sen Tây Hồ.",
            "raw_material_source": "Chè Thái Nguyên; sen Bách Diệp của các hộ ở Quảng An.",
            "capacity_per_year": "12000",
            "capacity_unit": "hộp",
            "market_domestic": "Hà Nội, Hải Phòng",
            "market_export": "",
            "price": 120000,
            "packaging": "Hộp giấy, túi lọc giấy không tẩy trắng",
            "brand_status": "registered",
        },
    ),
    (
        "Trà ướp sen Tây Hồ",
        "producer2",
        "recognised",
        {
            "description": "Chè Thái Nguyên ướp bông sen Bách Diệp Hồ Tây theo cách truyền thống.",
            "raw_material_source": "Chè Thái Nguyên; sen Bách Diệp Hồ Tây, hợp đồng với 6 hộ.",
            "capacity_per_year": "2.5",
            "capacity_unit": "tấn",
            "market_domestic": "Hà Nội, Thành phố Hồ Chí Minh, Đà Nẵng",
            "market_export": "Hàn Quốc",
            "price": 950000,
            "packaging": "Hộp sơn mài 100 g",
            "brand_status": "collective",
        },
    ),
]
COMMUNE_OFFICERS = {"producer1": "commune", "producer2": "commune2"}
COMMUNE_FORWARD: dict[str, Any] = {
    "local_materials": "Nguyên liệu chính thu mua tại địa phương theo hợp đồng.",
    "local_materials_met": True,
    "local_labour": "Sử dụng lao động địa phương, có đóng bảo hiểm.",
    "local_labour_met": True,
    "idea_origin": "Ý tưởng sản phẩm từ nghề truyền thống của địa phương.",
    "idea_origin_met": True,
    "local_identity": "Sản phẩm mang đậm bản sắc, bí quyết của làng nghề.",
    "local_identity_met": True,
    "completeness_ok": True,
    "conclusion": "forward",
    "report": "Hồ sơ đầy đủ, đúng quy định. UBND đề nghị UBND Thành phố đánh giá, phân hạng.",
    "reasons": "",
}

# The council's sheets for the lotus tea (bộ 11): the producer's 77 points, then each member's
# reading of a few criteria. Totals 77, 80, 79, 76: mean 78, spread 4, every 4★ requirement met.
TEA_CHANGES: dict[str, dict[str, int]] = {
    "chair": {},
    "member1": {"4.2": 3, "9": 5},
    "member2": {"6.2.3": 5},
    "member3": {"1.3": 2},
}
TEA_COMMENTS: dict[str, dict[str, str]] = {
    "chair": {"5.1": "Câu chuyện sản phẩm gắn với sen Hồ Tây, trình bày tốt."},
    "member1": {"9": "Đã xuất khẩu thử sang Hàn Quốc, thị trường mở rộng."},
    "member2": {"6.2.3": "Hương sen tự nhiên, hậu vị ngọt."},
    "member3": {"1.3": "Nên mở rộng liên kết với hộ trồng sen."},
}


def load_evaluation_demo(
    *, users: dict[str, User], organisations: dict[str, Organisation]
) -> dict[str, int]:
    """The evaluation demo (runs inside `load_demo`'s transaction); the counts of what it made."""
    from ocop.evaluation.services.calendar import load_holidays

    holidays = load_holidays(actor=None)["created"]
    rounds, made_rounds = _rounds(users["office"])
    council, made_councils = _council(users, organisations["council"])
    made_dossiers = made_decisions = 0
    for product_name, owner, stage, registration in DOSSIERS:
        dossier = _dossier(users[owner], product_name, registration)
        if dossier is None:
            continue
        made_dossiers += 1
        if stage in ("forwarded", "recognised"):
            _forward(users[COMMUNE_OFFICERS[owner]], dossier)
        if stage == "recognised":
            _evaluate(users, council, rounds[1], dossier)
            made_decisions += 1
    for number, _name, status in ROUNDS:
        _move_round(users["office"], rounds[number], status)
    return {
        "holidays": holidays,
        "rounds": made_rounds,
        "councils": made_councils,
        "dossiers": made_dossiers,
        "decisions": made_decisions,
    }


def _today() -> dt.date:
    return timezone.localdate()


# --- rounds and the council -------------------------------------------------------------------


def _rounds(office: User) -> tuple[dict[int, Any], int]:
    from ocop.criteria.models import CriteriaSet
    from ocop.evaluation.enums import Level, RoundStatus
    from ocop.evaluation.models import Round
    from ocop.evaluation.services.rounds import change_round_status, create_round

    criteria_set = CriteriaSet.objects.get(code=CRITERIA_SET)
    rounds: dict[int, Any] = {}
    made = 0
    for number, name, _status in ROUNDS:
        round_ = Round.objects.filter(year=YEAR, number=number, level=Level.PROVINCE).first()
        if round_ is None:
            round_ = create_round(
                actor=office,
                year=YEAR,
                number=number,
                level=Level.PROVINCE,
                criteria_set=criteria_set,
                name=name,
            )
            change_round_status(actor=office, round=round_, to=RoundStatus.OPEN)
            made += 1
        rounds[number] = round_
    return rounds, made


def _move_round(office: User, round_: Any, status: str) -> None:
    """Forward along the round's machine to `status` (never back)."""
    from ocop.evaluation.enums import RoundStatus
    from ocop.evaluation.services.rounds import change_round_status

    order = [RoundStatus.PLANNED, RoundStatus.OPEN, RoundStatus.SCORING, RoundStatus.CLOSED]
    round_.refresh_from_db()
    while order.index(round_.status) < order.index(status):
        following = order[order.index(round_.status) + 1]
        change_round_status(actor=office, round=round_, to=following)


def _council(users: dict[str, User], organisation: Organisation) -> tuple[Any, int]:
    from ocop.evaluation.enums import Level
    from ocop.evaluation.models import Council, CouncilMember
    from ocop.evaluation.services.councils import add_council_member, create_council

    office = users["office"]
    council = Council.objects.filter(name=COUNCIL_NAME, level=Level.PROVINCE).first()
    made = 0
    if council is None:
        council = create_council(
            actor=office, name=COUNCIL_NAME, level=Level.PROVINCE, organisation=organisation
        )
        made = 1
    for username, role, department in COUNCIL_SEATS:
        user = users[username]
        if CouncilMember.objects.filter(council=council, user=user, is_active=True).exists():
            continue
        add_council_member(
            actor=office, council=council, user=user, role=role, department=department
        )
    return council, made


# --- dossiers ----------------------------------------------------------------------------------


def _dossier(owner: User, product_name: str, registration: dict[str, Any]) -> Any:
    """A complete dossier of the owner's product, submitted to its commune; None when the
    product already has a dossier (or is not in the demo)."""
    from ocop.evaluation.enums import DossierKind, EvidenceCategory, SelfAssessmentStatus
    from ocop.evaluation.models import Dossier
    from ocop.evaluation.services.dossiers import (
        add_evidence,
        attach_self_assessment,
        category_of,
        create_dossier,
        dossier_profile,
        submit_dossier,
        update_registration,
    )
    from ocop.products.models import Product

    product = (
        Product.objects.select_related("producer", "classification")
        .filter(name=product_name, producer__organisation__memberships__user=owner)
        .first()
    )
    if product is None or Dossier.objects.filter(product=product).exists():
        return None
    assessment = product.self_assessments.filter(status=SelfAssessmentStatus.FINAL).first()
    dossier = create_dossier(actor=owner, product=product, kind=DossierKind.FIRST)
    update_registration(
        actor=owner,
        dossier=dossier,
        data={"product_name": product.name, **registration},
        samples_count=dossier_profile(dossier).samples_for(category_of(dossier)),
    )
    if assessment is not None:
        attach_self_assessment(actor=owner, dossier=dossier, assessment=assessment)
    today = _today()
    for category in dossier_profile(dossier).evidence_for(category_of(dossier)):
        add_evidence(
            actor=owner,
            dossier=dossier,
            category=category,
            title=EVIDENCE_TITLES.get(category, str(EvidenceCategory(category).label)),
            upload=SimpleUploadedFile(f"{category}.pdf", DEMO_PDF, "application/pdf"),
            issued_on=today - dt.timedelta(days=90),
            expires_on=today + dt.timedelta(days=3 * 365) if category == "food_safety" else None,
        )
    return submit_dossier(actor=owner, dossier=dossier)


def _forward(officer: User, dossier: Any) -> None:
    from ocop.evaluation.services.dossiers import assess_at_commune

    assess_at_commune(actor=officer, dossier=dossier, data=COMMUNE_FORWARD)


def _evaluate(users: dict[str, User], council: Any, round_: Any, dossier: Any) -> None:
    """Round 1: the office accepts the dossier, the council scores it in a session the chair
    closes, the office drafts the decision and the approver approves it."""
    from ocop.core.demo import LOTUS_TEA_SHEET
    from ocop.evaluation.enums import DecisionStatus
    from ocop.evaluation.models import CouncilMember
    from ocop.evaluation.services.decisions import change_decision_status, draft_decision
    from ocop.evaluation.services.dossiers import accept_dossier
    from ocop.evaluation.services.sessions import (
        add_to_agenda,
        close_session,
        create_session,
        declare_conflict,
        record_attendance,
        save_sheet,
        submit_sheet,
    )

    office = users["office"]
    accept_dossier(actor=office, dossier=dossier, round=round_)
    session = create_session(
        actor=office, council=council, round=round_, held_on=SESSION_DAY, place=PLACE
    )
    item = add_to_agenda(actor=office, session=session, dossier=dossier)
    seats = CouncilMember.objects.filter(council=council, user__username__in=SCORERS)
    record_attendance(actor=users["secretary"], session=session, present_members=list(seats))
    for username in SCORERS:
        member = users[username]
        declare_conflict(actor=member, item=item, has_conflict=False)
        save_sheet(
            actor=member,
            item=item,
            selections={**LOTUS_TEA_SHEET, **TEA_CHANGES[username]},
            comments=TEA_COMMENTS[username],
            has_story=True,
        )
        submit_sheet(actor=member, item=item)
    close_session(actor=users["chair"], session=session)
    decision = draft_decision(
        actor=office, round=round_, title=DECISION_TITLE, number=DECISION_NUMBER
    )
    change_decision_status(
        actor=users["approver"],
        decision=decision,
        to=DecisionStatus.APPROVED,
        signed_on=DECISION_DAY,
    )
