"""The dossier screens: the lists (all visible, the commune's inbox, a product's dossiers with
"Lập hồ sơ"), the dossier's tabs (overview with the timeline and what is missing, Mẫu 01,
Mẫu 02, evidence, history) and the printable Mẫu 03. Each loads through the permission loader
and writes through one service; everything works without JavaScript."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ocop.accounts.enums import PRODUCER_ROLES
from ocop.accounts.rules import Access, access_for
from ocop.core.forms import add_service_errors
from ocop.core.queries.activity import history_for
from ocop.core.text import fold
from ocop.core.views.files import stored_file_response
from ocop.core.views.lists import list_state
from ocop.core.xlsx import Column, wants_xlsx, xlsx_response, yes_no
from ocop.evaluation.enums import (
    DossierStatus,
    EvidenceCategory,
    Level,
    RoundStatus,
    SelfAssessmentStatus,
)
from ocop.evaluation.forms_dossiers import (
    CRITERIA_LABELS,
    AcceptForm,
    AttachSelfAssessmentForm,
    CreateDossierForm,
    EvidenceForm,
    NoteForm,
    ReasonsForm,
    RegistrationForm,
)
from ocop.evaluation.models import CommuneAssessment, Dossier, Round, SelfAssessment
from ocop.evaluation.queries.dossiers import (
    access_dossier,
    access_evidence,
    access_product_dossiers,
    available_actions,
    dossiers_visible_to,
    evidence_of,
    filter_dossiers,
    is_overdue,
    is_producer_of,
    product_dossiers,
    timeline_of,
    with_list_columns,
)
from ocop.evaluation.queries.self_assessments import can_read_self_assessments_of
from ocop.evaluation.queries.worklists import commune_inbox
from ocop.evaluation.registration import display_rows
from ocop.evaluation.services.dossiers import (
    UNFINISHED_STATUSES,
    add_evidence,
    attach_self_assessment,
    create_dossier,
    dossier_profile,
    missing_items,
    remove_evidence,
    update_registration,
)
from ocop.evaluation.services.procedures import ProcedureError, ProcedureProfile
from ocop.geo.models import AdministrativeUnit
from ocop.products.queries.products import can_edit_product

EXPIRY_WARNING_DAYS = 60
SORT_OPTIONS: dict[str, tuple[Any, Any]] = {
    "newest": ("-created_at", gettext_lazy("Newest first")),
    "due": (("due_on", "-created_at"), gettext_lazy("Deadline")),
    "status": (("status", "-created_at"), gettext_lazy("Status")),
    "product": (("product__name_folded", "-created_at"), gettext_lazy("Product")),
}
FILTERS = ("status", "level", "commune", "round", "product", "overdue")


def list_columns(today: Any) -> list[Column]:
    """The lists' spreadsheet: what a row of the dossier table shows, and a little more."""
    return [
        Column(gettext_lazy("Code"), "code"),
        Column(gettext_lazy("Product"), "product.name", width=36),
        Column(gettext_lazy("Product code"), "product.code"),
        Column(gettext_lazy("Producer"), "producer.name", width=36),
        Column(gettext_lazy("Commune or ward"), "commune.name", width=24),
        Column(gettext_lazy("Kind"), "get_kind_display"),
        Column(gettext_lazy("Status"), "get_status_display"),
        Column(gettext_lazy("Submitted at"), "submitted_at", kind="datetime"),
        Column(gettext_lazy("Deadline"), "due_on", kind="date"),
        Column(gettext_lazy("Overdue"), lambda dossier: yes_no(is_overdue(dossier, today))),
        Column(gettext_lazy("Round"), "round.name", width=30),
    ]


def _profile(dossier: Dossier) -> ProcedureProfile | None:
    try:
        return dossier_profile(dossier)
    except ProcedureError:
        return None


def _search(queryset: Any, query: str) -> Any:
    query = query.strip()[:100]
    if not query:
        return queryset
    return queryset.filter(
        Q(code__iexact=query)
        | Q(product__name_folded__icontains=fold(query))
        | Q(producer__name_folded__icontains=fold(query))
    )


# --- lists -----------------------------------------------------------------------------------


@login_required
@require_GET
def dossier_list(request: HttpRequest) -> HttpResponse:
    """The dossiers the user may see: a producer's own, a commune's, the whole province's;
    filters by status, level, commune, round, product and overdue."""
    access = access_for(request.user)
    filters = {key: request.GET.get(key, "").strip()[:40] for key in FILTERS}
    visible = dossiers_visible_to(access)
    queryset = with_list_columns(
        _search(filter_dossiers(visible, **filters), request.GET.get("q", ""))
    )
    state = list_state(request, queryset, sort_options=SORT_OPTIONS, default_sort="newest")
    today = timezone.localdate()
    if wants_xlsx(request):
        return xlsx_response(_("Dossiers"), _("Dossiers"), list_columns(today), state.queryset)
    context = {
        "state": state,
        "rows": [(row, is_overdue(row, today)) for row in state.items],
        "filters": filters,
        "statuses": DossierStatus.choices,
        "levels": Level.choices,
        "communes": list(
            AdministrativeUnit.objects.filter(dossiers__in=visible)
            .distinct()
            .order_by("name")
            .values_list("key", "name")
        ),
        "rounds": list(
            Round.objects.filter(dossiers__in=visible)
            .distinct()
            .order_by("-year", "-number")
            .values_list("code", "name")
        ),
        "mine": access.is_producer and not access.is_staff_user,
    }
    return render(request, "evaluation/dossiers/list.html", context)


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """The commune's (or old district's) inbox: dossiers submitted to it, the earliest deadline
    first, with the overdue ones flagged."""
    access = access_for(request.user)
    if not access.is_commune_officer:
        raise Http404
    state = list_state(
        request,
        commune_inbox(access),
        sort_options={"due": (("due_on", "submitted_at"), _("Deadline"))},
        default_sort="due",
    )
    today = timezone.localdate()
    if wants_xlsx(request):
        return xlsx_response(
            _("The commune's inbox"), _("Inbox"), list_columns(today), state.queryset
        )
    context = {"state": state, "rows": [(row, is_overdue(row, today)) for row in state.items]}
    return render(request, "evaluation/dossiers/inbox.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def product_dossier_list(request: HttpRequest, code: str) -> HttpResponse:
    """A product's dossiers, and "Lập hồ sơ" (first, upgrade or re-evaluation) for the
    producer's people."""
    access = access_for(request.user)
    product = access_product_dossiers(access, code)
    may_create = product.producer.organisation_id in access.organisations_with(*PRODUCER_ROLES)
    if request.method == "POST":
        if not may_create:
            raise Http404
        form = CreateDossierForm(request.POST)
        if form.is_valid():
            try:
                dossier = create_dossier(
                    actor=request.user,
                    product=product,
                    kind=form.cleaned_data["kind"],
                    current_stars=form.cleaned_data["current_stars"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Dossier %(code)s has been created: fill it in, then submit it.")
                    % {"code": dossier.code},
                )
                return redirect("evaluation:dossier", code=dossier.code)
    else:
        form = CreateDossierForm(initial={"kind": "first"})
    dossiers = list(product_dossiers(access, product))
    unfinished = next((d for d in dossiers if d.status in UNFINISHED_STATUSES), None)
    context = {
        "product": product,
        "tab": "dossiers",
        "can_edit": can_edit_product(access, product),
        "dossiers": dossiers,
        "form": form,
        "may_create": may_create and unfinished is None,
        "unfinished": unfinished,
    }
    return render(request, "evaluation/dossiers/product.html", context)


# --- the dossier's tabs ----------------------------------------------------------------------


def _context(
    request: HttpRequest, access: Access, dossier: Dossier, tab: str, **extra: Any
) -> dict[str, Any]:
    profile = _profile(dossier)
    return {
        "dossier": dossier,
        "profile": profile,
        "tab": tab,
        "actions": available_actions(access, dossier, profile),
        "overdue": is_overdue(dossier),
        "has_report": CommuneAssessment.objects.filter(dossier=dossier).exists(),
        **extra,
    }


def _open_rounds(dossier: Dossier) -> Any:
    return Round.objects.filter(
        status=RoundStatus.OPEN, criteria_set_id=dossier.criteria_set_id, level=dossier.level
    ).order_by("-year", "-number")


@login_required
@require_GET
def dossier_detail(request: HttpRequest, code: str) -> HttpResponse:
    """Overview: the facts, what is still missing, the actions the user may take now, and the
    timeline with the reasons and deadlines of every step."""
    access = access_for(request.user)
    dossier = access_dossier(access, code)
    context = _context(request, access, dossier, "overview")
    actions = context["actions"]
    context.update(
        {
            "missing": missing_items(dossier) if context["profile"] else [],
            "timeline": list(timeline_of(dossier)),
            "withdraw_form": NoteForm() if "withdraw" in actions else None,
            "forward_form": NoteForm() if "forward" in actions else None,
            "return_form": ReasonsForm() if "return" in actions else None,
            "accept_form": AcceptForm(rounds=_open_rounds(dossier))
            if "accept" in actions
            else None,
        }
    )
    return render(request, "evaluation/dossiers/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def registration(request: HttpRequest, code: str) -> HttpResponse:
    """Mẫu 01: the form for the producer's people while the dossier is theirs to change, read
    only for everyone else."""
    access = access_for(request.user)
    posting = request.method == "POST"
    dossier = access_dossier(access, code, action="edit" if posting else None)
    context = _context(request, access, dossier, "registration")
    editable = "edit" in context["actions"]
    form = None
    if posting:
        form = RegistrationForm(request.POST)
        if form.is_valid():
            try:
                update_registration(
                    actor=request.user,
                    dossier=dossier,
                    data=form.registration_data(),
                    samples_count=form.cleaned_data.get("samples_count"),
                )
            except ValidationError as exc:
                _registration_errors(form, exc)
            else:
                messages.success(request, _("Mẫu 01 has been saved."))
                return redirect("evaluation:dossier_registration", code=dossier.code)
    elif editable:
        form = RegistrationForm(
            initial={**dossier.registration, "samples_count": dossier.samples_count}
        )
    context.update(
        {
            "form": form,
            "rows": display_rows(dossier.registration),
        }
    )
    return render(request, "evaluation/dossiers/registration.html", context)


def _registration_errors(form: RegistrationForm, exc: ValidationError) -> None:
    """The service's `registration.<field>` keys on the form's fields."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for key, errors in exc.error_dict.items():
        name = key.split(".", 1)[-1]
        for error in errors:
            form.add_error(name if name in form.fields else None, error)


def _final_assessments(dossier: Dossier) -> Any:
    return SelfAssessment.objects.filter(
        product_id=dossier.product_id,
        scorecard_id=dossier.scorecard_id,
        criteria_set_id=dossier.criteria_set_id,
        status=SelfAssessmentStatus.FINAL,
    ).order_by("-finalised_at", "-id")


@login_required
@require_http_methods(["GET", "POST"])
def self_assessment_tab(request: HttpRequest, code: str) -> HttpResponse:
    """Mẫu 02: the self-assessment report, Part III linked to the producer's self-assessment."""
    access = access_for(request.user)
    posting = request.method == "POST"
    dossier = access_dossier(access, code, action="edit" if posting else None)
    context = _context(request, access, dossier, "self_assessment")
    form = None
    choices = _final_assessments(dossier)
    if posting:
        form = AttachSelfAssessmentForm(request.POST, choices=choices)
        if form.is_valid():
            try:
                attach_self_assessment(
                    actor=request.user,
                    dossier=dossier,
                    assessment=form.cleaned_data["self_assessment"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The self-assessment has been attached."))
                return redirect("evaluation:dossier_self_assessment", code=dossier.code)
    elif "edit" in context["actions"] and choices.exists():
        form = AttachSelfAssessmentForm(choices=choices)
    context.update(
        {
            "form": form,
            "assessment": dossier.self_assessment,
            "can_open": can_read_self_assessments_of(access, dossier.product),
            "is_producer": is_producer_of(access, dossier),
        }
    )
    return render(request, "evaluation/dossiers/self_assessment.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def evidence(request: HttpRequest, code: str) -> HttpResponse:
    """The evidence documents with their expiry warnings, and the upload form."""
    access = access_for(request.user)
    posting = request.method == "POST"
    dossier = access_dossier(access, code, action="edit" if posting else None)
    context = _context(request, access, dossier, "evidence")
    form = None
    if posting:
        form = EvidenceForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                add_evidence(
                    actor=request.user,
                    dossier=dossier,
                    category=form.cleaned_data["category"],
                    title=form.cleaned_data["title"],
                    upload=form.cleaned_data["file"],
                    issued_on=form.cleaned_data["issued_on"],
                    expires_on=form.cleaned_data["expires_on"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The document has been added."))
                return redirect("evaluation:dossier_evidence", code=dossier.code)
    elif "edit" in context["actions"]:
        form = EvidenceForm()
    today = timezone.localdate()
    rows = []
    for item in evidence_of(dossier):
        days_left = (item.expires_on - today).days if item.expires_on else None
        rows.append(
            {
                "item": item,
                "expired": days_left is not None and days_left < 0,
                "expiring": days_left is not None and 0 <= days_left <= EXPIRY_WARNING_DAYS,
                "days_left": days_left,
            }
        )
    context.update({"form": form, "rows": rows, "categories": EvidenceCategory})
    return render(request, "evaluation/dossiers/evidence.html", context)


@login_required
@require_GET
def evidence_file(request: HttpRequest, code: str, file_code: str) -> FileResponse:
    return stored_file_response(access_evidence(request.user, code, file_code).file)


@login_required
@require_POST
def evidence_remove(request: HttpRequest, code: str, file_code: str) -> HttpResponse:
    item = access_evidence(request.user, code, file_code, write=True)
    try:
        remove_evidence(actor=request.user, evidence=item)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The document has been removed."))
    return redirect("evaluation:dossier_evidence", code=code)


@login_required
@require_GET
def history(request: HttpRequest, code: str) -> HttpResponse:
    access = access_for(request.user)
    dossier = access_dossier(access, code)
    context = _context(request, access, dossier, "history", history=history_for(dossier))
    return render(request, "evaluation/dossiers/history.html", context)


def commune_report_context(dossier: Dossier, assessment: CommuneAssessment) -> dict[str, Any]:
    """What Mẫu 03 shows (the HTML page here, the PDF of engineer C on the same include)."""
    return {
        "dossier": dossier,
        "assessment": assessment,
        "product": dossier.product,
        "producer": dossier.producer,
        "commune": dossier.commune,
        "place": dossier.commune.name,
        "date": timezone.localtime(assessment.assessed_at).date(),
        "criteria_rows": [
            (label, getattr(assessment, name), getattr(assessment, f"{name}_met"))
            for name, label in CRITERIA_LABELS
        ],
        "registration_rows": display_rows(dossier.registration),
    }


@login_required
@require_GET
def commune_report(request: HttpRequest, code: str) -> HttpResponse:
    """Mẫu 03 (Báo cáo đánh giá của UBND cấp xã) as a printable page: the commune's latest
    assessment of the dossier."""
    dossier = access_dossier(request.user, code)
    assessment = (
        CommuneAssessment.objects.select_related("assessed_by")
        .filter(dossier=dossier)
        .order_by("-assessed_at", "-id")
        .first()
    )
    if assessment is None:
        raise Http404
    return render(
        request, "evaluation/dossiers/mau03.html", commune_report_context(dossier, assessment)
    )
