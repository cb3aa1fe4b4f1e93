"""An inspection (hậu kiểm): its page, and the office's actions (record the result, close the
follow-up, cancel). A violation leads to the certificate's page with a revocation proposal
filled in (ground Điều 8.b, linked to the inspection)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ocop.accounts.rules import access_for
from ocop.certificates.enums import CertificateStatus, InspectionOutcome, InspectionStatus
from ocop.certificates.forms import CancelInspectionForm, CloseFollowUpForm, RecordInspectionForm
from ocop.certificates.models import Inspection
from ocop.certificates.queries.certificates import can_manage_certificates
from ocop.certificates.queries.inspections import access_inspection
from ocop.certificates.services.inspections import (
    cancel_inspection,
    close_follow_up,
    record_inspection,
)
from ocop.certificates.views.manage import refuse
from ocop.core.forms import add_service_errors
from ocop.core.queries.activity import history_for
from ocop.evaluation.services.refusals import NotAllowed, WrongState

FORMS: dict[str, Any] = {
    "record": RecordInspectionForm,
    "close": CloseFollowUpForm,
    "cancel": CancelInspectionForm,
}
SERVICES: dict[str, Any] = {
    "record": record_inspection,
    "close": close_follow_up,
    "cancel": cancel_inspection,
}


def _context(request: HttpRequest, inspection: Inspection, **extra: Any) -> dict[str, Any]:
    manage = can_manage_certificates(access_for(request.user))
    planned = inspection.status == InspectionStatus.PLANNED
    done = inspection.status == InspectionStatus.DONE
    certificate = inspection.certificate
    context: dict[str, Any] = {
        "inspection": inspection,
        "certificate": certificate,
        "manage": manage,
        "suggest_revocation": manage
        and inspection.outcome == InspectionOutcome.VIOLATION
        and certificate.status == CertificateStatus.VALID,
        "history": history_for(inspection),
    }
    if manage and planned:
        context["record_form"] = RecordInspectionForm(auto_id="record-%s")
        context["cancel_form"] = CancelInspectionForm(auto_id="cancel-%s")
    if manage and done:
        context["close_form"] = CloseFollowUpForm(auto_id="close-%s")
    context.update(extra)
    return context


@login_required
@require_GET
def inspection_detail(request: HttpRequest, code: str) -> HttpResponse:
    inspection = access_inspection(request.user, code)
    return render(request, "certificates/manage/inspection.html", _context(request, inspection))


def _act(request: HttpRequest, code: str, action: str) -> HttpResponse:
    inspection = access_inspection(request.user, code)
    form = FORMS[action](request.POST, auto_id=f"{action}-%s")
    if form.is_valid():
        try:
            result = SERVICES[action](
                actor=request.user, inspection=inspection, **form.cleaned_data
            )
        except NotAllowed as exc:
            raise refuse(exc) from None
        except WrongState as exc:
            messages.error(request, exc.text)
            return redirect("certificates:inspection", code=inspection.code)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if action == "record" and result.outcome == InspectionOutcome.VIOLATION:
                messages.warning(
                    request,
                    _(
                        "The inspection found a violation: propose the revocation of the "
                        "certificate (Điều 8.b) below."
                    ),
                )
                url = reverse("certificates:detail", kwargs={"code": result.certificate.code})
                return redirect(f"{url}?inspection={result.code}#revocation")
            messages.success(request, _("The inspection has been saved."))
            return redirect("certificates:inspection", code=inspection.code)
    elif not can_manage_certificates(access_for(request.user)):
        raise PermissionDenied(_("Only the provincial OCOP office plans and records inspections."))
    context = _context(request, inspection, **{f"{action}_form": form})
    return render(request, "certificates/manage/inspection.html", context, status=422)


@login_required
@require_POST
def record(request: HttpRequest, code: str) -> HttpResponse:
    return _act(request, code, "record")


@login_required
@require_POST
def close(request: HttpRequest, code: str) -> HttpResponse:
    return _act(request, code, "close")


@login_required
@require_POST
def cancel(request: HttpRequest, code: str) -> HttpResponse:
    return _act(request, code, "cancel")
