"""Forms of the supply–demand board. They read what people type (NFC text, dates dd/mm/yyyy,
numbers as written in Vietnamese: 1.500 or 12,5) and hand it to the services, which check the
rules for the pages and the API alike; the services' errors are shown on the fields
(`add_service_errors`)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _

from ocop.core.forms import NFCForm, NFCFormMixin
from ocop.geo.models import AdministrativeUnit
from ocop.geo.queries.gazetteer import commune_choices
from ocop.producers.validators import normalise_phone, normalise_tax_code
from ocop.trade.enums import BuyerKind, ConnectionStatus, QualityCertification
from ocop.trade.queries.board import product_groups
from ocop.trade.services.buyers import DESCRIPTION_MAX, REASON_MAX
from ocop.trade.services.connections import MESSAGE_MAX, NOTE_MAX
from ocop.trade.services.offers import NOTE_MAX as OFFER_NOTE_MAX

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]
MONTH_CHOICES = [(str(month), str(month)) for month in range(1, 13)]
STAR_CHOICES = [("", _("No minimum")), ("3", "3★"), ("4", "4★"), ("5", "5★")]


def _date_field(label: Any, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(
            format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}
        ),
        help_text=_("Day/month/year, e.g. 31/12/2026."),
        **kwargs,
    )


class AmountField(forms.DecimalField):
    """A number as people write it in the active language: "1.500" and "1.500,5" in Vietnamese
    (dots group thousands, the comma marks decimals), "1,500.5" in English; spaces ignored."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("localize", True)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | None:
        if value in self.empty_values:
            return None
        text = re.sub(r"\s", "", str(value))
        decimal_sep = str(get_format("DECIMAL_SEPARATOR"))
        thousand_sep = "." if decimal_sep == "," else ","
        grouped = rf"^-?\d{{1,3}}(\{thousand_sep}\d{{3}})+(\{decimal_sep}\d+)?$"
        if re.match(grouped, text):
            text = text.replace(thousand_sep, "")
        text = text.replace(decimal_sep, ".")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not amount.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return amount


def _communes_field(label: Any) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=label,
        queryset=AdministrativeUnit.objects.none(),
        to_field_name="key",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("None chosen: anywhere in the province. Hold Ctrl (⌘) to choose several."),
    )


# --- buyers -----------------------------------------------------------------------------------


class BuyerForm(NFCFormMixin, forms.Form):
    """The buyer's profile: the same fields for registration and edits."""

    kind = forms.ChoiceField(label=_("Kind of buyer"), choices=BuyerKind.choices)
    name = forms.CharField(label=_("Name"), max_length=255)
    tax_code = forms.CharField(
        label=_("Tax code (MST)"),
        max_length=20,
        required=False,
        help_text=_("10 digits, or 10 digits, a hyphen and a 3-digit branch number."),
    )
    address = forms.CharField(label=_("Address"), max_length=300)
    commune = forms.ModelChoiceField(
        label=_("Commune or ward"),
        queryset=AdministrativeUnit.objects.none(),
        to_field_name="key",
        required=False,
        empty_label=_("Outside Hà Nội, or not said"),
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=200)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    description = forms.CharField(
        label=_("About the buyer"),
        max_length=DESCRIPTION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you buy, your shops or markets, what you look for in a supplier."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = commune_choices()  # type: ignore[attr-defined]

    def clean_tax_code(self) -> str:
        return normalise_tax_code(self.cleaned_data["tax_code"])

    def clean_phone(self) -> str:
        return normalise_phone(self.cleaned_data["phone"])

    def buyer_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in BuyerForm.base_fields}


class ReasonForm(NFCForm):
    """The reason given with a buyer's status change (required to reject or suspend)."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# --- demands ----------------------------------------------------------------------------------


class DemandForm(NFCForm):
    title = forms.CharField(
        label=_("Title"),
        max_length=255,
        help_text=_("What you are looking for, e.g. “Lotus tea for the Tết gift baskets”."),
    )
    group_code = forms.ChoiceField(label=_("Product group"), required=False, choices=())
    keywords = forms.CharField(
        label=_("Keywords"),
        max_length=300,
        required=False,
        help_text=_(
            "Separated by commas, e.g. “trà sen, chè shan tuyết”; accents may be left out."
        ),
    )
    quantity = AmountField(label=_("Quantity"), max_digits=14, decimal_places=2)
    unit = forms.CharField(label=_("Unit"), max_length=30, help_text=_("kg, tấn, hộp, chai, cái …"))
    period_start = _date_field(_("From"))
    period_end = _date_field(_("Until"))
    delivery_units = _communes_field(_("Delivery area"))
    min_stars = forms.ChoiceField(label=_("Least OCOP stars"), required=False, choices=())
    certifications = forms.MultipleChoiceField(
        label=_("Certifications required"),
        required=False,
        choices=QualityCertification.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    description = forms.CharField(
        label=_("Details"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Packaging, quality, delivery terms …"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group_code"].choices = [  # type: ignore[attr-defined]
            ("", _("Any group (use the keywords)")),
            *((code, f"{code} {name}") for code, name in product_groups()),
        ]
        self.fields["min_stars"].choices = STAR_CHOICES  # type: ignore[attr-defined]
        self.fields["delivery_units"].queryset = commune_choices()  # type: ignore[attr-defined]

    def demand_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["delivery_units"] = list(data.get("delivery_units") or [])
        data["min_stars"] = data.get("min_stars") or None
        return data


# --- offers -----------------------------------------------------------------------------------


class OfferForm(NFCForm):
    product = forms.ModelChoiceField(
        label=_("Product"),
        queryset=AdministrativeUnit.objects.none(),
        to_field_name="code",
        empty_label=_("Choose…"),
        help_text=_(
            "A product with an OCOP certificate in force is shown as OCOP and ranks higher."
        ),
    )
    capacity_per_month = AmountField(label=_("Capacity per month"), max_digits=14, decimal_places=2)
    unit = forms.CharField(label=_("Unit"), max_length=30, help_text=_("kg, tấn, hộp, chai …"))
    season_months = forms.MultipleChoiceField(
        label=_("Season (months)"),
        required=False,
        choices=MONTH_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The months you can supply; none chosen: all year."),
    )
    price_min = AmountField(
        label=_("Lowest price (VND)"), required=False, max_digits=14, decimal_places=0
    )
    price_max = AmountField(
        label=_("Highest price (VND)"), required=False, max_digits=14, decimal_places=0
    )
    delivery_units = _communes_field(_("Delivery area"))
    certifications = forms.MultipleChoiceField(
        label=_("Certifications held"),
        required=False,
        choices=QualityCertification.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=OFFER_NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, products: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if products is None:
            del self.fields["product"]
        else:
            self.fields["product"].queryset = products  # type: ignore[attr-defined]
        self.fields["delivery_units"].queryset = commune_choices()  # type: ignore[attr-defined]

    def offer_data(self) -> dict[str, Any]:
        data = {name: value for name, value in self.cleaned_data.items() if name != "product"}
        data["delivery_units"] = list(data.get("delivery_units") or [])
        data["season_months"] = [int(month) for month in data.get("season_months") or []]
        return data


# --- connections ------------------------------------------------------------------------------


class ConnectionForm(NFCForm):
    """A buyer's contact request: the message, and which of its open demands it is about."""

    demand = forms.ChoiceField(label=_("About my demand"), required=False, choices=())
    message = forms.CharField(
        label=_("Message to the producer"),
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Who you are, what you need, how to reach you (at most 2,000 characters)."),
    )

    def __init__(self, *args: Any, demands: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["demand"].choices = [  # type: ignore[attr-defined]
            ("", _("None")),
            *((demand.code, f"{demand.code} · {demand.title}") for demand in demands),
        ]


class ConnectionStatusForm(NFCForm):
    status = forms.ChoiceField(label=_("New status"), choices=())
    note = forms.CharField(
        label=_("Outcome"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was agreed, or why it ended without a deal."),
    )

    def __init__(self, *args: Any, allowed: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            (value, ConnectionStatus(value).label)
            for value in ConnectionStatus.values
            if value in allowed
        ]
