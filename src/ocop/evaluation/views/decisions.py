"""The decision screens: the list (and drafting), a decision (change a draft, remove an item,
approve, correct), the 5★ proposal package. Each loads through `access_decision` and calls one
service; a refusal is shown as a message."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ocop.accounts.rules import access_for
from ocop.core.forms import add_service_errors
from ocop.core.xlsx import Column, wants_xlsx, xlsx_response
from ocop.evaluation.enums import DecisionStatus
from ocop.evaluation.forms_decisions import (
    ApproveForm,
    CorrectionForm,
    DecisionTextForm,
    DraftDecisionForm,
)
from ocop.evaluation.queries.decisions import (
    access_decision,
    can_approve_decisions,
    can_draft_decisions,
    can_read_decisions,
    central_proposal_for,
    decisions_visible_to,
    items_of,
    rounds_for_drafting,
    with_list_columns,
)
from ocop.evaluation.services.decisions import (
    change_decision_status,
    correct_decision,
    draft_decision,
    recognise_from_central_result,
    update_draft,
)

PER_PAGE = 25
LIST_COLUMNS = [
    Column(gettext_lazy("Code"), "code"),
    Column(gettext_lazy("Decision number"), "number", width=20),
    Column(gettext_lazy("Title"), "title", width=50),
    Column(gettext_lazy("Round"), "round.name", width=30),
    Column(gettext_lazy("Level"), "get_level_display"),
    Column(gettext_lazy("Status"), "get_status_display"),
    Column(gettext_lazy("Signed on"), "signed_on", kind="date"),
    Column(
        gettext_lazy("Replaces"),
        lambda decision: (
            (decision.replaces.number or decision.replaces.code) if decision.replaces else ""
        ),
    ),
    Column(gettext_lazy("Drafted by"), "drafted_by"),
    Column(gettext_lazy("Approved by"), "approved_by"),
    Column(gettext_lazy("Approved at"), "approved_at", kind="datetime"),
]


def _error(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, " ".join(str(m) for m in exc.messages))


@login_required
@require_GET
def decision_list(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    if not can_read_decisions(access):
        raise Http404
    queryset = with_list_columns(decisions_visible_to(access))
    if wants_xlsx(request):
        title = _("Recognition decisions")
        return xlsx_response(title, title, LIST_COLUMNS, queryset)
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    can_draft = can_draft_decisions(access)
    return render(
        request,
        "evaluation/decisions/list.html",
        {
            "page": page,
            "decisions": list(page.object_list),
            "can_draft": can_draft,
            "form": DraftDecisionForm(rounds=rounds_for_drafting()) if can_draft else None,
        },
    )


@login_required
@require_POST
def decision_create(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    if not can_draft_decisions(access):
        raise Http404
    from_central = request.POST.get("from_central") == "1"
    form = DraftDecisionForm(request.POST, rounds=rounds_for_drafting())
    if form.is_valid():
        data = form.cleaned_data
        service = recognise_from_central_result if from_central else draft_decision
        try:
            decision = service(
                actor=request.user,
                round=data["round"],
                title=data["title"],
                number=data["number"],
                note=data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Draft decision %(code)s has been created.") % {"code": decision.code}
            )
            return redirect("evaluation:decision", code=decision.code)
    queryset = with_list_columns(decisions_visible_to(access))
    page = Paginator(queryset, PER_PAGE).get_page(1)
    return render(
        request,
        "evaluation/decisions/list.html",
        {"page": page, "decisions": list(page.object_list), "can_draft": True, "form": form},
        status=422,
    )


def _detail_context(request: HttpRequest, decision: Any, **extra: Any) -> dict[str, Any]:
    access = access_for(request.user)
    draft = decision.status == DecisionStatus.DRAFT
    can_draft = can_draft_decisions(access)
    context = {
        "decision": decision,
        "items": list(items_of(decision)),
        "is_draft": draft,
        "can_edit": draft and can_draft,
        "can_approve": draft and can_approve_decisions(access),
        "can_correct": not draft and can_draft and not decision.replaced_by.exists(),
        "corrections": list(decision.replaced_by.order_by("-created_at")),
        "has_proposals": not draft and decision.items.filter(proposed_central=True).exists(),
        "text_form": DecisionTextForm(
            initial={"title": decision.title, "number": decision.number, "note": decision.note}
        ),
        "approve_form": ApproveForm(),
    }
    context.update(extra)
    return context


@login_required
@require_GET
def decision_detail(request: HttpRequest, code: str) -> HttpResponse:
    decision = access_decision(request.user, code)
    return render(request, "evaluation/decisions/detail.html", _detail_context(request, decision))


@login_required
@require_POST
def decision_update(request: HttpRequest, code: str) -> HttpResponse:
    decision = access_decision(request.user, code, write=True)
    form = DecisionTextForm(request.POST)
    if form.is_valid():
        try:
            update_draft(actor=request.user, decision=decision, data=form.cleaned_data)
        except ValidationError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("The draft decision has been saved."))
        return redirect("evaluation:decision", code=decision.code)
    context = _detail_context(request, decision, text_form=form)
    return render(request, "evaluation/decisions/detail.html", context, status=422)


@login_required
@require_POST
def decision_remove_item(request: HttpRequest, code: str, dossier: str) -> HttpResponse:
    decision = access_decision(request.user, code, write=True)
    try:
        update_draft(actor=request.user, decision=decision, remove=[dossier])
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(
            request,
            _("Dossier %(dossier)s has been removed from the draft.") % {"dossier": dossier},
        )
    return redirect("evaluation:decision", code=decision.code)


@login_required
@require_POST
def decision_approve(request: HttpRequest, code: str) -> HttpResponse:
    """Approving is the approver's: an official who only reads decisions gets 403 (the service
    refuses), anyone else 404 (the loader)."""
    decision = access_decision(request.user, code)
    if not can_approve_decisions(access_for(request.user)):
        raise PermissionDenied(_("Only an approver may approve a decision."))
    form = ApproveForm(request.POST)
    if form.is_valid():
        try:
            change_decision_status(
                actor=request.user,
                decision=decision,
                to=DecisionStatus.APPROVED,
                signed_on=form.cleaned_data["signed_on"],
            )
        except ValidationError as exc:
            _error(request, exc)
        else:
            messages.success(
                request,
                _("The decision is approved and its results are published."),
            )
        return redirect("evaluation:decision", code=decision.code)
    context = _detail_context(request, decision, approve_form=form)
    return render(request, "evaluation/decisions/detail.html", context, status=422)


@login_required
@require_http_methods(["GET", "POST"])
def decision_correct(request: HttpRequest, code: str) -> HttpResponse:
    decision = access_decision(request.user, code, write=True)
    items = list(items_of(decision))
    if request.method == "POST":
        form = CorrectionForm(request.POST, items=items)
        if form.is_valid():
            changes, remove = form.changes(items)
            try:
                correction = correct_decision(
                    actor=request.user,
                    decision=decision,
                    reason=form.cleaned_data["reason"],
                    changes=changes,
                    remove=remove,
                    title=form.cleaned_data["title"],
                    number=form.cleaned_data["number"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _(
                        "Correction %(code)s has been drafted; it replaces the decision once approved."
                    )
                    % {"code": correction.code},
                )
                return redirect("evaluation:decision", code=correction.code)
        status = 422
    else:
        form = CorrectionForm(items=items, initial={"title": decision.title})
        status = 200
    rows = [
        (item, form[f"stars_{item.dossier.code}"], form[f"remove_{item.dossier.code}"])
        for item in items
    ]
    return render(
        request,
        "evaluation/decisions/correct.html",
        {"decision": decision, "form": form, "rows": rows},
        status=status,
    )


@login_required
@require_GET
def central_proposal(request: HttpRequest, code: str) -> HttpResponse:
    """The 5★ proposal package for the ministry: the proposed products, their scores and links
    to the documents (minutes, sheets, Mẫu 03, the round's table)."""
    decision = access_decision(request.user, code)
    rows = central_proposal_for(decision)
    if not rows:
        raise Http404
    return render(
        request, "evaluation/decisions/central_proposal.html", {"decision": decision, "rows": rows}
    )
