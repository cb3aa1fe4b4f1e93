"""The certificate screens for officials and producers: the list, a certificate (its facts, state,
re-evaluation window, revocations, inspections and the actions of the user), its History tab, the
office's work list, and the actions on a certificate (start a re-evaluation or an upgrade,
propose a revocation, plan an inspection).

Each view loads through `access_certificate` (404 when the user may not see it) and calls one
service; a refusal to someone who sees the certificate is 403 (`NotAllowed`), bad input is shown
on the form (422)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from ocop.accounts.rules import Access, access_for
from ocop.certificates.dates import (
    certificate_rules,
    expiry_notice_from,
    window_of,
)
from ocop.certificates.enums import (
    CertificateStatus,
    InspectionStatus,
    RevocationGround,
    RevocationStatus,
    VerificationState,
)
from ocop.certificates.forms import PlanInspectionForm, ProposeRevocationForm
from ocop.certificates.models import Certificate, Inspection
from ocop.certificates.queries.certificates import (
    STATE_FILTERS,
    access_certificate,
    can_manage_certificates,
    certificate_actions,
    certificate_years,
    certificates_visible_to,
    expiring_days,
    filter_certificates,
    in_force,
    may_see_any,
    sees_all_certificates,
    with_list_columns,
)
from ocop.certificates.queries.inspections import (
    inspections_of,
    open_follow_ups,
    planned_inspections,
)
from ocop.certificates.queries.revocations import (
    can_decide_revocation,
    is_overdue,
    open_proposals,
    revocations_of,
)
from ocop.certificates.services.inspections import plan_inspection
from ocop.certificates.services.lifecycle import start_reevaluation, start_upgrade
from ocop.certificates.services.revocations import propose_revocation
from ocop.core.forms import add_service_errors
from ocop.core.queries.activity import history_for
from ocop.core.text import short_date
from ocop.core.views.lists import list_state
from ocop.core.xlsx import Column, wants_xlsx, xlsx_response
from ocop.evaluation.services.refusals import NotAllowed

SORT_OPTIONS: dict[str, tuple[Any, Any]] = {
    "issued": (["-issued_on", "-sequence"], gettext_lazy("Newest first")),
    "expiry": (["expires_on", "sequence"], gettext_lazy("Expiry date")),
    "product": (["product_name", "-issued_on"], gettext_lazy("Product")),
}
WORKLIST_ROWS = 200


def list_columns(today: dt.date) -> list[Column]:
    """The list's spreadsheet: what a row shows, with the state on `today`."""
    return [
        Column(gettext_lazy("Certificate number"), "number", width=22),
        Column(gettext_lazy("Product"), "product_name", width=36),
        Column(gettext_lazy("Producer"), "producer_name", width=36),
        Column(gettext_lazy("Commune or ward"), "unit_name", width=24),
        Column(gettext_lazy("Stars"), "stars", kind="int"),
        Column(gettext_lazy("Mean score"), "mean_total", kind="decimal"),
        Column(gettext_lazy("Criteria set"), "criteria_code"),
        Column(gettext_lazy("Decision number"), "decision_number"),
        Column(gettext_lazy("Decision date"), "decided_on", kind="date"),
        Column(gettext_lazy("Issued on"), "issued_on", kind="date"),
        Column(gettext_lazy("Expires on"), "expires_on", kind="date"),
        Column(
            gettext_lazy("State"),
            lambda certificate: VerificationState(certificate.state_on(today)).label,
        ),
    ]


def refuse(exc: NotAllowed) -> PermissionDenied:
    """A refusal to someone who may see the object: 403 with the service's message."""
    return PermissionDenied(exc.text)


# --- the list -------------------------------------------------------------------------------


@login_required
@require_GET
def certificate_list(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    if not may_see_any(access):
        raise Http404
    today = timezone.localdate()
    filters = {name: request.GET.get(name, "").strip() for name in ("status", "stars", "year")}
    visible = certificates_visible_to(access)
    queryset = filter_certificates(visible, q=request.GET.get("q", ""), on=today, **filters)
    state = list_state(
        request,
        with_list_columns(queryset),
        sort_options=SORT_OPTIONS,
        default_sort="issued",
    )
    if wants_xlsx(request):
        return xlsx_response(
            _("Certificates"), _("Certificates"), list_columns(today), state.queryset
        )
    rows = [(certificate, certificate.state_on(today)) for certificate in state.items]
    states = [(value, VerificationState(value).label) for value in STATE_FILTERS]
    return render(
        request,
        "certificates/manage/list.html",
        {
            "state": state,
            "rows": rows,
            "filters": filters,
            "states": states,
            "star_choices": [(str(n), f"{n}★") for n in (3, 4, 5)],
            "years": [(str(year), str(year)) for year in certificate_years(visible)],
            "can_worklist": sees_all_certificates(access),
        },
    )


# --- a certificate --------------------------------------------------------------------------


def _violation_initial(certificate: Certificate, code: str) -> dict[str, Any]:
    """The proposal suggested by an inspection that found a violation (ground Điều 8.b)."""
    inspection = (
        Inspection.objects.filter(
            certificate=certificate,
            code=code,
            status__in=(InspectionStatus.DONE, InspectionStatus.CLOSED),
        )
        .order_by("pk")
        .first()
    )
    if inspection is None:
        return {}
    return {
        "ground": RevocationGround.CRITERIA_NOT_MET,
        "inspection": inspection.code,
        "concluded_on": inspection.carried_out_on,
        "basis": _("Inspection %(code)s of %(date)s")
        % {"code": inspection.code, "date": short_date(inspection.carried_out_on)},
    }


def _carried_out(inspections: list[Inspection]) -> list[Inspection]:
    return [
        item
        for item in inspections
        if item.status in (InspectionStatus.DONE, InspectionStatus.CLOSED)
    ]


def detail_context(request: HttpRequest, certificate: Certificate, **extra: Any) -> dict[str, Any]:
    access: Access = access_for(request.user)
    today = timezone.localdate()
    manage = can_manage_certificates(access)
    rules = certificate_rules(certificate.criteria_set)
    window = window_of(certificate)
    actions = certificate_actions(access, certificate, today)
    revocations = list(revocations_of(access, certificate))
    open_proposal = next((r for r in revocations if r.status == RevocationStatus.PROPOSED), None)
    inspections = list(inspections_of(access, certificate))
    state = certificate.state_on(today)
    context: dict[str, Any] = {
        "certificate": certificate,
        "tab": "info",
        "today": today,
        "state": state,
        "state_label": VerificationState(state).label,
        "notice_from": expiry_notice_from(certificate.expires_on, rules),
        "window": window,
        "window_open": bool(window and window.is_open(today)),
        "window_late": bool(window and window.is_late(today)),
        "window_not_yet": bool(window and not window.has_opened(today)),
        "in_force": in_force(certificate, today),
        "can_reevaluate": "reevaluation" in actions,
        "can_upgrade": "upgrade" in actions,
        "can_propose": "propose_revocation" in actions,
        "can_plan": "plan_inspection" in actions,
        "manage": manage,
        "revocations": [(r, is_overdue(r, today)) for r in revocations],
        "open_proposal": open_proposal,
        "can_decide": bool(open_proposal and can_decide_revocation(access, open_proposal)),
        "inspections": inspections,
        "replaced_by": list(certificate.replaced_by.order_by("-issued_on")),
    }
    if context["can_propose"] and "propose_form" not in extra:
        initial = _violation_initial(certificate, request.GET.get("inspection", ""))
        context["propose_form"] = ProposeRevocationForm(
            initial=initial, inspections=_carried_out(inspections), auto_id="propose-%s"
        )
    if context["can_plan"] and "plan_form" not in extra:
        context["plan_form"] = PlanInspectionForm(auto_id="plan-%s")
    context.update(extra)
    return context


@login_required
@require_GET
def certificate_detail(request: HttpRequest, code: str) -> HttpResponse:
    certificate = access_certificate(request.user, code)
    return render(request, "certificates/manage/detail.html", detail_context(request, certificate))


@login_required
@require_GET
def certificate_history(request: HttpRequest, code: str) -> HttpResponse:
    certificate = access_certificate(request.user, code)
    return render(
        request,
        "certificates/manage/history.html",
        {"certificate": certificate, "tab": "history", "history": history_for(certificate)},
    )


# --- re-evaluation and upgrade --------------------------------------------------------------


def _start(request: HttpRequest, code: str, *, upgrade: bool) -> HttpResponse:
    certificate = access_certificate(request.user, code)
    try:
        if upgrade:
            dossier = start_upgrade(actor=request.user, certificate=certificate)
        else:
            dossier = start_reevaluation(actor=request.user, certificate=certificate)
    except NotAllowed as exc:
        raise refuse(exc) from None
    except ValidationError as exc:
        messages.error(request, " ".join(str(m) for m in exc.messages))
        return redirect("certificates:detail", code=certificate.code)
    if upgrade:
        text = _(
            "Upgrade dossier %(code)s has been started from the last dossier: complete it and submit it."
        )
    else:
        text = _(
            "Re-evaluation dossier %(code)s has been started from the last dossier: complete it "
            "and submit it."
        )
    messages.success(request, text % {"code": dossier.code})
    window = window_of(certificate)
    if not upgrade and window is not None and window.is_late(timezone.localdate()):
        messages.warning(
            request,
            _(
                "The re-evaluation window closed on %(closes)s: the dossier is late. The "
                "certificate is kept until the result at most until %(kept)s (Điều 12)."
            )
            % {"closes": short_date(window.closes_on), "kept": short_date(window.kept_until)},
        )
    return redirect("evaluation:dossier", code=dossier.code)


@login_required
@require_POST
def reevaluate(request: HttpRequest, code: str) -> HttpResponse:
    return _start(request, code, upgrade=False)


@login_required
@require_POST
def upgrade(request: HttpRequest, code: str) -> HttpResponse:
    return _start(request, code, upgrade=True)


# --- revocation proposal and inspection plan ------------------------------------------------


@login_required
@require_POST
def propose(request: HttpRequest, code: str) -> HttpResponse:
    certificate = access_certificate(request.user, code)
    access = access_for(request.user)
    carried_out = _carried_out(list(inspections_of(access, certificate)))
    form = ProposeRevocationForm(request.POST, inspections=carried_out, auto_id="propose-%s")
    if form.is_valid():
        data = form.cleaned_data
        inspection = next((i for i in carried_out if i.code == data["inspection"]), None)
        try:
            revocation = propose_revocation(
                actor=request.user,
                certificate=certificate,
                ground=data["ground"],
                basis=data["basis"],
                concluded_on=data["concluded_on"],
                inspection=inspection,
                note=data["note"],
            )
        except NotAllowed as exc:
            raise refuse(exc) from None
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Revocation %(code)s is proposed: to be decided by %(due)s.")
                % {"code": revocation.code, "due": short_date(revocation.due_on)},
            )
            return redirect("certificates:revocation", code=revocation.code)
    elif not can_manage_certificates(access):
        raise PermissionDenied(
            _("Only the provincial OCOP office proposes to revoke a certificate.")
        )
    context = detail_context(request, certificate, propose_form=form)
    context["can_propose"] = True
    return render(request, "certificates/manage/detail.html", context, status=422)


@login_required
@require_POST
def plan(request: HttpRequest, code: str) -> HttpResponse:
    certificate = access_certificate(request.user, code)
    form = PlanInspectionForm(request.POST, auto_id="plan-%s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            inspection = plan_inspection(actor=request.user, certificate=certificate, **data)
        except NotAllowed as exc:
            raise refuse(exc) from None
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Inspection %(code)s is planned for %(date)s.")
                % {"code": inspection.code, "date": short_date(inspection.planned_on)},
            )
            return redirect("certificates:inspection", code=inspection.code)
    elif not can_manage_certificates(access_for(request.user)):
        raise PermissionDenied(_("Only the provincial OCOP office plans and records inspections."))
    context = detail_context(request, certificate, plan_form=form)
    context["can_plan"] = True
    return render(request, "certificates/manage/detail.html", context, status=422)


# --- the work list --------------------------------------------------------------------------


@login_required
@require_GET
def worklist(request: HttpRequest) -> HttpResponse:
    """What waits for the office (revocations to decide or record, inspections, follow-ups,
    certificates expiring) and for the approver (revocations to decide)."""
    access = access_for(request.user)
    if not sees_all_certificates(access):
        raise Http404
    today = timezone.localdate()
    manage = can_manage_certificates(access)
    proposals = [
        (revocation, is_overdue(revocation, today), can_decide_revocation(access, revocation))
        for revocation in open_proposals(access)[:WORKLIST_ROWS]
    ]
    context: dict[str, Any] = {
        "today": today,
        "manage": manage,
        "proposals": proposals,
        "expiring_days": expiring_days(),
    }
    if manage:
        context["inspections"] = [
            (item, item.planned_on < today) for item in planned_inspections(access)[:WORKLIST_ROWS]
        ]
        context["follow_ups"] = [
            (item, bool(item.follow_up_due and item.follow_up_due < today))
            for item in open_follow_ups(access)[:WORKLIST_ROWS]
        ]
        # Valid certificates within the "expiring" days of their expiry (and any past it that
        # the daily sweep has not expired yet).
        expiring = certificates_visible_to(access).filter(
            status=CertificateStatus.VALID,
            expires_on__lte=today + dt.timedelta(days=expiring_days()),
        )
        context["expiring"] = [
            (certificate, certificate.state_on(today))
            for certificate in expiring.order_by("expires_on", "pk")[:WORKLIST_ROWS]
        ]
    return render(request, "certificates/manage/worklist.html", context)
