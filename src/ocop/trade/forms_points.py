"""Forms of the points-of-sale and store-link screens. They normalise text to NFC and hand
`cleaned_data` to the services, which check everything again (for the API's sake) and whose
errors are shown on the fields (`add_service_errors`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from ocop.core.forms import NFCForm
from ocop.geo.models import AdministrativeUnit
from ocop.geo.queries.gazetteer import commune_choices
from ocop.trade.enums import BuyerStatus, PointOfSaleKind, StorePlatform
from ocop.trade.models import Buyer
from ocop.trade.services.points import REASON_MAX
from ocop.trade.services.store_links import URL_MAX

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(
            format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}
        ),
        help_text=_("Day/month/year, e.g. 31/12/2020."),
    )


def _coordinate_field(label: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=_("Decimal degrees, e.g. 21.028511 (optional: for the map link)."),
    )


class PointOfSaleForm(NFCForm):
    """A point's details. `with_buyer`: the office's form also says which buyer runs it."""

    kind = forms.ChoiceField(label=_("Kind"), choices=PointOfSaleKind.choices)
    name = forms.CharField(label=_("Name"), max_length=255)
    address = forms.CharField(
        label=_("Address"), max_length=300, help_text=_("House number, street, village.")
    )
    commune = forms.ModelChoiceField(
        label=_("Commune or ward"),
        queryset=AdministrativeUnit.objects.none(),
        to_field_name="key",
        empty_label=_("Choose…"),
    )
    opening_hours = forms.CharField(
        label=_("Opening hours"),
        max_length=200,
        required=False,
        help_text=_("For example: 8:00–21:00 every day."),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    website = forms.CharField(label=_("Website"), max_length=200, required=False)
    operator_name = forms.CharField(
        label=_("Operated by"),
        max_length=255,
        required=False,
        help_text=_("The company, cooperative or office that runs the point."),
    )
    buyer = forms.ChoiceField(label=_("Buyer that runs it"), required=False, choices=())
    latitude = _coordinate_field(_("Latitude"))
    longitude = _coordinate_field(_("Longitude"))
    starts_on = _date_field(_("First day"))
    ends_on = _date_field(_("Last day"))

    def __init__(
        self,
        *args: Any,
        with_buyer: bool = True,
        keep_commune: AdministrativeUnit | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        queryset: QuerySet[AdministrativeUnit] = commune_choices()
        if keep_commune is not None:  # a point may keep a commune that has since ended
            queryset = AdministrativeUnit.objects.filter(
                Q(pk__in=queryset.values("pk")) | Q(pk=keep_commune.pk)
            ).order_by("name_folded", "name", "code")
        self.fields["commune"].queryset = queryset  # type: ignore[attr-defined]
        self.fields["starts_on"].help_text = _("For a fair: its first day (required).")
        self.fields["ends_on"].help_text = _("For a fair: its last day (required).")
        if with_buyer:
            buyers = Buyer.objects.filter(status=BuyerStatus.ACTIVE).order_by("name_folded")
            self.fields["buyer"].choices = [  # type: ignore[attr-defined]
                ("", _("None (kept by the office)")),
                *buyers.values_list("code", "name"),
            ]
        else:
            del self.fields["buyer"]


class StatusForm(NFCForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ProductCodeForm(NFCForm):
    """Add a product by its code (SP…), as printed on the catalogue's product page."""

    product = forms.CharField(label=_("Product code"), max_length=20)


class StoreLinkForm(NFCForm):
    platform = forms.ChoiceField(label=_("Store"), choices=StorePlatform.choices)
    url = forms.CharField(
        label=_("Address of the product's page (https://…)"),
        max_length=URL_MAX,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
