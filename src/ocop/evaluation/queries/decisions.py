"""Reads of recognition decisions and their permission loaders.

- The provincial OCOP office (and the administrator) drafts, changes drafts and corrects;
  the approver (Chủ tịch UBND or delegate) reads and approves; nobody else sees a decision here
  (404). An approved decision is public through the results pages (`queries/results.py`).
- Approving is the approver's alone: an official who may read the decision but not approve it is
  refused with 403 by the service (`PermissionDenied`); everyone else never learns it exists (404).
- The **effective** decisions are the approved ones that no approved correction replaces: they
  say what is recognised.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from ocop.accounts.rules import Access, as_access
from ocop.evaluation.enums import (
    DecisionStatus,
    DossierStatus,
    Level,
    OutboxStatus,
    SessionStatus,
)
from ocop.evaluation.models import Decision, DecisionItem, OutboxMessage, Round, SessionDossier


def can_read_decisions(access: Access) -> bool:
    if access.is_admin:
        return True
    if access.is_province_officer:
        return True
    return access.is_approver


def can_draft_decisions(access: Access) -> bool:
    """The provincial OCOP office drafts (and corrects) decisions."""
    if access.is_admin:
        return True
    return access.is_province_officer


def can_approve_decisions(access: Access) -> bool:
    """Only the approver role approves: not the office that drafted, not the administrator."""
    return access.is_approver


def decisions_visible_to(user_or_access: Any) -> QuerySet[Decision]:
    access = as_access(user_or_access)
    if not can_read_decisions(access):
        return Decision.objects.none()
    return Decision.objects.all()


def with_list_columns(queryset: QuerySet[Decision]) -> QuerySet[Decision]:
    return queryset.select_related("round", "replaces", "drafted_by", "approved_by").order_by(
        "-created_at", "-pk"
    )


def access_decision(user_or_access: Any, code: str, *, write: bool = False) -> Decision:
    """The decision with this code if the user may read it (draft and correct, when `write`);
    else 404."""
    access = as_access(user_or_access)
    decision = (
        (with_list_columns(decisions_visible_to(access)).select_related("round__criteria_set"))
        .filter(code=code)
        .first()
    )
    if decision is None:
        raise Http404
    if write and not can_draft_decisions(access):
        raise Http404
    return decision


def items_of(decision: Decision) -> QuerySet[DecisionItem]:
    """The decision's rows with what a table shows, in one query."""
    return decision.items.select_related(
        "dossier__product__classification",
        "dossier__producer__commune",
        "dossier__criteria_set",
        "agenda_item__session",
    ).order_by("-mean_total", "dossier__code")


def replaced_by_approved() -> Exists:
    return Exists(Decision.objects.filter(replaces=OuterRef("pk"), status=DecisionStatus.APPROVED))


def effective_decisions() -> QuerySet[Decision]:
    """Approved decisions that no approved correction has replaced."""
    return Decision.objects.filter(status=DecisionStatus.APPROVED).exclude(replaced_by_approved())


def correction_chain(decision: Decision) -> list[Decision]:
    """The decision and those it replaces, newest first (a short chain: one query per link)."""
    chain = [decision]
    current = decision
    while current.replaces_id is not None and len(chain) < 50:
        current = Decision.objects.get(pk=current.replaces_id)
        chain.append(current)
    return chain


def rounds_for_drafting() -> QuerySet[Round]:
    return Round.objects.select_related("criteria_set").order_by("-year", "-number", "level")


def pending_count(round_: Round) -> int:
    """Scored dossiers of the round's closed sessions that wait for a decision."""
    return (
        SessionDossier.objects.filter(
            session__round=round_,
            session__status=SessionStatus.CLOSED,
            result__isnull=False,
            dossier__status=DossierStatus.SCORED,
        )
        .exclude(decision_items__isnull=False)
        .values("dossier_id")
        .distinct()
        .count()
    )


@dataclass(frozen=True)
class ProposalRow:
    item: DecisionItem
    session_code: str
    spread: Any
    members: int


def central_proposal_for(decision: Decision) -> list[ProposalRow]:
    """The 5★ proposal package (QĐ 26/2026 Điều 6.3): the approved provincial decision's items
    proposed to the ministry, with what the package page links (minutes, sheets, Mẫu 03)."""
    if decision.status != DecisionStatus.APPROVED or decision.level == Level.CENTRAL:
        return []
    rows = []
    for item in items_of(decision).filter(proposed_central=True):
        result = item.agenda_item.result or {}
        rows.append(
            ProposalRow(
                item=item,
                session_code=item.agenda_item.session.code,
                spread=result.get("spread"),
                members=len(result.get("members") or []),
            )
        )
    return rows


def messages_for_review() -> QuerySet[OutboxMessage]:
    """Mails waiting for the office: pending, needing review and not yet released, oldest
    first."""
    return OutboxMessage.objects.filter(
        status=OutboxStatus.PENDING, needs_review=True, reviewed_by__isnull=True
    ).order_by("created_at", "pk")
