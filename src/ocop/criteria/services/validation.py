"""The checks a criteria file must pass before anything is written (../shared/ocop/README.md §5).

`validate_boards` checks the 26/2026 format, `validate_sets` the 1048 transcription. Both work on
the parsed JSON as it is (after the recorded corrections, when the importer calls them) and
return every finding instead of stopping at the first; they never touch the database.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

ERROR = "error"
WARNING = "warning"
PART_CODES = ("A", "B", "C")
MARKERS = (3, 4, 5)
TITLE_POINTS = re.compile(r"\(\s*(\d+)\s*điểm\s*\)", re.IGNORECASE)
# "1.TỔ CHỨC SẢN XUẤT", "3. SỨC MẠNH CỘNG ĐỒNG", "1.1. Nguồn nguyên liệu", "6.2.Hình dang"
NUMBERED_TITLE = re.compile(r"^\s*(\d+(?:\.\d+)*)\.?\s*(.*)$", re.DOTALL)


@dataclass(frozen=True)
class Finding:
    """One problem of a criteria file: where (scorecard number, node code) and what."""

    scorecard: int | None
    code: str
    rule: str
    message: str
    severity: str = ERROR

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def __str__(self) -> str:
        if self.scorecard is None:
            where = ""
        elif self.code:
            where = _("scorecard %(number)s, %(code)s: ") % {
                "number": self.scorecard,
                "code": self.code,
            }
        else:
            where = _("scorecard %(number)s: ") % {"number": self.scorecard}
        label = _("warning: ") if self.severity == WARNING else ""
        return f"{label}{where}{self.message}"


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def star_count(label: str) -> int:
    return label.count("*")


def _seqs(options: list[Mapping[str, Any]]) -> str:
    return ", ".join(str(option.get("seq", "?")) for option in options)


# --- 26/2026: boards --------------------------------------------------------------------------


def _walk(node: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    yield node
    for child in node.get("children") or []:
        if isinstance(child, Mapping):
            yield from _walk(child)


def _check_node(number: int, node: Mapping[str, Any], findings: list[Finding]) -> None:
    code = str(node.get("code", ""))
    maximum = node.get("max")
    children = [child for child in node.get("children") or [] if isinstance(child, Mapping)]
    options = [option for option in node.get("options") or [] if isinstance(option, Mapping)]

    def add(rule: str, message: str, severity: str = ERROR) -> None:
        findings.append(Finding(number, code, rule, message, severity))

    if not is_int(maximum):
        add(
            "max-missing",
            _("the maximum is missing or not a whole number (%(value)s).")
            % {"value": "null" if maximum is None else repr(maximum)},
        )
    if children and options:
        add("structure", _("a node with children must not have options."))
    if children:
        if is_int(maximum):
            total = sum(int(child["max"]) for child in children if is_int(child.get("max")))
            if total != maximum:
                add(
                    "children-sum",
                    _("the maximum is %(max)s but its children add up to %(sum)s.")
                    % {"max": maximum, "sum": total},
                )
        for child in children:
            _check_node(number, child, findings)
        return
    if not options:
        if maximum != 1:
            add(
                "binary-max",
                _(
                    "an item without options is a yes/no item and must have the maximum 1, not %(max)s."
                )
                % {"max": maximum},
            )
        return
    not_int = [option for option in options if not is_int(option.get("points"))]
    if not_int:
        add(
            "points-type",
            _("the points of option %(seqs)s are not a whole number (%(values)s).")
            % {
                "seqs": _seqs(not_int),
                "values": ", ".join(repr(option.get("points")) for option in not_int),
            },
        )
    points = [option["points"] for option in options if is_int(option.get("points"))]
    if is_int(maximum):
        over = [
            option
            for option in options
            if is_int(option.get("points")) and not 0 <= option["points"] <= maximum
        ]
        if over:
            add(
                "points-over-max",
                _("option %(seqs)s scores %(points)s, outside 0 to the maximum %(max)s.")
                % {
                    "seqs": _seqs(over),
                    "points": ", ".join(str(option["points"]) for option in over),
                    "max": maximum,
                },
            )
        elif points and max(points) != maximum:
            add(
                "best-option",
                _("the best option scores %(best)s, not the maximum %(max)s.")
                % {"best": max(points), "max": maximum},
            )
    bad_value = [
        option for option in options if option.get("min_star_marker") not in (None, *MARKERS)
    ]
    if bad_value:
        add(
            "marker-value",
            _("the minimum-star marker of option %(seqs)s is not 3, 4, 5 or empty.")
            % {"seqs": _seqs(bad_value)},
        )
    mismatched = [
        option
        for option in options
        if option not in bad_value
        and star_count(str(option.get("label", ""))) != (option.get("min_star_marker") or 0)
    ]
    if mismatched:
        add(
            "marker",
            _(
                "option %(seqs)s: the label has %(stars)s asterisks but the minimum-star marker "
                "is %(marker)s."
            )
            % {
                "seqs": _seqs(mismatched),
                "stars": ", ".join(str(star_count(str(o.get("label", "")))) for o in mismatched),
                "marker": ", ".join(
                    "null" if o.get("min_star_marker") is None else str(o["min_star_marker"])
                    for o in mismatched
                ),
            },
        )


def validate_boards(data: Mapping[str, Any], *, part_maxima: Mapping[str, int]) -> list[Finding]:
    """Every finding of a 26/2026-format file (`boards`); title typos are warnings."""
    findings: list[Finding] = []
    boards = data.get("boards")
    if not isinstance(boards, list) or not boards:
        return [Finding(None, "", "structure", _("The file has no “boards” list."))]
    numbers = Counter(board.get("no") for board in boards if isinstance(board, Mapping))
    for number, count in sorted(numbers.items(), key=lambda item: str(item[0])):
        if count > 1:
            findings.append(
                Finding(
                    number,
                    "",
                    "duplicate-board",
                    _("the number appears %(count)d times.") % {"count": count},
                )
            )
    seqs: Counter[Any] = Counter()
    expected_total = sum(part_maxima.values())
    for index, board in enumerate(boards):
        if not isinstance(board, Mapping) or not is_int(board.get("no")):
            findings.append(
                Finding(
                    None,
                    "",
                    "structure",
                    _("Board %(index)d has no number.") % {"index": index + 1},
                )
            )
            continue
        number = board["no"]
        sections = [s for s in board.get("sections") or [] if isinstance(s, Mapping)]
        codes = [str(section.get("code")) for section in sections]
        if codes != list(part_maxima):
            findings.append(
                Finding(
                    number,
                    "",
                    "parts",
                    _("the parts are %(found)s, not %(expected)s.")
                    % {"found": ", ".join(codes) or "–", "expected": ", ".join(part_maxima)},
                )
            )
        for section in sections:
            code = str(section.get("code"))
            expected = part_maxima.get(code)
            if expected is not None and is_int(section.get("max")) and section["max"] != expected:
                findings.append(
                    Finding(
                        number,
                        code,
                        "part-max",
                        _("the part is worth %(max)s points, not %(expected)s.")
                        % {"max": section["max"], "expected": expected},
                    )
                )
            match = TITLE_POINTS.search(str(section.get("title", "")))
            if match and is_int(section.get("max")) and int(match.group(1)) != section["max"]:
                findings.append(
                    Finding(
                        number,
                        code,
                        "title-points",
                        _("the title says %(title)s points but the part is worth %(max)s.")
                        % {"title": match.group(1), "max": section["max"]},
                        WARNING,
                    )
                )
            _check_node(number, section, findings)
        section_sum = sum(s["max"] for s in sections if is_int(s.get("max")))
        total = board.get("total")
        if total != expected_total or section_sum != expected_total:
            findings.append(
                Finding(
                    number,
                    "",
                    "total",
                    _("the total is %(total)s and the parts add up to %(sum)s, not %(expected)s.")
                    % {"total": total, "sum": section_sum, "expected": expected_total},
                )
            )
        node_codes = Counter(
            str(node.get("code")) for section in sections for node in _walk(section)
        )
        for code, count in sorted(node_codes.items()):
            if count > 1:
                findings.append(
                    Finding(
                        number,
                        code,
                        "duplicate-code",
                        _("the code appears %(count)d times.") % {"count": count},
                    )
                )
        for section in sections:
            for node in _walk(section):
                for item in [*(node.get("options") or []), *(node.get("notes") or [])]:
                    if isinstance(item, Mapping):
                        seqs[item.get("seq")] += 1
    duplicates = sorted(str(seq) for seq, count in seqs.items() if count > 1)
    if duplicates:
        findings.append(
            Finding(
                None,
                "",
                "duplicate-seq",
                _("These sequence numbers are used more than once: %(seqs)s.")
                % {"seqs": ", ".join(duplicates[:20])},
            )
        )
    return findings


# --- 1048: sets -------------------------------------------------------------------------------


def numbered(title: Any) -> tuple[str, str] | None:
    """("1.1", "Nguồn nguyên liệu") from "1.1. Nguồn nguyên liệu"; None without a number."""
    if not isinstance(title, str):
        return None
    match = NUMBERED_TITLE.match(title)
    if not match:
        return None
    return match.group(1), match.group(2).strip()


def validate_sets(data: Mapping[str, Any], *, part_maxima: Mapping[str, int]) -> list[Finding]:
    """Every finding of a 1048-format file (`sets`): parts A/B/C and their sums, best option
    equal to the criterion's maximum, readable codes."""
    findings: list[Finding] = []
    sets = data.get("sets")
    if not isinstance(sets, list) or not sets:
        return [Finding(None, "", "structure", _("The file has no “sets” list."))]
    numbers = Counter(item.get("product_type_id") for item in sets if isinstance(item, Mapping))
    for number, count in sorted(numbers.items(), key=lambda item: str(item[0])):
        if count > 1:
            findings.append(
                Finding(
                    number,
                    "",
                    "duplicate-board",
                    _("the number appears %(count)d times.") % {"count": count},
                )
            )
    for index, item in enumerate(sets):
        if not isinstance(item, Mapping) or not is_int(item.get("product_type_id")):
            findings.append(
                Finding(
                    None, "", "structure", _("Set %(index)d has no number.") % {"index": index + 1}
                )
            )
            continue
        number = item["product_type_id"]
        parts = [part for part in item.get("parts") or [] if isinstance(part, Mapping)]
        if not parts:
            findings.append(Finding(number, "", "no-parts", _("the set has no parts at all.")))
            continue
        codes = [str(part.get("code")) for part in parts]
        if codes != list(part_maxima):
            findings.append(
                Finding(
                    number,
                    "",
                    "parts",
                    _("the parts are %(found)s, not %(expected)s.")
                    % {"found": ", ".join(codes), "expected": ", ".join(part_maxima)},
                )
            )
        for part in parts:
            code = str(part.get("code"))
            total = 0
            for group in part.get("groups") or []:
                group_code = numbered(group.get("title"))
                if group_code is None:
                    findings.append(
                        Finding(
                            number,
                            code,
                            "structure",
                            _("the group “%(title)s” has no number.")
                            % {"title": group.get("title")},
                        )
                    )
                criteria = group.get("criteria") or []
                for criterion in criteria:
                    title = criterion.get("title")
                    where = group_code[0] if group_code else code
                    if title and numbered(title) is None:
                        findings.append(
                            Finding(
                                number,
                                where,
                                "structure",
                                _("the criterion “%(title)s” has no code.") % {"title": title},
                            )
                        )
                    if not title and len(criteria) > 1:
                        findings.append(
                            Finding(
                                number,
                                where,
                                "structure",
                                _("a criterion without a title must be its group's only one."),
                            )
                        )
                    maximum = criterion.get("max")
                    if not is_int(maximum):
                        findings.append(
                            Finding(
                                number,
                                where,
                                "max-missing",
                                _("the maximum of “%(title)s” is not a whole number.")
                                % {"title": title or group.get("title")},
                            )
                        )
                        continue
                    total += maximum
                    options = criterion.get("options") or []
                    if not options:
                        continue
                    if not all(is_int(option.get("points")) for option in options):
                        findings.append(
                            Finding(
                                number,
                                where,
                                "points-type",
                                _(
                                    "an option of “%(title)s” has points that are not a whole number."
                                )
                                % {"title": title or group.get("title")},
                            )
                        )
                        continue
                    best = max(option["points"] for option in options)
                    own = numbered(title)
                    if best != maximum:
                        findings.append(
                            Finding(
                                number,
                                own[0] if own else where,
                                "best-option",
                                _("the best option scores %(best)s, not the maximum %(max)s.")
                                % {"best": best, "max": maximum},
                            )
                        )
            expected = part_maxima.get(code)
            if expected is not None and total != expected:
                findings.append(
                    Finding(
                        number,
                        code,
                        "part-max",
                        _("the criteria of the part add up to %(sum)s points, not %(expected)s.")
                        % {"sum": total, "expected": expected},
                    )
                )
    return findings
