"""Plans (kế hoạch): the year's targets of a province, a district or a commune. Every write.

    save_plan(*, actor, year, unit, data) -> Plan
        create or update the plan of `year` for `unit` (an AdministrativeUnit, its key "p01",
        or its official code resolved in that year). data: products_target, stars_3_target,
        stars_4_target, stars_5_target (non-negative integers; 3★+4★+5★ not above the
        products), reference, note. Keys absent keep the plan's values (0 / "" for a new plan;
        products_target is required for a new plan).
    delete_plan(*, actor, plan) -> None

Only the provincial OCOP office and administrators write plans (`can_manage_plans`); anyone
else gets `NotAllowed` (403). Bad input is one `ValidationError` naming every field. Each write
is atomic and writes its activity-log row.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ocop.accounts.rules import access_for
from ocop.core.services.activity import diff, log_action, snapshot
from ocop.core.text import nfc
from ocop.evaluation.services.refusals import NotAllowed
from ocop.geo.enums import UnitLevel
from ocop.geo.models import AdministrativeUnit
from ocop.reports.models import Plan
from ocop.reports.queries.plans import find_unit, unit_valid_in
from ocop.reports.rules import can_manage_plans

YEAR_MIN, YEAR_MAX = 2018, 2100
TARGETS = ("products_target", "stars_3_target", "stars_4_target", "stars_5_target")
TEXTS = {"reference": 200, "note": 5000}
PLAN_FIELDS = (*TARGETS, "reference", "note")


def _require_manager(actor: Any) -> None:
    if not can_manage_plans(access_for(actor)):
        raise NotAllowed(_("Only the provincial OCOP office sets plans."))


def clean_year(value: Any) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise ValidationError({"year": _("Enter a whole number.")}) from None
    if isinstance(value, bool) or not YEAR_MIN <= year <= YEAR_MAX:
        raise ValidationError(
            {
                "year": _("Enter a year between %(min)d and %(max)d.")
                % {"min": YEAR_MIN, "max": YEAR_MAX}
            }
        )
    return year


def clean_unit(value: Any, year: int) -> AdministrativeUnit:
    """A province, a district or a commune that existed in `year` (a district only before
    1/7/2025)."""
    unit = find_unit(value, year)
    if unit is None:
        raise ValidationError({"unit": _("No administrative unit has this code in that year.")})
    if unit.level not in (UnitLevel.PROVINCE, UnitLevel.DISTRICT, UnitLevel.COMMUNE):
        raise ValidationError({"unit": _("Choose a province, a district or a commune.")})
    if not unit_valid_in(unit, year):
        raise ValidationError(
            {"unit": _("%(unit)s did not exist in %(year)d.") % {"unit": unit.name, "year": year}}
        )
    return unit


def _target(value: Any) -> int:
    if isinstance(value, bool):
        raise ValidationError(_("Enter a whole number."))
    if isinstance(value, str):
        value = value.strip()
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError(_("Enter a whole number.")) from None
    if isinstance(value, float) and value != number:
        raise ValidationError(_("Enter a whole number."))
    if number < 0:
        raise ValidationError(_("Enter a number that is not negative."))
    if number > 1_000_000:
        raise ValidationError(_("Enter a number of at most 1,000,000."))
    return number


def clean_plan_data(data: Mapping[str, Any], plan: Plan | None) -> dict[str, Any]:
    """The plan's fields checked; absent keys keep the plan's values. One ValidationError with
    every field's problem."""
    errors: dict[str, Any] = {}
    values: dict[str, Any] = {}
    for name in TARGETS:
        if name in data and data[name] not in (None, ""):
            try:
                values[name] = _target(data[name])
            except ValidationError as exc:
                errors[name] = exc
        elif plan is not None and name not in data:
            values[name] = getattr(plan, name)
        elif name == "products_target":
            errors[name] = ValidationError(_("This field is required."))
        else:
            values[name] = 0
    for name, limit in TEXTS.items():
        raw = data.get(name) if name in data else (getattr(plan, name) if plan else "")
        text = nfc(raw if raw is not None else "")
        if not isinstance(text, str):
            errors[name] = ValidationError(_("Enter text."))
        elif len(text) > limit:
            errors[name] = ValidationError(_("Enter at most %(max)d characters.") % {"max": limit})
        else:
            values[name] = text
    if not any(name in errors for name in TARGETS):
        stars = values["stars_3_target"] + values["stars_4_target"] + values["stars_5_target"]
        if stars > values["products_target"]:
            errors["products_target"] = ValidationError(
                _(
                    "The 3★, 4★ and 5★ targets together (%(stars)d) cannot be more than the "
                    "products to evaluate and rank."
                )
                % {"stars": stars}
            )
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def save_plan(*, actor: Any, year: Any, unit: Any, data: Mapping[str, Any]) -> Plan:
    """Create the plan of `year` for `unit`, or update it if there is one."""
    _require_manager(actor)
    errors: dict[str, Any] = {}
    checked_year: int | None = None
    checked_unit: AdministrativeUnit | None = None
    try:
        checked_year = clean_year(year)
        checked_unit = clean_unit(unit, checked_year)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    plan = None
    if checked_year is not None and checked_unit is not None:
        plan = (
            Plan.objects.select_for_update(of=("self",))
            .filter(year=checked_year, unit=checked_unit)
            .select_related("unit")
            .first()
        )
    try:
        values = clean_plan_data(data, plan)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    assert checked_year is not None and checked_unit is not None
    if plan is None:
        plan = Plan.objects.create(
            year=checked_year,
            unit=checked_unit,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            **values,
        )
        log_action(
            actor,
            "reports.plan.create",
            plan,
            new={"year": plan.year, "unit": checked_unit.key, **snapshot(plan, PLAN_FIELDS)},
        )
        return plan
    old = snapshot(plan, PLAN_FIELDS)
    for name, value in values.items():
        setattr(plan, name, value)
    plan.save()
    before, after = diff(old, snapshot(plan, PLAN_FIELDS))
    if after:
        log_action(actor, "reports.plan.update", plan, old=before, new=after)
    return plan


@transaction.atomic
def delete_plan(*, actor: Any, plan: Plan) -> None:
    """Remove a plan (typed in by mistake). The log keeps what it said."""
    _require_manager(actor)
    locked = Plan.objects.select_for_update(of=("self",)).select_related("unit").get(pk=plan.pk)
    log_action(
        actor,
        "reports.plan.delete",
        locked,
        old={"year": locked.year, "unit": locked.unit.key, **snapshot(locked, PLAN_FIELDS)},
    )
    locked.delete()
