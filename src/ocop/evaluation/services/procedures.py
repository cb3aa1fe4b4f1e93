"""Evaluation procedures as data: `data/procedures.json`, read and checked once.

A criteria set names its procedure profile (`CriteriaSet.procedure_profile`); everything the
workflow does differently under QĐ 26/2026, 1489/2025, 148/2023 or 1048/2019 (where a dossier
enters, whether the commune pre-assesses and in how many working days, the levels that evaluate
and what each certifies, the thresholds, the round calendar, the samples, the required evidence)
is read from the profile. No code branches on the decision's name.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from ocop.evaluation.enums import EvidenceCategory, Level

PROCEDURES_FILE = Path(__file__).resolve().parent.parent / "data" / "procedures.json"
# The four contents the commune assesses (Mẫu 03): the CommuneAssessment fields.
COMMUNE_CRITERIA = ("local_materials", "local_labour", "idea_origin", "local_identity")
# Classification categories whose products are food, drinks or herbal products (the
# food-safety evidence applies), and the tourism category (no samples): QĐ 26/2026 numbers them
# I–VI, the QĐ 1048 classification 1–6. A profile may set its own ("food_categories",
# "tourism_categories").
FOOD_CATEGORIES = ("I", "II", "III", "1", "2", "3")
TOURISM_CATEGORIES = ("VI", "6")
LEVEL_ORDER = (Level.COMMUNE, Level.DISTRICT, Level.PROVINCE, Level.CENTRAL)
MONTH_DAY = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")


class ProcedureError(ValueError):
    """The procedures file is wrong, or a criteria set names a profile it does not define."""


class UnknownProcedure(ProcedureError, LookupError):
    """A criteria set (or a caller) names a profile the procedures file does not define."""


@dataclass(frozen=True)
class CommuneReview:
    working_days: int | None  # None: the decision sets no time limit
    criteria: tuple[str, ...]


@dataclass(frozen=True)
class RoundSlot:
    number: int
    proposal_deadline: str  # "MM-DD"
    evaluation_deadline: str

    def get(self, key: str, default: Any = None) -> Any:
        """Read like the JSON object it came from (`slot.get("number")`)."""
        return getattr(self, key, default)


@dataclass(frozen=True)
class ReevaluationWindow:
    """When a certified product files its re-evaluation (QĐ 26/2026 Điều 7.6)."""

    earliest_days_before_expiry: int
    latest_days_before_expiry: int
    decision_within_days: int
    written_consultation: bool


@dataclass(frozen=True)
class CertificateRules:
    validity_months: int = 36
    expiry_notice_days: int = 30
    reevaluation_window: ReevaluationWindow | None = None


@dataclass(frozen=True)
class ProcedureProfile:
    code: str
    name: str
    legal_reference: str
    entry_level: str
    commune_review: CommuneReview | None
    evaluation_levels: tuple[str, ...]
    certifies: dict[str, tuple[int, ...]]
    forward_threshold: dict[str, Decimal]
    central_threshold: Decimal
    rounds: dict[str, tuple[RoundSlot, ...]]
    samples_default: int
    samples_tourism: int
    required_evidence: tuple[str, ...]
    required_evidence_food: tuple[str, ...]
    food_categories: tuple[str, ...] = FOOD_CATEGORIES
    tourism_categories: tuple[str, ...] = TOURISM_CATEGORIES
    certificate: CertificateRules = CertificateRules()

    @property
    def chain(self) -> tuple[str, ...]:
        """Every level a dossier passes, in order: the entry level (when it only receives and
        pre-assesses), then the levels that evaluate."""
        if self.entry_level in self.evaluation_levels:
            return self.evaluation_levels
        return (self.entry_level, *self.evaluation_levels)

    @property
    def has_commune_review(self) -> bool:
        return self.commune_review is not None

    @property
    def needs_self_assessment(self) -> bool:
        """Whether the dossier holds the self-assessment report (Mẫu 02, with Part III the
        producer's self-assessment): where the profile requires that document (QĐ 26/2026,
        148, 1489; not the QĐ 1048 dossier)."""
        return EvidenceCategory.SELF_ASSESSMENT_REPORT in self.required_evidence

    @property
    def review_days(self) -> int | None:
        """Working days the entry level has to pre-assess a dossier (None: no time limit)."""
        return self.commune_review.working_days if self.commune_review else None

    @property
    def first_evaluation_level(self) -> str:
        return self.evaluation_levels[0]

    def next_level(self, level: str) -> str | None:
        return next_level(self, level)

    def certified_at(self, level: str) -> tuple[int, ...]:
        return self.certifies.get(level, ())

    def samples_for(self, category: str | None) -> int:
        if category in self.tourism_categories:
            return self.samples_tourism
        return self.samples_default

    def evidence_for(self, category: str | None) -> tuple[str, ...]:
        """The evidence categories a dossier must hold, in the order of the profile."""
        extra = self.required_evidence_food if category in self.food_categories else ()
        return tuple(dict.fromkeys((*self.required_evidence, *extra)))


def next_level(profile: ProcedureProfile, level: str) -> str | None:
    """The level after `level` in the profile's chain (commune → province → central under
    26/2026; district → province → central under 148 and 1048), None after the last."""
    chain = profile.chain
    if level not in chain:
        raise ProcedureError(f"{profile.code}: level {level!r} is not part of the procedure")
    index = chain.index(level)
    return chain[index + 1] if index + 1 < len(chain) else None


def _levels(value: Any, where: str, problems: list[str]) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        problems.append(f"{where}: a non-empty list of levels is expected")
        return ()
    result = []
    for level in value:
        if level not in Level.values:
            problems.append(f"{where}: unknown level {level!r}")
        else:
            result.append(str(level))
    ordered = sorted(result, key=LEVEL_ORDER.index)
    if result != ordered or len(set(result)) != len(result):
        problems.append(f"{where}: levels must go up, each once")
    return tuple(result)


def _decimal(value: Any, where: str, problems: list[str]) -> Decimal:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        problems.append(f"{where}: a number is expected")
        return Decimal(0)
    if not Decimal(0) <= number <= Decimal(100):
        problems.append(f"{where}: a number of points from 0 to 100 is expected")
    return number


def _evidence(value: Any, where: str, problems: list[str]) -> tuple[str, ...]:
    if not isinstance(value, list):
        problems.append(f"{where}: a list of evidence categories is expected")
        return ()
    for category in value:
        if category not in EvidenceCategory.values:
            problems.append(f"{where}: unknown evidence category {category!r}")
    return tuple(str(c) for c in value if c in EvidenceCategory.values)


def _count(value: Any, where: str, problems: list[str]) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        problems.append(f"{where}: a whole number ≥ 0 is expected")
        return 0
    return value


def _certificate_rules(raw: Any, where: str, problems: list[str]) -> CertificateRules:
    if raw is None:
        return CertificateRules()
    if not isinstance(raw, dict):
        problems.append(f"{where}: an object is expected")
        return CertificateRules()
    months = _count(raw.get("validity_months", 36), f"{where}.validity_months", problems)
    notice = _count(raw.get("expiry_notice_days", 30), f"{where}.expiry_notice_days", problems)
    if months == 0:
        problems.append(f"{where}.validity_months: at least one month")
    window_raw = raw.get("reevaluation_window")
    window: ReevaluationWindow | None = None
    if window_raw is not None:
        spot = f"{where}.reevaluation_window"
        if not isinstance(window_raw, dict):
            problems.append(f"{spot}: an object or null is expected")
        else:
            earliest = _count(
                window_raw.get("earliest_days_before_expiry"), f"{spot}.earliest", problems
            )
            latest = _count(window_raw.get("latest_days_before_expiry"), f"{spot}.latest", problems)
            within = _count(window_raw.get("decision_within_days"), f"{spot}.decision", problems)
            if earliest <= latest:
                problems.append(f"{spot}: the earliest day must come before the latest")
            window = ReevaluationWindow(
                earliest_days_before_expiry=earliest,
                latest_days_before_expiry=latest,
                decision_within_days=within,
                written_consultation=bool(window_raw.get("written_consultation", False)),
            )
    return CertificateRules(
        validity_months=months, expiry_notice_days=notice, reevaluation_window=window
    )


def parse_profile(code: str, raw: Any) -> ProcedureProfile:
    """One profile of the file, checked; every problem is reported at once (ProcedureError)."""
    problems: list[str] = []
    if not isinstance(raw, dict):
        raise ProcedureError(f"{code}: an object is expected")
    where = code
    evaluation_levels = _levels(
        raw.get("evaluation_levels"), f"{where}.evaluation_levels", problems
    )
    entry = raw.get("entry_level")
    if entry not in Level.values:
        problems.append(f"{where}.entry_level: unknown level {entry!r}")
        entry = None
    elif evaluation_levels and LEVEL_ORDER.index(entry) > LEVEL_ORDER.index(evaluation_levels[0]):
        problems.append(f"{where}.entry_level: must come before or at the first evaluation level")
    review_raw = raw.get("commune_review")
    review: CommuneReview | None = None
    if review_raw is not None:
        if not isinstance(review_raw, dict):
            problems.append(f"{where}.commune_review: an object or null is expected")
        else:
            days = review_raw.get("working_days")
            if days is not None:
                days = _count(days, f"{where}.commune_review.working_days", problems)
            criteria = review_raw.get("criteria") or []
            for name in criteria:
                if name not in COMMUNE_CRITERIA:
                    problems.append(f"{where}.commune_review.criteria: unknown {name!r}")
            review = CommuneReview(
                working_days=days, criteria=tuple(c for c in criteria if c in COMMUNE_CRITERIA)
            )
            if entry is not None and entry in evaluation_levels:
                problems.append(
                    f"{where}.commune_review: the entry level cannot both pre-assess and evaluate"
                )
    certifies: dict[str, tuple[int, ...]] = {}
    for level, stars in (raw.get("certifies") or {}).items():
        if level not in evaluation_levels:
            problems.append(f"{where}.certifies: {level!r} is not an evaluation level")
        if not isinstance(stars, list) or not all(
            isinstance(s, int) and 1 <= s <= 5 for s in stars
        ):
            problems.append(f"{where}.certifies.{level}: a list of star levels 1–5 is expected")
            continue
        certifies[str(level)] = tuple(stars)
    forward = {}
    for level, points in (raw.get("forward_threshold") or {}).items():
        if level not in evaluation_levels:
            problems.append(f"{where}.forward_threshold: {level!r} is not an evaluation level")
        forward[str(level)] = _decimal(points, f"{where}.forward_threshold.{level}", problems)
    central = _decimal(raw.get("central_threshold", 90), f"{where}.central_threshold", problems)
    rounds: dict[str, tuple[RoundSlot, ...]] = {}
    for level, slots in (raw.get("rounds") or {}).items():
        if level not in evaluation_levels:
            problems.append(f"{where}.rounds: {level!r} is not an evaluation level")
        parsed = []
        for index, slot in enumerate(slots if isinstance(slots, list) else []):
            spot = f"{where}.rounds.{level}.{index}"
            try:
                item = RoundSlot(
                    number=int(slot["number"]),
                    proposal_deadline=str(slot["proposal_deadline"]),
                    evaluation_deadline=str(slot["evaluation_deadline"]),
                )
            except (KeyError, TypeError, ValueError):
                problems.append(f"{spot}: number, proposal_deadline and evaluation_deadline")
                continue
            for value in (item.proposal_deadline, item.evaluation_deadline):
                if not MONTH_DAY.match(value):
                    problems.append(f"{spot}: {value!r} is not a MM-DD date")
            parsed.append(item)
        rounds[str(level)] = tuple(parsed)
    samples = raw.get("samples") or {}
    if not isinstance(samples, dict):
        problems.append(f"{where}.samples: an object is expected")
        samples = {}
    samples_default = _count(samples.get("default", 5), f"{where}.samples.default", problems)
    samples_tourism = _count(samples.get("tourism", 0), f"{where}.samples.tourism", problems)
    profile = ProcedureProfile(
        code=code,
        name=str(raw.get("name") or code),
        legal_reference=str(raw.get("legal_reference") or ""),
        entry_level=str(entry),
        commune_review=review,
        evaluation_levels=evaluation_levels,
        certifies=certifies,
        forward_threshold=forward,
        central_threshold=central,
        rounds=rounds,
        samples_default=samples_default,
        samples_tourism=samples_tourism,
        required_evidence=_evidence(
            raw.get("required_evidence", []), f"{where}.required_evidence", problems
        ),
        required_evidence_food=_evidence(
            raw.get("required_evidence_food", []), f"{where}.required_evidence_food", problems
        ),
        food_categories=tuple(raw.get("food_categories", FOOD_CATEGORIES)),
        tourism_categories=tuple(raw.get("tourism_categories", TOURISM_CATEGORIES)),
        certificate=_certificate_rules(raw.get("certificate"), f"{where}.certificate", problems),
    )
    if problems:
        raise ProcedureError("; ".join(problems))
    return profile


def read_profiles(path: Path | str) -> dict[str, ProcedureProfile]:
    """Every profile of a procedures file, checked (ProcedureError lists what is wrong)."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ProcedureError(f"{path}: {exc}") from None
    raw_profiles = document.get("profiles") if isinstance(document, dict) else None
    if not isinstance(raw_profiles, dict) or not raw_profiles:
        raise ProcedureError(f"{path}: an object 'profiles' is expected")
    profiles: dict[str, ProcedureProfile] = {}
    problems: list[str] = []
    for code, raw in raw_profiles.items():
        try:
            profiles[code] = parse_profile(code, raw)
        except ProcedureError as exc:
            problems.append(str(exc))
    if problems:
        raise ProcedureError(f"{path}: " + "; ".join(problems))
    return profiles


@lru_cache(maxsize=1)
def profiles() -> dict[str, ProcedureProfile]:
    """The bundled profiles, read and checked once per process."""
    return read_profiles(PROCEDURES_FILE)


def profile_by_code(code: str) -> ProcedureProfile:
    found = profiles().get(code)
    if found is None:
        raise UnknownProcedure(
            _(
                "The procedure profile “%(profile)s” is not defined: add it to the procedures "
                "file (evaluation/data/procedures.json)."
            )
            % {"profile": code}
        )
    return found


def profile_for(criteria_set: Any) -> ProcedureProfile:
    """The procedure of a criteria set (a CriteriaSet, or anything with `procedure_profile`:
    a dossier too, which records the profile it was lodged under; or a profile code).
    UnknownProcedure (a LookupError) names a profile the file does not define."""
    if isinstance(criteria_set, str):
        return profile_by_code(criteria_set)
    return profile_by_code(str(criteria_set.procedure_profile))
