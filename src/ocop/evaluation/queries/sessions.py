"""Reads of council sessions, agenda items and score sheets, and their permission loaders.

Who sees a session: the provincial office and the administrator (every session), and the people
with an active seat on the session's council (chair, members, secretary). Anyone else gets 404.

Who sees which sheets of an agenda item (`sheets_visible_to`), as in HotCRP and pretalx:

- a scoring member (chair or member) sees their own sheet always, and the other members'
  submitted sheets only once their own is submitted (a sheet reopened in a discussion round
  counts: they have seen the others already); a member who declared a conflict of interest sees
  no other sheet;
- before that, the chair like every member sees only who has declared and who has submitted
  (the progress of the agenda), never the points;
- the secretary, the provincial office and the administrator ("officials") see every sheet;
- producers never see sheets (they see the published results of the decision).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from ocop.accounts.rules import Access, as_access
from ocop.evaluation.enums import CouncilRole, SheetStatus
from ocop.evaluation.models import (
    ConflictDeclaration,
    Council,
    CouncilMember,
    DiscussionRound,
    ScoreSheet,
    Session,
    SessionDossier,
)
from ocop.evaluation.queries.councils import can_manage_councils, seated_council_ids

SCORING_ROLES = frozenset({CouncilRole.CHAIR, CouncilRole.MEMBER})
# A member whose own sheet is in one of these states has scored, and sees the others'.
SCORED_STATUSES = frozenset({SheetStatus.SUBMITTED, SheetStatus.REOPENED})


# --- who the viewer is ----------------------------------------------------------------------


def seat_of(user_or_access: Any, council: Council) -> CouncilMember | None:
    """The user's active seat on the council, or None."""
    access = as_access(user_or_access)
    if not access.is_authenticated:
        return None
    return (
        CouncilMember.objects.filter(council=council, user_id=access.user_id, is_active=True)
        .select_related("user")
        .first()
    )


@dataclass(frozen=True)
class Viewer:
    """The user as the session sees them: officials see every sheet; scoring members score."""

    access: Access
    seat: CouncilMember | None

    @property
    def manages(self) -> bool:
        return can_manage_councils(self.access)

    @property
    def is_secretary(self) -> bool:
        return self.seat is not None and self.seat.role == CouncilRole.SECRETARY

    @property
    def is_chair(self) -> bool:
        return self.seat is not None and self.seat.role == CouncilRole.CHAIR

    @property
    def scores(self) -> bool:
        return self.seat is not None and self.seat.role in SCORING_ROLES

    @property
    def is_official(self) -> bool:
        """Sees every sheet: the secretary, the provincial office, the administrator."""
        return self.manages or self.is_secretary

    @property
    def records_attendance(self) -> bool:
        return self.manages or self.is_secretary or self.is_chair


def viewer_for(user_or_access: Any, session: Session) -> Viewer:
    access = as_access(user_or_access)
    return Viewer(access=access, seat=seat_of(access, session.council))


# --- sessions -------------------------------------------------------------------------------


def sessions_visible_to(user_or_access: Any) -> QuerySet[Session]:
    access = as_access(user_or_access)
    queryset = Session.objects.all()
    if can_manage_councils(access):
        return queryset
    if not access.is_authenticated:
        return queryset.none()
    return queryset.filter(council_id__in=seated_council_ids(access))


def with_session_columns(queryset: QuerySet[Session]) -> QuerySet[Session]:
    return queryset.select_related("council", "round").annotate(
        item_count=Count("agenda", distinct=True)
    )


def my_sessions(user_or_access: Any) -> QuerySet[Session]:
    """The sessions of the councils where the user sits, open ones first, with how many items
    are on the agenda and how many of them the user has submitted a sheet for (one query)."""
    access = as_access(user_or_access)
    if not access.is_authenticated:
        return Session.objects.none()
    return (
        Session.objects.filter(council_id__in=seated_council_ids(access))
        .select_related("council", "round")
        .annotate(
            item_count=Count("agenda", distinct=True),
            my_submitted=Count(
                "agenda__sheets",
                filter=Q(
                    agenda__sheets__member__user_id=access.user_id,
                    agenda__sheets__status=SheetStatus.SUBMITTED,
                ),
                distinct=True,
            ),
        )
        .order_by("-status", "-held_on", "-id")
    )


def access_session(user_or_access: Any, code: str, *, action: str | None = None) -> Session:
    """The session with this code if the user may see it; with `action="manage"` only for the
    provincial office. Else 404. The services refuse what the user may see but not do."""
    access = as_access(user_or_access)
    if action == "manage" and not can_manage_councils(access):
        raise Http404
    found = (
        sessions_visible_to(access)
        .select_related("council", "council__parent", "round", "round__criteria_set", "closed_by")
        .filter(code=code)
        .first()
    )
    if found is None:
        raise Http404
    return found


ITEM_RELATED = (
    "session__council",
    "session__round",
    "dossier__product__producer",
    "dossier__product__classification",
    "dossier__criteria_set",
    "dossier__scorecard",
)


def access_item(
    user_or_access: Any, session_code: str, dossier_code: str, *, action: str | None = None
) -> SessionDossier:
    """The agenda item (the dossier `dossier_code` in the session `session_code`) if the user
    may see the session; else 404."""
    access = as_access(user_or_access)
    if action == "manage" and not can_manage_councils(access):
        raise Http404
    found = (
        SessionDossier.objects.filter(
            session__in=sessions_visible_to(access),
            session__code=session_code,
            dossier__code=dossier_code,
        )
        .select_related(*ITEM_RELATED)
        .first()
    )
    if found is None:
        raise Http404
    return found


# --- sheets ---------------------------------------------------------------------------------


def sheets_visible_to(user_or_access: Any, item: SessionDossier) -> QuerySet[ScoreSheet]:
    """The sheets of the item the user may read (see the module docstring)."""
    access = as_access(user_or_access)
    sheets = ScoreSheet.objects.filter(item=item).select_related("member__user")
    ordered = sheets.order_by("member__role", "member__user__full_name", "member_id")
    if can_manage_councils(access):
        return ordered
    seat = seat_of(access, item.session.council)
    if seat is None:
        return sheets.none()
    if seat.role == CouncilRole.SECRETARY:
        return ordered
    own = ordered.filter(member=seat)
    conflicted = ConflictDeclaration.objects.filter(
        item=item, member=seat, has_conflict=True
    ).exists()
    if conflicted:
        return own
    own_status = own.values_list("status", flat=True).first()
    if own_status in SCORED_STATUSES:
        return ordered.filter(Q(member=seat) | Q(status__in=SCORED_STATUSES))
    return own


def access_sheet(
    user_or_access: Any, session_code: str, dossier_code: str, username: str
) -> ScoreSheet:
    """One member's sheet if the user may read it; else 404."""
    item = access_item(user_or_access, session_code, dossier_code)
    found = sheets_visible_to(user_or_access, item).filter(member__user__username=username).first()
    if found is None:
        raise Http404
    return found


# --- progress, quorum, spread ---------------------------------------------------------------


@dataclass
class MemberProgress:
    seat: CouncilMember
    present: bool
    declared: bool = False
    conflict: bool = False
    sheet_status: str | None = None

    @property
    def expected(self) -> bool:
        """Must score the item: present, scoring, and without a conflict of interest."""
        return self.present and not self.conflict

    @property
    def submitted(self) -> bool:
        return self.sheet_status == SheetStatus.SUBMITTED

    @property
    def state(self) -> str:
        """absent, undeclared, conflict, declared (no sheet yet), or the sheet's status."""
        if self.conflict:
            return "conflict"
        if not self.present and self.sheet_status is None:
            return "absent"
        if not self.declared:
            return "undeclared"
        return self.sheet_status or "declared"

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS.get(self.state, self.state))


STATE_LABELS = {
    "absent": _("absent"),
    "undeclared": _("not declared yet"),
    "conflict": _("conflict of interest"),
    "declared": _("declared, no sheet yet"),
    SheetStatus.DRAFT: _("drafting"),
    SheetStatus.SUBMITTED: _("submitted"),
    SheetStatus.REOPENED: _("reopened for discussion"),
}


@dataclass
class ItemProgress:
    item: SessionDossier
    members: list[MemberProgress]  # the scoring seats (chair and members)
    discussions: list[DiscussionRound] = field(default_factory=list)

    @property
    def expected(self) -> list[MemberProgress]:
        return [m for m in self.members if m.expected]

    @property
    def declared_count(self) -> int:
        return sum(1 for m in self.members if m.declared)

    @property
    def conflict_count(self) -> int:
        return sum(1 for m in self.members if m.conflict)

    @property
    def submitted_count(self) -> int:
        return sum(1 for m in self.expected if m.submitted)

    @property
    def expected_count(self) -> int:
        return len(self.expected)

    @property
    def missing(self) -> list[MemberProgress]:
        """Present members without a conflict whose sheet is not submitted (yet, or again)."""
        return [m for m in self.expected if not m.submitted]

    @property
    def complete(self) -> bool:
        return bool(self.expected) and not self.missing

    @property
    def open_discussion(self) -> DiscussionRound | None:
        for discussion in self.discussions:
            if discussion.closed_at is None:
                return discussion
        return None


@dataclass(frozen=True)
class Quorum:
    active: int  # active scoring members (chair and members)
    present: int  # of them, present
    required: int  # how many must be present
    ratio: Decimal
    chair_required: bool
    has_chair: bool
    chair_present: bool

    @property
    def met(self) -> bool:
        if self.active == 0 or self.present < self.required:
            return False
        return self.chair_present or not self.chair_required

    @property
    def percent(self) -> Decimal:
        return (self.ratio * 100).normalize()


def required_present(active: int, ratio: Decimal) -> int:
    """The smallest number of members that is at least `ratio` of `active` (75% of 5 → 4)."""
    return math.ceil(Decimal(active) * ratio)


@dataclass
class SessionProgress:
    session: Session
    seats: list[CouncilMember]  # every active seat, secretary included
    present_ids: set[int]
    items: list[ItemProgress]

    @property
    def scoring_seats(self) -> list[CouncilMember]:
        return [seat for seat in self.seats if seat.role in SCORING_ROLES]

    @property
    def quorum(self) -> Quorum:
        council = self.session.council
        scoring = self.scoring_seats
        present = [seat for seat in scoring if seat.pk in self.present_ids]
        chairs = [seat for seat in scoring if seat.role == CouncilRole.CHAIR]
        return Quorum(
            active=len(scoring),
            present=len(present),
            required=required_present(len(scoring), council.quorum_ratio),
            ratio=council.quorum_ratio,
            chair_required=council.quorum_requires_chair,
            has_chair=bool(chairs),
            chair_present=any(seat.pk in self.present_ids for seat in chairs),
        )

    @property
    def chair(self) -> CouncilMember | None:
        return next((s for s in self.seats if s.role == CouncilRole.CHAIR), None)


def session_progress(
    session: Session, items: Iterable[SessionDossier] | None = None
) -> SessionProgress:
    """Who is present, who declared and who submitted what, for every item (or `items`): a
    fixed number of queries, whatever the number of items and members."""
    seats = list(
        CouncilMember.objects.filter(council_id=session.council_id, is_active=True)
        .select_related("user")
        .order_by("role", "user__full_name", "id")
    )
    present_ids = set(session.present.values_list("id", flat=True))
    if items is None:
        items = session.agenda.select_related(
            "dossier__product__producer", "dossier__criteria_set", "dossier__scorecard"
        ).order_by("position", "id")
    item_list = list(items)
    ids = [item.pk for item in item_list]
    declarations = {
        (item_id, member_id): conflict
        for item_id, member_id, conflict in ConflictDeclaration.objects.filter(
            item_id__in=ids
        ).values_list("item_id", "member_id", "has_conflict")
    }
    statuses = {
        (item_id, member_id): status
        for item_id, member_id, status in ScoreSheet.objects.filter(item_id__in=ids).values_list(
            "item_id", "member_id", "status"
        )
    }
    discussions: dict[int, list[DiscussionRound]] = {}
    for discussion in DiscussionRound.objects.filter(item_id__in=ids).order_by("number"):
        discussions.setdefault(discussion.item_id, []).append(discussion)
    progress = []
    for item in item_list:
        members = []
        for seat in seats:
            if seat.role not in SCORING_ROLES:
                continue
            key = (item.pk, seat.pk)
            members.append(
                MemberProgress(
                    seat=seat,
                    present=seat.pk in present_ids,
                    declared=key in declarations,
                    conflict=declarations.get(key, False),
                    sheet_status=statuses.get(key),
                )
            )
        progress.append(ItemProgress(item, members, discussions.get(item.pk, [])))
    return SessionProgress(session, seats, present_ids, progress)


def item_progress(item: SessionDossier) -> ItemProgress:
    return session_progress(item.session, [item]).items[0]


def threshold_for(item: SessionDossier) -> Decimal:
    """The discussion threshold: the council's, else the criteria set's (10 points)."""
    council = item.session.council
    if council.spread_threshold is not None:
        return Decimal(council.spread_threshold)
    return Decimal(item.dossier.criteria_set.spread_threshold)


@dataclass(frozen=True)
class Spread:
    totals: dict[str, Decimal]  # username → total of the submitted sheets counted
    threshold: Decimal

    @property
    def lowest(self) -> Decimal | None:
        return min(self.totals.values()) if self.totals else None

    @property
    def highest(self) -> Decimal | None:
        return max(self.totals.values()) if self.totals else None

    @property
    def spread(self) -> Decimal | None:
        if not self.totals:
            return None
        return max(self.totals.values()) - min(self.totals.values())

    @property
    def exceeds(self) -> bool:
        spread = self.spread
        return spread is not None and spread > self.threshold


def spread_of(item: SessionDossier, progress: ItemProgress | None = None) -> Spread:
    """The spread (highest − lowest) of the submitted totals of the members who must score
    the item (present, no conflict), and the threshold above which it is discussed."""
    progress = progress or item_progress(item)
    expected = {m.seat.pk: m.seat.user.username for m in progress.expected if m.submitted}
    rows = ScoreSheet.objects.filter(
        item=item, member_id__in=list(expected), status=SheetStatus.SUBMITTED
    ).values_list("member_id", "total")
    totals = {expected[member_id]: Decimal(total) for member_id, total in rows if total is not None}
    return Spread(totals=totals, threshold=threshold_for(item))
