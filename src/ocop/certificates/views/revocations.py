"""A revocation (thu hồi): its page, and the decision (revoke, or not) by the authority."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ocop.accounts.rules import access_for
from ocop.certificates.enums import RevocationStatus
from ocop.certificates.forms import DecideRevocationForm, RejectRevocationForm
from ocop.certificates.models import Revocation
from ocop.certificates.queries.revocations import (
    access_revocation,
    can_decide_revocation,
    is_overdue,
)
from ocop.certificates.services.revocations import decide_revocation, reject_revocation
from ocop.certificates.views.manage import refuse
from ocop.core.forms import add_service_errors
from ocop.core.queries.activity import history_for
from ocop.evaluation.services.refusals import NotAllowed, WrongState


def _context(request: HttpRequest, revocation: Revocation, **extra: Any) -> dict[str, Any]:
    access = access_for(request.user)
    can_decide = revocation.status == RevocationStatus.PROPOSED and can_decide_revocation(
        access, revocation
    )
    context: dict[str, Any] = {
        "revocation": revocation,
        "certificate": revocation.certificate,
        "overdue": is_overdue(revocation, timezone.localdate()),
        "can_decide": can_decide,
        "history": history_for(revocation),
    }
    if can_decide:
        context["decide_form"] = DecideRevocationForm(auto_id="decide-%s")
        context["reject_form"] = RejectRevocationForm(auto_id="reject-%s")
    context.update(extra)
    return context


@login_required
@require_GET
def revocation_detail(request: HttpRequest, code: str) -> HttpResponse:
    revocation = access_revocation(request.user, code)
    return render(request, "certificates/manage/revocation.html", _context(request, revocation))


def _act(request: HttpRequest, code: str, *, reject_it: bool) -> HttpResponse:
    revocation = access_revocation(request.user, code)
    form_class = RejectRevocationForm if reject_it else DecideRevocationForm
    prefix = "reject" if reject_it else "decide"
    form = form_class(request.POST, auto_id=f"{prefix}-%s")
    if form.is_valid():
        service = reject_revocation if reject_it else decide_revocation
        try:
            service(actor=request.user, revocation=revocation, **form.cleaned_data)
        except NotAllowed as exc:
            raise refuse(exc) from None
        except WrongState as exc:
            messages.error(request, exc.text)
            return redirect("certificates:revocation", code=revocation.code)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            values = {"number": revocation.certificate.number}
            if reject_it:
                messages.success(request, _("Certificate %(number)s is not revoked.") % values)
            else:
                messages.success(request, _("Certificate %(number)s is revoked.") % values)
            return redirect("certificates:revocation", code=revocation.code)
    elif not can_decide_revocation(access_for(request.user), revocation):
        raise PermissionDenied(_("You may not decide this revocation."))
    context = _context(request, revocation, **{f"{prefix}_form": form})
    return render(request, "certificates/manage/revocation.html", context, status=422)


@login_required
@require_POST
def decide(request: HttpRequest, code: str) -> HttpResponse:
    return _act(request, code, reject_it=False)


@login_required
@require_POST
def reject(request: HttpRequest, code: str) -> HttpResponse:
    return _act(request, code, reject_it=True)
