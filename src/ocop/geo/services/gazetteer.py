"""Import a province's gazetteer file: its units before and after the 1/7/2025 reform and the
mapping between them.

The file format is described in `ocop/geo/data/README.md`. The whole file is checked first
(`read_gazetteer`); a file with any problem is refused with every problem listed and nothing is
written. A good file is then applied in one transaction: units are created or updated by their
`key`, successions are created, updated or removed, and one `GazetteerImport` row records the
file's checksum, its counts and its source notes. Importing the same file again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from ocop.core.services.activity import log_action, snapshot
from ocop.core.text import fold, nfc
from ocop.geo.enums import KIND_WORDS, UnitKind, UnitLevel
from ocop.geo.models import AdministrativeUnit, GazetteerImport, UnitSuccession

HANOI_FILE = Path(__file__).resolve().parent.parent / "data" / "hanoi-units.json"
DEFAULT_REFORM_DATE = dt.date(2025, 7, 1)
DEFAULT_LEGAL_REFERENCE = "Nghị quyết 1656/NQ-UBTVQH15"

OLD_DISTRICTS = "districts_until_2025_06_30"
OLD_COMMUNES = "communes_until_2025_06_30"
NEW_COMMUNES = "communes_from_2025_07_01"

CODE_LENGTHS: dict[str, int] = {UnitLevel.PROVINCE: 2, UnitLevel.DISTRICT: 3, UnitLevel.COMMUNE: 5}
LEVEL_KINDS: dict[str, frozenset[str]] = {
    UnitLevel.PROVINCE: frozenset({UnitKind.CITY, UnitKind.PROVINCE}),
    UnitLevel.DISTRICT: frozenset(
        {
            UnitKind.URBAN_DISTRICT,
            UnitKind.RURAL_DISTRICT,
            UnitKind.TOWN,
            UnitKind.PROVINCIAL_CITY,
        }
    ),
    UnitLevel.COMMUNE: frozenset(
        {UnitKind.WARD, UnitKind.COMMUNE, UnitKind.TOWNLET, UnitKind.SPECIAL_ZONE}
    ),
}
UNIT_FIELDS = (
    "code",
    "name",
    "level",
    "kind",
    "parent",
    "province",
    "valid_from",
    "valid_to",
    "confirmed",
    "note",
)
MAX_PROBLEMS_SHOWN = 200


class GazetteerError(ValidationError):
    """A gazetteer file that cannot be imported; `problems` lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(problems)
        self.problems = problems

    def report(self) -> str:
        shown = self.problems[:MAX_PROBLEMS_SHOWN]
        lines = [
            _("The gazetteer file was refused (%(count)d problems); nothing was written:")
            % {"count": len(self.problems)}
        ]
        lines += [f"  - {problem}" for problem in shown]
        if len(self.problems) > len(shown):
            lines.append(_("  … and %(more)d more.") % {"more": len(self.problems) - len(shown)})
        return "\n".join(lines)


@dataclass(frozen=True)
class UnitSpec:
    """One unit as the file describes it, with its place in the database worked out."""

    key: str
    code: str
    name: str
    level: str
    kind: str
    parent_key: str | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    confirmed: bool
    note: str


@dataclass(frozen=True)
class LinkSpec:
    predecessor_key: str
    successor_key: str
    partial: bool
    legal_reference: str


@dataclass
class Gazetteer:
    """A checked gazetteer file, ready to be applied."""

    province_code: str
    file_name: str
    sha256: str
    reform_date: dt.date
    legal_reference: str
    units: list[UnitSpec]  # parents before children
    links: list[LinkSpec]
    summary: dict[str, Any]
    sources: list[Any]
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    record: GazetteerImport
    summary: dict[str, Any]
    changes: dict[str, dict[str, int]]
    warnings: list[str]

    @property
    def changed(self) -> bool:
        return any(
            count
            for counts in self.changes.values()
            for name, count in counts.items()
            if name != "unchanged"
        )


# --- Reading and checking ---------------------------------------------------------------------


def _load(path_or_data: str | Path | Mapping[str, Any]) -> tuple[Any, str, str]:
    """The parsed file, its name and its SHA-256 (of the bytes, or of canonical JSON for data)."""
    if isinstance(path_or_data, Mapping):
        raw = json.dumps(path_or_data, ensure_ascii=False, sort_keys=True).encode("utf-8")
        return path_or_data, "(data)", hashlib.sha256(raw).hexdigest()
    path = Path(path_or_data)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise GazetteerError(
            [_("The file %(path)s cannot be read: %(error)s") % {"path": path, "error": exc}]
        ) from exc
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GazetteerError(
            [
                _("The file %(path)s is not valid UTF-8 JSON: %(error)s")
                % {"path": path, "error": exc}
            ]
        ) from exc
    return data, path.name, hashlib.sha256(raw).hexdigest()


def _code_of(item: Any) -> str:
    code = nfc(item.get("code")) if isinstance(item, Mapping) else None
    return code if isinstance(code, str) else ""


def _kind_of(word: Any) -> str | None:
    if not isinstance(word, str):
        return None
    cleaned = " ".join(nfc(word).lower().split())
    if cleaned in KIND_WORDS:
        return str(KIND_WORDS[cleaned])
    if cleaned in UnitKind.values:
        return cleaned
    return None


class _Checker:
    """Collects every problem of a file instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def add(self, message: str) -> None:
        self.problems.append(message)

    def unit(self, item: Any, where: str, level: str) -> tuple[str, str, str, bool, str] | None:
        """(code, name, kind, confirmed, note) of one unit, or None when it is unusable."""
        if not isinstance(item, Mapping):
            self.add(_("%(where)s: each unit must be a JSON object.") % {"where": where})
            return None
        code = nfc(item.get("code"))
        name = nfc(item.get("name"))
        usable = True
        if not isinstance(code, str) or not code:
            self.add(_("%(where)s: the code is missing.") % {"where": where})
            return None
        where = (
            f"{where} ({code} {name})" if isinstance(name, str) and name else f"{where} ({code})"
        )
        length = CODE_LENGTHS[level]
        if not (code.isascii() and code.isdigit() and len(code) == length):
            self.add(
                _("%(where)s: the code must be %(length)d digits.")
                % {"where": where, "length": length}
            )
            usable = False
        if not isinstance(name, str) or not name:
            self.add(_("%(where)s: the name is missing.") % {"where": where})
            usable = False
        raw_kind = item.get("kind")
        kind = _kind_of(raw_kind)
        if level == UnitLevel.PROVINCE:
            if raw_kind is None and isinstance(name, str):
                folded = fold(name)
                kind = (
                    UnitKind.CITY
                    if folded.startswith("thanh pho")
                    else UnitKind.PROVINCE
                    if folded.startswith("tinh")
                    else None
                )
            if kind == UnitKind.PROVINCIAL_CITY:  # "thành phố" at province level
                kind = UnitKind.CITY
        if kind is None and raw_kind is None:
            self.add(
                _("%(where)s: the kind is missing (known kinds: %(known)s).")
                % {"where": where, "known": ", ".join(KIND_WORDS)}
            )
            usable = False
        elif kind is None:
            self.add(
                _("%(where)s: the kind “%(kind)s” is not known (known kinds: %(known)s).")
                % {"where": where, "kind": raw_kind, "known": ", ".join(KIND_WORDS)}
            )
            usable = False
        elif kind not in LEVEL_KINDS[level]:
            self.add(
                _("%(where)s: the kind “%(kind)s” is not a kind of %(level)s.")
                % {"where": where, "kind": raw_kind, "level": UnitLevel(level).label}
            )
            usable = False
        confirmed = item.get("confirmed", True)
        if not isinstance(confirmed, bool):
            self.add(_("%(where)s: “confirmed” must be true or false.") % {"where": where})
            usable = False
        note = nfc(item.get("note", ""))
        if not isinstance(note, str):
            self.add(_("%(where)s: “note” must be text.") % {"where": where})
            usable = False
        if not usable:
            return None
        return code, name, str(kind), confirmed, note

    def unit_list(self, data: Mapping[str, Any], name: str, level: str) -> list[tuple[int, Any]]:
        """The list `name` of the file, each item with its index, duplicates reported."""
        items = data.get(name)
        if not isinstance(items, list) or not items:
            self.add(_("The list “%(name)s” is missing or empty.") % {"name": name})
            return []
        codes = Counter(_code_of(item) for item in items)
        for code, count in sorted(codes.items()):
            if count > 1 and code:
                self.add(
                    _("%(list)s: the code %(code)s appears %(count)d times.")
                    % {"list": name, "code": code, "count": count}
                )
        return list(enumerate(items))

    def code_list(self, value: Any, where: str, label: str) -> list[str] | None:
        if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
            self.add(
                _("%(where)s: “%(field)s” must be a list of codes.")
                % {"where": where, "field": label}
            )
            return None
        codes = [nfc(code) for code in value]
        for code, count in sorted(Counter(codes).items()):
            if count > 1:
                self.add(
                    _("%(where)s: “%(field)s” lists %(code)s %(count)d times.")
                    % {"where": where, "field": label, "code": code, "count": count}
                )
        return codes


def _clause_reference(item: Mapping[str, Any], default: str) -> str | None:
    """The legal reference of one new unit's links, e.g. "Nghị quyết …, Điều 1 khoản 3"."""
    reference = nfc(item.get("legal_reference", default))
    if not isinstance(reference, str):
        return None
    clause = item.get("clause", item.get("nq1656_clause"))
    if clause is None or clause == "":
        return reference
    if isinstance(clause, bool) or not isinstance(clause, int | str):
        return None
    clause = nfc(str(clause))
    return f"{reference}, Điều 1 khoản {clause}" if clause.isdigit() else f"{reference}, {clause}"


def read_gazetteer(
    path_or_data: str | Path | Mapping[str, Any] = HANOI_FILE,
    *,
    reform_date: dt.date = DEFAULT_REFORM_DATE,
    legal_reference: str | None = None,
) -> Gazetteer:
    """Check a whole gazetteer file without touching the database.

    Raises GazetteerError listing every problem found.
    """
    data, file_name, sha256 = _load(path_or_data)
    if not isinstance(data, Mapping):
        raise GazetteerError([_("The file must hold one JSON object.")])
    check = _Checker()
    last_old_day = reform_date - dt.timedelta(days=1)
    reference = legal_reference or nfc(data.get("legal_reference")) or DEFAULT_LEGAL_REFERENCE
    if not isinstance(reference, str):
        check.add(_("“legal_reference” must be text."))
        reference = DEFAULT_LEGAL_REFERENCE

    # Province
    province = check.unit(data.get("province"), "province", UnitLevel.PROVINCE)
    province_code = province[0] if province else ""

    # Old districts. Codes are collected even from faulty units, so that one fault is reported
    # once, not again by every reference to the unit.
    districts: dict[str, tuple[str, str, str, bool, str]] = {}
    district_codes: set[str] = set()
    for index, item in check.unit_list(data, OLD_DISTRICTS, UnitLevel.DISTRICT):
        district_codes.add(_code_of(item))
        unit = check.unit(item, f"{OLD_DISTRICTS}[{index}]", UnitLevel.DISTRICT)
        if unit:
            districts.setdefault(unit[0], unit)

    # Old communes
    old_communes: dict[str, tuple[str, str, str, bool, str]] = {}
    old_district_of: dict[str, str] = {}
    old_codes: set[str] = set()
    for index, item in check.unit_list(data, OLD_COMMUNES, UnitLevel.COMMUNE):
        where = f"{OLD_COMMUNES}[{index}]"
        old_codes.add(_code_of(item))
        unit = check.unit(item, where, UnitLevel.COMMUNE)
        if not unit:
            continue
        district_code = nfc(item.get("district_code"))
        if not isinstance(district_code, str) or not district_code:
            check.add(
                _("%(where)s (%(code)s %(name)s): “district_code” is missing.")
                % {"where": where, "code": unit[0], "name": unit[1]}
            )
            continue
        if district_code not in district_codes:
            check.add(
                _("%(where)s (%(code)s %(name)s): its district %(district)s is not in %(list)s.")
                % {
                    "where": where,
                    "code": unit[0],
                    "name": unit[1],
                    "district": district_code,
                    "list": OLD_DISTRICTS,
                }
            )
            continue
        if unit[0] not in old_communes:
            old_communes[unit[0]] = unit
            old_district_of[unit[0]] = district_code

    # New communes and their links
    new_communes: dict[str, tuple[str, str, str, bool, str]] = {}
    raw_links: list[tuple[str, str, bool, str]] = []  # old code, new code, partial, reference
    for index, item in check.unit_list(data, NEW_COMMUNES, UnitLevel.COMMUNE):
        where = f"{NEW_COMMUNES}[{index}]"
        unit = check.unit(item, where, UnitLevel.COMMUNE)
        if not unit:
            continue
        where = f"{where} ({unit[0]} {unit[1]})"
        formed_from = check.code_list(item.get("formed_from"), where, "formed_from")
        partial = check.code_list(item.get("formed_from_partial", []), where, "formed_from_partial")
        link_reference = _clause_reference(item, reference)
        if link_reference is None:
            check.add(
                _("%(where)s: the clause or legal reference is not valid.") % {"where": where}
            )
        if formed_from is None or partial is None or link_reference is None:
            continue
        if not formed_from:
            check.add(_("%(where)s: “formed_from” is empty.") % {"where": where})
        unknown = [code for code in dict.fromkeys(formed_from) if code not in old_codes]
        for code in unknown:
            check.add(
                _("%(where)s: formed from %(code)s, which is not in %(list)s.")
                % {"where": where, "code": code, "list": OLD_COMMUNES}
            )
        outside = [code for code in partial if code not in formed_from]
        for code in outside:
            check.add(
                _("%(where)s: %(code)s is in “formed_from_partial” but not in “formed_from”.")
                % {"where": where, "code": code}
            )
        if unknown or outside or not formed_from:
            continue
        if unit[0] not in new_communes:
            new_communes[unit[0]] = unit
            raw_links += [
                (code, unit[0], code in partial, link_reference)
                for code in dict.fromkeys(formed_from)
            ]

    # Keys
    province_key = AdministrativeUnit.make_key(UnitLevel.PROVINCE, province_code, None)
    district_keys = {
        code: AdministrativeUnit.make_key(UnitLevel.DISTRICT, code, last_old_day)
        for code in districts
    }
    old_keys = {
        code: AdministrativeUnit.make_key(UnitLevel.COMMUNE, code, last_old_day)
        for code in old_communes
    }
    new_keys = {
        code: AdministrativeUnit.make_key(UnitLevel.COMMUNE, code, None) for code in new_communes
    }

    # Units the file marks as not confirmed, by key or by code
    unconfirmed_entries = data.get("unconfirmed", [])
    unconfirmed: set[str] = set()
    if not isinstance(unconfirmed_entries, list) or not all(
        isinstance(entry, str) for entry in unconfirmed_entries
    ):
        check.add(_("“unconfirmed” must be a list of unit codes or keys."))
    else:
        all_keys = {
            province_key: province_code,
            **{key: code for code, key in district_keys.items()},
            **{key: code for code, key in old_keys.items()},
            **{key: code for code, key in new_keys.items()},
        }
        for entry in map(nfc, unconfirmed_entries):
            matched = {key for key, code in all_keys.items() if entry in (key, code)}
            if not matched:
                check.add(
                    _("“unconfirmed” names %(entry)s, which is not a unit of the file.")
                    % {"entry": entry}
                )
            unconfirmed |= matched

    sources = data.get("source_notes", [])
    if not isinstance(sources, list):
        check.add(_("“source_notes” must be a list."))
        sources = []

    if check.problems:
        raise GazetteerError(check.problems)
    assert province is not None  # a file without a usable province has problems

    def spec(
        unit: tuple[str, str, str, bool, str],
        key: str,
        level: str,
        parent_key: str | None,
        valid_from: dt.date | None,
        valid_to: dt.date | None,
    ) -> UnitSpec:
        code, name, kind, confirmed, note = unit
        return UnitSpec(
            key=key,
            code=code,
            name=name,
            level=level,
            kind=kind,
            parent_key=parent_key,
            valid_from=valid_from,
            valid_to=valid_to,
            confirmed=confirmed and key not in unconfirmed,
            note=note,
        )

    units = [spec(province, province_key, UnitLevel.PROVINCE, None, None, None)]
    units += [
        spec(unit, district_keys[code], UnitLevel.DISTRICT, province_key, None, last_old_day)
        for code, unit in districts.items()
    ]
    units += [
        spec(unit, new_keys[code], UnitLevel.COMMUNE, province_key, reform_date, None)
        for code, unit in new_communes.items()
    ]
    units += [
        spec(
            unit,
            old_keys[code],
            UnitLevel.COMMUNE,
            district_keys[old_district_of[code]],
            None,
            last_old_day,
        )
        for code, unit in old_communes.items()
    ]
    links = [
        LinkSpec(old_keys[old], new_keys[new], partial, link_reference)
        for old, new, partial, link_reference in raw_links
    ]

    # What the file holds, and what looks odd without being wrong
    successor_count = Counter(link.predecessor_key for link in links)
    partial_keys = {link.predecessor_key for link in links if link.partial}
    warnings = [
        _("%(code)s %(name)s (before the reform) is not in any “formed_from”.")
        % {"code": code, "name": old_communes[code][1]}
        for code, key in old_keys.items()
        if successor_count[key] == 0
    ]
    warnings += [
        _(
            "%(code)s %(name)s gave only part of its area to one new unit of this file "
            "(the rest may have gone to another province)."
        )
        % {"code": code, "name": old_communes[code][1]}
        for code, key in old_keys.items()
        if key in partial_keys and successor_count[key] == 1
    ]

    def by_kind(values: Mapping[str, tuple[str, str, str, bool, str]]) -> dict[str, int]:
        return dict(sorted(Counter(unit[2] for unit in values.values()).items()))

    summary = {
        "province": 1,
        "districts": len(districts),
        "districts_by_kind": by_kind(districts),
        "old_communes": len(old_communes),
        "old_communes_by_kind": by_kind(old_communes),
        "new_communes": len(new_communes),
        "new_communes_by_kind": by_kind(new_communes),
        "successions": len(links),
        "partial_successions": sum(1 for link in links if link.partial),
        "unconfirmed": sum(1 for unit in units if not unit.confirmed),
    }
    return Gazetteer(
        province_code=province_code,
        file_name=file_name,
        sha256=sha256,
        reform_date=reform_date,
        legal_reference=reference,
        units=units,
        links=links,
        summary=summary,
        sources=sources,
        warnings=warnings,
    )


# --- Writing ----------------------------------------------------------------------------------


def _empty_counts(*names: str) -> dict[str, int]:
    return dict.fromkeys(names, 0)


def _unit_group(spec: UnitSpec) -> str:
    if spec.level == UnitLevel.PROVINCE:
        return "province"
    if spec.level == UnitLevel.DISTRICT:
        return "districts"
    return "new_communes" if spec.valid_to is None else "old_communes"


def _apply_units(
    gazetteer: Gazetteer, actor: Any, changes: dict[str, dict[str, int]]
) -> dict[str, AdministrativeUnit]:
    """Create or update every unit of the file; the units by key."""
    saved: dict[str, AdministrativeUnit] = {
        unit.key: unit
        for unit in AdministrativeUnit.objects.filter(
            key__in=[spec.key for spec in gazetteer.units]
        )
    }
    province_key = gazetteer.units[0].key
    # Parents are saved first: the province; then the districts and the new communes (under the
    # province); then the old communes (under their districts).
    tiers: list[list[UnitSpec]] = [[], [], []]
    for spec in gazetteer.units:
        if spec.parent_key is None:
            tiers[0].append(spec)
        elif spec.parent_key == province_key:
            tiers[1].append(spec)
        else:
            tiers[2].append(spec)
    for tier in tiers:
        to_create: list[AdministrativeUnit] = []
        for spec in tier:
            parent = saved[spec.parent_key] if spec.parent_key else None
            values: dict[str, Any] = {
                "code": spec.code,
                "name": spec.name,
                "level": spec.level,
                "kind": spec.kind,
                "parent": parent,
                "province": saved.get(province_key),
                "valid_from": spec.valid_from,
                "valid_to": spec.valid_to,
                "confirmed": spec.confirmed,
                "note": spec.note,
            }
            counts = changes[_unit_group(spec)]
            unit = saved.get(spec.key)
            if unit is None:
                unit = AdministrativeUnit(key=spec.key, name_folded=fold(spec.name), **values)
                if spec.level == UnitLevel.PROVINCE:
                    unit.province = None  # set to itself once it has an id
                to_create.append(unit)
                counts["created"] += 1
                continue
            if spec.level == UnitLevel.PROVINCE:
                values["province"] = unit
            changed = [
                name
                for name, value in values.items()
                if (
                    getattr(unit, f"{name}_id") != (value.pk if value is not None else None)
                    if name in ("parent", "province")
                    else getattr(unit, name) != value
                )
            ]
            if not changed:
                counts["unchanged"] += 1
                continue
            before = snapshot(unit, UNIT_FIELDS)
            for name in changed:
                setattr(unit, name, values[name])
            unit.save(update_fields=[*changed, "name_folded"])
            log_action(actor, "geo.unit.update", unit, old=before, new=snapshot(unit, UNIT_FIELDS))
            counts["updated"] += 1
        if to_create:
            AdministrativeUnit.objects.bulk_create(to_create)
            if any(unit.pk is None for unit in to_create):  # backends without RETURNING
                to_create = list(
                    AdministrativeUnit.objects.filter(key__in=[unit.key for unit in to_create])
                )
            saved.update((unit.key, unit) for unit in to_create)
        if tier is tiers[0]:
            province = saved[province_key]
            if province.province_id != province.pk:
                province.province = province
                province.save(update_fields=["province"])
    return saved


def _apply_links(
    gazetteer: Gazetteer,
    saved: dict[str, AdministrativeUnit],
    actor: Any,
    counts: dict[str, int],
) -> None:
    province = saved[gazetteer.units[0].key]
    wanted = {
        (saved[link.predecessor_key].pk, saved[link.successor_key].pk): link
        for link in gazetteer.links
    }
    existing = {
        (row.predecessor_id, row.successor_id): row
        for row in UnitSuccession.objects.filter(
            Q(predecessor__province=province) | Q(successor__province=province)
        ).select_related("predecessor", "successor")
    }
    to_create: list[UnitSuccession] = []
    to_update: list[UnitSuccession] = []
    for pair, link in wanted.items():
        row = existing.get(pair)
        if row is None:
            to_create.append(
                UnitSuccession(
                    predecessor=saved[link.predecessor_key],
                    successor=saved[link.successor_key],
                    partial=link.partial,
                    effective_on=gazetteer.reform_date,
                    legal_reference=link.legal_reference,
                )
            )
            continue
        values = {
            "partial": link.partial,
            "effective_on": gazetteer.reform_date,
            "legal_reference": link.legal_reference,
        }
        before = {name: getattr(row, name) for name in values}
        if before == values:
            counts["unchanged"] += 1
            continue
        log_action(
            actor,
            "geo.succession.update",
            row.successor,
            old=before,
            new=values,
            data={"predecessor": row.predecessor.key},
        )
        for name, value in values.items():
            setattr(row, name, value)
        to_update.append(row)
    # Links of this reform that the file no longer has; other reforms' links stay.
    stale = [
        row
        for pair, row in existing.items()
        if pair not in wanted and row.effective_on == gazetteer.reform_date
    ]
    for row in stale:
        log_action(
            actor,
            "geo.succession.delete",
            row.successor,
            data={
                "predecessor": row.predecessor.key,
                "partial": row.partial,
                "legal_reference": row.legal_reference,
            },
        )
    if stale:
        UnitSuccession.objects.filter(pk__in=[row.pk for row in stale]).delete()
    UnitSuccession.objects.bulk_create(to_create)
    UnitSuccession.objects.bulk_update(to_update, ["partial", "effective_on", "legal_reference"])
    counts["created"] += len(to_create)
    counts["updated"] += len(to_update)
    counts["deleted"] += len(stale)


@transaction.atomic
def import_gazetteer(
    *,
    actor: Any = None,
    path_or_data: str | Path | Mapping[str, Any] = HANOI_FILE,
    reform_date: dt.date = DEFAULT_REFORM_DATE,
    legal_reference: str | None = None,
) -> ImportResult:
    """Check a gazetteer file and, if it is sound, apply it (see the module docstring).

    `legal_reference` defaults to the file's own "legal_reference", else to NQ 1656. Raises
    GazetteerError, writing nothing, when the file has any problem.
    """
    gazetteer = read_gazetteer(
        path_or_data, reform_date=reform_date, legal_reference=legal_reference
    )
    unit_counts = ("created", "updated", "unchanged")
    changes = {
        "province": _empty_counts(*unit_counts),
        "districts": _empty_counts(*unit_counts),
        "old_communes": _empty_counts(*unit_counts),
        "new_communes": _empty_counts(*unit_counts),
        "successions": _empty_counts(*unit_counts, "deleted"),
    }
    saved = _apply_units(gazetteer, actor, changes)
    _apply_links(gazetteer, saved, actor, changes["successions"])
    record = GazetteerImport.objects.create(
        province_code=gazetteer.province_code,
        file_name=gazetteer.file_name[:255],
        sha256=gazetteer.sha256,
        reform_date=gazetteer.reform_date,
        legal_reference=gazetteer.legal_reference[:200],
        counts={"file": gazetteer.summary, "changes": changes, "warnings": gazetteer.warnings},
        sources=gazetteer.sources,
    )
    log_action(
        actor,
        "geo.gazetteer.import",
        record,
        data={"sha256": gazetteer.sha256, "file": gazetteer.file_name, "changes": changes},
    )
    return ImportResult(
        record=record, summary=gazetteer.summary, changes=changes, warnings=gazetteer.warnings
    )
