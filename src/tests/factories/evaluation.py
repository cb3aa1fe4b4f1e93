"""Factories of the evaluation workflow (issue 4). Several engineers append here: keep each
section's names distinct and only append."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.utils import timezone

from ocop.accounts.enums import OrganisationKind, Role
from ocop.criteria.engine.scoring import combine_sheets, requirements, result_to_dict, score_sheet
from ocop.criteria.engine.types import ScorecardSpec
from ocop.criteria.queries.specs import load_scorecard_spec, policy_for
from ocop.evaluation.enums import (
    CouncilRole,
    DossierStatus,
    Level,
    SessionStatus,
    SheetStatus,
)
from ocop.evaluation.models import (
    Council,
    CouncilMember,
    Dossier,
    Round,
    ScoreSheet,
    Session,
    SessionDossier,
)

from .accounts import MembershipFactory, OrganisationFactory

# --- decisions and results (engineer C): scored dossiers computed by the real engine -----------

HANOI_COUNCIL = "Hội đồng đánh giá, phân hạng sản phẩm OCOP thành phố Hà Nội"


def sheet_at_least(spec: ScorecardSpec, total: int | Decimal, keep_level: int = 5) -> dict:
    """A complete sheet of `spec` totalling at least `total` (and close to it).

    Every criterion starts at its best option and goes down while the total stays ≥ `total`,
    never below the minimum-star requirement of any level up to `keep_level`: with
    `keep_level=4` a 70–89 sheet is a 4★ sheet, with 0 nothing is kept (a 2★ sheet)."""
    floors: dict[str, Decimal] = {}
    for level in range(3, keep_level + 1):
        for req in requirements(spec, level):
            floors[req.criterion] = max(floors.get(req.criterion, Decimal(0)), req.points)
    values: dict[str, list[Decimal]] = {}
    for criterion in spec.criteria:
        if criterion.binary or not criterion.options:
            values[criterion.code] = [Decimal(0), criterion.max_points]
        else:
            values[criterion.code] = sorted(
                {Decimal(0), *(option.points for option in criterion.options)}
            )
    points = {code: allowed[-1] for code, allowed in values.items()}
    current = sum(points.values(), Decimal(0))
    for criterion in reversed(spec.criteria):
        code = criterion.code
        for value in values[code]:
            if value < floors.get(code, Decimal(0)):
                continue
            if current - points[code] + value >= Decimal(total):
                current = current - points[code] + value
                points[code] = value
                break
    return {code: int(v) if v == v.to_integral_value() else str(v) for code, v in points.items()}


def decision_round(
    criteria_set: Any,
    *,
    level: str = Level.PROVINCE,
    year: int = 2026,
    number: int = 1,
    name: str | None = None,
) -> Round:
    return Round.objects.create(
        name=name or f"Đợt {number} năm {year}",
        year=year,
        number=number,
        level=level,
        criteria_set=criteria_set,
        status="scoring",
    )


def decision_council(
    *,
    name: str = HANOI_COUNCIL,
    level: str = Level.PROVINCE,
    chair: Any = None,
    members: Sequence[Any] = (),
    secretary: Any = None,
    extra_members: int = 2,
) -> Council:
    """A council with a chair, members (the users given, then `extra_members` new ones) and a
    secretary; each seat with a department."""
    council = Council.objects.create(name=name, level=level)
    org = OrganisationFactory(kind=OrganisationKind.COUNCIL, name=name[:200])
    departments = iter(
        [
            "Sở Nông nghiệp và Môi trường",
            "Sở Công Thương",
            "Sở Y tế",
            "Sở Khoa học và Công nghệ",
            "Sở Văn hóa và Thể thao",
            "Văn phòng Điều phối nông thôn mới",
        ]
        * 5
    )

    def seat(user: Any, role: str) -> None:
        if user is None:
            user = MembershipFactory(
                role={
                    CouncilRole.CHAIR: Role.COUNCIL_CHAIR,
                    CouncilRole.SECRETARY: Role.COUNCIL_SECRETARY,
                }.get(role, Role.COUNCIL_MEMBER),
                organisation=org,
            ).user
        CouncilMember.objects.create(
            council=council, user=user, role=role, department=next(departments)
        )

    seat(chair, CouncilRole.CHAIR)
    for user in members:
        seat(user, CouncilRole.MEMBER)
    for _ in range(extra_members):
        seat(None, CouncilRole.MEMBER)
    seat(secretary, CouncilRole.SECRETARY)
    return council


def closed_session(
    council: Council,
    round_: Round,
    *,
    held_on: dt.date = dt.date(2026, 6, 15),
    place: str = "Trụ sở UBND thành phố Hà Nội",
    absent: Sequence[Any] = (),
) -> Session:
    """A closed session with every active seat present except the users in `absent`."""
    session = Session.objects.create(
        council=council,
        round=round_,
        held_on=held_on,
        place=place,
        status=SessionStatus.CLOSED,
        closed_at=timezone.now(),
    )
    absent_ids = {user.pk for user in absent}
    session.present.set([seat for seat in council.members.all() if seat.user_id not in absent_ids])
    return session


def scored_dossier(
    product: Any,
    session: Session,
    totals: Sequence[int],
    *,
    keep_level: int = 5,
    comments: Mapping[int, Mapping[str, str]] | None = None,
    status: str = DossierStatus.SCORED,
) -> SessionDossier:
    """A SCORED dossier of the product on the session's agenda, one submitted sheet per present
    scoring seat (the first `len(totals)` of them, in seat order) totalling at least each of
    `totals`, and the agenda item's result computed by the engine (`combine_sheets`) exactly as
    closing a session stores it. `comments` maps a sheet's index to its comments."""
    node = product.classification
    criteria_set = node.criteria_set
    spec = load_scorecard_spec(criteria_set.code, node.scorecard.number)
    dossier = Dossier.objects.create(
        product=product,
        producer=product.producer,
        commune=product.producer.commune,
        criteria_set=criteria_set,
        scorecard=node.scorecard,
        procedure_profile=criteria_set.procedure_profile,
        status=status,
        level=session.round.level,
        round=session.round,
    )
    item = SessionDossier.objects.create(
        session=session, dossier=dossier, position=session.agenda.count() + 1
    )
    seats = [
        seat
        for seat in session.present.select_related("user").order_by("role", "id")
        if seat.scores
    ]
    scored = []
    for index, (seat, total) in enumerate(zip(seats, totals, strict=False)):
        selections = sheet_at_least(spec, total, keep_level)
        sheet = score_sheet(spec, selections, member=seat.user.username)
        scored.append(sheet)
        ScoreSheet.objects.create(
            item=item,
            member=seat,
            status=SheetStatus.SUBMITTED,
            selections=selections,
            comments=dict((comments or {}).get(index, {})),
            total=sheet.total,
            version=1,
            submitted_at=timezone.now(),
        )
    result = combine_sheets(spec, policy_for(criteria_set), scored)
    item.result = result_to_dict(result)
    item.mean_total = result.mean_total
    item.stars = result.stars
    item.band_stars = result.band_stars
    item.flagged_for_discussion = result.flag_discussion
    item.save()
    return item


# --- councils, sessions and sheets (engineer B) ------------------------------------------------
# The workflow's own objects are built through the services (create_session, add_to_agenda …)
# in the tests; these helpers make what comes before: council users, seats, an open round, an
# accepted dossier (through the dossiers' `accept_dossier`), a small scorecard for the
# PostgreSQL thread tests, and complete sheets.

SESSION_DEPARTMENTS = (
    "Sở Nông nghiệp và Môi trường",
    "Sở Công Thương",
    "Sở Y tế",
    "Sở Khoa học và Công nghệ",
    "Sở Văn hóa và Thể thao",
    "Văn phòng Điều phối nông thôn mới",
)


def session_council_user(role: str = Role.COUNCIL_MEMBER, **user_fields: Any) -> Any:
    """A user holding a council role in a council organisation (what a seat requires)."""
    from .accounts import UserFactory

    org = OrganisationFactory(kind=OrganisationKind.COUNCIL, name="Hội đồng OCOP thành phố")
    user = UserFactory(**user_fields)
    MembershipFactory(user=user, organisation=org, role=role)
    return user


def session_round(
    criteria_set: Any,
    *,
    year: int = 2026,
    number: int = 1,
    level: str = Level.PROVINCE,
    status: str = "open",
) -> Round:
    return Round.objects.create(
        name=f"Đợt {number} năm {year}",
        year=year,
        number=number,
        level=level,
        criteria_set=criteria_set,
        status=status,
    )


def session_seat(council: Council, user: Any, role: str = CouncilRole.MEMBER) -> CouncilMember:
    index = council.members.count() % len(SESSION_DEPARTMENTS)
    return CouncilMember.objects.create(
        council=council, user=user, role=role, department=SESSION_DEPARTMENTS[index]
    )


def session_council(
    *,
    chair: Any,
    members: Sequence[Any] = (),
    extra_members: int = 0,
    secretary: Any = None,
    name: str = "Hội đồng đánh giá, phân hạng sản phẩm OCOP cấp thành phố",
    level: str = Level.PROVINCE,
    **fields: Any,
) -> Council:
    """A council with seats: the chair, the members given, `extra_members` new members and a
    secretary (a new one when None)."""
    council = Council.objects.create(name=name, level=level, **fields)
    session_seat(council, chair, CouncilRole.CHAIR)
    for user in members:
        session_seat(council, user, CouncilRole.MEMBER)
    for _ in range(extra_members):
        session_seat(council, session_council_user(Role.COUNCIL_MEMBER), CouncilRole.MEMBER)
    session_seat(
        council,
        secretary or session_council_user(Role.COUNCIL_SECRETARY),
        CouncilRole.SECRETARY,
    )
    return council


def accepted_dossier(product: Any, round_: Round, *, office: Any, scorecard: Any = None) -> Dossier:
    """A dossier of the product that the commune forwarded (its events recorded), accepted into
    `round_` by the office through the dossiers' service (`accept_dossier`)."""
    from ocop.evaluation.services.dossiers import accept_dossier

    dossier = forwarded_dossier(product, round_, scorecard=scorecard)
    return accept_dossier(actor=office, dossier=dossier, round=round_)


def forwarded_dossier(product: Any, round_: Round, *, scorecard: Any = None) -> Dossier:
    """A dossier of the product that the commune forwarded to `round_`'s level (its events
    recorded: created, submitted, forwarded), waiting for the office to accept it."""
    from ocop.evaluation.models import DossierEvent

    if scorecard is None:
        scorecard = product.classification.scorecard
    criteria_set = round_.criteria_set
    dossier = Dossier.objects.create(
        product=product,
        producer=product.producer,
        commune=product.producer.commune,
        criteria_set=criteria_set,
        scorecard=scorecard,
        procedure_profile=criteria_set.procedure_profile,
        status=DossierStatus.FORWARDED,
        level=round_.level,
        submitted_at=timezone.now(),
    )
    for before, after, level in (
        ("", DossierStatus.DRAFT, Level.COMMUNE),
        (DossierStatus.DRAFT, DossierStatus.SUBMITTED, Level.COMMUNE),
        (DossierStatus.SUBMITTED, DossierStatus.FORWARDED, round_.level),
    ):
        DossierEvent.objects.create(
            dossier=dossier, from_status=before, to_status=after, level=level
        )
    return dossier


def tiny_scorecard() -> tuple[Any, Any]:
    """A criteria set with one small scorecard (parts A and B; criteria 1.1, 1.2 and 2.1; a
    stop rule on 1.1), for tests that cannot use the real files (the PostgreSQL thread
    tests commit their data). Returns (criteria set, scorecard)."""
    from ocop.criteria.enums import KnockoutScope, NodeKind
    from ocop.criteria.models import KnockoutRule, Node, Option

    from .criteria import CriteriaSetFactory, ScorecardFactory

    criteria_set = CriteriaSetFactory(procedure_profile="qd26-2026-two-level")
    scorecard = ScorecardFactory(criteria_set=criteria_set, number=1, name="Bộ nhỏ")
    position = iter(range(100))

    def node(code: str, level: int, maximum: int, parent: Any = None, **extra: Any) -> Any:
        return Node.objects.create(
            scorecard=scorecard,
            parent=parent,
            level=level,
            code=code,
            title=f"Mục {code}",
            display_title=f"Mục {code}",
            max_points=Decimal(maximum),
            position=next(position),
            kind=NodeKind.CRITERION if level >= 2 else NodeKind.GROUP,
            scorable=level >= 2,
            **extra,
        )

    part_a = Node.objects.create(
        scorecard=scorecard,
        level=0,
        code="A",
        title="PHẦN A",
        display_title="Phần A",
        max_points=Decimal(60),
        position=next(position),
        kind=NodeKind.PART,
    )
    part_b = Node.objects.create(
        scorecard=scorecard,
        level=0,
        code="B",
        title="PHẦN B",
        display_title="Phần B",
        max_points=Decimal(40),
        position=next(position),
        kind=NodeKind.PART,
    )
    group1 = node("1", 1, 60, part_a)
    c11 = node("1.1", 2, 30, group1)
    c12 = node("1.2", 2, 30, group1)
    group2 = node("2", 1, 40, part_b)
    c21 = node("2.1", 2, 40, group2)
    for criterion, points in ((c11, (10, 30)), (c12, (15, 30)), (c21, (20, 40))):
        for seq, value in enumerate(points, start=1):
            Option.objects.create(
                node=criterion,
                label_source=f"Mức {seq}",
                label=f"Mức {seq}",
                points=Decimal(value),
                seq=seq,
            )
    KnockoutRule.objects.create(
        scorecard=scorecard,
        code="1.1",
        scope=KnockoutScope.CRITERION,
        text="Nguyên liệu nhập khẩu",
        criterion_code="1.1",
        position=1,
    )
    return criteria_set, scorecard


def complete_sheet(spec: ScorecardSpec, pick: str = "max") -> dict[str, int | str]:
    """Every criterion of `spec` answered: with its best option (`"max"`), its lowest option
    (`"min"`) or none applying (`"zero"`)."""
    sheet: dict[str, int | str] = {}
    for criterion in spec.criteria:
        if criterion.binary or not criterion.options:
            values = [Decimal(0), criterion.max_points]
        else:
            values = sorted(option.points for option in criterion.options)
        value = {"max": values[-1], "min": values[0], "zero": Decimal(0)}[pick]
        sheet[criterion.code] = int(value) if value == value.to_integral_value() else str(value)
    return sheet
