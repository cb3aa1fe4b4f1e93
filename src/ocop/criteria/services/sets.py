"""The life of a criteria set after its import: status changes and the lock.

A set is published by its import; it is superseded when newer rules replace it; it is locked when
an evaluation first uses it, and from then on the importer refuses to change it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.core.services.activity import log_action
from ocop.criteria.enums import CRITERIA_SET_TRANSITIONS, CriteriaSetStatus
from ocop.criteria.models import CriteriaSet

# The audit verb of each allowed move of CRITERIA_SET_TRANSITIONS.
STATUS_VERBS: dict[tuple[str, str], str] = {
    (CriteriaSetStatus.DRAFT, CriteriaSetStatus.PUBLISHED): "publish",
    (CriteriaSetStatus.PUBLISHED, CriteriaSetStatus.SUPERSEDED): "supersede",
}


def _status_label(value: str) -> str:
    try:
        return str(CriteriaSetStatus(value).label)
    except ValueError:
        return value


@transaction.atomic
def change_criteria_set_status(
    *,
    actor: Any,
    criteria_set: CriteriaSet,
    to: str,
    superseded_by: CriteriaSet | None = None,
) -> CriteriaSet:
    """The one way through CRITERIA_SET_TRANSITIONS. Superseding may name the set that replaces
    this one (None when the newer rules are not in the database). Writes `criteria.set.<verb>`."""
    current = (
        CriteriaSet.objects.select_for_update()
        .values_list("status", flat=True)
        .get(pk=criteria_set.pk)
    )
    if to not in CRITERIA_SET_TRANSITIONS.get(current, frozenset()):
        raise ValidationError(
            {
                "status": ValidationError(
                    _("A criteria set cannot go from “%(old)s” to “%(new)s”."),
                    code="transition",
                    params={"old": _status_label(current), "new": _status_label(to)},
                )
            }
        )
    if superseded_by is not None and (
        to != CriteriaSetStatus.SUPERSEDED or superseded_by.pk == criteria_set.pk
    ):
        raise ValidationError(
            {
                "superseded_by": ValidationError(
                    _(
                        "Only a move to “superseded” names the set that replaces this one, and it must be another set."
                    ),
                    code="invalid",
                )
            }
        )
    fields = ["status", "updated_at"]
    criteria_set.status = to
    if to == CriteriaSetStatus.SUPERSEDED:
        criteria_set.superseded_by = superseded_by
        fields.append("superseded_by")
    criteria_set.save(update_fields=fields)
    log_action(
        actor,
        f"criteria.set.{STATUS_VERBS[(current, to)]}",
        criteria_set,
        old={"status": current},
        new={"status": to},
        data={"superseded_by": superseded_by.code} if superseded_by is not None else None,
    )
    return criteria_set


def supersede_criteria_set(
    *, actor: Any, criteria_set: CriteriaSet, by: CriteriaSet | None
) -> CriteriaSet:
    """Mark `criteria_set` as replaced by `by` (the way to change a locked set)."""
    return change_criteria_set_status(
        actor=actor,
        criteria_set=criteria_set,
        to=CriteriaSetStatus.SUPERSEDED,
        superseded_by=by,
    )


@transaction.atomic
def lock_criteria_set(*, actor: Any, criteria_set: CriteriaSet) -> CriteriaSet:
    """Record that an evaluation uses the set: from now on it cannot be edited, only superseded.
    Locking a locked set changes nothing. Writes `criteria.set.lock` the first time."""
    locked_at, status = (
        CriteriaSet.objects.select_for_update()
        .values_list("locked_at", "status")
        .get(pk=criteria_set.pk)
    )
    if locked_at is not None:
        criteria_set.locked_at = locked_at
        return criteria_set
    if status == CriteriaSetStatus.DRAFT:
        raise ValidationError(
            {"status": ValidationError(_("A draft criteria set cannot be used."), code="draft")}
        )
    criteria_set.locked_at = timezone.now()
    criteria_set.save(update_fields=["locked_at"])
    log_action(actor, "criteria.set.lock", criteria_set, new={"locked_at": criteria_set.locked_at})
    return criteria_set
