"""Import a criteria file: the rules of one OCOP decision as a versioned criteria set.

The file is read and checked whole first (`reading.read_criteria_file`: registry, recorded
corrections, validation, one neutral tree for both source formats); a file with any problem is
refused with every problem listed and nothing is written. A sound file is written in one
transaction: the criteria set, its classification, its scorecards with their parts, groups,
criteria, options, notes and knock-out rules, and the corrections applied.

Importing the same content again changes nothing (the set keeps a checksum of everything it was
built from). Changed content replaces the set's scorecards, unless an evaluation has used the
set (`locked_at`): a locked set cannot be edited, only superseded by a set with a new code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from ocop.core.services.activity import log_action
from ocop.criteria.enums import CriteriaSetStatus
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
from ocop.criteria.services.reading import (
    BUNDLED_FILES,
    CorrectionData,
    CriteriaFile,
    CriteriaImportError,
    NodeData,
    read_criteria_file,
)
from ocop.criteria.services.sets import change_criteria_set_status
from ocop.criteria.services.validation import Finding

__all__ = [
    "BUNDLED_FILES",
    "CriteriaImportError",
    "ImportResult",
    "import_criteria",
    "read_criteria_file",
]


@dataclass
class ImportResult:
    criteria_set: CriteriaSet
    created: bool
    changed: bool
    summary: dict[str, Any]
    warnings: list[Finding] = field(default_factory=list)
    corrections: list[CorrectionData] = field(default_factory=list)


def _finding_json(finding: Finding) -> dict[str, Any]:
    return {
        "scorecard": finding.scorecard,
        "code": finding.code,
        "rule": finding.rule,
        "severity": finding.severity,
        "message": finding.message,
    }


def _set_values(checked: CriteriaFile) -> dict[str, Any]:
    meta = checked.meta
    return {
        "name": meta.name,
        "legal_reference": meta.legal_reference,
        "document_title": meta.document_title,
        "in_force_from": meta.in_force_from,
        "in_force_to": meta.in_force_to,
        "procedure_profile": meta.procedure_profile,
        "part_maxima": meta.part_maxima,
        "bands": meta.bands,
        "certified_levels": meta.certified_levels,
        "requirement_policy": meta.requirement_policy,
        "spread_threshold": meta.spread_threshold,
        "ministry_threshold": meta.ministry_threshold,
        "policies": meta.policies,
        "official": meta.official,
        "source_format": checked.source_format,
        "source_file": checked.file_name[:255],
        "source_sha256": checked.sha256,
        "content_sha256": checked.content_sha256,
        "provenance": meta.provenance,
        "official_link": meta.official_link[:500],
        "star_marker_legend": meta.star_marker_legend,
        "summary": checked.summary,
        "warnings": [_finding_json(finding) for finding in checked.warnings],
    }


def _bulk(model: type[Any], rows: list[Any], key: tuple[str, ...]) -> list[Any]:
    """bulk_create, with the ids read back on backends that cannot return them."""
    created = model.objects.bulk_create(rows)
    if rows and any(row.pk is None for row in created):  # pragma: no cover (old SQLite)
        wanted = {tuple(getattr(row, name) for name in key): row for row in created}
        for saved in model.objects.filter(**{f"{key[0]}__in": {k[0] for k in wanted}}):
            row = wanted.get(tuple(getattr(saved, name) for name in key))
            if row is not None:
                row.pk = saved.pk
    return list(created)


def _write_scorecards(criteria_set: CriteriaSet, checked: CriteriaFile) -> dict[int, Scorecard]:
    scorecards = _bulk(
        Scorecard,
        [
            Scorecard(
                criteria_set=criteria_set,
                number=data.number,
                name=data.name,
                classification=data.classification,
                meta=data.meta,
                total_max=data.total_max,
                usable=data.usable,
                incomplete_reason=data.incomplete_reason,
            )
            for data in checked.scorecards
        ],
        ("criteria_set_id", "number"),
    )
    by_number = {scorecard.number: scorecard for scorecard in scorecards}

    # Nodes, level by level so that every parent has its id before its children are written.
    saved: dict[int, Node] = {}  # id(NodeData) → Node
    levels: dict[int, list[tuple[Scorecard, NodeData, NodeData | None, int]]] = {}
    for data in checked.scorecards:
        position = 0

        def visit(node: NodeData, parent: NodeData | None, scorecard: Scorecard) -> None:
            nonlocal position
            position += 1
            levels.setdefault(node.level, []).append((scorecard, node, parent, position))
            for child in node.children:
                visit(child, node, scorecard)

        for part in data.parts:
            visit(part, None, by_number[data.number])
    for level in sorted(levels):
        entries = levels[level]
        rows = [
            Node(
                scorecard=scorecard,
                parent=saved[id(parent)] if parent is not None else None,
                level=node.level,
                code=node.code,
                title=node.title,
                display_title=node.display_title,
                max_points=node.max_points,
                position=position,
                kind=node.kind,
                scorable=node.scorable,
                binary=node.binary,
                conditional=node.conditional,
                condition_note=node.condition_note,
                cases=node.cases,
            )
            for scorecard, node, parent, position in entries
        ]
        for (_scorecard, node, _parent, _position), row in zip(
            entries, _bulk(Node, rows, ("scorecard_id", "code")), strict=True
        ):
            saved[id(node)] = row

    options: list[Option] = []
    notes: list[Note] = []
    knockouts: list[KnockoutRule] = []
    for data in checked.scorecards:
        scorecard = by_number[data.number]
        for node in data.nodes():
            row = saved[id(node)]
            options += [
                Option(
                    node=row,
                    label_source=option.label_source,
                    label=option.label,
                    points=option.points,
                    min_star_marker=option.min_star_marker,
                    seq=option.seq,
                    case=option.case,
                )
                for option in node.options
            ]
            notes += [
                Note(
                    scorecard=scorecard,
                    node=row,
                    text=note.text,
                    seq=note.seq,
                    kind=note.kind,
                    case=note.case,
                )
                for note in node.notes
            ]
        notes += [
            Note(scorecard=scorecard, text=note.text, seq=note.seq, kind=note.kind, case=note.case)
            for note in data.notes
        ]
        knockouts += [
            KnockoutRule(
                scorecard=scorecard,
                code=rule.code,
                scope=rule.scope,
                criterion_code=rule.criterion_code,
                text=rule.text,
                position=index,
            )
            for index, rule in enumerate(data.knockouts)
        ]
    Option.objects.bulk_create(options)
    Note.objects.bulk_create(notes)
    KnockoutRule.objects.bulk_create(knockouts)
    Correction.objects.bulk_create(
        [
            Correction(
                criteria_set=criteria_set,
                board_no=correction.board,
                node_code=correction.code,
                option_seq=correction.option_seq,
                field=correction.field,
                source_value=correction.source_value,
                corrected_value=correction.corrected_value,
                reason=correction.reason,
                evidence=correction.evidence,
                status=correction.status,
                applied=correction.applied,
                position=index,
            )
            for index, correction in enumerate(checked.corrections)
        ]
    )
    return by_number


def _write_classification(
    criteria_set: CriteriaSet, checked: CriteriaFile, scorecards: Mapping[int, Scorecard]
) -> None:
    """Classification nodes are kept by code (products point at them): created, updated or
    removed as the file says."""
    existing = {
        node.code: node for node in ClassificationNode.objects.filter(criteria_set=criteria_set)
    }
    wanted = {data.code for data in checked.classification}
    stale = [node.pk for code, node in existing.items() if code not in wanted]
    if stale:
        ClassificationNode.objects.filter(pk__in=stale).delete()
    saved: dict[str, ClassificationNode] = {}
    for position, data in enumerate(checked.classification):
        values = {
            "level": data.level,
            "name": data.name,
            "managing_ministry": data.managing_ministry,
            "parent": saved.get(data.parent) if data.parent else None,
            "scorecard": scorecards.get(data.scorecard) if data.scorecard is not None else None,
            "position": position,
        }
        node = existing.get(data.code)
        if node is None:
            node = ClassificationNode.objects.create(
                criteria_set=criteria_set, code=data.code, **values
            )
        else:
            for name, value in values.items():
                setattr(node, name, value)
            node.save()
        saved[data.code] = node


@transaction.atomic
def import_criteria(
    *,
    actor: Any = None,
    path: str | Path,
    code: str | None = None,
    registry: Mapping[str, Mapping[str, Any]] | None = None,
) -> ImportResult:
    """Check a criteria file and, if it is sound, write it (see the module docstring).

    `code` picks or renames the registry entry (see `reading.registry_entry`). Raises
    CriteriaImportError, writing nothing, when the file has any problem or would change a
    locked set.
    """
    checked = read_criteria_file(path, code=code, registry=registry)
    meta = checked.meta
    criteria_set = CriteriaSet.objects.select_for_update().filter(code=meta.code).first()
    result = ImportResult(
        criteria_set=criteria_set,  # type: ignore[arg-type]
        created=criteria_set is None,
        changed=True,
        summary=checked.summary,
        warnings=checked.warnings,
        corrections=checked.corrections,
    )
    if criteria_set is not None and criteria_set.content_sha256 == checked.content_sha256:
        result.changed = False
        return result
    if criteria_set is not None and criteria_set.is_locked:
        raise CriteriaImportError(
            [
                Finding(
                    None,
                    "",
                    "locked",
                    _(
                        "The criteria set %(code)s has been used by an evaluation (locked on "
                        "%(date)s): it cannot be edited, only superseded. Import the new file "
                        "under a new code (--code) and supersede this set."
                    )
                    % {
                        "code": meta.code,
                        "date": criteria_set.locked_at.strftime("%d/%m/%Y")
                        if criteria_set.locked_at
                        else "–",
                    },
                )
            ],
            file_name=checked.file_name,
        )
    values = _set_values(checked)
    if criteria_set is None:
        criteria_set = CriteriaSet.objects.create(
            code=meta.code, status=CriteriaSetStatus.DRAFT, **values
        )
        old_sha = None
    else:
        old_sha = criteria_set.content_sha256
        for name, value in values.items():
            setattr(criteria_set, name, value)
        criteria_set.save()
        Scorecard.objects.filter(criteria_set=criteria_set).delete()
        Correction.objects.filter(criteria_set=criteria_set).delete()
    result.criteria_set = criteria_set
    scorecards = _write_scorecards(criteria_set, checked)
    _write_classification(criteria_set, checked, scorecards)
    log_action(
        actor,
        "criteria.set.import" if old_sha is None else "criteria.set.reimport",
        criteria_set,
        old={"content_sha256": old_sha} if old_sha else None,
        new={"content_sha256": checked.content_sha256} if old_sha else None,
        data={
            "file": checked.file_name,
            "sha256": checked.sha256,
            "content_sha256": checked.content_sha256,
            "summary": checked.summary,
        },
    )
    if result.created:
        change_criteria_set_status(
            actor=actor, criteria_set=criteria_set, to=CriteriaSetStatus.PUBLISHED
        )
        if meta.status == CriteriaSetStatus.SUPERSEDED:
            change_criteria_set_status(
                actor=actor, criteria_set=criteria_set, to=CriteriaSetStatus.SUPERSEDED
            )
    return result
