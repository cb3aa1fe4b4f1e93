"""The dashboard's filters: one reading of the query string for the page, its charts, the list
of ranked products and the API (`parse_dashboard_filters`).

- `year` (a cycle year) or a period `start`–`end` (dd/mm/yyyy or yyyy-mm-dd; a period wins over
  a year); nothing: the current year;
- `unit`: an administrative unit's official code (the unit that existed in the year, see
  `queries.units.resolve_unit`) or its key; a commune officer may only ask for their communes;
- `group`: a classification node code (category, group or sub-group);
- `kind`: a producer kind;
- `stars` (the ranked list): 5, potential_5, 4 or 3.

A value that cannot be read is left out and reported: the page shows a notice, the API answers
422 naming the field (404 for a unit that does not exist or is not the caller's).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ocop.accounts.rules import Access
from ocop.producers.enums import ProducerKind
from ocop.reports.queries.dashboard import STAR_LABELS, unit_allowed
from ocop.reports.queries.summary import STAR_CLASSES, Scope
from ocop.reports.queries.units import own_unit, resolve_unit
from ocop.reports.rules import report_unit_ids

CODE_PATTERN = re.compile(r"^[0-9A-Za-z._~-]{1,40}$")
DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
FIELDS = ("year", "start", "end", "unit", "group", "kind", "stars")


class CodeField(forms.CharField):
    default_error_messages = {"invalid": _("This is not a code of the list.")}

    def to_python(self, value: Any) -> str:
        text = (value if isinstance(value, str) else "").strip()
        if text and not CODE_PATTERN.match(text):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return text


class DashboardFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2200)
    start = forms.DateField(label=_("From"), required=False, input_formats=DATE_FORMATS)
    end = forms.DateField(label=_("To"), required=False, input_formats=DATE_FORMATS)
    unit = CodeField(label=_("Administrative unit"), required=False)
    group = CodeField(label=_("Product group"), required=False)
    kind = forms.ChoiceField(
        label=_("Producer kind"), required=False, choices=[("", ""), *ProducerKind.choices]
    )
    stars = forms.ChoiceField(
        label=_("Class"),
        required=False,
        choices=[("", ""), *((value, STAR_LABELS[value]) for value in STAR_CLASSES)],
    )


@dataclass
class DashboardFilters:
    """The scope that could be read, the fields that could not (name → message), and the
    query parameters that reproduce the scope (for the links behind the figures)."""

    scope: Scope
    stars: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    unit_missing: bool = False
    form: DashboardFilterForm | None = None

    @property
    def params(self) -> dict[str, str]:
        scope = self.scope
        values = {
            "year": str(scope.year) if scope.year else "",
            "start": scope.start.isoformat() if scope.start else "",
            "end": scope.end.isoformat() if scope.end else "",
            "unit": scope.unit.key if scope.unit is not None else "",
            "group": scope.group,
            "kind": scope.producer_kind,
        }
        return {key: value for key, value in values.items() if value}

    @property
    def notices(self) -> list[tuple[str, str]]:
        """The errors as (the field's label, message), for the page's notice."""
        fields = self.form.fields if self.form is not None else {}
        return [
            (str(fields[name].label) if name in fields else name, message)
            for name, message in self.errors.items()
        ]


def _data(params: Any) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in FIELDS:
        value = params.get(name)
        if isinstance(value, list | tuple):
            value = value[0] if value else None
        data[name] = None if value is None else str(value)[:60]
    return data


def parse_dashboard_filters(
    params: Any, access: Access, *, today: dt.date | None = None
) -> DashboardFilters:
    """The filters of a query string (see the module docstring). Never raises. Two queries at
    most (the unit, the group)."""
    from ocop.criteria.models import ClassificationNode

    form = DashboardFilterForm(data=_data(params))
    form.is_valid()
    cleaned = form.cleaned_data
    errors = {name: " ".join(str(m) for m in messages) for name, messages in form.errors.items()}
    year = cleaned.get("year")
    start, end = cleaned.get("start"), cleaned.get("end")
    if start and end and start > end:
        errors["end"] = str(_("The end of the period is before its start."))
        start = end = None
    if start or end:
        year = None
    elif year is None:
        year = (today or timezone.localdate()).year
    unit = None
    unit_missing = False
    code = cleaned.get("unit") or ""
    day = start or end
    if code:
        unit = resolve_unit(code, year or (day.year if day else None))
        if unit is None or not unit_allowed(access, unit):
            errors["unit"] = str(_("There is no such administrative unit among yours."))
            unit = None
            unit_missing = True
    allowed = report_unit_ids(access)
    if unit is None and not code and allowed is not None and len(allowed) == 1:
        # A commune officer of one commune: their commune (and its plan) by default.
        unit = own_unit(next(iter(allowed)))
    group = cleaned.get("group") or ""
    if group and not ClassificationNode.objects.filter(code=group).exists():
        errors["group"] = str(_("There is no such product group."))
        group = ""
    scope = Scope(
        year=year,
        start=start,
        end=end,
        unit=unit,
        group=group,
        producer_kind=cleaned.get("kind") or "",
    )
    return DashboardFilters(
        scope=scope,
        stars=cleaned.get("stars") or "",
        errors=errors,
        unit_missing=unit_missing,
        form=form,
    )
