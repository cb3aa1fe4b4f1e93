"""The self-assessment form as rows to render: parts → groups → criteria → options.

Built from the scorecard spec (cached by the criteria app) and one query for the headings of the
alternative cases, so the form page costs the same number of queries whatever the scorecard.

Each criterion is one group of radio buttons named `c-<code>`. The value of a radio is the
position of the option (1, 2 …, in the order of the scorecard); "0" is "none of these applies"
(0 points, offered when no option gives 0) or "no" for a yes/no criterion, whose "yes" is "1".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ocop.criteria.engine.types import CriterionSpec, ScorecardSpec
from ocop.criteria.enums import NoteKind
from ocop.criteria.models import Note, Scorecard

NONE_VALUE = "0"


def field_name(code: str) -> str:
    return f"c-{code}"


def comment_name(code: str) -> str:
    return f"comment-{code}"


def option_values(criterion: CriterionSpec) -> dict[str, tuple[int, Decimal]]:
    """Radio value → (position, points) for one criterion."""
    if criterion.binary or not criterion.options:
        return {"1": (1, criterion.max_points), NONE_VALUE: (0, Decimal(0))}
    values = {
        str(position): (position, option.points)
        for position, option in enumerate(criterion.options, start=1)
    }
    if all(option.points != 0 for option in criterion.options):
        values[NONE_VALUE] = (0, Decimal(0))
    return values


def stored_values(
    spec: ScorecardSpec, selections: Mapping[str, Any], choices: Mapping[str, Any]
) -> dict[str, str]:
    """The radio value of each criterion answered: the option remembered in `choices` when it
    gives the points stored, else the first option that gives them."""
    values: dict[str, str] = {}
    for criterion in spec.criteria:
        if criterion.code not in selections:
            continue
        points = Decimal(str(selections[criterion.code]))
        options = option_values(criterion)
        remembered = str(choices.get(criterion.code, ""))
        if remembered in options and options[remembered][1] == points:
            values[criterion.code] = remembered
            continue
        for value, (_position, option_points) in options.items():
            if option_points == points:
                values[criterion.code] = value
                break
    return values


def case_headings(scorecard: Scorecard) -> dict[tuple[str, str], str]:
    """(criterion code, case) → the heading printed above the case ("a. Trường hợp 1: …"); the
    case "" is the line introducing the choice (one query)."""
    rows = Note.objects.filter(scorecard=scorecard, kind=NoteKind.CASE_HEADING).values_list(
        "node__code", "case", "text"
    )
    return {(code or "", case or ""): text for code, case, text in rows}


@dataclass
class OptionRow:
    value: str
    label: str
    points: Decimal
    marker: int | None
    case: str
    checked: bool
    input_id: str


@dataclass
class CaseBlock:
    case: str
    heading: str
    options: list[OptionRow]


@dataclass
class CriterionRow:
    code: str
    title: str
    max_points: Decimal
    part: str
    binary: bool
    conditional: bool
    condition_note: str
    options: list[OptionRow]  # without alternative cases
    cases: list[CaseBlock]  # alternative cases (bộ 26 items 8, 9, 15)
    case_intro: str
    none_option: OptionRow | None  # "none of these applies" / "no"
    comment: str
    errors: list[str]
    answered: bool
    points: Decimal | None  # as of the values shown

    @property
    def field(self) -> str:
        return field_name(self.code)

    @property
    def comment_field(self) -> str:
        return comment_name(self.code)

    @property
    def anchor(self) -> str:
        return f"tc-{self.code}"


@dataclass
class GroupRow:
    code: str
    title: str
    max_points: Decimal
    criteria: list[CriterionRow] = field(default_factory=list)

    @property
    def scored_directly(self) -> bool:
        """A group that is itself the criterion (bộ 6 item 7 "Tính độc đáo")."""
        return len(self.criteria) == 1 and self.criteria[0].code == self.code


@dataclass
class PartRow:
    code: str
    title: str
    max_points: Decimal
    total: Any
    groups: list[GroupRow] = field(default_factory=list)


def _input_id(code: str, value: str) -> str:
    return f"c-{code.replace('.', '-')}-{value}"


def sheet_rows(
    spec: ScorecardSpec,
    *,
    values: Mapping[str, str],
    comments: Mapping[str, str],
    errors: Mapping[str, list[str]],
    headings: Mapping[tuple[str, str], str],
    part_totals: Mapping[str, Any],
) -> list[PartRow]:
    """The form's rows. `values` are the radio values to check (stored or just posted),
    `errors` the messages per criterion code."""
    parts = {
        part.code: PartRow(part.code, part.title, part.max_points, part_totals.get(part.code))
        for part in spec.parts
    }
    groups: dict[str, GroupRow] = {}

    def part_row(code: str) -> PartRow:
        if code not in parts:  # hand-built specs may leave parts out
            parts[code] = PartRow(code, "", Decimal(0), part_totals.get(code))
        return parts[code]

    for group in spec.groups:
        row = GroupRow(group.code, group.title, group.max_points)
        groups[group.code] = row
        part_row(group.part).groups.append(row)
    for criterion in spec.criteria:
        chosen = values.get(criterion.code, "")
        points = option_values(criterion)
        options: list[OptionRow] = []
        if criterion.binary or not criterion.options:
            options.append(
                OptionRow(
                    "1",
                    "",
                    criterion.max_points,
                    None,
                    "",
                    chosen == "1",
                    _input_id(criterion.code, "1"),
                )
            )
        else:
            for position, option in enumerate(criterion.options, start=1):
                value = str(position)
                options.append(
                    OptionRow(
                        value,
                        option.label,
                        option.points,
                        option.min_star_marker,
                        option.case or "",
                        chosen == value,
                        _input_id(criterion.code, value),
                    )
                )
        none_option = None
        if NONE_VALUE in points:
            none_option = OptionRow(
                NONE_VALUE,
                "",
                Decimal(0),
                None,
                "",
                chosen == NONE_VALUE,
                _input_id(criterion.code, NONE_VALUE),
            )
        cases: list[CaseBlock] = []
        plain = [option for option in options if not option.case]
        for option in options:
            if not option.case:
                continue
            if not cases or cases[-1].case != option.case:
                heading = headings.get((criterion.code, option.case), option.case)
                cases.append(CaseBlock(option.case, heading, []))
            cases[-1].options.append(option)
        row = CriterionRow(
            code=criterion.code,
            title=criterion.title,
            max_points=criterion.max_points,
            part=criterion.part,
            binary=criterion.binary or not criterion.options,
            conditional=criterion.conditional,
            condition_note=criterion.condition_note,
            options=plain,
            cases=cases,
            case_intro=headings.get((criterion.code, ""), "") if cases else "",
            none_option=none_option,
            comment=comments.get(criterion.code, ""),
            errors=list(errors.get(criterion.code, [])),
            answered=chosen in points,
            points=points[chosen][1] if chosen in points else None,
        )
        group = groups.get(criterion.group)
        if group is None:
            group = GroupRow(criterion.group, "", Decimal(0))
            groups[criterion.group] = group
            part_row(criterion.part).groups.append(group)
        group.criteria.append(row)
    return list(parts.values())
