"""/api/v1/results (public: the recognised products) and /api/v1/decisions (the provincial
office drafts and corrects, the approver approves), with the loaders and services of the pages.

Results: `GET /api/v1/results?year=YYYY`, no authentication, one row per recognised product of
the effective decisions (approved, not replaced by an approved correction) of that year's rounds.

Decisions: 404 to whoever may not see decisions; 403 (`forbidden`) to an official who may see
them but not do this (approving is the approver's); 409 (`conflict`) to any change of an
approved decision (it is final: correct it with a new decision); 422 for bad input.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from ocop.accounts.rules import as_access
from ocop.core.problems import Problem
from ocop.evaluation.enums import DecisionStatus
from ocop.evaluation.models import Decision, DecisionItem, Round
from ocop.evaluation.queries.decisions import (
    ProposalRow,
    access_decision,
    can_read_decisions,
    central_proposal_for,
    decisions_visible_to,
    with_list_columns,
)
from ocop.evaluation.queries.results import recognised_items
from ocop.evaluation.schemas_results import (
    ApproveIn,
    CorrectionIn,
    DecisionIn,
    DecisionOut,
    DecisionPatch,
    DecisionSummaryOut,
    ProposalRowOut,
    ResultFilters,
    ResultRowOut,
)
from ocop.evaluation.services.decisions import (
    change_decision_status,
    correct_decision,
    draft_decision,
    recognise_from_central_result,
    update_draft,
)
from ocop.evaluation.services.refusals import Refusal

router = Router(tags=["results"])
decisions_router = Router(tags=["decisions"])


@contextmanager
def refusals_as_problems() -> Iterator[None]:
    """A refusal of the services answers its own status: 403 not allowed, 409 wrong state."""
    try:
        yield
    except Refusal as exc:
        raise Problem(exc.status, exc.text, kind=exc.kind) from None


# --- results --------------------------------------------------------------------------------


@router.get(
    "",
    response=list[ResultRowOut],
    auth=None,
    summary="The recognised products (public), by year of the round",
)
@paginate(LimitOffsetPagination)
def list_results(request: HttpRequest, filters: Query[ResultFilters]) -> QuerySet[DecisionItem]:
    queryset = recognised_items()
    if filters.year is not None:
        queryset = queryset.filter(decision__round__year=filters.year)
    return queryset


# --- decisions ------------------------------------------------------------------------------


def _round(code: str) -> Round:
    found = Round.objects.filter(code=code).first()
    if found is None:
        raise Http404
    return found


@decisions_router.get("", response=list[DecisionSummaryOut], summary="The decisions")
@paginate(LimitOffsetPagination)
def list_decisions(request: HttpRequest) -> QuerySet[Decision]:
    return with_list_columns(decisions_visible_to(request.auth))


@decisions_router.post("", response={201: DecisionOut}, summary="Draft a round's decision")
def create_decision(request: HttpRequest, payload: DecisionIn) -> Status:
    if not can_read_decisions(as_access(request.auth)):
        raise Http404
    service = recognise_from_central_result if payload.from_central_result else draft_decision
    with refusals_as_problems():
        decision = service(
            actor=request.auth,
            round=_round(payload.round),
            title=payload.title,
            number=payload.number,
            note=payload.note,
        )
    return Status(201, access_decision(request.auth, decision.code))


@decisions_router.get("/{code}", response=DecisionOut, summary="One decision with its items")
def detail(request: HttpRequest, code: str) -> Decision:
    return access_decision(request.auth, code)


@decisions_router.patch(
    "/{code}", response=DecisionOut, summary="Change a draft (number, title, note, remove items)"
)
def update(request: HttpRequest, code: str, payload: DecisionPatch) -> Decision:
    decision = access_decision(request.auth, code, write=True)
    data = payload.dict(exclude_unset=True, exclude={"remove"})
    with refusals_as_problems():
        update_draft(actor=request.auth, decision=decision, data=data, remove=payload.remove)
    return access_decision(request.auth, code)


@decisions_router.post(
    "/{code}/approve", response=DecisionOut, summary="Approve and publish (the approver)"
)
def approve(request: HttpRequest, code: str, payload: ApproveIn) -> Decision:
    decision = access_decision(request.auth, code)
    with refusals_as_problems():
        change_decision_status(
            actor=request.auth,
            decision=decision,
            to=DecisionStatus.APPROVED,
            signed_on=payload.signed_on,
        )
    return access_decision(request.auth, code)


@decisions_router.post(
    "/{code}/corrections",
    response={201: DecisionOut},
    summary="Draft a correction that replaces an approved decision",
)
def correct(request: HttpRequest, code: str, payload: CorrectionIn) -> Status:
    decision = access_decision(request.auth, code, write=True)
    with refusals_as_problems():
        correction = correct_decision(
            actor=request.auth,
            decision=decision,
            reason=payload.reason,
            changes={key: value.dict() for key, value in payload.changes.items()},
            remove=payload.remove,
            title=payload.title,
            number=payload.number,
            note=payload.note,
        )
    return Status(201, access_decision(request.auth, correction.code))


@decisions_router.get(
    "/{code}/central-proposal",
    response=list[ProposalRowOut],
    summary="The 5★ proposal package for the ministry",
)
def central_proposal(request: HttpRequest, code: str) -> list[ProposalRow]:
    decision = access_decision(request.auth, code)
    rows = central_proposal_for(decision)
    if not rows:
        raise Http404
    return rows
