from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def history_rows(entries: Any) -> list[Any]:
    """Activity-log rows ready to show: verbs, field labels and choice labels."""
    from ocop.core.history import history_rows as rows  # leaf: templatetags load early

    return rows(entries)


@register.filter
def num(value: int | float | Decimal | None, decimals: int | None = None) -> str:
    """A number in the active language's format with thousand separators (1.234.567 in vi)."""
    if value is None or value == "":
        return "–"
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


@register.simple_tag(takes_context=True)
def query_with(context: template.Context, **kwargs: object) -> str:
    """The current query string with some parameters replaced (for sorting and paging links)."""
    params = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def xlsx_url(context: template.Context) -> str:
    """The current list as XLSX: the same query string (filters, search, sort), every page."""
    params = context["request"].GET.copy()
    params.pop("page", None)
    params["format"] = "xlsx"
    return f"?{params.urlencode()}"
