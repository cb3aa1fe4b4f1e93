"""Councils (hội đồng) and their members; sub-councils per product group.

A council has exactly one chair (who scores and closes the sessions), members (by department,
who score) and a secretary (who keeps the minutes and does not score). Its quorum rule and its
discussion threshold are data of the council. A sub-council (`parent`) scores only the product
groups it is given. Only the provincial office (and the administrator) manage councils.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ocop.accounts.enums import OrganisationKind
from ocop.accounts.models import Organisation
from ocop.accounts.rules import access_for
from ocop.core.services.activity import log_action, snapshot
from ocop.core.text import nfc
from ocop.criteria.models import ClassificationNode
from ocop.evaluation.enums import CouncilRole, Level, SessionStatus
from ocop.evaluation.models import Council, CouncilMember, ScoreSheet, Session
from ocop.evaluation.queries.councils import node_within
from ocop.evaluation.services.refusals import WrongState, require_office

COUNCIL_FIELDS = (
    "name",
    "level",
    "organisation",
    "parent",
    "quorum_ratio",
    "quorum_requires_chair",
    "spread_threshold",
    "is_active",
)
EDITABLE_FIELDS = ("name", "quorum_ratio", "quorum_requires_chair", "spread_threshold")


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return Decimal("NaN")
    return number


def _clean_settings(
    name: str, quorum_ratio: Any, spread_threshold: Any
) -> tuple[str, Decimal, Decimal | None]:
    errors: dict[str, list[str]] = {}
    name = nfc(name or "").strip()
    if not name:
        errors["name"] = [_("Enter the council's name.")]
    ratio = _decimal(quorum_ratio)
    if ratio is None or ratio.is_nan() or not Decimal(0) < ratio <= Decimal(1):
        errors["quorum_ratio"] = [
            _("The quorum is a share of the members between 0 and 1, e.g. 0.75.")
        ]
    threshold = _decimal(spread_threshold)
    if threshold is not None and (threshold.is_nan() or not Decimal(0) <= threshold <= 100):
        errors["spread_threshold"] = [
            _("The discussion threshold is a number of points between 0 and 100.")
        ]
    if errors:
        raise ValidationError(errors)
    assert ratio is not None
    return name, ratio, threshold


def _clean_groups(
    parent: Council | None, product_groups: Iterable[ClassificationNode]
) -> list[ClassificationNode]:
    groups = list(dict.fromkeys(product_groups))
    if parent is None:
        return groups
    if not groups:
        raise ValidationError(
            {
                "product_groups": _(
                    "A sub-council scores the product groups it is given: choose one."
                )
            }
        )
    allowed = list(parent.product_groups.all())
    if allowed:
        outside = [group for group in groups if not node_within(group, allowed)]
        if outside:
            raise ValidationError(
                {
                    "product_groups": _(
                        "These groups are not among the parent council's: %(groups)s."
                    )
                    % {"groups": ", ".join(group.code for group in outside)}
                }
            )
    return groups


@transaction.atomic
def create_council(
    *,
    actor: Any,
    name: str,
    level: str = Level.PROVINCE,
    organisation: Organisation | None = None,
    parent: Council | None = None,
    product_groups: Iterable[ClassificationNode] = (),
    quorum_ratio: Any = Decimal("0.75"),
    quorum_requires_chair: bool = True,
    spread_threshold: Any = None,
) -> Council:
    """A council, or a sub-council of `parent` for some product groups (within the parent's
    groups when it has any). The quorum is a share of the scoring members (default 75%, the
    chair included); an empty threshold uses the criteria set's (10 points)."""
    require_office(actor)
    name, ratio, threshold = _clean_settings(name, quorum_ratio, spread_threshold)
    if level not in Level.values:
        raise ValidationError({"level": _("Choose a level.")})
    if organisation is not None and organisation.kind != OrganisationKind.COUNCIL:
        raise ValidationError(
            {"organisation": _("The organisation of a council must be of the kind “council”.")}
        )
    if parent is not None:
        if parent.parent_id is not None:
            raise ValidationError(
                {"parent": _("A sub-council cannot have sub-councils of its own.")}
            )
        if not parent.is_active:
            raise ValidationError({"parent": _("The parent council is no longer active.")})
        level = parent.level
    groups = _clean_groups(parent, product_groups)
    council = Council(
        name=name,
        level=level,
        organisation=organisation,
        parent=parent,
        quorum_ratio=ratio,
        quorum_requires_chair=bool(quorum_requires_chair),
        spread_threshold=threshold,
    )
    council.save()
    council.product_groups.set(groups)
    log_action(
        actor,
        "evaluation.council.create",
        council,
        new=snapshot(council, COUNCIL_FIELDS),
        data={"product_groups": [group.code for group in groups]},
    )
    return council


@transaction.atomic
def update_council(*, actor: Any, council: Council, data: Mapping[str, Any]) -> Council:
    """Change the name, the quorum rule or the discussion threshold (and the product groups
    of a sub-council). Open sessions use the rule as it is when they close."""
    require_office(actor)
    council = Council.objects.select_for_update().get(pk=council.pk)
    old = snapshot(council, EDITABLE_FIELDS)
    name, ratio, threshold = _clean_settings(
        data.get("name", council.name),
        data.get("quorum_ratio", council.quorum_ratio),
        data.get("spread_threshold", council.spread_threshold),
    )
    council.name = name
    council.quorum_ratio = ratio
    council.spread_threshold = threshold
    if "quorum_requires_chair" in data:
        council.quorum_requires_chair = bool(data["quorum_requires_chair"])
    groups_data = None
    if "product_groups" in data:
        groups = _clean_groups(council.parent, data["product_groups"] or ())
        council.product_groups.set(groups)
        groups_data = {"product_groups": [group.code for group in groups]}
    council.save()
    log_action(
        actor,
        "evaluation.council.update",
        council,
        old=old,
        new=snapshot(council, EDITABLE_FIELDS),
        data=groups_data,
    )
    return council


@transaction.atomic
def add_council_member(
    *, actor: Any, council: Council, user: Any, role: str, department: str = ""
) -> CouncilMember:
    """Seat `user` on the council as chair, member or secretary. The user must hold a council
    role in accounts; a council has exactly one chair. A member removed earlier is seated
    again with the new role."""
    require_office(actor)
    council = Council.objects.select_for_update().get(pk=council.pk)
    if not council.is_active:
        raise WrongState(_("The council is no longer active."))
    errors: dict[str, list[str]] = {}
    if role not in CouncilRole.values:
        errors["role"] = [_("Choose a role: chair, member or secretary.")]
    if user is None or not user.is_active:
        errors["user"] = [_("Choose an active user.")]
    elif not access_for(user).is_council:
        errors["user"] = [
            _(
                "%(name)s holds no council role: give them the role of council chair, member "
                "or secretary in a council organisation first."
            )
            % {"name": user.get_full_name()}
        ]
    if errors:
        raise ValidationError(errors)
    if role == CouncilRole.CHAIR:
        chair = (
            council.members.filter(role=CouncilRole.CHAIR, is_active=True)
            .exclude(user=user)
            .select_related("user")
            .first()
        )
        if chair is not None:
            raise ValidationError(
                {
                    "role": _("The council already has a chair, %(name)s: remove them first.")
                    % {"name": chair.user.get_full_name()}
                }
            )
    department = nfc(department or "").strip()[:200]
    seat = CouncilMember.objects.filter(council=council, user=user).first()
    if seat is not None and seat.is_active:
        raise ValidationError(
            {"user": _("%(name)s already sits on this council.") % {"name": user.get_full_name()}}
        )
    if seat is None:
        seat = CouncilMember(council=council, user=user)
    seat.role = role
    seat.department = department
    seat.is_active = True
    seat.save()
    log_action(
        actor,
        "evaluation.council.member_add",
        council,
        data={"user": user.username, "role": role, "department": department},
    )
    return seat


@transaction.atomic
def remove_council_member(*, actor: Any, member: CouncilMember) -> CouncilMember:
    """Take a member off the council (the seat is kept, inactive: their sheets stay). Refused
    while the member has a sheet or is recorded present in an open session of the council."""
    require_office(actor)
    member = (
        CouncilMember.objects.select_for_update(of=("self",))
        .select_related("user")
        .get(pk=member.pk)
    )
    if not member.is_active:
        raise WrongState(_("%(name)s no longer sits on this council.") % {"name": member.user})
    busy = (
        Session.objects.filter(council_id=member.council_id, status=SessionStatus.OPEN)
        .filter(present=member)
        .exists()
        or ScoreSheet.objects.filter(
            member=member, item__session__status=SessionStatus.OPEN
        ).exists()
    )
    if busy:
        raise WrongState(
            _(
                "%(name)s takes part in an open session of this council: close the session "
                "before changing the members."
            )
            % {"name": member.user.get_full_name()}
        )
    member.is_active = False
    member.save(update_fields=["is_active"])
    log_action(
        actor,
        "evaluation.council.member_remove",
        member.council,
        data={"user": member.user.username, "role": member.role},
    )
    return member
