"""Field checks of the board shared by the demand and offer services (and so the forms and the
API): each returns the clean value or raises a `ValidationError` for that one field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from ocop.core.text import nfc
from ocop.geo.enums import UnitLevel
from ocop.geo.models import AdministrativeUnit
from ocop.trade.enums import QualityCertification

AMOUNT_MAX = Decimal("999999999999")  # DecimalField(max_digits=14, decimal_places=2)
PRICE_MAX = Decimal("99999999999999")  # DecimalField(max_digits=14, decimal_places=0)
DELIVERY_UNITS_MAX = 200


def clean_text(value: Any, *, limit: int, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(_("Enter text."), code="invalid")
    text = nfc(value)
    if required and not text:
        raise ValidationError(_("This field is required."), code="required")
    if len(text) > limit:
        raise ValidationError(
            _("Enter at most %(max)d characters."), code="max_length", params={"max": limit}
        )
    return text


def clean_amount(
    value: Any, *, positive: bool = True, limit: Decimal = AMOUNT_MAX, places: int = 2
) -> Decimal:
    """A number (a Decimal, an int or a numeric string): > 0 (or ≥ 0 when not `positive`)."""
    if isinstance(value, bool) or value in (None, ""):
        raise ValidationError(_("Enter a number."), code="required")
    try:
        amount = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValidationError(_("Enter a number."), code="invalid") from None
    if not amount.is_finite():
        raise ValidationError(_("Enter a number."), code="invalid")
    if positive and amount <= 0:
        raise ValidationError(_("Enter a number greater than zero."), code="not_positive")
    if not positive and amount < 0:
        raise ValidationError(_("Enter a number that is not negative."), code="negative")
    if amount > limit:
        raise ValidationError(
            _("Enter a number of at most %(max)s."), code="too_large", params={"max": limit}
        )
    quantum = Decimal(1).scaleb(-places)
    if amount != amount.quantize(quantum):
        raise ValidationError(
            _("Enter a number with at most %(places)d decimal places."),
            code="places",
            params={"places": places},
        )
    return amount.quantize(quantum)


def clean_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value.strip():
        text = value.strip()
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
        parts = text.split("/")
        if len(parts) == 3 and all(part.isdigit() for part in parts):
            try:
                return dt.date(int(parts[2]), int(parts[1]), int(parts[0]))
            except ValueError:
                pass
        raise ValidationError(_("Enter a valid date."), code="invalid_date")
    raise ValidationError(_("Give the date."), code="required")


def clean_communes(value: Any) -> list[AdministrativeUnit]:
    """Current communes or wards, given as units or keys (a list; empty for none)."""
    if value in (None, ""):
        return []
    if isinstance(value, str) or not isinstance(value, list | tuple | set | QuerySet):
        raise ValidationError(_("Choose communes or wards."), code="invalid")
    items = list(value)
    if len(items) > DELIVERY_UNITS_MAX:
        raise ValidationError(
            _("Choose at most %(max)d communes or wards."),
            code="too_many",
            params={"max": DELIVERY_UNITS_MAX},
        )
    keys = [item for item in items if isinstance(item, str)]
    units = [item for item in items if isinstance(item, AdministrativeUnit)]
    if len(keys) + len(units) != len(items):
        raise ValidationError(_("Choose communes or wards."), code="invalid")
    if keys:
        found = {unit.key: unit for unit in AdministrativeUnit.objects.filter(key__in=keys)}
        missing = [key for key in keys if key not in found]
        if missing:
            raise ValidationError(
                _("Unknown commune or ward: %(keys)s."),
                code="unknown",
                params={"keys": ", ".join(missing[:5])},
            )
        units.extend(found[key] for key in keys)
    result: dict[int, AdministrativeUnit] = {}
    for unit in units:
        if unit.level != UnitLevel.COMMUNE or unit.valid_to is not None:
            raise ValidationError(
                _("%(name)s is not a current commune or ward."),
                code="commune",
                params={"name": unit.name},
            )
        result[unit.pk] = unit
    return list(result.values())


def clean_certifications(value: Any) -> list[str]:
    """Codes of `QualityCertification`, each once, in the order of the list of choices."""
    if value in (None, ""):
        return []
    if isinstance(value, str) or not isinstance(value, list | tuple | set):
        raise ValidationError(_("Choose from the list of certifications."), code="invalid")
    codes = set()
    for item in value:
        if not isinstance(item, str) or item not in QualityCertification.values:
            raise ValidationError(
                _("Choose from the list of certifications."), code="unknown_certification"
            )
        codes.add(item)
    return [code for code in QualityCertification.values if code in codes]
