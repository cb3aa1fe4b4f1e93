"""Forms of the plans and training screens. They normalise text to NFC and hand `cleaned_data`
to the services, which check everything again (for the API's sake) and whose errors are shown on
the fields (`add_service_errors`). The import forms are in `forms_imports.py`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ocop.core.forms import NFCForm
from ocop.producers.enums import Sex
from ocop.reports.enums import ParticipantKind, TrainingAudience, TrainingStatus
from ocop.reports.services.plans import YEAR_MAX, YEAR_MIN

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(
            format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}
        ),
        help_text=_("Day/month/year, e.g. 31/12/2020."),
    )


def _target_field(label: Any, required: bool = False) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, max_value=1_000_000, required=required)


def _year_field() -> forms.IntegerField:
    return forms.IntegerField(label=_("Year"), min_value=YEAR_MIN, max_value=YEAR_MAX)


# --- plans ------------------------------------------------------------------------------------


class PlanForm(NFCForm):
    """A plan's targets. With `units` (key, label pairs) it also asks for the year and the unit
    (a new plan); without, it edits the targets of an existing plan."""

    year = _year_field()
    unit = forms.ChoiceField(label=_("Administrative unit"), choices=())
    products_target = _target_field(_("Products to evaluate and rank"), required=True)
    stars_3_target = _target_field(_("Products to reach 3★"))
    stars_4_target = _target_field(_("Products to reach 4★"))
    stars_5_target = _target_field(_("Products to reach 5★"))
    reference = forms.CharField(
        label=_("Plan document"),
        max_length=200,
        required=False,
        help_text=_("The number of the plan or decision, e.g. 100/KH-UBND."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, units: list[tuple[str, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if units is None:
            del self.fields["year"]
            del self.fields["unit"]
        else:
            self.fields["unit"].choices = [("", _("Choose…")), *units]
            self.fields["unit"].help_text = _(
                "The province, a district (years before 2025 reform) or a commune of that year."
            )

    def service_data(self) -> dict[str, Any]:
        data = {
            name: self.cleaned_data.get(name)
            for name in (
                "products_target",
                "stars_3_target",
                "stars_4_target",
                "stars_5_target",
                "reference",
                "note",
            )
        }
        for name in ("stars_3_target", "stars_4_target", "stars_5_target"):
            if data[name] is None:
                data[name] = 0
        return data


class PlanYearForm(forms.Form):
    """The year whose units the new-plan form offers (GET)."""

    year = _year_field()


# --- training ---------------------------------------------------------------------------------


class CourseForm(NFCForm):
    title = forms.CharField(label=_("Title"), max_length=255)
    topic = forms.CharField(label=_("Topic"), max_length=255, required=False)
    audience = forms.ChoiceField(label=_("Audience"), choices=TrainingAudience.choices)
    organiser = forms.CharField(label=_("Organiser"), max_length=255)
    year = _year_field()
    unit = forms.ChoiceField(
        label=_("Administrative unit"),
        choices=(),
        required=False,
        help_text=_(
            "Where the course is organised; leave empty for a course of the whole programme."
        ),
    )
    capacity = forms.IntegerField(
        label=_("Places"),
        min_value=1,
        max_value=100_000,
        required=False,
        help_text=_("Leave empty for no limit."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, units: list[tuple[str, str]] = (), **kwargs: Any):  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("The whole programme")), *units]

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["unit"] = data.get("unit") or None
        return data


class CourseStatusForm(NFCForm):
    to = forms.ChoiceField(label=_("New status"), choices=TrainingStatus.choices)
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class SessionForm(NFCForm):
    starts_on = _date_field(_("Starts on"))
    ends_on = _date_field(_("Ends on"))
    place = forms.CharField(label=_("Place"), max_length=255)
    trainer = forms.CharField(label=_("Trainer"), max_length=255, required=False)


class ParticipantForm(NFCForm):
    kind = forms.ChoiceField(label=_("The participant is"), choices=ParticipantKind.choices)
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    organisation_name = forms.CharField(
        label=_("Organisation"),
        max_length=255,
        required=False,
        help_text=_("The office, or the producer's name when it is not registered."),
    )
    producer = forms.CharField(
        label=_("Producer code"),
        max_length=20,
        required=False,
        help_text=_("The code of the registered producer the person works for, if any."),
    )
    sex = forms.ChoiceField(
        label=_("Sex"),
        required=False,
        choices=[("", "–"), *Sex.choices],
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )


class AttendanceForm(forms.Form):
    """One checkbox per participant of the course: present at the session."""

    present = forms.MultipleChoiceField(
        label=_("Present"), required=False, widget=forms.CheckboxSelectMultiple, choices=()
    )

    def __init__(self, *args: Any, participants: list[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.participants = {str(p.pk): p for p in participants}
        self.fields["present"].choices = [
            (str(p.pk), p.full_name + (f" ({p.organisation_name})" if p.organisation_name else ""))
            for p in participants
        ]

    def present_participants(self) -> list[Any]:
        return [self.participants[pk] for pk in self.cleaned_data["present"]]
