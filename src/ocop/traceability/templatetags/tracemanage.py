"""Template filters of the traceability management pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def qty(value: Any) -> str:
    """A stored quantity without its trailing zeros, in the language's format: 120, 12,5."""
    if value is None or value == "":
        return "–"
    number = Decimal(str(value))
    number = number.quantize(Decimal(1)) if number == number.to_integral() else number.normalize()
    return number_format(number, use_l10n=True, force_grouping=True)
