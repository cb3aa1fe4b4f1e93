"""The administrative unit a report is asked for, from what a person or a client types.

Official codes repeat across the reform of 1/7/2025 (the new Phường Ba Đình has the code 00004
that the old Phường Trúc Bạch had), so a code alone may name two units. `resolve_unit(code, year)`
picks the one that existed in `year`; of two that both existed that year (2025), the later one
(the unit in force at the end of the year); without a year, the current one. A unit `key`
(`c00004~20250630`) names exactly one unit and is accepted as well (the pages' selects use keys).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ocop.geo.enums import UnitLevel
from ocop.geo.models import AdministrativeUnit

KEY_PATTERN = re.compile(r"^[pdc][0-9]{1,10}(~[0-9]{8})?$")
CODE_PATTERN = re.compile(r"^[0-9]{1,10}$")
FAR_FUTURE = dt.date.max


def _existed_in(unit: AdministrativeUnit, year: int) -> bool:
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if unit.valid_from is not None and unit.valid_from > last:
        return False
    return unit.valid_to is None or unit.valid_to >= first


def _latest_first(unit: AdministrativeUnit) -> tuple[dt.date, dt.date]:
    return (unit.valid_to or FAR_FUTURE, unit.valid_from or dt.date.min)


def resolve_unit(code: Any, year: int | None = None) -> AdministrativeUnit | None:
    """The unit with this official code (or key) for `year`, with its parent and province
    loaded; None when there is none (the caller answers 404). One query."""
    text = str(code or "").strip()
    if KEY_PATTERN.match(text):
        units = list(
            AdministrativeUnit.objects.select_related("parent", "province").filter(key=text)
        )
        return units[0] if units else None
    if not CODE_PATTERN.match(text):
        return None
    units = list(AdministrativeUnit.objects.select_related("parent", "province").filter(code=text))
    if not units:
        return None
    units.sort(key=_latest_first, reverse=True)
    if year is not None:
        existing = [unit for unit in units if _existed_in(unit, year)]
        if existing:
            return existing[0]
    return units[0]


def own_unit(unit_id: int) -> AdministrativeUnit | None:
    """A unit by its database id (a commune officer's own commune), with its parent and
    province."""
    return (
        AdministrativeUnit.objects.select_related("parent", "province").filter(pk=unit_id).first()
    )


def unit_choices(year: int | None = None) -> list[tuple[str, str]]:
    """The units a report filter offers, as (key, label): the provinces, the districts (only
    for years before the reform, or for every year when `year` is None and they exist) and the
    communes that existed in `year` (the current ones without a year). One query."""
    units = AdministrativeUnit.objects.all()
    if year is not None:
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        units = units.exclude(valid_from__gt=last).exclude(valid_to__lt=first)
    else:
        units = units.exclude(level=UnitLevel.COMMUNE, valid_to__isnull=False)
    order = {UnitLevel.PROVINCE: 0, UnitLevel.DISTRICT: 1, UnitLevel.COMMUNE: 2}
    rows = list(units.values_list("key", "name", "level", "code", "valid_to"))
    rows.sort(key=lambda row: (order.get(row[2], 3), row[1], row[3]))
    return [
        (key, name if valid_to is None else f"{name} (–{valid_to:%d/%m/%Y})")
        for key, name, _level, _code, valid_to in rows
    ]
