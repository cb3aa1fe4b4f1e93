"""The public administrative map: units, and where each old unit went on 1/7/2025."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.pagination import paginate

from ocop.geo.models import AdministrativeUnit
from ocop.geo.queries.gazetteer import (
    children_of,
    predecessors_of,
    search_units,
    successors_of,
    unit_by_key,
    units_valid_on,
)
from ocop.geo.schemas import UnitDetailOut, UnitFilters, UnitOut

router = Router(tags=["geo"])


@router.get("/units", response=list[UnitOut], auth=None, summary="List administrative units")
@paginate
def list_units(request: HttpRequest, filters: Query[UnitFilters]) -> Any:
    if filters.valid_on is not None:
        units = units_valid_on(filters.valid_on, filters.level)
    else:
        units = AdministrativeUnit.objects.all()
        if filters.level is not None:
            units = units.filter(level=filters.level)
    if filters.current is not None:
        units = units.filter(valid_to__isnull=filters.current)
    if filters.parent:
        parent = AdministrativeUnit.objects.filter(key=filters.parent).first()
        if parent is None:
            raise ValidationError({"parent": _("There is no unit with this key.")})
        units = units.filter(parent=parent)
    if filters.q:
        units = search_units(filters.q, units)
    return units.select_related("parent").order_by("level", "name_folded", "code", "pk")


@router.get(
    "/units/{key}",
    response=UnitDetailOut,
    auth=None,
    summary="One administrative unit, with its children, successors and predecessors",
)
def get_unit(request: HttpRequest, key: str) -> Any:
    unit = unit_by_key(key)
    unit.child_units = list(children_of(unit))  # type: ignore[attr-defined]
    unit.successor_links = list(successors_of(unit))  # type: ignore[attr-defined]
    unit.predecessor_links = list(predecessors_of(unit))  # type: ignore[attr-defined]
    return unit
