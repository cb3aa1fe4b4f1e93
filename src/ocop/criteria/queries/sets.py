"""Reads of criteria sets and scorecards, shared by the public pages and the API.

The rules are public (transparency): no permission check, only Http404 for what does not exist.
A scorecard's whole tree comes in a fixed number of queries, whatever its size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from ocop.criteria.enums import NoteKind
from ocop.criteria.models import (
    ClassificationNode,
    Correction,
    CriteriaSet,
    KnockoutRule,
    Node,
    Note,
    Option,
    Scorecard,
)


def criteria_sets() -> QuerySet[CriteriaSet]:
    """Every criteria set, newest rules first, with its scorecard counts (one query)."""
    return (
        CriteriaSet.objects.select_related("superseded_by")
        .annotate(
            scorecard_count=Count("scorecards"),
            usable_count=Count("scorecards", filter=Q(scorecards__usable=True)),
        )
        .order_by("-in_force_from", "code")
    )


def criteria_set_by_code(code: str) -> CriteriaSet:
    criteria_set = CriteriaSet.objects.select_related("superseded_by").filter(code=code).first()
    if criteria_set is None:
        raise Http404
    return criteria_set


def scorecards_of(criteria_set: CriteriaSet) -> QuerySet[Scorecard]:
    return Scorecard.objects.filter(criteria_set=criteria_set).order_by("number")


def scorecard_by_number(criteria_set: CriteriaSet, number: int) -> Scorecard:
    scorecard = Scorecard.objects.filter(criteria_set=criteria_set, number=number).first()
    if scorecard is None:
        raise Http404
    scorecard.criteria_set = criteria_set  # already loaded
    return scorecard


def corrections_of(criteria_set: CriteriaSet, number: int | None = None) -> list[Correction]:
    corrections = Correction.objects.filter(criteria_set=criteria_set)
    if number is not None:
        corrections = corrections.filter(board_no=number)
    return list(corrections.order_by("position"))


def classification_tree(criteria_set: CriteriaSet) -> list[ClassificationNode]:
    """The roots of the classification, each node with `kids` (one query)."""
    nodes = list(
        ClassificationNode.objects.filter(criteria_set=criteria_set)
        .select_related("scorecard")
        .order_by("position")
    )
    by_id: dict[int, ClassificationNode] = {}
    roots: list[ClassificationNode] = []
    for node in nodes:
        node.kids = []  # type: ignore[attr-defined]
        by_id[node.pk] = node
    for node in nodes:
        parent = by_id.get(node.parent_id) if node.parent_id else None
        if parent is None:
            roots.append(node)
        else:
            parent.kids.append(node)  # type: ignore[attr-defined]
    return roots


@dataclass
class Row:
    """One line of a scorecard as printed: a node, an option or a note."""

    kind: str  # "node", "option", "note"
    item: Any
    depth: int
    node: Node
    correction: Correction | None = None


@dataclass
class ScorecardTree:
    scorecard: Scorecard
    parts: list[Node]
    nodes: list[Node]
    knockouts: list[KnockoutRule]
    corrections: list[Correction]
    scorecard_notes: list[Note] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)

    @property
    def rows(self) -> list[Row]:
        """Nodes in document order, each followed by its options and notes in printed order."""
        by_option: dict[int, Correction] = {}
        by_node: dict[str, Correction] = {}
        for correction in self.corrections:
            if correction.option_seq is not None:
                by_option[correction.option_seq] = correction
            else:
                by_node[correction.node_code] = correction
        rows: list[Row] = []

        def visit(node: Node) -> None:
            rows.append(Row("node", node, node.level, node, by_node.get(node.code)))
            items: list[tuple[int, int, Row]] = [
                (option.seq, 1, Row("option", option, node.level, node, by_option.get(option.seq)))
                for option in node.option_list  # type: ignore[attr-defined]
            ]
            items += [
                (
                    note.seq,
                    0 if note.kind == NoteKind.PROBLEM else 2,
                    Row("note", note, node.level, node),
                )
                for note in node.note_list  # type: ignore[attr-defined]
            ]
            rows.extend(row for _seq, _order, row in sorted(items, key=lambda item: item[:2]))
            for child in node.kids:  # type: ignore[attr-defined]
                visit(child)

        for part in self.parts:
            visit(part)
        return rows


def scorecard_tree(scorecard: Scorecard) -> ScorecardTree:
    """The whole scorecard in five queries: nodes, options, notes, knock-out rules, corrections.

    Each node gets `kids`, `option_list` and `note_list`, in printed order.
    """
    nodes = list(Node.objects.filter(scorecard=scorecard).order_by("position"))
    by_id: dict[int, Node] = {}
    for node in nodes:
        node.kids = []  # type: ignore[attr-defined]
        node.option_list = []  # type: ignore[attr-defined]
        node.note_list = []  # type: ignore[attr-defined]
        by_id[node.pk] = node
    parts: list[Node] = []
    for node in nodes:
        parent = by_id.get(node.parent_id) if node.parent_id else None
        if parent is None:
            parts.append(node)
        else:
            parent.kids.append(node)  # type: ignore[attr-defined]
    for option in Option.objects.filter(node__scorecard=scorecard).order_by("seq", "id"):
        by_id[option.node_id].option_list.append(option)  # type: ignore[attr-defined]
    scorecard_notes: list[Note] = []
    for note in Note.objects.filter(scorecard=scorecard).order_by("seq", "id"):
        if note.node_id is None:
            scorecard_notes.append(note)
        else:
            by_id[note.node_id].note_list.append(note)  # type: ignore[attr-defined]
    knockouts = list(KnockoutRule.objects.filter(scorecard=scorecard).order_by("position"))
    criteria_set = scorecard.criteria_set
    corrections = corrections_of(criteria_set, scorecard.number)
    warnings = [
        warning
        for warning in criteria_set.warnings or []
        if isinstance(warning, dict) and warning.get("scorecard") == scorecard.number
    ]
    return ScorecardTree(
        scorecard=scorecard,
        parts=parts,
        nodes=nodes,
        knockouts=knockouts,
        corrections=corrections,
        scorecard_notes=scorecard_notes,
        warnings=warnings,
    )


def band_rows(criteria_set: CriteriaSet) -> list[dict[str, Any]]:
    """The star bands as rows: stars, lowest average total (inclusive), the next band's lower
    bound (exclusive; None for the top band) and whether the level is certified."""
    bands = sorted(
        ((int(stars), lower) for stars, lower in criteria_set.bands),
        key=lambda band: band[1],
        reverse=True,
    )
    certified = {int(level) for level in criteria_set.certified_levels}
    rows = []
    upper = None
    for stars, lower in bands:
        rows.append(
            {"stars": stars, "lower": lower, "upper": upper, "certified": stars in certified}
        )
        upper = lower
    return rows
