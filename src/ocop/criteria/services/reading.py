"""Reading a criteria file into one neutral structure, without touching the database.

`read_criteria_file` loads the file, finds what it is in the registry (data/criteria-sets.json),
applies the recorded corrections (26/2026), validates (services/validation.py), and turns both
source formats into the same tree of `ScorecardData` → `NodeData` → `OptionData`/`NoteData`,
with the knock-out rules, the classification and a summary. Any error raises
`CriteriaImportError` listing every finding; warnings travel with the result.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ocop.core.text import nfc
from ocop.criteria.enums import (
    NODE_KIND_BY_LEVEL,
    CaseLayout,
    ClassificationLevel,
    CorrectionStatus,
    CriteriaSetStatus,
    KnockoutScope,
    NoteKind,
    RequirementPolicy,
    SourceFormat,
)
from ocop.criteria.services.validation import (
    WARNING,
    Finding,
    is_int,
    numbered,
    validate_boards,
    validate_sets,
)

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
REGISTRY_FILE = DATA_DIR / "criteria-sets.json"
QD26_FILE = DATA_DIR / "qd26-2026-phuluc2-scorecards.json"
QD1048_FILE = DATA_DIR / "qd1048-scorecards-unofficial-transcription.json"
BUNDLED_FILES = (QD26_FILE, QD1048_FILE)
MAX_PROBLEMS_SHOWN = 200

# Asterisk runs, also spaced ("* * * *"), that mark the minimum-star level of an option.
STARS = re.compile(r"\*(?:\s*\*)*")
PART_TITLE_POINTS = re.compile(r"\s*\(\s*\d+\s*điểm\s*\)\s*$", re.IGNORECASE)
KNOCKOUT = re.compile(
    r"bị loại|không đánh giá các bước tiếp theo|không xem xét các chỉ tiêu khác"
    r"|không đánh giá những sản phẩm",
    re.IGNORECASE,
)
DOSSIER_KNOCKOUT = re.compile(r"^\s*(hồ sơ\s+)?bị loại khi\s*:", re.IGNORECASE)
CASE_HEADING = re.compile(r"^\s*([ab])\.\s*trường hợp", re.IGNORECASE)
CASE_CHOICE = re.compile(r"lựa chọn một trong hai trường hợp", re.IGNORECASE)
CONDITION = re.compile(r"^\s*chỉ áp dụng khi", re.IGNORECASE)
REQUIREMENT = re.compile(r"^\s*yêu cầu\s*:", re.IGNORECASE)

DEFAULT_BANDS = [[5, 90], [4, 70], [3, 50], [2, 30], [1, 0]]


class CriteriaImportError(ValidationError):
    """A criteria file (or registry entry) that cannot be imported; `problems` lists why."""

    def __init__(self, problems: list[Finding], *, file_name: str = "") -> None:
        super().__init__([str(problem) for problem in problems])
        self.problems = problems
        self.file_name = file_name

    def report(self) -> str:
        errors = sum(1 for problem in self.problems if problem.is_error)
        warnings = len(self.problems) - errors
        shown = self.problems[:MAX_PROBLEMS_SHOWN]
        lines = [
            _(
                "The criteria file %(file)s was refused (%(errors)s, %(warnings)s); nothing was "
                "written:"
            )
            % {
                "file": self.file_name or "–",
                "errors": ngettext("%(count)d error", "%(count)d errors", errors)
                % {"count": errors},
                "warnings": ngettext("%(count)d warning", "%(count)d warnings", warnings)
                % {"count": warnings},
            }
        ]
        lines += [f"  - {problem}" for problem in shown]
        if len(self.problems) > len(shown):
            lines.append(_("  … and %(more)d more.") % {"more": len(self.problems) - len(shown)})
        return "\n".join(lines)


def _problem(
    message: str, *, scorecard: int | None = None, code: str = "", rule: str = "file"
) -> Finding:
    return Finding(scorecard, code, rule, message)


# --- The neutral structure --------------------------------------------------------------------


@dataclass
class OptionData:
    seq: int
    label_source: str
    label: str
    points: Decimal
    min_star_marker: int | None
    case: str = ""


@dataclass
class NoteData:
    seq: int
    text: str
    kind: str
    case: str = ""


@dataclass
class NodeData:
    code: str
    title: str
    display_title: str
    level: int
    max_points: Decimal | None
    options: list[OptionData] = field(default_factory=list)
    notes: list[NoteData] = field(default_factory=list)
    children: list[NodeData] = field(default_factory=list)
    binary: bool = False
    conditional: bool = False
    condition_note: str = ""
    cases: str = CaseLayout.NONE

    @property
    def kind(self) -> str:
        return NODE_KIND_BY_LEVEL[self.level]

    @property
    def scorable(self) -> bool:
        return not self.children

    def walk(self) -> Iterator[NodeData]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class KnockoutData:
    code: str
    scope: str
    text: str
    criterion_code: str = ""


@dataclass
class ScorecardData:
    number: int
    name: str
    classification: str
    meta: list[str]
    parts: list[NodeData]
    total_max: Decimal
    knockouts: list[KnockoutData] = field(default_factory=list)
    notes: list[NoteData] = field(default_factory=list)
    usable: bool = True
    incomplete_reason: str = ""

    def nodes(self) -> Iterator[NodeData]:
        for part in self.parts:
            yield from part.walk()


@dataclass
class ClassificationData:
    code: str
    level: str
    name: str
    managing_ministry: str
    scorecard: int | None
    parent: str | None


@dataclass
class CorrectionData:
    board: int
    code: str
    option_seq: int | None
    field: str
    source_value: Any
    corrected_value: Any
    reason: str
    evidence: str
    status: str
    applied: bool = True


@dataclass
class SetMeta:
    """What the registry says about a file: the criteria set it becomes."""

    code: str
    name: str
    legal_reference: str
    document_title: str
    in_force_from: dt.date
    in_force_to: dt.date | None
    procedure_profile: str
    part_maxima: dict[str, int]
    official: bool
    status: str
    provenance: str
    official_link: str
    star_marker_legend: str
    bands: list[list[int]]
    certified_levels: list[int]
    requirement_policy: str
    spread_threshold: Decimal
    ministry_threshold: Decimal
    policies: dict[str, Any]


@dataclass
class CriteriaFile:
    """A checked criteria file, ready to be written."""

    meta: SetMeta
    source_format: str
    file_name: str
    sha256: str
    scorecards: list[ScorecardData]
    classification: list[ClassificationData]
    corrections: list[CorrectionData]
    warnings: list[Finding]
    summary: dict[str, Any]
    content_sha256: str = ""


# --- Loading and the registry -----------------------------------------------------------------


def _load_json(path: Path) -> tuple[Any, bytes]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CriteriaImportError(
            [
                _problem(
                    _("The file %(path)s cannot be read: %(error)s") % {"path": path, "error": exc}
                )
            ],
            file_name=path.name,
        ) from exc
    try:
        return json.loads(raw.decode("utf-8-sig")), raw
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CriteriaImportError(
            [
                _problem(
                    _("The file %(path)s is not valid UTF-8 JSON: %(error)s")
                    % {"path": path, "error": exc}
                )
            ],
            file_name=path.name,
        ) from exc


def load_registry(path: Path = REGISTRY_FILE) -> dict[str, dict[str, Any]]:
    """The registry's entries by source file name."""
    data, _raw = _load_json(path)
    files = data.get("files") if isinstance(data, Mapping) else None
    if not isinstance(files, Mapping):
        raise CriteriaImportError(
            [_problem(_("The registry has no “files” object."))], file_name=path.name
        )
    return {str(name): dict(entry) for name, entry in files.items()}


def registry_entry(
    file_name: str, code: str | None, registry: Mapping[str, Mapping[str, Any]]
) -> dict[str, Any]:
    """The entry of `file_name`; else the entry whose code is `code`. A `code` that is not in
    the registry renames the file's own entry (a new version of the same rules)."""
    by_code = {str(entry.get("code")): entry for entry in registry.values()}
    if code and code in by_code and file_name not in registry:
        return dict(by_code[code])
    if file_name in registry:
        entry = dict(registry[file_name])
        if code:
            entry["code"] = code
        return entry
    raise CriteriaImportError(
        [
            _problem(
                _(
                    "The file %(file)s is not in the registry of criteria files "
                    "(criteria-sets.json); add it there or name a known set with --code "
                    "(known: %(codes)s)."
                )
                % {"file": file_name, "codes": ", ".join(sorted(by_code)) or "–"}
            )
        ],
        file_name=file_name,
    )


def _date(value: Any, name: str, problems: list[Finding]) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        problems.append(
            _problem(
                _("The registry's “%(field)s” is not a date (YYYY-MM-DD): %(value)s")
                % {"field": name, "value": value},
                rule="registry",
            )
        )
        return None


def set_meta(entry: Mapping[str, Any], data: Mapping[str, Any], file_name: str) -> SetMeta:
    problems: list[Finding] = []
    code = nfc(entry.get("code"))
    if not isinstance(code, str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,39}", code):
        problems.append(
            _problem(
                _("The criteria-set code %(code)r must be lower-case letters, digits and hyphens.")
                % {"code": code},
                rule="registry",
            )
        )
    part_maxima = entry.get("part_maxima")
    if not (
        isinstance(part_maxima, Mapping)
        and part_maxima
        and all(isinstance(key, str) and is_int(value) for key, value in part_maxima.items())
    ):
        problems.append(
            _problem(
                _("The registry's “part_maxima” must map part codes to points."), rule="registry"
            )
        )
        part_maxima = {}
    if entry.get("in_force_from") in (None, ""):
        problems.append(_problem(_("The registry's “in_force_from” is missing."), rule="registry"))
    in_force_from = _date(entry.get("in_force_from"), "in_force_from", problems)
    in_force_to = _date(entry.get("in_force_to"), "in_force_to", problems)
    status = entry.get("status", CriteriaSetStatus.PUBLISHED)
    if status not in (CriteriaSetStatus.PUBLISHED, CriteriaSetStatus.SUPERSEDED):
        problems.append(
            _problem(_("The registry's “status” must be published or superseded."), rule="registry")
        )
    policy = entry.get("requirement_policy", RequirementPolicy.MEAN)
    if policy not in RequirementPolicy.values:
        problems.append(
            _problem(
                _("The registry's “requirement_policy” is not known: %(value)s")
                % {"value": policy},
                rule="registry",
            )
        )
    if problems:
        raise CriteriaImportError(problems, file_name=file_name)
    provenance = [str(entry.get("provenance") or "")]
    for key in ("text_source", "provenance"):
        if isinstance(data.get(key), str):
            provenance.append(data[key])
    document = entry.get("document_title") or data.get("document") or ""
    assert in_force_from is not None  # a problem above otherwise
    return SetMeta(
        code=code,
        name=nfc(str(entry.get("name") or code)),
        legal_reference=nfc(str(entry.get("legal_reference") or "")),
        document_title=nfc(str(document)),
        in_force_from=in_force_from,
        in_force_to=in_force_to,
        procedure_profile=str(entry.get("procedure_profile") or ""),
        part_maxima={str(key): int(value) for key, value in dict(part_maxima).items()},
        official=bool(entry.get("official", True)),
        status=str(status),
        provenance="\n\n".join(nfc(text) for text in provenance if text),
        official_link=str(data.get("official_link_reported") or entry.get("official_link") or ""),
        star_marker_legend=nfc(
            str(entry.get("star_marker_legend") or data.get("star_marker_legend") or "")
        ),
        bands=[list(band) for band in entry.get("bands", DEFAULT_BANDS)],
        certified_levels=list(entry.get("certified_levels", [3, 4, 5])),
        requirement_policy=str(policy),
        spread_threshold=Decimal(str(entry.get("spread_threshold", 10))),
        ministry_threshold=Decimal(str(entry.get("ministry_threshold", 90))),
        policies=dict(entry.get("policies") or {}),
    )


# --- Corrections (26/2026) --------------------------------------------------------------------


def _same(left: Any, right: Any) -> bool:
    """Equal and of the same JSON type ("" is not 0, null is not 0, 13 is not "13")."""
    return type(left) is type(right) and left == right


def load_corrections(name: str | None) -> list[CorrectionData]:
    if not name:
        return []
    data, _raw = _load_json(DATA_DIR / name)
    rows = data.get("corrections") if isinstance(data, Mapping) else None
    if not isinstance(rows, list):
        raise CriteriaImportError(
            [
                _problem(
                    _("The corrections file %(file)s has no “corrections” list.") % {"file": name}
                )
            ],
            file_name=name,
        )
    corrections = []
    for row in rows:
        corrections.append(
            CorrectionData(
                board=int(row["board"]),
                code=str(row["code"]),
                option_seq=row.get("option_seq"),
                field=str(row["field"]),
                source_value=row.get("source_value"),
                corrected_value=row.get("corrected_value"),
                reason=nfc(str(row.get("reason", ""))),
                evidence=nfc(str(row.get("evidence", ""))),
                status=str(row.get("status", CorrectionStatus.PROBABLE)),
            )
        )
    return corrections


def _find_node(board: Mapping[str, Any], code: str) -> dict[str, Any] | None:
    stack = list(board.get("sections") or [])
    while stack:
        node = stack.pop()
        if str(node.get("code")) == code and isinstance(node, dict):
            return node
        stack.extend(node.get("children") or [])
    return None


def apply_corrections(
    data: Mapping[str, Any], corrections: list[CorrectionData]
) -> tuple[dict[str, Any], list[Finding]]:
    """A corrected copy of a 26/2026-format file and the stale corrections.

    A correction applies only where the source still holds its `source_value`; rejected
    corrections are recorded but never applied.
    """
    corrected = copy.deepcopy(dict(data))
    boards = {
        board.get("no"): board
        for board in corrected.get("boards") or []
        if isinstance(board, Mapping)
    }
    stale: list[Finding] = []
    for index, correction in enumerate(corrections, start=1):
        if correction.status == CorrectionStatus.REJECTED:
            correction.applied = False
            continue
        where = {
            "index": index,
            "board": correction.board,
            "code": correction.code,
            "seq": correction.option_seq if correction.option_seq is not None else "–",
            "field": correction.field,
        }
        board = boards.get(correction.board)
        node = _find_node(board, correction.code) if board is not None else None
        target: dict[str, Any] | None = node
        if node is not None and correction.option_seq is not None:
            target = next(
                (
                    option
                    for option in node.get("options") or []
                    if option.get("seq") == correction.option_seq
                ),
                None,
            )
        if target is None or correction.field not in target:
            stale.append(
                Finding(
                    correction.board,
                    correction.code,
                    "stale-correction",
                    _(
                        "correction %(index)d (option %(seq)s, field %(field)s) is stale: the "
                        "source has no such place."
                    )
                    % where,
                )
            )
            continue
        current = target[correction.field]
        if not _same(current, correction.source_value):
            stale.append(
                Finding(
                    correction.board,
                    correction.code,
                    "stale-correction",
                    _(
                        "correction %(index)d (option %(seq)s, field %(field)s) is stale: the "
                        "source holds %(current)s, the correction expects %(expected)s."
                    )
                    % {
                        **where,
                        "current": json.dumps(current, ensure_ascii=False),
                        "expected": json.dumps(correction.source_value, ensure_ascii=False),
                    },
                )
            )
            continue
        target[correction.field] = copy.deepcopy(correction.corrected_value)
    return corrected, stale


# --- Notes and labels -------------------------------------------------------------------------


def note_kind(text: str) -> tuple[str, str]:
    """The kind of a printed note, and its case letter for an alternative-case heading."""
    match = CASE_HEADING.match(text)
    if match:
        return NoteKind.CASE_HEADING, match.group(1).lower()
    if CASE_CHOICE.search(text):
        return NoteKind.CASE_HEADING, ""
    if CONDITION.match(text):
        return NoteKind.CONDITION, ""
    if KNOCKOUT.search(text):
        return NoteKind.KNOCKOUT, ""
    if REQUIREMENT.match(text):
        return NoteKind.REQUIREMENT, ""
    return NoteKind.NOTE, ""


def split_label(text: str) -> tuple[str, str]:
    """(display label, trailing note): the asterisks stripped, and any text printed after them
    (bộ 21/22 6.2: "…địa phương***** Ghi chú: Nếu sản phẩm vi phạm …") split off."""
    runs = list(STARS.finditer(text))
    if not runs:
        return text.strip(), ""
    return text[: runs[0].start()].rstrip(), text[runs[-1].end() :].strip()


def _finish_node(node: NodeData) -> None:
    """Conditional flag, alternative cases and their options, from the notes."""
    node.notes.sort(key=lambda note: note.seq)
    conditions = [note for note in node.notes if note.kind == NoteKind.CONDITION]
    if conditions:
        node.conditional = True
        node.condition_note = conditions[0].text
    headings = [note for note in node.notes if note.kind == NoteKind.CASE_HEADING and note.case]
    if headings:
        node.cases = CaseLayout.SPLIT
        for option in node.options:
            before = [note.case for note in headings if note.seq < option.seq]
            option.case = before[-1] if before else ""
    elif any(note.kind == NoteKind.CASE_HEADING for note in node.notes):
        node.cases = CaseLayout.UNSPLIT


def _knockouts(scorecard: ScorecardData) -> list[KnockoutData]:
    rules: list[KnockoutData] = []
    codes: Counter[str] = Counter()

    def add(code: str, scope: str, text: str, criterion: str = "") -> None:
        codes[code] += 1
        unique = code if codes[code] == 1 else f"{code}-{codes[code]}"
        rules.append(KnockoutData(unique, scope, text, criterion))

    seen: set[str] = set()
    for line in scorecard.meta:
        if DOSSIER_KNOCKOUT.match(line) and line not in seen:
            seen.add(line)
            add("dossier", KnockoutScope.DOSSIER, line)
    for node in scorecard.nodes():
        for note in node.notes:
            if note.kind == NoteKind.KNOCKOUT:
                add(node.code, KnockoutScope.CRITERION, note.text, node.code)
    return rules


# --- 26/2026: boards → neutral ----------------------------------------------------------------


def _board_node(raw: Mapping[str, Any], level: int) -> NodeData:
    title = nfc(str(raw.get("title", "")))
    display = PART_TITLE_POINTS.sub("", title) if level == 0 else title
    node = NodeData(
        code=str(raw["code"]),
        title=title,
        display_title=display.strip() or title,
        level=level,
        max_points=Decimal(raw["max"]) if is_int(raw.get("max")) else None,
    )
    for option in raw.get("options") or []:
        label_source = nfc(str(option["label"]))
        label, trailing = split_label(label_source)
        node.options.append(
            OptionData(
                seq=int(option["seq"]),
                label_source=label_source,
                label=label,
                points=Decimal(option["points"]),
                min_star_marker=option.get("min_star_marker"),
            )
        )
        if trailing:
            kind, case = note_kind(trailing)
            node.notes.append(NoteData(int(option["seq"]), trailing, kind, case))
    for note in raw.get("notes") or []:
        text = nfc(str(note["text"]))
        kind, case = note_kind(text)
        node.notes.append(NoteData(int(note["seq"]), text, kind, case))
    node.children = [_board_node(child, level + 1) for child in raw.get("children") or []]
    node.options.sort(key=lambda option: option.seq)
    node.binary = not node.children and not node.options
    _finish_node(node)
    return node


def _read_boards(data: Mapping[str, Any]) -> list[ScorecardData]:
    scorecards = []
    for board in data["boards"]:
        scorecard = ScorecardData(
            number=int(board["no"]),
            name=nfc(str(board.get("name", ""))),
            classification=nfc(str(board.get("classification", ""))),
            meta=[nfc(str(line)) for line in board.get("meta") or []],
            parts=[_board_node(section, 0) for section in board["sections"]],
            total_max=Decimal(board.get("total", 100)),
        )
        for note in board.get("notes") or []:
            text = nfc(str(note.get("text", "")))
            kind, case = note_kind(text)
            scorecard.notes.append(NoteData(int(note.get("seq", 0)), text, kind, case))
        scorecard.knockouts = _knockouts(scorecard)
        scorecards.append(scorecard)
    return scorecards


# --- 1048: sets → neutral ---------------------------------------------------------------------


class _Seq:
    def __init__(self) -> None:
        self.value = 0

    def next(self) -> int:
        self.value += 1
        return self.value


def _set_criterion(
    raw: Mapping[str, Any], code: str, title: str, display: str, level: int, seq: _Seq
) -> NodeData:
    node = NodeData(
        code=code,
        title=title,
        display_title=display or title,
        level=level,
        max_points=Decimal(raw["max"]),
    )
    note = nfc(str(raw.get("note") or ""))
    if note:
        kind, case = note_kind(note)
        node.notes.append(NoteData(seq.next(), note, kind, case))
    for option in raw.get("options") or []:
        label = nfc(str(option["label"]))
        node.options.append(
            OptionData(seq.next(), label, split_label(label)[0], Decimal(option["points"]), None)
        )
    return node


def _read_set(
    item: Mapping[str, Any], seq: _Seq, warnings: list[Finding], problems: list[Finding]
) -> list[NodeData]:
    number = int(item["product_type_id"])
    parts: list[NodeData] = []
    used: Counter[str] = Counter()

    def unique(code: str) -> str:
        used[code] += 1
        if used[code] == 1:
            return code
        renamed = f"{code}-{used[code]}"
        warnings.append(
            Finding(
                number,
                code,
                "duplicate-code",
                _("the code appears more than once; the repeat is stored as %(code)s.")
                % {"code": renamed},
                WARNING,
            )
        )
        return renamed

    for raw_part in item.get("parts") or []:
        part_title = nfc(str(raw_part.get("title", "")))
        part = NodeData(str(raw_part["code"]), part_title, part_title, 0, None)
        for raw_group in raw_part.get("groups") or []:
            group_title = nfc(str(raw_group.get("title", "")))
            group_code, group_display = numbered(group_title) or ("", group_title)
            criteria = raw_group.get("criteria") or []
            if len(criteria) == 1 and not criteria[0].get("title"):
                group = _set_criterion(
                    criteria[0], unique(group_code), group_title, group_display, 1, seq
                )
            else:
                group = NodeData(unique(group_code), group_title, group_display, 1, None)
                by_code: dict[str, NodeData] = {}
                for raw in criteria:
                    title = nfc(str(raw.get("title", "")))
                    code, display = numbered(title) or ("", title)
                    level = 2 + code.count(".") - 1
                    parent_code = code.rsplit(".", 1)[0]
                    parent = group if level == 2 else by_code.get(parent_code)
                    if parent is None or level > 3:
                        problems.append(
                            Finding(
                                number,
                                code,
                                "structure",
                                _("the criterion “%(title)s” has no parent row.")
                                % {"title": title},
                            )
                        )
                        continue
                    node = _set_criterion(raw, unique(code), title, display, level, seq)
                    by_code.setdefault(code, node)
                    parent.children.append(node)
            parts_nodes = group
            part.children.append(parts_nodes)
        parts.append(part)

    # Heading rows ("6.1. Ngoại hình", max 0, no options) and groups are worth their children.
    def total(node: NodeData) -> Decimal:
        if node.children:
            node.max_points = sum((total(child) for child in node.children), Decimal(0))
            node.options = []
        assert node.max_points is not None
        return node.max_points

    for part in parts:
        total(part)
        for node in part.walk():
            node.binary = not node.children and not node.options
            if node.binary and node.max_points != 1:
                problems.append(
                    Finding(number, node.code, "structure", _("the criterion has no options."))
                )
            _finish_node(node)
    return parts


def _read_sets(
    data: Mapping[str, Any], entry: Mapping[str, Any], findings: list[Finding]
) -> tuple[list[ScorecardData], list[Finding], list[Finding]]:
    """The scorecards; the errors left; the warnings (incomplete sets included)."""
    incomplete = {
        int(key): nfc(str(text)) for key, text in (entry.get("incomplete_sets") or {}).items()
    }
    failing = {finding.scorecard for finding in findings if finding.is_error}
    errors = [f for f in findings if f.is_error and f.scorecard not in incomplete]
    warnings = [
        Finding(f.scorecard, f.code, f.rule, f.message, WARNING)
        for f in findings
        if not f.is_error or f.scorecard in incomplete
    ]
    for number in sorted(set(incomplete) - failing):
        warnings.append(
            Finding(
                number,
                "",
                "incomplete",
                _(
                    "the registry marks the set incomplete although it passes validation; it stays marked incomplete."
                ),
                WARNING,
            )
        )
    seq = _Seq()
    scorecards: list[ScorecardData] = []
    problems: list[Finding] = []
    for item in data["sets"]:
        number = int(item["product_type_id"])
        set_problems: list[Finding] = []
        parts = _read_set(item, seq, warnings, set_problems)
        if number in incomplete:
            warnings += [
                Finding(f.scorecard, f.code, f.rule, f.message, WARNING) for f in set_problems
            ]
        else:
            problems += set_problems
        scorecard = ScorecardData(
            number=number,
            name=nfc(str(item.get("name", ""))),
            classification="",
            meta=[],
            parts=parts,
            total_max=sum((part.max_points or Decimal(0) for part in parts), Decimal(0)),
            usable=number not in incomplete,
            incomplete_reason=incomplete.get(number, ""),
        )
        scorecard.knockouts = _knockouts(scorecard)
        scorecards.append(scorecard)
    by_number = {scorecard.number: scorecard for scorecard in scorecards}
    for flagged in entry.get("alternative_case_lists") or []:
        node = _node_of(by_number, flagged, problems)
        if node is not None:
            node.cases = CaseLayout.UNSPLIT
    for known in entry.get("known_problems") or []:
        node = _node_of(by_number, known, problems)
        if node is not None:
            node.notes.insert(0, NoteData(0, nfc(str(known["text"])), NoteKind.PROBLEM))
    return scorecards, errors + problems, warnings


def _node_of(
    scorecards: Mapping[int, ScorecardData], ref: Mapping[str, Any], problems: list[Finding]
) -> NodeData | None:
    scorecard = scorecards.get(int(ref.get("set", 0)))
    code = str(ref.get("code", ""))
    node = next((n for n in scorecard.nodes() if n.code == code), None) if scorecard else None
    if node is None:
        problems.append(
            Finding(
                int(ref.get("set", 0)),
                code,
                "registry",
                _("the registry names this node, which is not in the file."),
            )
        )
    return node


# --- Classification ---------------------------------------------------------------------------


LEVEL_BY_DEPTH = {
    0: ClassificationLevel.CATEGORY,
    1: ClassificationLevel.GROUP,
    2: ClassificationLevel.SUBGROUP,
}


def read_classification(
    name: str | None, scorecards: list[ScorecardData], problems: list[Finding]
) -> list[ClassificationData]:
    """The classification tree of the registry's file; without one, a node per scorecard."""
    if not name:
        return [
            ClassificationData(
                str(s.number), ClassificationLevel.SUBGROUP, s.name, "", s.number, None
            )
            for s in scorecards
        ]
    data, _raw = _load_json(DATA_DIR / name)
    rows = data.get("nodes") if isinstance(data, Mapping) else None
    if not isinstance(rows, list):
        problems.append(
            _problem(_("The classification file %(file)s has no “nodes” list.") % {"file": name})
        )
        return []
    numbers = {scorecard.number for scorecard in scorecards}
    nodes: list[ClassificationData] = []
    seen: dict[str, ClassificationData] = {}
    used: Counter[int] = Counter()
    for row in rows:
        code = str(row.get("code", ""))
        depth = code.count(".")
        parent = code.rsplit(".", 1)[0] if depth else None
        level = str(row.get("level", ""))
        number = row.get("scorecard")
        where = _("classification %(code)s: ") % {"code": code}
        if code in seen:
            problems.append(_problem(where + _("the code appears twice.")))
            continue
        if LEVEL_BY_DEPTH.get(depth) != level:
            problems.append(
                _problem(where + _("the level %(level)s does not fit the code.") % {"level": level})
            )
        if parent is not None and parent not in seen:
            problems.append(
                _problem(
                    where + _("its parent %(parent)s is not listed before it.") % {"parent": parent}
                )
            )
        if number is not None:
            if number not in numbers:
                problems.append(
                    _problem(
                        where + _("scorecard %(number)s is not in the file.") % {"number": number}
                    )
                )
            used[number] += 1
        node = ClassificationData(
            code,
            level,
            nfc(str(row.get("name", ""))),
            nfc(str(row.get("managing_ministry") or "")),
            number,
            parent,
        )
        seen[code] = node
        nodes.append(node)
    parents = {node.parent for node in nodes}
    for node in nodes:
        if node.code not in parents and node.scorecard is None:
            problems.append(
                _problem(
                    _("classification %(code)s: a leaf must name its scorecard.")
                    % {"code": node.code}
                )
            )
    for number, count in used.items():
        if count > 1:
            problems.append(
                _problem(
                    _("Scorecard %(number)s is named by %(count)d classification nodes.")
                    % {"number": number, "count": count}
                )
            )
    return nodes


# --- Summary and checksum ---------------------------------------------------------------------


def summarise(
    scorecards: list[ScorecardData],
    corrections: list[CorrectionData],
    classification: list[ClassificationData],
) -> dict[str, Any]:
    nodes = [node for scorecard in scorecards for node in scorecard.nodes()]
    scorable = [node for node in nodes if node.scorable and node.level > 0]
    options = [option for node in nodes for option in node.options]
    markers = Counter(option.min_star_marker for option in options if option.min_star_marker)
    knockouts = Counter(rule.scope for scorecard in scorecards for rule in scorecard.knockouts)
    return {
        "scorecards": len(scorecards),
        "usable": sum(1 for scorecard in scorecards if scorecard.usable),
        "parts": sum(1 for node in nodes if node.level == 0),
        "groups": sum(1 for node in nodes if node.level == 1),
        "nodes": len(nodes),
        "criteria": len(scorable),
        "options": len(options),
        "binary": sum(1 for node in scorable if node.binary),
        "conditional": sum(1 for node in scorable if node.conditional),
        "alternative_cases": sum(1 for node in scorable if node.cases),
        "markers": {str(level): markers.get(level, 0) for level in (3, 4, 5)},
        "notes": sum(len(node.notes) for node in nodes)
        + sum(len(scorecard.notes) for scorecard in scorecards),
        "knockouts": {
            KnockoutScope.DOSSIER.value: knockouts.get(KnockoutScope.DOSSIER, 0),
            KnockoutScope.CRITERION.value: knockouts.get(KnockoutScope.CRITERION, 0),
        },
        "corrections": sum(1 for correction in corrections if correction.applied),
        "classification": len(classification),
    }


def _fingerprint(checked: CriteriaFile) -> str:
    payload = {
        "meta": asdict(checked.meta),
        "format": checked.source_format,
        "scorecards": [asdict(scorecard) for scorecard in checked.scorecards],
        "classification": [asdict(node) for node in checked.classification],
        "corrections": [asdict(correction) for correction in checked.corrections],
    }
    raw = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")
    return hashlib.sha256(raw).hexdigest()


# --- The one entry point ----------------------------------------------------------------------


def detect_format(data: Any) -> str | None:
    if isinstance(data, Mapping) and isinstance(data.get("boards"), list):
        return SourceFormat.BOARDS
    if isinstance(data, Mapping) and isinstance(data.get("sets"), list):
        return SourceFormat.SETS
    return None


def read_criteria_file(
    path: str | Path,
    *,
    code: str | None = None,
    registry: Mapping[str, Mapping[str, Any]] | None = None,
) -> CriteriaFile:
    """Check a whole criteria file without touching the database (see the module docstring).

    `registry` defaults to data/criteria-sets.json. Raises CriteriaImportError.
    """
    path = Path(path)
    data, raw = _load_json(path)
    file_name = path.name
    source_format = detect_format(data)
    if source_format is None:
        raise CriteriaImportError(
            [
                _problem(
                    _("The file holds neither “boards” (26/2026 format) nor “sets” (1048 format).")
                )
            ],
            file_name=file_name,
        )
    entry = registry_entry(file_name, code, load_registry() if registry is None else registry)
    meta = set_meta(entry, data, file_name)
    corrections: list[CorrectionData] = []
    if source_format == SourceFormat.BOARDS:
        corrections = load_corrections(entry.get("corrections"))
        corrected, stale = apply_corrections(data, corrections)
        findings = stale + validate_boards(corrected, part_maxima=meta.part_maxima)
        errors = [finding for finding in findings if finding.is_error]
        warnings = [finding for finding in findings if not finding.is_error]
        if errors:
            raise CriteriaImportError(findings, file_name=file_name)
        scorecards = _read_boards(corrected)
    else:
        findings = validate_sets(data, part_maxima=meta.part_maxima)
        errors = [finding for finding in findings if finding.is_error]
        numbers_with_errors = {finding.scorecard for finding in errors}
        incomplete = {int(key) for key in (entry.get("incomplete_sets") or {})}
        if numbers_with_errors - incomplete or None in numbers_with_errors:
            raise CriteriaImportError(findings, file_name=file_name)
        scorecards, errors, warnings = _read_sets(data, entry, findings)
        if errors:
            raise CriteriaImportError(errors + warnings, file_name=file_name)
    problems: list[Finding] = []
    classification = read_classification(entry.get("classification"), scorecards, problems)
    if problems:
        raise CriteriaImportError(problems, file_name=file_name)
    checked = CriteriaFile(
        meta=meta,
        source_format=str(source_format),
        file_name=file_name,
        sha256=hashlib.sha256(raw).hexdigest(),
        scorecards=scorecards,
        classification=classification,
        corrections=corrections,
        warnings=warnings,
        summary=summarise(scorecards, corrections, classification),
    )
    checked.summary["warnings"] = len(warnings)
    checked.content_sha256 = _fingerprint(checked)
    return checked
