"""Forms of the traceability pages: places, batches, inputs, the steps people record, stamps and
label sheets. They normalise text to NFC and hand `cleaned_data` to the services, which check
everything again (their errors are shown on the fields with `add_service_errors`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from ocop.accounts.enums import OrganisationKind
from ocop.accounts.models import Organisation
from ocop.core.forms import NFCForm
from ocop.geo.models import AdministrativeUnit
from ocop.geo.queries.gazetteer import commune_choices
from ocop.producers.models import Producer
from ocop.products.models import Product
from ocop.traceability.enums import BatchStatus, LocationKind, StampStatus, Step
from ocop.traceability.labels import LABEL_SIZES
from ocop.traceability.models import Batch, BatchInput, Location, Shipment
from ocop.traceability.services.batches import NOTE_MAX, REASON_MAX
from ocop.traceability.services.steps import NOTE_MAX as STEP_NOTE_MAX

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S", "%Hh%M", "%Hh"]


def _label(model: Any, name: str) -> Any:
    return capfirst(model._meta.get_field(name).verbose_name)


def date_field(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(
            format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}
        ),
        help_text=help_text or _("Day/month/year, e.g. 31/12/2026."),
    )


def quantity_field(label: Any, *, required: bool) -> forms.CharField:
    """A quantity as people type it ("12,5" or "12.5"); the service reads and checks it."""
    return forms.CharField(
        label=label,
        required=required,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


def _communes() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=commune_choices(),
        to_field_name="key",
        required=False,
        label=_("Commune or ward"),
    )


class LocationForm(NFCForm):
    """A producer's place. The producer is chosen when the user keeps several."""

    producer = forms.ModelChoiceField(
        queryset=Producer.objects.none(), to_field_name="code", label=_("Producer")
    )
    name = forms.CharField(label=_label(Location, "name"), max_length=200)
    kind = forms.ChoiceField(label=_label(Location, "kind"), choices=LocationKind.choices)
    address = forms.CharField(label=_label(Location, "address"), max_length=300, required=False)
    unit = _communes()
    gln = forms.CharField(
        label=_label(Location, "gln"),
        max_length=20,
        required=False,
        help_text=_(
            "The 13-digit Global Location Number from GS1 Việt Nam, if the producer has one; "
            "without it, the place is known by its code on the platform."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    is_active = forms.BooleanField(label=_label(Location, "is_active"), required=False)

    def __init__(
        self,
        *args: Any,
        producers: QuerySet[Producer] | None = None,
        location: Location | None = None,
        **kwargs: Any,
    ) -> None:
        if location is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": location.name,
                    "kind": location.kind,
                    "address": location.address,
                    "unit": location.unit.key if location.unit else None,
                    "gln": location.gln,
                    "is_active": location.is_active,
                },
            )
        super().__init__(*args, **kwargs)
        self.fixed_producer: Producer | None = location.producer if location else None
        if location is None:
            del self.fields["is_active"]
            options = list((producers or Producer.objects.none()).order_by("name", "pk")[:2])
            if len(options) == 1:
                self.fixed_producer = options[0]
        if self.fixed_producer is not None:
            del self.fields["producer"]
        else:
            self.fields["producer"].queryset = producers  # type: ignore[attr-defined]

    @property
    def chosen_producer(self) -> Producer:
        return self.fixed_producer or self.cleaned_data["producer"]

    @property
    def location_data(self) -> dict[str, Any]:
        names = ("name", "kind", "address", "unit", "gln", "is_active")
        return {name: self.cleaned_data[name] for name in names if name in self.cleaned_data}


class BatchForm(NFCForm):
    """Create (the product chosen among the products the user keeps) or edit a batch."""

    product = forms.ModelChoiceField(
        queryset=Product.objects.none(), to_field_name="code", label=_("Product")
    )
    lot = forms.CharField(
        label=_label(Batch, "lot"),
        max_length=40,
        help_text=_(
            "As printed on the package: up to 20 letters without diacritics, digits or "
            "- . / _ (e.g. L2026-10)."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    produced_on = date_field(_label(Batch, "produced_on"))
    expires_on = date_field(_label(Batch, "expires_on"), required=False)
    quantity = quantity_field(_label(Batch, "quantity"), required=True)
    unit = forms.CharField(
        label=_label(Batch, "unit"),
        max_length=20,
        help_text=_("kg, box, bottle, jar …"),
    )
    location = forms.ModelChoiceField(
        queryset=Location.objects.none(),
        to_field_name="code",
        required=False,
        label=_label(Batch, "location"),
    )
    note = forms.CharField(
        label=_label(Batch, "note"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args: Any,
        products: QuerySet[Product] | None = None,
        locations: QuerySet[Location] | None = None,
        batch: Batch | None = None,
        **kwargs: Any,
    ) -> None:
        if batch is not None:
            kwargs.setdefault(
                "initial",
                {
                    "lot": batch.lot,
                    "produced_on": batch.produced_on,
                    "expires_on": batch.expires_on,
                    "quantity": _plain(batch.quantity),
                    "unit": batch.unit,
                    "location": batch.location.code if batch.location else None,
                    "note": batch.note,
                },
            )
        super().__init__(*args, **kwargs)
        if batch is not None:
            del self.fields["product"]
        else:
            self.fields["product"].queryset = products  # type: ignore[attr-defined]
            self.fields["product"].label_from_instance = (  # type: ignore[attr-defined]
                lambda product: f"{product.name} · {product.producer.name}"
            )
        self.fields["location"].queryset = locations  # type: ignore[attr-defined]
        self.fields["location"].label_from_instance = (  # type: ignore[attr-defined]
            lambda place: f"{place.name} · {place.producer.name}" if batch is None else place.name
        )

    @property
    def batch_data(self) -> dict[str, Any]:
        names = ("lot", "produced_on", "expires_on", "quantity", "unit", "location", "note")
        return {name: self.cleaned_data[name] for name in names}


def _plain(value: Any) -> str:
    """A stored quantity as people write it: "12,5", "120"."""
    text = format(value.normalize(), "f") if value is not None else ""
    return text.replace(".", ",")


class InputForm(NFCForm):
    """One step back: a platform batch (its code) or an outside supplier's lot."""

    input_batch = forms.CharField(
        label=_("Batch code on the platform"),
        max_length=20,
        required=False,
        help_text=_(
            "If the supplier's batch is on the platform: its code (LO…), from the delivery "
            "note. Otherwise fill in the supplier and its lot."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    material = forms.CharField(label=_label(BatchInput, "material"), max_length=200, required=False)
    supplier_name = forms.CharField(
        label=_label(BatchInput, "supplier_name"), max_length=255, required=False
    )
    supplier_lot = forms.CharField(
        label=_label(BatchInput, "supplier_lot"), max_length=40, required=False
    )
    quantity = quantity_field(_label(BatchInput, "quantity"), required=False)
    unit = forms.CharField(label=_label(BatchInput, "unit"), max_length=20, required=False)
    received_on = date_field(_label(BatchInput, "received_on"), required=False)

    @property
    def input_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class BatchStatusForm(NFCForm):
    status = forms.ChoiceField(
        label=_("New status"),
        choices=[
            (BatchStatus.CLOSED, BatchStatus.CLOSED.label),
            (BatchStatus.RECALLED, BatchStatus.RECALLED.label),
        ],
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX,
        required=False,
        help_text=_("Required for a recall: what is wrong, and what buyers should do."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def buyer_organisations() -> QuerySet[Organisation]:
    """The organisations a shipment may go to on the platform: buyers and producers."""
    return Organisation.objects.filter(
        kind__in=(OrganisationKind.BUYER, OrganisationKind.PRODUCER), is_active=True
    ).order_by("name", "pk")


class StepForm(NFCForm):
    """A step of the batch: when, where, how much, a note; for shipping also the buyer."""

    step = forms.ChoiceField(label=_("Step"), choices=Step.choices)
    on = date_field(_("Date"))
    time = forms.TimeField(
        label=_("Time"),
        input_formats=TIME_INPUT_FORMATS,
        widget=forms.TimeInput(format="%H:%M", attrs={"placeholder": "hh:mm"}),
        help_text=_("Hà Nội time, 24 hours, e.g. 07:30."),
    )
    location = forms.ModelChoiceField(
        queryset=Location.objects.none(), to_field_name="code", required=False, label=_("Place")
    )
    quantity = quantity_field(_("Quantity"), required=False)
    note = forms.CharField(
        label=_("Note"),
        max_length=STEP_NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    buyer_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        to_field_name="code",
        required=False,
        label=_("Buyer on the platform"),
    )
    buyer_name = forms.CharField(
        label=_label(Shipment, "buyer_name"),
        max_length=255,
        required=False,
        help_text=_("The buyer's name, if it is not on the platform."),
    )
    destination = forms.CharField(
        label=_label(Shipment, "destination"), max_length=300, required=False
    )
    destination_unit = _communes()

    SHIPPING_FIELDS = ("buyer_organisation", "buyer_name", "destination", "destination_unit")

    def __init__(self, *args: Any, batch: Batch, step: str | None = None, **kwargs: Any) -> None:
        now = timezone.localtime()
        place = batch.location if batch.location and batch.location.is_active else None
        kwargs.setdefault(
            "initial",
            {
                "step": step,
                "on": now.date(),
                "time": now.time().replace(second=0, microsecond=0),
                "location": place.code if place else None,
            },
        )
        super().__init__(*args, **kwargs)
        self.batch = batch
        self.fields["location"].queryset = Location.objects.filter(  # type: ignore[attr-defined]
            producer=batch.producer, is_active=True
        ).order_by("name", "pk")
        self.fields["quantity"].help_text = _(
            "In %(unit)s; empty: the whole batch (%(quantity)s)."
        ) % {"unit": batch.unit, "quantity": _plain(batch.quantity)}
        chosen = self.data.get("step") if self.is_bound else step
        self.is_shipping = chosen == Step.SHIPPING
        if self.is_shipping:
            self.fields["buyer_organisation"].queryset = buyer_organisations().exclude(  # type: ignore[attr-defined]
                pk=batch.producer.organisation_id
            )
        else:
            for name in self.SHIPPING_FIELDS:
                del self.fields[name]

    @property
    def at(self) -> dt.datetime:
        moment = dt.datetime.combine(self.cleaned_data["on"], self.cleaned_data["time"])
        return timezone.make_aware(moment)

    @property
    def shipment_data(self) -> dict[str, Any] | None:
        if not self.is_shipping:
            return None
        data = {name: self.cleaned_data.get(name) for name in self.SHIPPING_FIELDS}
        data["quantity"] = self.cleaned_data.get("quantity")
        data["unit"] = self.batch.unit
        return data


class IssueStampsForm(NFCForm):
    count = forms.IntegerField(
        label=_("Number of stamps"),
        min_value=1,
        help_text=_("One stamp per unit sold (box, jar, bottle …)."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class StampStatusForm(NFCForm):
    ACTIONS = (
        (StampStatus.ACTIVE, _("Activate")),
        (StampStatus.VOID, _("Void")),
    )
    status = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    codes = forms.CharField(
        label=_("Stamps"),
        required=False,
        max_length=200_000,
        help_text=_(
            "Short codes or serial numbers, separated by spaces or new lines; a range as "
            "FIRST-LAST takes every stamp issued between them, as on the label sheet."
        ),
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
    )
    every_issued = forms.BooleanField(
        label=_("Every stamp of the batch not yet activated"), required=False
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX,
        required=False,
        help_text=_("For a void: damaged, lost, misprinted …"),
    )


class LabelForm(forms.Form):
    """The label sheet to print (GET)."""

    size = forms.ChoiceField(
        label=_("Label size"),
        choices=[(size.key, size.label) for size in LABEL_SIZES.values()],
    )
    status = forms.ChoiceField(
        label=_("Stamps"),
        required=False,
        choices=[
            ("", _("Issued and active")),
            (StampStatus.ISSUED, _("Issued, not yet active")),
            (StampStatus.ACTIVE, _("Active")),
        ],
    )


def commune_by_key(key: str) -> AdministrativeUnit | None:
    return AdministrativeUnit.objects.filter(key=key).first() if key else None
