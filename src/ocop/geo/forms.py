from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ocop.core.text import nfc
from ocop.geo.enums import UnitKind, UnitLevel
from ocop.geo.models import AdministrativeUnit


class Period:
    CURRENT = "current"
    ENDED = "ended"
    ALL = "all"


PERIOD_CHOICES = [
    (Period.CURRENT, _("Current (since 1/7/2025)")),
    (Period.ENDED, _("Before 1/7/2025")),
    (Period.ALL, _("All periods")),
]


class UnitFilterForm(forms.Form):
    """The filters of the administrative map (a GET form; values it cannot use are ignored)."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name or code")}),
    )
    period = forms.ChoiceField(label=_("Period"), choices=PERIOD_CHOICES, required=False)
    level = forms.ChoiceField(
        label=_("Level"), choices=[("", _("All levels")), *UnitLevel.choices], required=False
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All kinds")), *UnitKind.choices], required=False
    )
    district = forms.ChoiceField(label=_("District (before 1/7/2025)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        districts = AdministrativeUnit.objects.filter(level=UnitLevel.DISTRICT).order_by(
            "name_folded", "code"
        )
        self.fields["district"].choices = [
            ("", _("All districts")),
            *districts.values_list("key", "name"),
        ]

    def clean_q(self) -> str:
        return nfc(self.cleaned_data["q"])

    def filters(self) -> dict[str, str]:
        """The usable values, with the period defaulting to current (to all with a district)."""
        self.is_valid()
        values = {name: self.cleaned_data.get(name) or "" for name in self.fields}
        if not values["period"]:
            values["period"] = Period.ALL if values["district"] else Period.CURRENT
            self.data = self.data.copy()  # show the period in use
            self.data["period"] = values["period"]
        return values
