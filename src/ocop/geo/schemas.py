from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from ocop.geo.enums import UnitLevel
from ocop.geo.models import AdministrativeUnit, UnitSuccession


class UnitFilters(Schema):
    level: UnitLevel | None = Field(None, description="province, district or commune")
    current: bool | None = Field(None, description="true: in force now; false: ended")
    q: str | None = Field(
        None, max_length=100, description="name (diacritics ignored) or the start of a code"
    )
    parent: str | None = Field(None, max_length=40, description="key of the parent unit")
    valid_on: dt.date | None = Field(None, description="units that existed on this day")


class UnitOut(Schema):
    key: str
    code: str
    name: str
    level: str
    kind: str
    parent: str | None = Field(None, description="key of the parent unit")
    valid_from: dt.date | None
    valid_to: dt.date | None
    confirmed: bool

    @staticmethod
    def resolve_parent(obj: AdministrativeUnit) -> str | None:
        return obj.parent.key if obj.parent_id else None


class UnitRef(Schema):
    key: str
    code: str
    name: str
    level: str
    kind: str


class SuccessorOut(Schema):
    unit: UnitRef
    partial: bool
    effective_on: dt.date
    legal_reference: str

    @staticmethod
    def resolve_unit(obj: UnitSuccession) -> AdministrativeUnit:
        return obj.successor


class PredecessorOut(SuccessorOut):
    @staticmethod
    def resolve_unit(obj: UnitSuccession) -> AdministrativeUnit:
        return obj.predecessor


class UnitDetailOut(UnitOut):
    province: str | None = Field(None, description="key of the province")
    note: str
    children: list[UnitRef]
    successors: list[SuccessorOut] = Field(description="where an ended unit's area went")
    predecessors: list[PredecessorOut] = Field(description="what the unit was formed from")

    @staticmethod
    def resolve_province(obj: AdministrativeUnit) -> str | None:
        return obj.province.key if obj.province_id else None

    @staticmethod
    def resolve_children(obj: AdministrativeUnit) -> list[AdministrativeUnit]:
        return obj.child_units  # type: ignore[attr-defined]

    @staticmethod
    def resolve_successors(obj: AdministrativeUnit) -> list[UnitSuccession]:
        return obj.successor_links  # type: ignore[attr-defined]

    @staticmethod
    def resolve_predecessors(obj: AdministrativeUnit) -> list[UnitSuccession]:
        return obj.predecessor_links  # type: ignore[attr-defined]
