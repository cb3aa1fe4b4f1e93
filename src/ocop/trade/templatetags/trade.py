"""Template tags of the board: its navigation (what the signed-in person may open), the match
reasons, and the badge of a status."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ocop.accounts.rules import access_for
from ocop.trade.enums import QualityCertification
from ocop.trade.queries.matching import Reason, format_amount, stored_reasons
from ocop.trade.rules import buyer_organisations, is_trade_official, producer_organisations

register = template.Library()


@register.inclusion_tag("trade/includes/nav.html", takes_context=True)
def board_nav(context: template.Context, current: str = "") -> dict[str, Any]:
    """The board's second-level navigation: Home, Demands, Offers, Connections, and for
    officials Buyers and Statistics."""
    request = context.get("request")
    access = access_for(getattr(request, "user", None))
    items: list[tuple[str, str, Any]] = [("home", reverse("trade:home"), _("Board"))]
    official = is_trade_official(access)
    if official or buyer_organisations(access) or producer_organisations(access):
        items += [
            ("demands", reverse("trade:demands"), _("Demands")),
            ("offers", reverse("trade:offers"), _("Offers")),
            ("connections", reverse("trade:connections"), _("Connections")),
        ]
    if official:
        items += [
            ("buyers", reverse("trade:buyers"), _("Buyers")),
            ("statistics", reverse("trade:statistics"), _("Statistics")),
        ]
    return {"items": items, "current": current}


@register.inclusion_tag("trade/includes/reasons.html")
def match_reasons(reasons: Any) -> dict[str, Any]:
    """A match's reasons (Reason objects, or the rows a connection stored)."""
    if reasons and not isinstance(reasons[0], Reason):
        reasons = stored_reasons(reasons)
    return {"reasons": reasons or []}


@register.filter
def certification_labels(codes: Any) -> list[str]:
    """The names of certification codes (`QualityCertification`), in the list's order."""
    labels = dict(QualityCertification.choices)
    return [str(labels.get(code, code)) for code in codes or [] if isinstance(code, str)]


@register.filter
def month_list(months: Any) -> str:
    """Season months as "3, 4, 5" (empty: "")."""
    return ", ".join(str(month) for month in months or [])


@register.filter
def amount(value: Any) -> str:
    """A quantity, capacity or price without needless decimals, in the active language's format
    (300 hộp, 12,5 kg, 1.200.000)."""
    if value is None or value == "":
        return "–"
    return format_amount(value)
