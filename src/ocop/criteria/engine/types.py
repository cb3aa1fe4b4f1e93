"""The engine's input: a scorecard and the policy of its criteria set, as plain frozen data.

The criteria app builds these from the database (`ocop.criteria.queries.specs`); tests and the
benchmark may build them by hand. Points are Decimals so that means are exact.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class OptionSpec:
    label: str
    points: Decimal
    min_star_marker: int | None = None  # 3, 4 or 5: this option is the minimum for that level
    case: str | None = None  # alternative case ("a"/"b") where a criterion has two cases


@dataclass(frozen=True, slots=True)
class CriterionSpec:
    code: str  # "1.1", "7" (a group scored directly), "6.1.1"
    title: str
    part: str  # "A", "B", "C"
    group: str  # the level-1 code the criterion belongs to ("1" … "17")
    max_points: Decimal
    options: tuple[OptionSpec, ...] = ()
    binary: bool = False  # no options: 0 or max_points (e.g. 2.4 bilingual labelling)
    conditional: bool = False  # may be left out of a sheet and then scores 0 (e.g. 5.2)
    condition_note: str = ""


@dataclass(frozen=True, slots=True)
class KnockoutSpec:
    """A rule that ends the scoring: dossier-level, or tied to one criterion (a stop rule)."""

    code: str  # e.g. "dossier", "6.1"
    scope: str  # "dossier" or "criterion"
    text: str
    criterion_code: str | None = None


@dataclass(frozen=True, slots=True)
class PartSpec:
    code: str
    title: str
    max_points: Decimal


@dataclass(frozen=True, slots=True)
class GroupSpec:
    code: str
    title: str
    part: str
    max_points: Decimal


@dataclass(frozen=True, slots=True)
class ScorecardSpec:
    criteria_set: str  # "qd26-2026"
    number: int  # bộ sản phẩm number (1–26)
    name: str
    parts: tuple[PartSpec, ...]
    groups: tuple[GroupSpec, ...]
    criteria: tuple[CriterionSpec, ...]
    knockouts: tuple[KnockoutSpec, ...] = ()
    total_max: Decimal = Decimal(100)
    usable: bool = True  # False for incomplete historical transcriptions


@dataclass(frozen=True, slots=True)
class Band:
    stars: int
    lower: Decimal  # inclusive; the band runs up to the next band's lower bound (exclusive)


DEFAULT_BANDS: tuple[Band, ...] = (
    Band(5, Decimal(90)),
    Band(4, Decimal(70)),
    Band(3, Decimal(50)),
    Band(2, Decimal(30)),
    Band(1, Decimal(0)),
)


@dataclass(frozen=True, slots=True)
class Policy:
    """Settings of a criteria set that the decision leaves to interpretation."""

    bands: tuple[Band, ...] = DEFAULT_BANDS
    # How a minimum-star requirement is checked across members: "mean" (the criterion's mean
    # points across members ≥ the requirement) is the default; "every_member" is stricter.
    requirement_policy: str = "mean"
    spread_threshold: Decimal = Decimal(10)
    certified_levels: tuple[int, ...] = (3, 4, 5)
    ministry_threshold: Decimal = Decimal(90)
    extra: dict[str, object] = field(default_factory=dict)
