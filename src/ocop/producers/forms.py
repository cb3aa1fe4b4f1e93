"""Forms of the producers registry. They normalise text to NFC, check fields with validators.py,
and hand `cleaned_data` to the services (which check everything again for the API's sake)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from ocop.core.forms import NFCFormMixin
from ocop.geo.models import AdministrativeUnit
from ocop.geo.queries.gazetteer import commune_choices
from ocop.producers.enums import ProducerKind, ProducerStatus, Sex
from ocop.producers.validators import (
    ASSOCIATION_HELP,
    ETHNICITY_CHOICES,
    normalise_phone,
    normalise_tax_code,
    validate_past_date,
    validate_workforce,
)

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]


def current_communes() -> QuerySet[AdministrativeUnit]:
    """The communes and wards that exist today, by name (the gazetteer's list for a select)."""
    return commune_choices()


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        validators=[validate_past_date],
        widget=forms.DateInput(
            format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}
        ),
        help_text=_("Day/month/year, e.g. 31/12/2020."),
    )


class ProducerForm(NFCFormMixin, forms.Form):
    """The producer's own details: the same fields for self-registration, staff entry and edits."""

    kind = forms.ChoiceField(
        label=_("Kind"), choices=ProducerKind.choices, help_text=ASSOCIATION_HELP
    )
    name = forms.CharField(label=_("Name"), max_length=255)
    tax_code = forms.CharField(
        label=_("Tax code (MST)"),
        max_length=20,
        required=False,
        help_text=_("10 digits, or 10 digits, a hyphen and a 3-digit branch number."),
    )
    registration_number = forms.CharField(
        label=_("Business registration number"), max_length=50, required=False
    )
    registration_date = _date_field(_("Registration date"))
    founded_on = _date_field(_("Founding date"))
    address = forms.CharField(
        label=_("Address"),
        max_length=300,
        help_text=_("House number, street, village (thôn, xóm)."),
    )
    commune = forms.ModelChoiceField(
        label=_("Commune or ward"),
        queryset=AdministrativeUnit.objects.none(),
        to_field_name="key",
        empty_label=_("Choose…"),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    representative_name = forms.CharField(label=_("Legal representative"), max_length=200)
    representative_sex = forms.ChoiceField(
        label=_("Sex of the representative"), choices=[("", _("Choose…")), *Sex.choices]
    )
    representative_ethnicity = forms.ChoiceField(
        label=_("Ethnicity of the representative"), choices=ETHNICITY_CHOICES, initial="Kinh"
    )
    representative_disability = forms.BooleanField(
        label=_("The representative is a person with a disability"), required=False
    )
    workforce_total = forms.IntegerField(
        label=_("Total workers"), min_value=0, max_value=1_000_000, initial=0
    )
    workforce_local = forms.IntegerField(
        label=_("Local workers"),
        min_value=0,
        max_value=1_000_000,
        initial=0,
        help_text=_("Workers who live in the commune or its neighbourhood."),
    )

    def __init__(
        self,
        *args: Any,
        communes: QuerySet[AdministrativeUnit] | None = None,
        keep_commune: AdministrativeUnit | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        queryset = communes if communes is not None else current_communes()
        if keep_commune is not None:  # a record may keep a commune that has since ended
            queryset = AdministrativeUnit.objects.filter(
                Q(pk__in=queryset.values("pk")) | Q(pk=keep_commune.pk)
            ).order_by("name_folded", "name", "code")
        self.fields["commune"].queryset = queryset  # type: ignore[attr-defined]

    def clean_tax_code(self) -> str:
        return normalise_tax_code(self.cleaned_data["tax_code"])

    def clean_phone(self) -> str:
        return normalise_phone(self.cleaned_data["phone"])

    def clean_email(self) -> str:
        return self.cleaned_data["email"].lower()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        try:
            validate_workforce(cleaned.get("workforce_total"), cleaned.get("workforce_local"))
        except ValidationError as exc:
            self.add_error(None, exc)
        return cleaned

    def producer_data(self) -> dict[str, Any]:
        """What the services take: the producer fields of cleaned_data."""
        return {name: self.cleaned_data[name] for name in ProducerForm.base_fields}


class RegistrationForm(ProducerForm):
    """Self-registration: the producer's details, nothing about status or owner."""


class StaffProducerForm(ProducerForm):
    """Staff entering a producer for someone else, optionally naming the owner's account."""

    owner = forms.CharField(
        label=_("Owner's username"),
        max_length=150,
        required=False,
        help_text=_("The account of the producer's owner, if they have one already."),
    )


class EditProducerForm(ProducerForm):
    """Edits; a rejected record may be sent back to the commune in the same step."""

    resubmit = forms.BooleanField(
        label=_("Send the corrected record to the commune for approval again"),
        required=False,
    )

    def __init__(self, *args: Any, status: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if status != ProducerStatus.REJECTED:
            del self.fields["resubmit"]


class AccountForm(NFCFormMixin, forms.Form):
    """The account an anonymous visitor creates while registering their producer."""

    raw_fields = ("password1", "password2")

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("Letters, digits and @ . + - _ only."),
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    email = forms.EmailField(
        label=_("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords do not match."))
        return cleaned

    def account_data(self) -> dict[str, str]:
        return {
            "username": self.cleaned_data["username"],
            "email": self.cleaned_data["email"],
            "password": self.cleaned_data["password1"],
        }


class StatusForm(NFCFormMixin, forms.Form):
    """The reason given with a status change (required to reject or suspend)."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, require_reason: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = require_reason


# Service error keys that name a field under another name in the forms.
ACCOUNT_FIELD_NAMES = {"password": "password1"}


def attach_errors(exc: ValidationError, *forms_: forms.Form) -> None:
    """Show a service's ValidationError on the forms: `account.<field>` on the account form (the
    one with a prefix-free `username` field), other keys on the first form that has the field,
    anything else as a non-field error of the first form."""
    if not hasattr(exc, "error_dict"):
        forms_[0].add_error(None, exc)
        return
    for key, errors in exc.error_dict.items():
        target, field = forms_[0], key
        if key.startswith("account."):
            field = key.removeprefix("account.")
            field = ACCOUNT_FIELD_NAMES.get(field, field)
            target = next((f for f in forms_ if isinstance(f, AccountForm)), forms_[0])
        else:
            target = next((f for f in forms_ if key in f.fields), forms_[0])
        if field not in target.fields or field == NON_FIELD_ERRORS:
            field = None  # type: ignore[assignment]
        for error in errors:
            target.add_error(field, error)
