"""The printable documents' data and who may print them (each loader raises 404 otherwise).

- a member's score sheet: the member; the chair and the secretary of the council once the session
  is closed; officials (administrator, provincial office, approver);
- the council minutes (biên bản): officials and the council's seats, once the session is closed;
- the commune report (Mẫu 03): whoever sees the dossier (`access_dossier`, engineer A's loader,
  the same as the printable page /danh-gia/ho-so/<code>/mau-03/);
- the round's summary table: officials.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import Http404
from django.utils import timezone

from ocop.accounts.rules import Access, as_access
from ocop.criteria.engine.scoring import score_sheet
from ocop.criteria.queries.specs import load_scorecard_spec
from ocop.evaluation.enums import CouncilRole, SessionStatus
from ocop.evaluation.models import (
    CommuneAssessment,
    CouncilMember,
    Decision,
    DecisionItem,
    Dossier,
    Round,
    ScoreSheet,
    Session,
    SessionDossier,
)
from ocop.evaluation.queries.results import effective_filter, is_official
from ocop.evaluation.queries.sessions import sheets_visible_to

PROVINCE_PREFIXES = ("Thành phố ", "Tỉnh ")


def short_province(unit: Any) -> str:
    """ "Thành phố Hà Nội" → "Hà Nội": the place name of a state paper's date line."""
    province = getattr(unit, "province", None) or unit
    name = getattr(province, "name", "") or ""
    for prefix in PROVINCE_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _seat(access: Access, council_id: int) -> CouncilMember | None:
    """The user's active seat on the council: a member taken off it no longer prints its
    papers (as they no longer open its sessions, `sessions_visible_to`)."""
    if access.user_id is None:
        return None
    return CouncilMember.objects.filter(
        council_id=council_id, user_id=access.user_id, is_active=True
    ).first()


# --- a member's score sheet -----------------------------------------------------------------


@dataclass
class SheetRow:
    code: str
    title: str
    part: str
    max_points: Decimal
    points: Any
    comment: str


def access_sheet(
    user_or_access: Any, session: str, dossier: str, username: str | None
) -> ScoreSheet:
    """The sheet of `username` (the caller's own when None) on this agenda item; else 404."""
    access = as_access(user_or_access)
    item = (
        SessionDossier.objects.select_related(
            "session__council",
            "session__round",
            "dossier__product",
            "dossier__producer__commune__province",
            "dossier__criteria_set",
            "dossier__scorecard",
        )
        .filter(session__code=session, dossier__code=dossier)
        .first()
    )
    if item is None:
        raise Http404
    sheets = item.sheets.select_related("member__user")
    sheet = (
        sheets.filter(member__user_id=access.user_id).first()
        if username is None
        else sheets.filter(member__user__username=username).first()
    )
    if sheet is None:
        raise Http404
    sheet.item = item
    if is_official(access):  # the office, the administrator and the approver
        return sheet
    # Everyone else prints exactly the sheets the session's pages show them: one rule
    # (`sheets_visible_to`), so that a member with a declared conflict never reads, on paper
    # either, the other members' sheets of that product.
    if sheets_visible_to(access, item).filter(pk=sheet.pk).exists():
        return sheet
    raise Http404


def sheet_context(sheet: ScoreSheet) -> dict[str, Any]:
    item = sheet.item
    dossier = item.dossier
    spec = load_scorecard_spec(dossier.criteria_set.code, dossier.scorecard.number)
    selections = sheet.selections or {}
    comments = sheet.comments or {}
    rows = [
        SheetRow(
            code=criterion.code,
            title=criterion.title,
            part=criterion.part,
            max_points=criterion.max_points,
            points=selections.get(criterion.code),
            comment=str(comments.get(criterion.code, "") or ""),
        )
        for criterion in spec.criteria
    ]
    parts: dict[str, Decimal] = {}
    try:
        scored = score_sheet(
            spec,
            selections,
            knockouts=tuple(sheet.knockouts or ()),
            member=sheet.member.user.username,
        )
    except ValueError:  # a draft may be incomplete: print what is there, without totals
        scored = None
    if scored is not None:
        parts = dict(scored.parts)
    return {
        "sheet": sheet,
        "item": item,
        "dossier": dossier,
        "session": item.session,
        "spec": spec,
        "parts": [
            (part, [row for row in rows if row.part == part.code], parts.get(part.code))
            for part in spec.parts
        ],
        "total": scored.total if scored is not None else sheet.total,
        "place": short_province(dossier.producer.commune),
        "date": item.session.held_on,
    }


# --- the council minutes --------------------------------------------------------------------


def access_session_for_minutes(user_or_access: Any, code: str) -> Session:
    access = as_access(user_or_access)
    session = (
        Session.objects.select_related("council", "round", "closed_by")
        .filter(code=code, status=SessionStatus.CLOSED)
        .first()
    )
    if session is None:
        raise Http404
    if is_official(access):
        return session
    if _seat(access, session.council_id) is not None:
        return session
    raise Http404


@dataclass
class AgendaRow:
    item: SessionDossier
    result: dict[str, Any]
    discussions: list[Any]
    sheets: int


def minutes_context(session: Session) -> dict[str, Any]:
    seats = list(
        session.council.members.filter(is_active=True).select_related("user").order_by("role", "id")
    )
    present_ids = set(session.present.values_list("pk", flat=True))
    attendance = [(seat, seat.pk in present_ids) for seat in seats]
    present = [seat for seat, here in attendance if here]
    chair_present = any(seat.role == CouncilRole.CHAIR for seat in present)
    ratio = Decimal(len(present)) / Decimal(len(seats)) if seats else Decimal(0)
    quorum = ratio >= session.council.quorum_ratio and (
        chair_present or not session.council.quorum_requires_chair
    )
    items = list(
        session.agenda.select_related(
            "dossier__product__classification", "dossier__producer__commune__province"
        )
        .prefetch_related("discussions")
        .order_by("position", "id")
    )
    sheet_counts: dict[int, int] = {}
    for item_id in ScoreSheet.objects.filter(item__session=session).values_list(
        "item_id", flat=True
    ):
        sheet_counts[item_id] = sheet_counts.get(item_id, 0) + 1
    rows = [
        AgendaRow(
            item=item,
            result=item.result or {},
            discussions=list(item.discussions.all()),
            sheets=sheet_counts.get(item.pk, 0),
        )
        for item in items
    ]
    chair = next((seat for seat in seats if seat.role == CouncilRole.CHAIR), None)
    secretary = next((seat for seat in seats if seat.role == CouncilRole.SECRETARY), None)
    place = short_province(items[0].dossier.producer.commune) if items else ""
    return {
        "session": session,
        "council": session.council,
        "attendance": attendance,
        "present_count": len(present),
        "seat_count": len(seats),
        "quorum_ratio": session.council.quorum_ratio,
        "quorum": quorum,
        "chair_present": chair_present,
        "rows": rows,
        "chair": chair,
        "secretary": secretary,
        "place": place,
        "date": session.held_on,
    }


# --- the commune report (Mẫu 03) ------------------------------------------------------------


def latest_commune_assessment(dossier: Dossier) -> CommuneAssessment:
    """The commune's latest assessment of the dossier (what Mẫu 03 prints); else 404."""
    assessment = (
        CommuneAssessment.objects.select_related("assessed_by")
        .filter(dossier=dossier)
        .order_by("-assessed_at", "-id")
        .first()
    )
    if assessment is None:
        raise Http404
    return assessment


# --- the round's summary table --------------------------------------------------------------


def access_round_for_summary(user_or_access: Any, code: str) -> Round:
    access = as_access(user_or_access)
    if not is_official(access):
        raise Http404
    round_ = Round.objects.select_related("criteria_set").filter(code=code).first()
    if round_ is None:
        raise Http404
    return round_


def summary_context(round_: Round) -> dict[str, Any]:
    items = list(
        SessionDossier.objects.filter(
            session__round=round_, session__status=SessionStatus.CLOSED, result__isnull=False
        )
        .select_related(
            "session",
            "dossier__product__classification",
            "dossier__producer__commune__province",
            "dossier__criteria_set",
        )
        .order_by("-mean_total", "dossier__code", "pk")
    )
    decided: dict[int, DecisionItem] = {}
    effective = DecisionItem.objects.filter(effective_filter(), agenda_item__in=items)
    for row in effective.select_related("decision").order_by("decision__approved_at", "pk"):
        decided[row.agenda_item_id] = row
    drafts: dict[int, Decision] = {}
    for row in DecisionItem.objects.filter(
        agenda_item__in=items, decision__status="draft"
    ).select_related("decision"):
        drafts[row.agenda_item_id] = row.decision
    rows = [(item, decided.get(item.pk), drafts.get(item.pk)) for item in items]
    place = short_province(items[0].dossier.producer.commune) if items else ""
    return {"round": round_, "rows": rows, "place": place, "date": timezone.localdate()}
