"""Template filters of the criteria pages: points without trailing zeros, star markers."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def points(value: Decimal | int | None) -> str:
    """3.00 → "3", 2.50 → "2,5" (in vi): points as the scorecards print them."""
    if value is None or value == "":
        return "–"
    number = Decimal(value)
    number = number.quantize(Decimal(1)) if number == number.to_integral() else number.normalize()
    return number_format(number, use_l10n=True)


@register.filter
def stars(count: int | None) -> str:
    """★★★ for 3 (the accessible label is the template's job)."""
    return "★" * int(count or 0)


@register.filter
def json_value(value: Any) -> str:
    """A source or corrected value as JSON: "" and null stay visible."""
    return json.dumps(value, ensure_ascii=False)


@register.filter
def for_scorecard(items: list[Any], number: int) -> list[Any]:
    """The rows of `items` (corrections or warning dicts) that concern scorecard `number`."""
    result = []
    for item in items or []:
        value = item.get("scorecard") if isinstance(item, dict) else getattr(item, "board_no", None)
        if value == number:
            result.append(item)
    return result
