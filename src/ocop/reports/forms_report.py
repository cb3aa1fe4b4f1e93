"""The yearly report's parameters (the page and its two downloads read the same query string):

- `year`: the cycle year (default: the current year), from 2000 to the current year;
- `as_of`: the day the figures stand at, dd/mm/yyyy (default: today); decisions signed after it
  are ignored, so the report of a past day is reproducible; a day in the future is refused;
- `unit`: an administrative unit's official code (the unit that existed in the year,
  `queries.units.resolve_unit`) or its key; a commune officer may only ask for their communes
  (one commune: theirs by default).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from ocop.accounts.rules import Access
from ocop.reports.queries.dashboard import unit_allowed
from ocop.reports.queries.units import own_unit, resolve_unit
from ocop.reports.rules import report_unit_ids

FIRST_YEAR = 2000
DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
FIELDS = ("year", "as_of", "unit")


class YearlyReportForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=FIRST_YEAR)
    as_of = forms.DateField(
        label=_("Data as of"),
        required=False,
        input_formats=DATE_FORMATS,
        help_text=_("dd/mm/yyyy: decisions signed after this day are not counted."),
        error_messages={"invalid": _("Enter the day as dd/mm/yyyy, for example 31/12/2019.")},
    )
    unit = forms.CharField(
        label=_("Administrative unit"),
        required=False,
        max_length=40,
        help_text=_("The official code of a district or commune; empty: the whole province."),
    )

    def __init__(self, *args: Any, access: Access, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.access = access
        self.today = today
        self.fields["year"].validators.append(
            MaxValueValidator(today.year, message=_("The year cannot be after %(limit_value)s."))
        )

    def clean_as_of(self) -> dt.date:
        day = self.cleaned_data.get("as_of") or self.today
        if day > self.today:
            raise forms.ValidationError(
                _("The day cannot be in the future (today is %(today)s).")
                % {"today": self.today.strftime("%d/%m/%Y")},
                code="future",
            )
        return day

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        year = cleaned.get("year") or self.today.year
        cleaned["year"] = year
        code = (cleaned.get("unit") or "").strip()
        unit = None
        if code:
            unit = resolve_unit(code, year)
            if unit is None or not unit_allowed(self.access, unit):
                self.add_error("unit", _("There is no such administrative unit among yours."))
                unit = None
        else:
            allowed = report_unit_ids(self.access)
            if allowed is not None and len(allowed) == 1:
                unit = own_unit(next(iter(allowed)))
        cleaned["unit_obj"] = unit
        return cleaned


def form_data(params: Any) -> dict[str, str]:
    """The form's fields of a query string (the rest ignored, each value cut short)."""
    return {name: str(params.get(name, ""))[:60] for name in FIELDS}
