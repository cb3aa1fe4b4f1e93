"""Reads of the administrative map, shared by the pages, the API and the other apps."""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Prefetch, QuerySet
from django.http import Http404

from ocop.core.text import fold
from ocop.geo.enums import UnitLevel
from ocop.geo.models import AdministrativeUnit, GazetteerImport, UnitSuccession

HANOI = "01"


def current_communes(province_code: str | None = HANOI) -> QuerySet[AdministrativeUnit]:
    """The commune-level units in force today (of one province, or of all when None)."""
    units = AdministrativeUnit.objects.current().communes()
    if province_code is not None:
        units = units.filter(province__code=province_code, province__level=UnitLevel.PROVINCE)
    return units.order_by("name_folded", "name", "code")


def units_valid_on(day: dt.date, level: str | None = None) -> QuerySet[AdministrativeUnit]:
    """The units that existed on `day` (of one level, or of every level when None)."""
    units = AdministrativeUnit.objects.valid_on(day)
    if level is not None:
        units = units.filter(level=level)
    return units


def successors_of(unit: AdministrativeUnit) -> QuerySet[UnitSuccession]:
    """Where an ended unit went: its successions, each with the successor loaded."""
    return (
        UnitSuccession.objects.filter(predecessor=unit)
        .select_related("successor")
        .order_by("successor__name_folded", "successor__code")
    )


def predecessors_of(unit: AdministrativeUnit) -> QuerySet[UnitSuccession]:
    """What a unit was formed from: the successions into it, each predecessor with its district."""
    return (
        UnitSuccession.objects.filter(successor=unit)
        .select_related("predecessor__parent")
        .order_by("predecessor__name_folded", "predecessor__code")
    )


def commune_choices(province_code: str | None = None) -> QuerySet[AdministrativeUnit]:
    """The current communes by name, for a commune select (`ModelChoiceField(queryset=…,
    to_field_name="key")`): one query; each unit's label is its name, e.g. "Xã Bát Tràng"."""
    return current_communes(province_code)


def search_units(
    query: str, units: QuerySet[AdministrativeUnit] | None = None
) -> QuerySet[AdministrativeUnit]:
    """Units whose name contains `query` with diacritics ignored ("bat trang" finds "Bát
    Tràng"), or whose official code starts with it."""
    if units is None:
        units = AdministrativeUnit.objects.all()
    query = query.strip()
    if not query:
        return units
    folded = fold(query)
    condition = units.filter(name_folded__contains=folded)
    if query.isdigit():
        condition = condition | units.filter(code__startswith=query)
    return condition


def unit_by_key(key: str) -> AdministrativeUnit:
    """One unit with its parent and province, or Http404. The map is public: no permission."""
    unit = AdministrativeUnit.objects.select_related("parent", "province").filter(key=key).first()
    if unit is None:
        raise Http404
    return unit


def children_of(
    unit: AdministrativeUnit, *, with_successors: bool = False
) -> QuerySet[AdministrativeUnit]:
    """The units directly under `unit`, current ones first. With `with_successors`, each child's
    successions come prefetched with their successors (one more query in all)."""
    children = AdministrativeUnit.objects.filter(parent=unit).order_by(
        F("valid_to").desc(nulls_first=True), "level", "name_folded", "code"
    )
    if with_successors:
        children = children.prefetch_related(
            Prefetch(
                "successions",
                queryset=UnitSuccession.objects.select_related("successor").order_by(
                    "successor__name_folded", "successor__code"
                ),
            )
        )
    return children


def latest_imports(limit: int = 20) -> QuerySet[GazetteerImport]:
    """The most recent gazetteer imports, newest first."""
    return GazetteerImport.objects.order_by("-imported_at", "-id")[:limit]
