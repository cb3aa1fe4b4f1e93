"""`{% load reports_dashboard %}{% state_management_block %}`: the officials' home dashboard block
"State management" (the current cycle's headline figures and a link to the dashboard), drawn only
for those who may see reports."""

from __future__ import annotations

from typing import Any

from django import template

from ocop.accounts.rules import access_for
from ocop.reports.queries.dashboard import headline_figures
from ocop.reports.rules import can_see_reports

register = template.Library()


@register.inclusion_tag("reports/dashboard_block.html", takes_context=True)
def state_management_block(context: template.Context) -> dict[str, Any]:
    access = context.get("access")
    if access is None:
        request = context.get("request")
        access = access_for(getattr(request, "user", None))
    if not can_see_reports(access):
        return {"reports": None}
    return {"reports": headline_figures(access)}
