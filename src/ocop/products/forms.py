"""Forms of the products registry. They normalise text to NFC, check the GTIN and the upload
early for the person typing, and hand `cleaned_data` to the services (which check again)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from ocop.accounts.rules import Access
from ocop.core.forms import NFCForm
from ocop.core.services.uploads import IMAGE_KINDS, validate_upload
from ocop.producers.models import Producer
from ocop.products.models import Product, ProductPhoto
from ocop.products.queries.classification import classification_choices, classification_value
from ocop.products.queries.products import producers_open_to
from ocop.products.services.products import PRODUCT_FIELDS
from ocop.products.validators import validate_gtin


def _label(model: Any, name: str) -> Any:
    return capfirst(model._meta.get_field(name).verbose_name)


class ProductForm(NFCForm):
    """Create (with the producer: chosen by staff, fixed for a producer's own people) or edit
    (the producer does not change). The classification is a select of the leaves of the
    criteria in force, grouped by product group (optgroups)."""

    producer = forms.ModelChoiceField(
        queryset=Producer.objects.none(), to_field_name="code", label=_label(Product, "producer")
    )
    name = forms.CharField(label=_label(Product, "name"), max_length=255)
    description = forms.CharField(
        label=_label(Product, "description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    gtin = forms.CharField(
        label=_label(Product, "gtin"),
        required=False,
        max_length=30,
        help_text=_(
            "8, 12, 13 or 14 digits including the check digit, as printed under the barcode. "
            "Products registered in Việt Nam usually start with 893."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    producer_sku = forms.CharField(
        label=_label(Product, "producer_sku"),
        required=False,
        max_length=50,
        help_text=_("The code the producer uses for this product in its own books, if any."),
    )
    classification = forms.ChoiceField(
        label=_label(Product, "classification"),
        required=False,
        help_text=_(
            "The product group of the OCOP criteria; it decides the scorecard the product is "
            "evaluated on."
        ),
    )

    def __init__(
        self, *args: Any, access: Access, product: Product | None = None, **kwargs: Any
    ) -> None:
        if product is not None:
            initial = {f: getattr(product, f) for f in PRODUCT_FIELDS if f != "classification"}
            initial["classification"] = classification_value(product.classification)
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.product = product
        groups, self.classification_nodes = classification_choices(
            product.classification if product is not None else None
        )
        self.fields["classification"].choices = [("", _("Not classified yet")), *groups]  # type: ignore[attr-defined]
        self.fixed_producer: Producer | None = None
        if product is not None:
            del self.fields["producer"]
            return
        producers = producers_open_to(access).order_by("name", "pk")
        if not access.is_staff_user:
            own = list(producers[:2])
            if len(own) == 1:
                self.fixed_producer = own[0]
                del self.fields["producer"]
                return
        self.fields["producer"].queryset = producers  # type: ignore[attr-defined]

    def clean_classification(self) -> Any:
        value = self.cleaned_data["classification"]
        return self.classification_nodes.get(value) if value else None

    def clean_gtin(self) -> str:
        value = self.cleaned_data["gtin"]
        return validate_gtin(value) if value else ""

    @property
    def chosen_producer(self) -> Producer:
        return self.fixed_producer or self.cleaned_data["producer"]

    @property
    def product_data(self) -> dict[str, Any]:
        return {field: self.cleaned_data[field] for field in PRODUCT_FIELDS}


class PhotoForm(NFCForm):
    file = forms.FileField(
        label=_("Photo"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    caption = forms.CharField(label=_label(ProductPhoto, "caption"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("JPEG, PNG or WebP, at most %(size)s MB.") % {
            "size": f"{settings.UPLOAD_MAX_BYTES / 1048576:g}"
        }

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        validate_upload(upload, IMAGE_KINDS)
        return upload


class StatusForm(NFCForm):
    """Archive or restore, with an optional reason kept in the history."""

    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
