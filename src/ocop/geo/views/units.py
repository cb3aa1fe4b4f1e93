"""The public administrative map: the list of units and one unit's page. No login needed."""

from __future__ import annotations

from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from ocop.core.views.lists import list_state
from ocop.core.xlsx import Column, wants_xlsx, xlsx_response, yes_no
from ocop.geo.enums import UnitLevel
from ocop.geo.forms import Period, UnitFilterForm
from ocop.geo.models import AdministrativeUnit
from ocop.geo.queries.gazetteer import (
    children_of,
    latest_imports,
    predecessors_of,
    search_units,
    successors_of,
    unit_by_key,
)

SORT_OPTIONS = {
    "name": (["name_folded", "code"], _("Name")),
    "code": (["code", F("valid_to").desc(nulls_first=True)], _("Code")),
    "level": (["level", "kind", "name_folded"], _("Level and kind")),
}
LIST_COLUMNS = [
    Column(_("Name"), "name", width=30),
    Column(_("Code"), "code"),
    Column(_("Level"), "get_level_display"),
    Column(_("Kind"), "get_kind_display"),
    Column(_("Belongs to"), "parent.name", width=30),
    Column(_("Code of the unit above"), "parent.code"),
    Column(_("Valid from"), "valid_from", kind="date"),
    Column(_("Valid until"), "valid_to", kind="date"),
    Column(_("Confirmed"), lambda unit: yes_no(unit.confirmed)),
]


@require_GET
def unit_list(request: HttpRequest) -> HttpResponse:
    form = UnitFilterForm(request.GET)
    values = form.filters()
    units = AdministrativeUnit.objects.select_related("parent")
    if values["period"] == Period.CURRENT:
        units = units.filter(valid_to__isnull=True)
    elif values["period"] == Period.ENDED:
        units = units.filter(valid_to__isnull=False)
    if values["level"]:
        units = units.filter(level=values["level"])
    if values["kind"]:
        units = units.filter(kind=values["kind"])
    if values["district"]:
        units = units.filter(parent__key=values["district"])
    units = search_units(values["q"], units)
    state = list_state(request, units, sort_options=SORT_OPTIONS, default_sort="name")
    if wants_xlsx(request):
        title = _("Administrative units")
        return xlsx_response(title, title, LIST_COLUMNS, state.queryset)
    return render(request, "geo/unit_list.html", {"form": form, "state": state, "filters": values})


@require_GET
def unit_detail(request: HttpRequest, key: str) -> HttpResponse:
    unit = unit_by_key(key)
    children = (
        list(children_of(unit, with_successors=True)) if unit.level != UnitLevel.COMMUNE else []
    )
    successions = list(successors_of(unit))
    predecessions = list(predecessors_of(unit))
    return render(
        request,
        "geo/unit_detail.html",
        {
            "unit": unit,
            "children": children,
            "current_children": [child for child in children if child.is_current],
            "ended_children": [child for child in children if not child.is_current],
            "successions": successions,
            "predecessions": predecessions,
            "split": len(successions) > 1,
            "partial_only": len(successions) == 1 and successions[0].partial,
        },
    )


@require_GET
def sources(request: HttpRequest) -> HttpResponse:
    imports = list(latest_imports())
    latest: dict[str, object] = {}
    for record in imports:
        latest.setdefault(record.province_code, record)
    return render(
        request,
        "geo/sources.html",
        {"latest": list(latest.values()), "imports": imports},
    )
