"""/api/v1/rounds and /api/v1/sessions: rounds, council sessions and the members' sheets over
HTTP, with the loaders and services of the pages (a member can score through the API too).

Answers:

- 404 for what the caller may not see (a session of another council, a sheet still hidden from
  them), so existence never leaks;
- 403 problem details (`type` …/forbidden) when the caller may see but not do: not a member of
  the session's council, the secretary scoring, a declared conflict of interest, a member who is
  not present, someone other than the chair closing or opening a discussion round;
- 409 problem details (`type` …/conflict) when the state does not allow it: a closed session, a
  sheet already submitted, no declaration yet, no quorum (the numbers are in `detail`), an item
  not fully scored;
- 422 problem details (`type` …/validation) for bad input: the engine's errors name the
  criterion (`errors[].field` `selections.1.1`).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from ocop.core.problems import Problem
from ocop.criteria.engine.errors import ScoringError
from ocop.criteria.engine.types import Policy
from ocop.criteria.models import CriteriaSet
from ocop.criteria.queries.specs import load_scorecard_spec
from ocop.evaluation.enums import SheetStatus
from ocop.evaluation.models import Round, ScoreSheet, Session, SessionDossier
from ocop.evaluation.queries.councils import access_round, rounds_visible_to
from ocop.evaluation.queries.prediction import json_points, predict
from ocop.evaluation.queries.sessions import (
    ItemProgress,
    access_item,
    access_session,
    seat_of,
    session_progress,
    sessions_visible_to,
    sheets_visible_to,
    with_session_columns,
)
from ocop.evaluation.schemas_sessions import (
    AttendanceIn,
    DeclarationIn,
    DeclarationOut,
    DiscussionIn,
    DiscussionOut,
    DossierKnockoutsIn,
    DossierKnockoutsOut,
    ItemOut,
    RoundIn,
    RoundOut,
    RoundStatusIn,
    SessionDetailOut,
    SessionFilters,
    SessionOut,
    SheetIn,
    SheetOut,
)
from ocop.evaluation.services.refusals import Refusal
from ocop.evaluation.services.rounds import change_round_status, create_round
from ocop.evaluation.services.sessions import (
    close_session,
    declare_conflict,
    open_discussion_round,
    record_attendance,
    record_dossier_knockouts,
    save_sheet,
    submit_sheet,
)

rounds_router = Router(tags=["rounds"])
sessions_router = Router(tags=["sessions"])
PARTS_POLICY = Policy()  # part totals do not depend on the policy


@contextmanager
def refusals() -> Iterator[None]:
    """A service's refusal as problem details: 403 forbidden or 409 conflict, the message in
    `detail`."""
    try:
        yield
    except Refusal as exc:
        title = (
            _("You are not allowed to do this.")
            if exc.status == 403
            else _("This cannot be done in the current state.")
        )
        raise Problem(exc.status, title, kind=exc.kind, detail=exc.text) from None


def _number(value: Decimal | None) -> int | float | None:
    return None if value is None else json_points(Decimal(value))


# --- rounds -------------------------------------------------------------------------------------


@rounds_router.get("", response=list[RoundOut], summary="List the evaluation rounds")
@paginate(LimitOffsetPagination)
def list_rounds(request: HttpRequest) -> QuerySet[Round]:
    """Newest first; the programme's staff and the councils see them (others get none)."""
    return rounds_visible_to(request.auth)


@rounds_router.post("", response={201: RoundOut}, summary="Create a round (the provincial office)")
def create(request: HttpRequest, payload: RoundIn) -> Status:
    """Deadlines left out come from the calendar of the criteria set's procedure profile."""
    criteria_set = CriteriaSet.objects.filter(code=payload.criteria_set).first()
    if criteria_set is None:
        raise Problem(
            422,
            _("The request is not valid."),
            kind="validation",
            detail=_("There is no criteria set “%(code)s”.") % {"code": payload.criteria_set},
        )
    with refusals():
        round_ = create_round(
            actor=request.auth,
            year=payload.year,
            number=payload.number,
            level=payload.level,
            criteria_set=criteria_set,
            proposal_deadline=payload.proposal_deadline,
            evaluation_deadline=payload.evaluation_deadline,
            name=payload.name,
        )
    return Status(201, round_)


@rounds_router.get("/{code}", response=RoundOut, summary="One round")
def round_detail(request: HttpRequest, code: str) -> Round:
    return access_round(request.auth, code)


@rounds_router.post("/{code}/status", response=RoundOut, summary="Move a round to its next status")
def round_status(request: HttpRequest, code: str, payload: RoundStatusIn) -> Round:
    round_ = access_round(request.auth, code)
    with refusals():
        change_round_status(actor=request.auth, round=round_, to=payload.to)
    return round_


# --- sessions -----------------------------------------------------------------------------------


def _session_out(session: Session, items: int) -> dict[str, Any]:
    return {
        "code": session.code,
        "council": session.council.code,
        "council_name": session.council.name,
        "round": session.round.code,
        "held_on": session.held_on,
        "place": session.place,
        "status": session.status,
        "items": items,
    }


def _item_out(entry: ItemProgress) -> dict[str, Any]:
    item = entry.item
    dossier = item.dossier
    result = None
    if item.result is not None and item.mean_total is not None:
        result = {
            "mean_total": _number(item.mean_total),
            "stars": item.stars or 0,
            "band_stars": item.band_stars or 0,
        }
    open_discussion = entry.open_discussion
    return {
        "dossier": dossier.code,
        "product": dossier.product.name,
        "producer": dossier.product.producer.name,
        "scorecard": dossier.scorecard.number,
        "criteria_set": dossier.criteria_set.code,
        "position": item.position,
        "flagged_for_discussion": item.flagged_for_discussion,
        "declared": entry.declared_count,
        "expected": entry.expected_count,
        "submitted": entry.submitted_count,
        "complete": entry.complete,
        "discussion_rounds": len(entry.discussions),
        "open_discussion": open_discussion.number if open_discussion is not None else None,
        "dossier_knockouts": [str(e["code"]) for e in item.dossier_knockouts or []],
        "members": [
            {
                "username": m.seat.user.username,
                "name": m.seat.user.get_full_name(),
                "role": m.seat.role,
                "department": m.seat.department,
                "present": m.present,
                "declared": m.declared,
                "conflict": m.conflict,
                "state": m.state,
            }
            for m in entry.members
        ],
        "result": result,
    }


def _session_detail(session: Session) -> dict[str, Any]:
    progress = session_progress(session)
    quorum = progress.quorum
    return {
        **_session_out(session, len(progress.items)),
        "closed_at": session.closed_at,
        "quorum": {
            "active": quorum.active,
            "present": quorum.present,
            "required": quorum.required,
            "ratio": json_points(quorum.ratio),
            "chair_required": quorum.chair_required,
            "chair_present": quorum.chair_present,
            "met": quorum.met,
        },
        "agenda": [_item_out(entry) for entry in progress.items],
    }


@sessions_router.get("", response=list[SessionOut], summary="List the sessions the caller may see")
@paginate(LimitOffsetPagination)
def list_sessions(request: HttpRequest, filters: Query[SessionFilters]) -> QuerySet[Session]:
    """The sessions of the councils the caller sits on (every session for the provincial
    office), newest first."""
    queryset: QuerySet[Session] = with_session_columns(sessions_visible_to(request.auth))
    if filters.round:
        queryset = queryset.filter(round__code=filters.round)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    return queryset.order_by("-held_on", "-id")


@sessions_router.get(
    "/{code}", response=SessionDetailOut, summary="A session: quorum and agenda with progress"
)
def session_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    """Who is present, and for every agenda item who has declared and submitted (never the
    points: see the item's sheets)."""
    return _session_detail(access_session(request.auth, code))


@sessions_router.post(
    "/{code}/attendance", response=SessionDetailOut, summary="Record who is present"
)
def attendance(request: HttpRequest, code: str, payload: AttendanceIn) -> dict[str, Any]:
    """The secretary, the chair or the office; the list replaces the previous one."""
    session = access_session(request.auth, code)
    seats = {
        seat.user.username: seat
        for seat in session.council.members.filter(is_active=True).select_related("user")
    }
    unknown = [name for name in payload.present if name not in seats]
    if unknown:
        raise Problem(
            422,
            _("The request is not valid."),
            kind="validation",
            detail=_("Not members of this council: %(names)s.") % {"names": ", ".join(unknown)},
        )
    with refusals():
        record_attendance(
            actor=request.auth,
            session=session,
            present_members=[seats[name] for name in payload.present],
        )
    return _session_detail(session)


@sessions_router.post("/{code}/close", response=SessionDetailOut, summary="Close the session")
def close(request: HttpRequest, code: str) -> dict[str, Any]:
    """The chair only. 409 without quorum or with an item not fully scored (the numbers and
    the dossiers are named); then the results are the engine's and the dossiers are scored."""
    session = access_session(request.auth, code)
    with refusals():
        close_session(actor=request.auth, session=session)
    return _session_detail(session)


# --- one agenda item --------------------------------------------------------------------------


@sessions_router.get(
    "/{code}/items/{dossier_code}", response=ItemOut, summary="An agenda item's progress"
)
def item_detail(request: HttpRequest, code: str, dossier_code: str) -> dict[str, Any]:
    item = access_item(request.auth, code, dossier_code)
    return _item_out(session_progress(item.session, [item]).items[0])


@sessions_router.post(
    "/{code}/items/{dossier_code}/declaration",
    response=DeclarationOut,
    summary="Declare whether I have a conflict of interest",
)
def declaration(
    request: HttpRequest, code: str, dossier_code: str, payload: DeclarationIn
) -> dict[str, Any]:
    """Before scoring an item, every scoring member declares; with a conflict they do not
    score it (a note says how they are tied). It may change until the member submits."""
    item = access_item(request.auth, code, dossier_code)
    with refusals():
        declared = declare_conflict(
            actor=request.auth, item=item, has_conflict=payload.has_conflict, note=payload.note
        )
    return {
        "dossier": item.dossier.code,
        "member": request.auth.username,  # type: ignore[attr-defined]
        "has_conflict": declared.has_conflict,
        "note": declared.note,
        "declared_at": declared.declared_at,
    }


def _sheet_out(item: SessionDossier, sheet: ScoreSheet) -> dict[str, Any]:
    dossier = item.dossier
    spec = load_scorecard_spec(dossier.criteria_set.code, dossier.scorecard.number)
    try:
        prediction = predict(spec, PARTS_POLICY, sheet.selections, has_story=sheet.has_story)
        member = prediction.result.members[0]
        running, parts = member.total, dict(member.parts)
    except ScoringError:
        running, parts = Decimal(0), {}
    seat = sheet.member
    return {
        "member": seat.user.username,
        "name": seat.user.get_full_name(),
        "role": seat.role,
        "department": seat.department,
        "status": sheet.status,
        "version": sheet.version,
        "has_story": sheet.has_story,
        "selections": dict(sheet.selections),
        "comments": dict(sheet.comments),
        "knockouts": list(sheet.knockouts),
        "choices": dict(sheet.choices),
        "total": _number(sheet.total) if sheet.status != SheetStatus.DRAFT else None,
        "running_total": json_points(running),
        "parts": {code: json_points(value) for code, value in parts.items()},
        "submitted_at": sheet.submitted_at,
        "updated_at": sheet.updated_at,
    }


def _my_sheet(request: HttpRequest, item: SessionDossier) -> ScoreSheet:
    """The caller's own sheet (an empty draft before the first save); 404 for someone who
    does not score on the council."""
    seat = seat_of(request.auth, item.session.council)
    if seat is None or not seat.scores:
        raise Http404
    sheet = ScoreSheet.objects.filter(item=item, member=seat).select_related("member__user").first()
    return sheet or ScoreSheet(item=item, member=seat)


@sessions_router.get(
    "/{code}/items/{dossier_code}/sheet", response=SheetOut, summary="My sheet for an item"
)
def my_sheet(request: HttpRequest, code: str, dossier_code: str) -> dict[str, Any]:
    item = access_item(request.auth, code, dossier_code)
    return _sheet_out(item, _my_sheet(request, item))


@sessions_router.put(
    "/{code}/items/{dossier_code}/sheet", response=SheetOut, summary="Save my draft"
)
def save_my_sheet(
    request: HttpRequest, code: str, dossier_code: str, payload: SheetIn
) -> dict[str, Any]:
    """Replaces the draft; criteria left out are not answered yet. Each answer is checked by
    the engine (422 naming the criterion). Refused (403/409) before the declaration, with a
    conflict, for the secretary, once submitted, in a closed session."""
    item = access_item(request.auth, code, dossier_code)
    with refusals():
        sheet = save_sheet(
            actor=request.auth,
            item=item,
            selections=payload.selections,
            comments=payload.comments,
            knockouts=payload.knockouts,
            has_story=payload.has_story,
            choices=payload.choices,
        )
    return _sheet_out(item, sheet)


@sessions_router.post(
    "/{code}/items/{dossier_code}/sheet/submit", response=SheetOut, summary="Submit my sheet"
)
def submit_my_sheet(request: HttpRequest, code: str, dossier_code: str) -> dict[str, Any]:
    """The saved draft, complete (422 names each criterion missing); its total is computed by
    the engine. Afterwards the other members' sheets become visible to the caller."""
    item = access_item(request.auth, code, dossier_code)
    with refusals():
        sheet = submit_sheet(actor=request.auth, item=item)
    return _sheet_out(item, sheet)


@sessions_router.get(
    "/{code}/items/{dossier_code}/sheets",
    response=list[SheetOut],
    summary="The item's sheets the caller may read",
)
def item_sheets(request: HttpRequest, code: str, dossier_code: str) -> list[dict[str, Any]]:
    """A member sees their own sheet, and the others' only once their own is submitted; a
    member with a conflict sees no other sheet; the secretary and the office see them all."""
    item = access_item(request.auth, code, dossier_code)
    return [_sheet_out(item, sheet) for sheet in sheets_visible_to(request.auth, item)]


@sessions_router.post(
    "/{code}/items/{dossier_code}/discussion",
    response={201: DiscussionOut},
    summary="Open a discussion round (the chair)",
)
def discussion(request: HttpRequest, code: str, dossier_code: str, payload: DiscussionIn) -> Status:
    """Reopens every submitted sheet of the item (the versions are kept); the round closes
    when every member has submitted again."""
    item = access_item(request.auth, code, dossier_code)
    with refusals():
        opened = open_discussion_round(actor=request.auth, item=item, reason=payload.reason)
    reopened = (
        ScoreSheet.objects.filter(item=item, status=SheetStatus.REOPENED)
        .order_by("member__user__username")
        .values_list("member__user__username", flat=True)
    )
    return Status(
        201,
        {
            "dossier": item.dossier.code,
            "number": opened.number,
            "reason": opened.reason,
            "spread_before": _number(opened.spread_before),
            "opened_at": opened.opened_at,
            "closed_at": opened.closed_at,
            "reopened": list(reopened),
        },
    )


@sessions_router.put(
    "/{code}/items/{dossier_code}/dossier-knockouts",
    response=DossierKnockoutsOut,
    summary="Record the knock-outs of the whole dossier (the secretary or the chair)",
)
def dossier_knockouts(
    request: HttpRequest, code: str, dossier_code: str, payload: DossierKnockoutsIn
) -> dict[str, Any]:
    """The scorecard's rules of scope “dossier” that apply (“Hồ sơ bị loại khi: giả mạo hồ sơ
    …”), each with what the council found; the engine applies them when the session closes
    (0★). `[]` clears them."""
    item = access_item(request.auth, code, dossier_code)
    with refusals():
        record_dossier_knockouts(
            actor=request.auth,
            item=item,
            knockouts={entry.code: entry.reason for entry in payload.knockouts},
        )
    return {"dossier": item.dossier.code, "knockouts": list(item.dossier_knockouts or [])}
