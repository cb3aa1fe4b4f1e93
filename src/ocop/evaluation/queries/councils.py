"""Reads of rounds and councils, and their permission loaders.

- Rounds are seen by the programme's staff (the provincial office, the administrator, commune
  officers who propose dossiers, council members and approvers); the office manages them.
- A council is seen by the office and the administrator, and by the people who sit on it
  (an active seat); the office manages it.
- Anyone else gets 404, so existence never leaks.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from ocop.accounts.enums import COUNCIL_ROLES
from ocop.accounts.models import User
from ocop.accounts.rules import Access, as_access
from ocop.criteria.enums import CriteriaSetStatus
from ocop.criteria.models import ClassificationNode
from ocop.evaluation.enums import SessionStatus
from ocop.evaluation.models import Council, CouncilMember, Round


def can_manage_councils(access: Access) -> bool:
    """Rounds, councils, their members and the sessions' agendas: the provincial office."""
    if access.is_admin:
        return True
    return access.is_province_officer


def node_within(node: ClassificationNode, groups: Iterable[ClassificationNode]) -> bool:
    """Is the classification `node` one of `groups` or below one of them (same criteria set,
    codes such as I.3 ⊃ I.3.b)?"""
    for group in groups:
        if group.criteria_set_id != node.criteria_set_id:
            continue
        if node.code == group.code or node.code.startswith(group.code + "."):
            return True
    return False


# --- rounds -------------------------------------------------------------------------------------


def can_see_rounds(access: Access) -> bool:
    if access.is_staff_user:
        return True
    return access.is_council


def rounds_visible_to(user_or_access: Any) -> QuerySet[Round]:
    access = as_access(user_or_access)
    if not can_see_rounds(access):
        return Round.objects.none()
    return Round.objects.select_related("criteria_set").order_by("-year", "-number", "level")


def access_round(user_or_access: Any, code: str, *, manage: bool = False) -> Round:
    """The round with this code if the user may see it (manage it, when `manage`); else 404."""
    access = as_access(user_or_access)
    if manage and not can_manage_councils(access):
        raise Http404
    found = rounds_visible_to(access).filter(code=code).first()
    if found is None:
        raise Http404
    return found


# --- councils -----------------------------------------------------------------------------------


def seated_council_ids(access: Access) -> QuerySet[CouncilMember]:
    """The ids of the councils where the user holds an active seat (a subquery)."""
    return CouncilMember.objects.filter(user_id=access.user_id, is_active=True).values("council_id")


def councils_visible_to(user_or_access: Any) -> QuerySet[Council]:
    access = as_access(user_or_access)
    queryset = Council.objects.all()
    if can_manage_councils(access):
        return queryset
    if not access.is_authenticated:
        return queryset.none()
    return queryset.filter(pk__in=seated_council_ids(access))


def with_council_columns(queryset: QuerySet[Council]) -> QuerySet[Council]:
    """What a row of the councils list shows, in one query."""
    return queryset.select_related("parent").annotate(
        member_count=Count("members", filter=Q(members__is_active=True), distinct=True),
        open_sessions=Count(
            "sessions", filter=Q(sessions__status=SessionStatus.OPEN), distinct=True
        ),
    )


def access_council(user_or_access: Any, code: str, *, manage: bool = False) -> Council:
    """The council with this code if the user may see it (manage it, when `manage`); else 404."""
    access = as_access(user_or_access)
    if manage and not can_manage_councils(access):
        raise Http404
    found = councils_visible_to(access).select_related("parent").filter(code=code).first()
    if found is None:
        raise Http404
    return found


def members_of(council: Council) -> QuerySet[CouncilMember]:
    """The active seats, the chair first, then members, then the secretary."""
    return (
        council.members.filter(is_active=True)
        .select_related("user")
        .order_by("role", "user__full_name", "id")
    )


def eligible_users() -> QuerySet[User]:
    """Active users who hold a council role in an active organisation: the people a seat can
    be given to."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__role__in=COUNCIL_ROLES,
            memberships__organisation__is_active=True,
        )
        .distinct()
        .order_by("full_name", "username")
    )


def product_group_choices() -> QuerySet[ClassificationNode]:
    """Classification nodes a (sub-)council may be given: categories and groups of the sets
    in use, in the order of the classification."""
    return (
        ClassificationNode.objects.select_related("criteria_set")
        .filter(criteria_set__status=CriteriaSetStatus.PUBLISHED)
        .order_by("criteria_set__code", "position")
    )
