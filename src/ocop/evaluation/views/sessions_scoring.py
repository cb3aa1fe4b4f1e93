"""An agenda item's screen: the member's conflict-of-interest declaration, then their scoring
form (every criterion with its options, comments, stop rules, running part totals; "save draft"
and "submit" with a confirmation; autosave through `sheet_autosave` when JavaScript runs), the
other members' sheets once the rules allow it, the discussion rounds with the totals before and
after, and the chair's button to open a discussion round.

The page costs the same number of queries whatever the scorecard (the spec is cached; the rows
are built in Python) and whatever the number of members.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ocop.core.forms import add_service_errors
from ocop.criteria.engine.errors import ScoringError
from ocop.criteria.engine.types import Policy, ScorecardSpec
from ocop.criteria.queries.specs import load_scorecard_spec
from ocop.evaluation.enums import SessionStatus, SheetStatus
from ocop.evaluation.forms_sessions import (
    KNOCKOUT_PREFIX,
    DeclarationForm,
    DiscussionForm,
    DossierKnockoutForm,
    ScoringForm,
    criterion_rules,
)
from ocop.evaluation.models import ScoreSheet, ScoreSheetVersion, SessionDossier
from ocop.evaluation.queries.prediction import json_points, predict
from ocop.evaluation.queries.sessions import (
    SCORED_STATUSES,
    ItemProgress,
    Viewer,
    access_item,
    item_progress,
    sheets_visible_to,
    spread_of,
    viewer_for,
)
from ocop.evaluation.queries.sheet import case_headings, sheet_rows, stored_values
from ocop.evaluation.services.refusals import Refusal
from ocop.evaluation.services.sessions import (
    declare_conflict,
    dossier_rules,
    open_discussion_round,
    record_dossier_knockouts,
    save_sheet,
    submit_sheet,
)

SHEET_KEYS = ("selections", "comments", "choices")
# The knock-out form shares the page with the discussion form (both have a "reason").
KNOCKOUT_FORM_PREFIX = "knockout"
# Part totals and totals do not depend on the policy: the engine's default one is enough.
PARTS_POLICY = Policy()


@dataclass
class SheetColumn:
    """One member's sheet in the comparison table."""

    name: str
    department: str
    role: str
    status: str
    status_label: str
    own: bool
    total: Decimal | None
    parts: list[Decimal | None]  # in the order of the scorecard's parts
    points: dict[str, Decimal]
    knockouts: list[str]
    comments: dict[str, str]


@dataclass
class ComparisonRow:
    code: str
    title: str
    max_points: Decimal
    cells: list[Decimal | None] = field(default_factory=list)
    comments: list[tuple[str, str]] = field(default_factory=list)

    @property
    def differs(self) -> bool:
        values = {cell for cell in self.cells if cell is not None}
        return len(values) > 1


@dataclass
class DiscussionEntry:
    number: int
    reason: str
    opened_at: Any
    closed_at: Any
    spread_before: Decimal | None
    rows: list[dict[str, Any]]


def _points(
    spec: ScorecardSpec, selections: dict[str, Any], has_story: bool
) -> tuple[Decimal, dict[str, Decimal], dict[str, Decimal]]:
    """(total, part totals, points per criterion) of stored answers (those missing count 0)."""
    try:
        prediction = predict(spec, PARTS_POLICY, selections, has_story=has_story)
    except ScoringError:
        return Decimal(0), {}, {}
    member = prediction.result.members[0]
    return member.total, dict(member.parts), dict(member.points)


def _criterion_errors(
    exc: ValidationError, spec: ScorecardSpec
) -> tuple[dict[str, list[str]], list[str]]:
    """Service errors by criterion (`selections.1.1` → "1.1"), and every message for the top."""
    codes = {criterion.code for criterion in spec.criteria}
    by_criterion: dict[str, list[str]] = {}
    top: list[str] = []
    items = (
        exc.message_dict.items()
        if hasattr(exc, "error_dict")
        else [(NON_FIELD_ERRORS, exc.messages)]
    )
    for key, found in items:
        prefix, _dot, code = key.partition(".")
        for message in found:
            top.append(message)
            if prefix in SHEET_KEYS and code in codes:
                by_criterion.setdefault(code, []).append(message)
    return by_criterion, top


def _discussions(
    item: SessionDossier, progress: ItemProgress, versions: list[ScoreSheetVersion]
) -> list[DiscussionEntry]:
    by_round: dict[int, dict[int, dict[str, Any]]] = {}
    for version in versions:
        if version.discussion_id is None:
            continue
        rows = by_round.setdefault(version.discussion_id, {})
        row = rows.setdefault(
            version.sheet_id,
            {"name": version.sheet.member.user.get_full_name(), "before": None, "after": None},
        )
        if version.status == SheetStatus.REOPENED and version.total is not None:
            row["before"] = version.total  # the reopening (later draft saves have no total)
        elif version.status == SheetStatus.SUBMITTED:
            row["after"] = version.total
    return [
        DiscussionEntry(
            number=discussion.number,
            reason=discussion.reason,
            opened_at=discussion.opened_at,
            closed_at=discussion.closed_at,
            spread_before=discussion.spread_before,
            rows=list(by_round.get(discussion.pk, {}).values()),
        )
        for discussion in progress.discussions
    ]


def _columns(
    spec: ScorecardSpec,
    sheets: list[ScoreSheet],
    own: ScoreSheet | None,
    reopened_versions: dict[int, ScoreSheetVersion],
) -> list[SheetColumn]:
    columns = []
    for sheet in sheets:
        mine = own is not None and sheet.pk == own.pk
        source: Any = sheet
        if not mine and sheet.status == SheetStatus.REOPENED and sheet.pk in reopened_versions:
            source = reopened_versions[sheet.pk]  # what they submitted, not their new draft
        total, parts, points = _points(spec, dict(source.selections), source.has_story)
        seat = sheet.member
        columns.append(
            SheetColumn(
                name=seat.user.get_full_name(),
                department=seat.department,
                role=seat.get_role_display(),
                status=sheet.status,
                status_label=sheet.get_status_display(),
                own=mine,
                total=sheet.total if sheet.status in SCORED_STATUSES else total,
                parts=[parts.get(part.code) for part in spec.parts],
                points={code: points[code] for code in source.selections if code in points},
                knockouts=list(source.knockouts),
                comments=dict(source.comments),
            )
        )
    return columns


def _comparison(spec: ScorecardSpec, columns: list[SheetColumn]) -> list[ComparisonRow]:
    rows = []
    for criterion in spec.criteria:
        row = ComparisonRow(criterion.code, criterion.title, criterion.max_points)
        for column in columns:
            row.cells.append(column.points.get(criterion.code))
            if column.comments.get(criterion.code):
                row.comments.append((column.name, column.comments[criterion.code]))
        rows.append(row)
    return rows


def _stop_rules(spec: ScorecardSpec, rows: list[Any], recorded: set[str]) -> None:
    """Attach to each criterion row the stop rules tied to it (checkboxes of the form)."""
    by_criterion: dict[str, list[dict[str, Any]]] = {}
    for rule in criterion_rules(spec):
        by_criterion.setdefault(rule.criterion_code or rule.code, []).append(
            {
                "code": rule.code,
                "text": rule.text,
                "name": KNOCKOUT_PREFIX + rule.code,
                "input_id": "ko-" + rule.code.replace(".", "-"),
                "checked": rule.code in recorded,
            }
        )
    for part in rows:
        for group in part.groups:
            for criterion in group.criteria:
                criterion.stop_rules = by_criterion.get(criterion.code, [])


def _page(
    request: HttpRequest,
    item: SessionDossier,
    viewer: Viewer,
    *,
    status: int = 200,
    values: dict[str, str] | None = None,
    comments: dict[str, str] | None = None,
    knockouts: set[str] | None = None,
    has_story: bool | None = None,
    errors: dict[str, list[str]] | None = None,
    top_errors: list[str] | None = None,
    declaration_form: DeclarationForm | None = None,
    discussion_form: DiscussionForm | None = None,
    knockout_form: DossierKnockoutForm | None = None,
    confirm_submit: bool = False,
) -> HttpResponse:
    session = item.session
    dossier = item.dossier
    spec = load_scorecard_spec(dossier.criteria_set.code, dossier.scorecard.number)
    progress = item_progress(item)
    is_open = session.status == SessionStatus.OPEN
    mine = None
    if viewer.seat is not None:
        mine = next((m for m in progress.members if m.seat.pk == viewer.seat.pk), None)
    visible = list(sheets_visible_to(viewer.access, item))
    own = next(
        (s for s in visible if viewer.seat is not None and s.member_id == viewer.seat.pk), None
    )
    versions = list(
        ScoreSheetVersion.objects.filter(sheet__item=item, discussion__isnull=False)
        .select_related("sheet__member__user")
        .order_by("discussion_id", "sheet_id", "version")
    )
    open_discussion = progress.open_discussion
    reopened_versions = {
        v.sheet_id: v
        for v in versions
        if open_discussion is not None
        and v.discussion_id == open_discussion.pk
        and v.status == SheetStatus.REOPENED
        and v.total is not None
    }
    sees_others = viewer.is_official or (
        own is not None
        and own.status in SCORED_STATUSES
        and not (mine is not None and mine.conflict)
    )
    others = [s for s in visible if own is None or s.pk != own.pk]
    columns = _columns(spec, visible, own, reopened_versions) if others else []
    scoring = viewer.scores and mine is not None and mine.declared and not mine.conflict
    editable = (
        scoring
        and is_open
        and (own is None or own.status in (SheetStatus.DRAFT, SheetStatus.REOPENED))
    )
    context: dict[str, Any] = {
        "item": item,
        "session": session,
        "dossier": dossier,
        "product": dossier.product,
        "viewer": viewer,
        "progress": progress,
        "mine": mine,
        "is_open": is_open,
        "own": own,
        "spec": spec,
        "scoring": scoring,
        "editable": editable,
        "columns": columns,
        "comparison": _comparison(spec, columns) if columns else [],
        "sees_others": sees_others,
        "discussions": _discussions(item, progress, versions) if sees_others else [],
        "open_discussion": open_discussion,
        "confirm_submit": confirm_submit,
        "top_errors": top_errors or [],
    }
    if (
        viewer.scores
        and is_open
        and (mine is None or not mine.declared or own is None or own.status == SheetStatus.DRAFT)
    ):
        context["declaration_form"] = declaration_form or DeclarationForm(
            initial={"has_conflict": "yes" if mine and mine.conflict else "no"}
            if mine is not None and mine.declared
            else None
        )
    can_discuss = viewer.is_chair and is_open and progress.complete and open_discussion is None
    if can_discuss:
        context["discussion_form"] = discussion_form or DiscussionForm()
    context["can_discuss"] = can_discuss
    rules = dossier_rules(spec)
    texts = {rule.code: rule.text for rule in rules}
    context["dossier_knockouts"] = [
        {**entry, "text": texts.get(str(entry.get("code")), entry.get("code"))}
        for entry in item.dossier_knockouts or []
    ]
    can_knock_out = is_open and bool(rules) and (viewer.is_chair or viewer.is_secretary)
    context["can_knock_out"] = can_knock_out
    if can_knock_out:
        context["knockout_form"] = knockout_form or DossierKnockoutForm(
            rules=rules, prefix=KNOCKOUT_FORM_PREFIX
        )
    if sees_others and progress.complete:
        context["spread"] = spread_of(item, progress)
    if scoring:
        stored = own or ScoreSheet(item=item)
        if values is None:
            values = stored_values(spec, stored.selections, stored.choices)
        if comments is None:
            comments = dict(stored.comments)
        if knockouts is None:
            knockouts = set(stored.knockouts)
        if has_story is None:
            has_story = stored.has_story
        total, parts, _unused = _points(spec, dict(stored.selections), stored.has_story)
        rows = sheet_rows(
            spec,
            values=values,
            comments=comments,
            errors=errors or {},
            headings=case_headings(dossier.scorecard),
            part_totals=parts,
        )
        _stop_rules(spec, rows, knockouts)
        asked = [c for c in spec.criteria if has_story or not c.conditional]
        context.update(
            {
                "parts": rows,
                "has_story": has_story,
                "running_total": total,
                "part_totals": [
                    (part.code, part.title, parts.get(part.code, Decimal(0)), part.max_points)
                    for part in spec.parts
                ],
                "answered": sum(1 for c in asked if c.code in stored.selections),
                "criteria_count": len(asked),
                "autosave_url": reverse(
                    "evaluation:sheet_autosave",
                    kwargs={"code": session.code, "dossier": dossier.code},
                ),
            }
        )
    return render(request, "evaluation/sessions/item.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def item_page(request: HttpRequest, code: str, dossier: str) -> HttpResponse:
    """The agenda item; POST is the member's scoring form (save, submit, confirm)."""
    item = access_item(request.user, code, dossier)
    viewer = viewer_for(request.user, item.session)
    if request.method == "GET":
        return _page(request, item, viewer)
    spec = load_scorecard_spec(item.dossier.criteria_set.code, item.dossier.scorecard.number)
    form = ScoringForm(request.POST, spec=spec)
    if not form.is_valid():
        errors = form.criterion_errors()
        top = [message for found in errors.values() for message in found] + form.other_errors()
        values, comments = form.posted_values()
        return _page(
            request,
            item,
            viewer,
            status=400,
            values=values,
            comments=comments,
            knockouts=form.posted_knockouts(),
            has_story=bool(request.POST.get("has_story")),
            errors=errors,
            top_errors=top,
        )
    url = reverse("evaluation:session_item", kwargs={"code": code, "dossier": dossier})
    try:
        if form.cleaned_data.get("action") != "confirm":
            selections, choices, comments = form.answers()
            save_sheet(
                actor=request.user,
                item=item,
                selections=selections,
                comments=comments,
                knockouts=form.knockouts(),
                has_story=form.cleaned_data["has_story"],
                choices=choices,
            )
        if form.submitting and not form.confirming:
            return _page(request, item, viewer, confirm_submit=True)
        if form.submitting:
            sheet = submit_sheet(actor=request.user, item=item)
            messages.success(
                request,
                _("Your sheet is submitted: %(total)s points.")
                % {"total": json_points(sheet.total or Decimal(0))},
            )
            return redirect(url + "#so-sanh")
    except Refusal as exc:
        messages.error(request, exc.text)
        return redirect(url)
    except ValidationError as exc:
        errors, top = _criterion_errors(exc, spec)
        if form.submitting:
            top.insert(0, _("The draft is saved, but the sheet cannot be submitted yet:"))
            return _page(request, item, viewer, status=400, errors=errors, top_errors=top)
        values, comments_ = form.posted_values()
        return _page(
            request,
            item,
            viewer,
            status=400,
            values=values,
            comments=comments_,
            knockouts=form.posted_knockouts(),
            has_story=form.cleaned_data["has_story"],
            errors=errors,
            top_errors=top,
        )
    messages.success(request, _("The draft is saved."))
    return redirect(url + "#phieu")


@login_required
@require_POST
def sheet_autosave(request: HttpRequest, code: str, dossier: str) -> JsonResponse:
    """The scoring form's autosave (scoring.js posts the whole form): JSON with the version and
    the running totals; 422 with the errors per field; 403/409 for a refusal."""
    item = access_item(request.user, code, dossier)
    spec = load_scorecard_spec(item.dossier.criteria_set.code, item.dossier.scorecard.number)
    form = ScoringForm(request.POST, spec=spec)
    if not form.is_valid():
        errors = [
            {"field": name, "message": str(message)}
            for name, found in form.errors.items()
            for message in found
        ]
        return JsonResponse({"saved": False, "errors": errors}, status=422)
    selections, choices, comments = form.answers()
    try:
        sheet = save_sheet(
            actor=request.user,
            item=item,
            selections=selections,
            comments=comments,
            knockouts=form.knockouts(),
            has_story=form.cleaned_data["has_story"],
            choices=choices,
        )
    except Refusal as exc:
        return JsonResponse({"saved": False, "error": exc.text}, status=exc.status)
    except ValidationError as exc:
        errors = [
            {"field": key, "message": str(message)}
            for key, found in (
                exc.message_dict.items() if hasattr(exc, "error_dict") else [("", exc.messages)]
            )
            for message in found
        ]
        return JsonResponse({"saved": False, "errors": errors}, status=422)
    total, parts, _unused = _points(spec, dict(sheet.selections), sheet.has_story)
    return JsonResponse(
        {
            "saved": True,
            "version": sheet.version,
            "saved_at": date_format(timezone.localtime(sheet.updated_at), "H:i"),
            "total": json_points(total),
            "parts": {code_: json_points(value) for code_, value in parts.items()},
            "answered": len(sheet.selections),
        }
    )


@login_required
@require_POST
def declaration(request: HttpRequest, code: str, dossier: str) -> HttpResponse:
    item = access_item(request.user, code, dossier)
    viewer = viewer_for(request.user, item.session)
    form = DeclarationForm(request.POST)
    if form.is_valid():
        try:
            declared = declare_conflict(
                actor=request.user,
                item=item,
                has_conflict=form.cleaned_data["has_conflict"],
                note=form.cleaned_data["note"],
            )
        except Refusal as exc:
            messages.error(request, exc.text)
            return redirect("evaluation:session_item", code=code, dossier=dossier)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if declared.has_conflict:
                messages.success(
                    request,
                    _("Your conflict of interest is recorded: you will not score this dossier."),
                )
            else:
                messages.success(request, _("Your declaration is recorded: the sheet is open."))
            return redirect(
                reverse("evaluation:session_item", kwargs={"code": code, "dossier": dossier})
                + "#phieu"
            )
    return _page(request, item, viewer, status=400, declaration_form=form)


@login_required
@require_POST
def discussion(request: HttpRequest, code: str, dossier: str) -> HttpResponse:
    item = access_item(request.user, code, dossier)
    viewer = viewer_for(request.user, item.session)
    form = DiscussionForm(request.POST)
    if form.is_valid():
        try:
            opened = open_discussion_round(
                actor=request.user, item=item, reason=form.cleaned_data["reason"]
            )
        except Refusal as exc:
            messages.error(request, exc.text)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return _page(request, item, viewer, status=400, discussion_form=form)
        else:
            messages.success(
                request,
                _("Discussion round %(number)s is open: the members' sheets are reopened.")
                % {"number": opened.number},
            )
        return redirect("evaluation:session_item", code=code, dossier=dossier)
    return _page(request, item, viewer, status=400, discussion_form=form)


@login_required
@require_POST
def dossier_knockouts(request: HttpRequest, code: str, dossier: str) -> HttpResponse:
    """The secretary or the chair records a knock-out of the whole dossier (with what the council
    found), or removes what was recorded (`action=clear`); the engine applies it at the close."""
    item = access_item(request.user, code, dossier)
    viewer = viewer_for(request.user, item.session)
    url = reverse("evaluation:session_item", kwargs={"code": code, "dossier": dossier})
    if request.POST.get("action") == "clear":
        try:
            record_dossier_knockouts(actor=request.user, item=item, knockouts={})
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The knock-out of the whole dossier is removed."))
        return redirect(url + "#loai-ho-so")
    spec = load_scorecard_spec(item.dossier.criteria_set.code, item.dossier.scorecard.number)
    form = DossierKnockoutForm(request.POST, rules=dossier_rules(spec), prefix=KNOCKOUT_FORM_PREFIX)
    if form.is_valid():
        recorded = {str(e["code"]): str(e["reason"]) for e in item.dossier_knockouts or []}
        recorded[form.cleaned_data["rule"]] = form.cleaned_data["reason"]
        try:
            record_dossier_knockouts(actor=request.user, item=item, knockouts=recorded)
        except Refusal as exc:
            messages.error(request, exc.text)
            return redirect(url)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "The knock-out of the whole dossier is recorded: when the session closes, "
                    "the dossier gets no star."
                ),
            )
            return redirect(url + "#loai-ho-so")
    return _page(request, item, viewer, status=400, knockout_form=form)
