"""Every write to the demands of the board (nhu cầu): post, change, close, cancel, reopen.

Only the people of an ACTIVE buyer post and change its demands (a pending buyer sees that posting
opens after approval); officials read. A demand is checked here for the pages and the API alike
(and again by the database's constraints): a title; a product group of the criteria in force or
keywords (something to match on); a quantity above zero with its unit; a period whose end is not
before its start and, for a new demand, whose start is not in the past, at most three years long;
a delivery area of current communes (none: the whole province); least stars 3, 4 or 5 (or none);
certifications from the list.

`change_demand_status` is the one transition (`DEMAND_TRANSITIONS`). Publishing (creating) and
reopening tell the producers of the best matches (`notify_matching_producers`), once per demand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.rules import access_for
from ocop.core.services.activity import log_action
from ocop.evaluation.services.refusals import NotAllowed, WrongState
from ocop.trade.enums import DEMAND_TRANSITIONS, BuyerStatus, DemandStatus
from ocop.trade.models import Buyer, Demand
from ocop.trade.queries.board import product_groups
from ocop.trade.queries.buyers import buyer_of
from ocop.trade.rules import buyer_organisations
from ocop.trade.services.matching import notify_matching_producers
from ocop.trade.services.posts import post_snapshot, save_post_changes
from ocop.trade.validators import (
    clean_amount,
    clean_certifications,
    clean_communes,
    clean_date,
    clean_text,
)

DEMAND_FIELDS: tuple[str, ...] = (
    "title",
    "group_code",
    "keywords",
    "quantity",
    "unit",
    "period_start",
    "period_end",
    "delivery_units",
    "min_stars",
    "certifications",
    "description",
)
DESCRIPTION_MAX = 5000
PERIOD_MAX_DAYS = 3 * 366
STAR_CHOICES = (3, 4, 5)
# The last part of the activity-log action of each move of change_demand_status.
DEMAND_VERBS: dict[str, str] = {
    DemandStatus.CLOSED: "close",
    DemandStatus.CANCELLED: "cancel",
    DemandStatus.OPEN: "reopen",
}


def demand_url(demand: Demand) -> str:
    return reverse("trade:demand", kwargs={"code": demand.code})


def _stars(value: Any) -> int | None:
    if value in (None, "", 0, "0"):
        return None
    if isinstance(value, bool):
        raise ValidationError(_("Choose 3, 4 or 5 stars, or none."), code="stars")
    try:
        stars = int(value)
    except (TypeError, ValueError):
        raise ValidationError(_("Choose 3, 4 or 5 stars, or none."), code="stars") from None
    if stars not in STAR_CHOICES or str(value).strip() != str(stars):
        raise ValidationError(_("Choose 3, 4 or 5 stars, or none."), code="stars")
    return stars


def _clean_field(name: str, value: Any) -> Any:
    if name == "title":
        return clean_text(value, limit=255)
    if name == "group_code":
        code = clean_text(value, limit=20)
        if code and code not in dict(product_groups()):
            raise ValidationError(_("Choose a product group from the list."), code="group")
        return code
    if name == "keywords":
        return clean_text(value, limit=300)
    if name == "quantity":
        return clean_amount(value)
    if name == "unit":
        return clean_text(value, limit=30)
    if name in ("period_start", "period_end"):
        return clean_date(value)
    if name == "delivery_units":
        return clean_communes(value)
    if name == "min_stars":
        return _stars(value)
    if name == "certifications":
        return clean_certifications(value)
    if name == "description":
        return clean_text(value, limit=DESCRIPTION_MAX)
    raise KeyError(name)  # pragma: no cover - DEMAND_FIELDS lists every name handled above


def clean_demand_data(data: Mapping[str, Any], *, demand: Demand | None = None) -> dict[str, Any]:
    """The clean values of the demand fields in `data`, checked with the demand's other values
    for a partial update. One ValidationError names every bad field."""
    errors: dict[str, Any] = {}
    values: dict[str, Any] = {}
    for name in DEMAND_FIELDS:
        if name not in data:
            continue
        try:
            values[name] = _clean_field(name, data[name])
        except ValidationError as exc:
            errors[name] = exc
    merged: dict[str, Any] = {}
    if demand is not None:
        merged = {name: getattr(demand, name) for name in DEMAND_FIELDS if name != "delivery_units"}
    merged.update(values)
    for name in ("title", "quantity", "unit", "period_start", "period_end"):
        if name not in errors and merged.get(name) in (None, ""):
            errors[name] = ValidationError(_("This field is required."), code="required")
    if (
        "group_code" not in errors
        and "keywords" not in errors
        and not merged.get("group_code")
        and not merged.get("keywords")
    ):
        errors["keywords"] = ValidationError(
            _("Choose a product group or give keywords, so that producers can be matched."),
            code="nothing_to_match",
        )
    start, end = merged.get("period_start"), merged.get("period_end")
    if isinstance(start, dt.date) and isinstance(end, dt.date):
        if "period_end" not in errors and end < start:
            errors["period_end"] = ValidationError(
                _("The end of the period cannot be before its start."), code="end_before_start"
            )
        elif "period_end" not in errors and (end - start).days + 1 > PERIOD_MAX_DAYS:
            errors["period_end"] = ValidationError(
                _("The period can be at most three years long."), code="too_long"
            )
        start_changed = demand is None or start != demand.period_start
        if "period_start" not in errors and start_changed and start < timezone.localdate():
            errors["period_start"] = ValidationError(
                _("The period cannot start in the past."), code="past"
            )
    if errors:
        raise ValidationError(errors)
    if "group_code" in values:
        values["group_name"] = dict(product_groups()).get(values["group_code"], "")
    return values


def _audit(demand: Demand) -> dict[str, Any]:
    return post_snapshot(
        demand, [name for name in DEMAND_FIELDS if name != "delivery_units"] + ["status"]
    )


def _posting_buyer(actor: Any) -> Buyer:
    """The actor's buyer, if it may post (ACTIVE); else a refusal that says why."""
    buyer = buyer_of(actor)
    if buyer is None:
        raise NotAllowed(_("Only a buyer's people post demands on the board."))
    if buyer.status == BuyerStatus.PENDING:
        raise NotAllowed(
            _(
                "Your buyer is waiting for the provincial office's approval: demands can be "
                "posted once it is approved."
            )
        )
    if buyer.status != BuyerStatus.ACTIVE:
        raise NotAllowed(_("Your buyer is not active on the board: it cannot post demands."))
    return buyer


def _require_owner(actor: Any, demand: Demand) -> None:
    if demand.buyer.organisation_id not in buyer_organisations(access_for(actor)):
        raise NotAllowed(_("Only the buyer's people change its demands."))
    if demand.buyer.status != BuyerStatus.ACTIVE:
        raise NotAllowed(_("Your buyer is not active on the board: it cannot change demands."))


@transaction.atomic
def create_demand(*, actor: Any, data: Mapping[str, Any]) -> Demand:
    """Post a demand (OPEN) for the actor's active buyer; the producers of the best matches are
    told in the same transaction."""
    buyer = _posting_buyer(actor)
    missing = {name: None for name in DEMAND_FIELDS if name not in data}
    values = clean_demand_data({**missing, **data})
    units = values.pop("delivery_units", [])
    demand = Demand.objects.create(buyer=buyer, created_by=actor, **values)
    demand.delivery_units.set(units)
    log_action(actor, "trade.demand.create", demand, new=_audit(demand))
    notify_matching_producers(actor=actor, demand=demand)
    return demand


@transaction.atomic
def update_demand(*, actor: Any, demand: Demand, data: Mapping[str, Any]) -> Demand:
    """Change the fields given (a partial update is fine), while the demand is open or closed
    (not cancelled); log what changed."""
    _require_owner(actor, demand)
    locked = Demand.objects.select_for_update().get(pk=demand.pk)
    if locked.status == DemandStatus.CANCELLED:
        raise WrongState(_("A cancelled demand cannot be changed."))
    values = clean_demand_data(data, demand=locked)
    old, new = save_post_changes(post=locked, values=values, audit=_audit)
    if old != new:
        log_action(actor, "trade.demand.update", locked, old=old, new=new)
    return locked


@transaction.atomic
def change_demand_status(*, actor: Any, demand: Demand, to: str) -> Demand:
    """The one way through DEMAND_TRANSITIONS, by the buyer's people: close (filled), cancel,
    reopen a closed demand (its period must not have ended; the producers of the best matches
    not yet told are told)."""
    _require_owner(actor, demand)
    locked = Demand.objects.select_for_update().get(pk=demand.pk)
    current = locked.status
    if to not in DEMAND_TRANSITIONS.get(current, frozenset()):
        raise WrongState(
            _("The demand cannot go from “%(old)s” to “%(new)s”.")
            % {
                "old": DemandStatus(current).label,
                "new": DemandStatus(to).label if to in DemandStatus.values else to,
            }
        )
    if to == DemandStatus.OPEN and locked.period_end < timezone.localdate():
        raise WrongState(
            _("The period of this demand has ended: change its dates before reopening it.")
        )
    locked.status = to
    locked.save(update_fields=["status", "updated_at"])
    log_action(
        actor,
        f"trade.demand.{DEMAND_VERBS[to]}",
        locked,
        old={"status": current},
        new={"status": to},
    )
    if to == DemandStatus.OPEN:
        notify_matching_producers(actor=actor, demand=locked)
    demand.status = locked.status
    return locked
