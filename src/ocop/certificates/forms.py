"""Forms of the certificate screens: the list's filters, the revocation (propose, decide, reject)
and the inspection (plan, record, close, cancel). They normalise text to NFC; the services check
the rules and their errors are shown on the fields (`add_service_errors`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ocop.certificates.enums import InspectionKind, InspectionOutcome, RevocationGround
from ocop.certificates.services.inspections import INSPECTORS_MAX, TEXT_MAX
from ocop.certificates.services.revocations import BASIS_MAX, NOTE_MAX, NUMBER_MAX
from ocop.core.forms import NFCForm

DATE_HELP = _("dd/mm/yyyy")


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class ProposeRevocationForm(NFCForm):
    ground = forms.ChoiceField(
        label=_("Ground (Điều 8)"),
        choices=[("", "–"), *RevocationGround.choices],
        required=False,
    )
    basis = forms.CharField(
        label=_("Basis"),
        max_length=BASIS_MAX,
        required=False,
        help_text=_("The conclusion or document the revocation rests on, with its number."),
    )
    concluded_on = forms.DateField(
        label=_("Date of the conclusion"), required=False, help_text=DATE_HELP
    )
    inspection = forms.ChoiceField(label=_("Inspection"), required=False, choices=[("", "–")])
    note = forms.CharField(label=_("Note"), max_length=NOTE_MAX, required=False, widget=_textarea())

    def __init__(self, *args: Any, inspections: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["inspection"]
        field.choices = [  # type: ignore[attr-defined]
            ("", "–"),
            *((item.code, f"{item.code} · {item.get_outcome_display()}") for item in inspections),
        ]


class DecideRevocationForm(NFCForm):
    decision_number = forms.CharField(
        label=_("Revocation decision number"), max_length=NUMBER_MAX, required=False
    )
    decided_on = forms.DateField(
        label=_("Decision date"), required=False, help_text=_("dd/mm/yyyy; empty: today.")
    )
    note = forms.CharField(label=_("Note"), max_length=NOTE_MAX, required=False, widget=_textarea())


class RejectRevocationForm(NFCForm):
    reason = forms.CharField(
        label=_("Why the certificate is not revoked"),
        max_length=NOTE_MAX,
        required=False,
        widget=_textarea(),
    )
    decided_on = forms.DateField(
        label=_("Decision date"), required=False, help_text=_("dd/mm/yyyy; empty: today.")
    )


class PlanInspectionForm(NFCForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=InspectionKind.choices)
    planned_on = forms.DateField(label=_("Planned for"), required=False, help_text=DATE_HELP)
    inspectors = forms.CharField(label=_("Inspectors"), max_length=INSPECTORS_MAX, required=False)
    checks_criteria = forms.BooleanField(
        label=_("Product still meets the criteria"), required=False, initial=True
    )
    checks_mark_use = forms.BooleanField(
        label=_("Use of the OCOP mark"), required=False, initial=True
    )
    checks_information = forms.BooleanField(
        label=_("Product information and promotion"), required=False, initial=True
    )


class RecordInspectionForm(NFCForm):
    carried_out_on = forms.DateField(label=_("Carried out on"), required=False, help_text=DATE_HELP)
    findings = forms.CharField(
        label=_("Findings"), max_length=TEXT_MAX, required=False, widget=_textarea(5)
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("", "–"), *InspectionOutcome.choices], required=False
    )
    follow_up = forms.CharField(
        label=_("Follow-up required"), max_length=TEXT_MAX, required=False, widget=_textarea()
    )
    follow_up_due = forms.DateField(label=_("Follow-up due"), required=False, help_text=DATE_HELP)


class CloseFollowUpForm(NFCForm):
    closed_on = forms.DateField(
        label=_("Follow-up closed on"), required=False, help_text=_("dd/mm/yyyy; empty: today.")
    )
    note = forms.CharField(label=_("Note"), max_length=TEXT_MAX, required=False, widget=_textarea())


class CancelInspectionForm(NFCForm):
    reason = forms.CharField(
        label=_("Why the inspection is cancelled"),
        max_length=TEXT_MAX,
        required=False,
        widget=_textarea(),
    )
