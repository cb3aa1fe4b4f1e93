"""Mẫu 01 (Phiếu đăng ký tham gia đánh giá, phân hạng sản phẩm OCOP) as a small schema.

The answers are stored in `Dossier.registration` (JSON), so a new decision's form needs no
migration. The form (`forms_dossiers.RegistrationForm`), the API (`schemas_dossiers`) and the
service (`clean_registration`) all read this list. The producer's own details (name,
representative, address, contacts) are read from the producer record and not asked again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocop.core.text import nfc


@dataclass(frozen=True)
class RegistrationField:
    name: str
    label: Any
    kind: str  # "text", "long_text", "decimal", "integer", "choice", "derived"
    required: bool = True
    max_length: int = 255
    help_text: Any = ""


BRAND_STATUSES: tuple[tuple[str, Any], ...] = (
    ("none", gettext_lazy("no trademark yet")),
    ("applied", gettext_lazy("trademark applied for")),
    ("registered", gettext_lazy("trademark registered (protected)")),
    ("collective", gettext_lazy("collective or certification mark, or geographical indication")),
)

REGISTRATION_FIELDS: tuple[RegistrationField, ...] = (
    RegistrationField("product_name", gettext_lazy("Product name"), "text"),
    RegistrationField(
        "product_group",
        gettext_lazy("Product group (category, group, sub-group)"),
        "derived",
        help_text=gettext_lazy("From the product's OCOP classification."),
    ),
    RegistrationField(
        "description", gettext_lazy("Short description of the product"), "long_text", True, 2000
    ),
    RegistrationField(
        "raw_material_source", gettext_lazy("Source of the raw materials"), "long_text", True, 1000
    ),
    RegistrationField("capacity_per_year", gettext_lazy("Production capacity per year"), "decimal"),
    RegistrationField(
        "capacity_unit",
        gettext_lazy("Unit of the capacity"),
        "text",
        True,
        30,
        gettext_lazy("For example: tấn, lít, sản phẩm, lượt khách."),
    ),
    RegistrationField(
        "market_domestic",
        gettext_lazy("Domestic market (provinces and cities)"),
        "long_text",
        True,
        1000,
    ),
    RegistrationField("market_export", gettext_lazy("Export markets"), "long_text", False, 1000),
    RegistrationField("price", gettext_lazy("Retail price (VND)"), "integer"),
    RegistrationField("packaging", gettext_lazy("Packaging"), "text", True, 500),
    RegistrationField("brand_status", gettext_lazy("Brand and label"), "choice"),
)
FIELDS_BY_NAME = {field.name: field for field in REGISTRATION_FIELDS}
EDITABLE_FIELDS = tuple(f.name for f in REGISTRATION_FIELDS if f.kind != "derived")
DECIMAL_MAX = Decimal("1000000000000")


def _number(value: Decimal) -> int | float:
    """A JSON number: whole numbers as integers."""
    return int(value) if value == value.to_integral_value() else float(value)


def clean_value(field: RegistrationField, value: Any) -> Any:
    """One answer, normalised (NFC text, numbers), or ValidationError; None for an empty one."""
    if value is None or (isinstance(value, str) and not nfc(value)):
        return None
    if field.kind in ("text", "long_text"):
        if not isinstance(value, str):
            raise ValidationError(_("Enter text."))
        text = nfc(value).replace("\x00", "")
        if field.kind == "text":
            text = " ".join(text.split())
        if len(text) > field.max_length:
            raise ValidationError(_("At most %(count)s characters.") % {"count": field.max_length})
        return text
    if field.kind in ("decimal", "integer"):
        if isinstance(value, bool):
            raise ValidationError(_("Enter a number."))
        try:
            number = Decimal(str(value).strip().replace(" ", ""))
        except InvalidOperation:
            raise ValidationError(_("Enter a number.")) from None
        if not number.is_finite() or number < 0 or number >= DECIMAL_MAX:
            raise ValidationError(_("Enter a number of zero or more."))
        if field.kind == "integer":
            if number != number.to_integral_value():
                raise ValidationError(_("Enter a whole number."))
            return int(number)
        if field.name == "capacity_per_year" and number == 0:
            raise ValidationError(_("Enter a number greater than zero."))
        return _number(number.quantize(Decimal("0.001")).normalize())
    if field.kind == "choice":
        allowed = dict(BRAND_STATUSES)
        if value not in allowed:
            raise ValidationError(
                _("Choose one of: %(choices)s.") % {"choices": ", ".join(allowed)}
            )
        return value
    raise ValidationError(_("This field cannot be changed."))


def clean_registration(data: Mapping[str, Any]) -> dict[str, Any]:
    """The answers of `data` that are given, cleaned; every error at once, keyed
    `registration.<field>`. Unknown keys and the derived fields are refused."""
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, value in data.items():
        field = FIELDS_BY_NAME.get(name)
        key = f"registration.{name}"
        if field is None:
            errors[key] = [_("Mẫu 01 has no field “%(name)s”.") % {"name": name}]
            continue
        if field.kind == "derived":
            errors[key] = [_("This field comes from the product and cannot be changed here.")]
            continue
        try:
            cleaned[name] = clean_value(field, value)
        except ValidationError as exc:
            errors[key] = list(exc.messages)
    if errors:
        raise ValidationError(errors)
    return cleaned


def missing_fields(registration: Mapping[str, Any]) -> list[RegistrationField]:
    """The required fields without an answer, in the order of the form."""
    return [
        field
        for field in REGISTRATION_FIELDS
        if field.required and registration.get(field.name) in (None, "")
    ]


def brand_status_label(value: Any) -> Any:
    return dict(BRAND_STATUSES).get(value, value or "")


def display_rows(registration: Mapping[str, Any]) -> list[tuple[Any, Any]]:
    """(label, value) of every field, for read-only pages and Mẫu 03."""
    rows = []
    for field in REGISTRATION_FIELDS:
        value = registration.get(field.name)
        if field.kind == "choice":
            value = brand_status_label(value)
        elif field.kind in ("decimal", "integer") and value is not None:
            value = number_format(value, use_l10n=True, force_grouping=True)
        rows.append((field.label, value))
    return rows
