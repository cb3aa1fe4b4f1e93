"""The moves of a dossier from its pages: submit, withdraw (the producer); the commune's
assessment (Mẫu 03), forward at an entry level without one, accept into a round, return with
reasons (the office of the level the dossier is at). Each loads through `access_dossier(...,
action=...)` (404 for anyone else) and calls one service; a refusal changes nothing and says
why."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ocop.accounts.rules import access_for
from ocop.core.forms import add_service_errors
from ocop.evaluation.enums import CommuneConclusion, DossierStatus, RoundStatus
from ocop.evaluation.forms_dossiers import AcceptForm, CommuneAssessmentForm, NoteForm, ReasonsForm
from ocop.evaluation.models import Round
from ocop.evaluation.queries.dossiers import access_dossier, available_actions, is_overdue
from ocop.evaluation.registration import display_rows
from ocop.evaluation.services.dossiers import (
    accept_dossier,
    assess_at_commune,
    dossier_profile,
    forward_dossier,
    missing_items,
    return_dossier,
    submit_dossier,
    withdraw_dossier,
)
from ocop.evaluation.services.procedures import ProcedureError


def _refused(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _back(code: str) -> HttpResponse:
    return redirect("evaluation:dossier", code=code)


@login_required
@require_POST
def submit(request: HttpRequest, code: str) -> HttpResponse:
    dossier = access_dossier(request.user, code, action="submit")
    try:
        submit_dossier(actor=request.user, dossier=dossier)
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and "missing" in exc.error_dict:
            messages.error(
                request,
                _("The dossier cannot be submitted yet; this is still missing:"),
            )
        _refused(request, exc)
    else:
        if dossier.due_on:
            messages.success(
                request,
                _("The dossier has been submitted. The commune answers by %(date)s.")
                % {"date": dossier.due_on.strftime("%d/%m/%Y")},
            )
        else:
            messages.success(request, _("The dossier has been submitted."))
    return _back(code)


@login_required
@require_POST
def withdraw(request: HttpRequest, code: str) -> HttpResponse:
    dossier = access_dossier(request.user, code, action="withdraw")
    form = NoteForm(request.POST)
    reason = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        withdraw_dossier(actor=request.user, dossier=dossier, reason=reason)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The dossier has been withdrawn."))
    return _back(code)


@login_required
@require_http_methods(["GET", "POST"])
def commune_assess(request: HttpRequest, code: str) -> HttpResponse:
    """The commune's assessment form (Mẫu 03): the four contents, completeness, report and
    conclusion (forward to the province, or return with reasons)."""
    access = access_for(request.user)
    dossier = access_dossier(access, code, action="commune_assess")
    try:
        profile = dossier_profile(dossier)
    except ProcedureError:
        raise Http404 from None
    if "commune_assess" not in available_actions(access, dossier, profile):
        messages.error(
            request,
            _("Dossier %(code)s is not waiting for the commune's assessment.")
            % {"code": dossier.code},
        )
        return _back(code)
    criteria = profile.commune_review.criteria if profile.commune_review else ()
    if request.method == "POST":
        form = CommuneAssessmentForm(request.POST, criteria=criteria)
        if form.is_valid():
            try:
                assess_at_commune(actor=request.user, dossier=dossier, data=form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if form.cleaned_data["conclusion"] == CommuneConclusion.FORWARD:
                    messages.success(request, _("The dossier has been forwarded."))
                else:
                    messages.success(request, _("The dossier has been returned to the producer."))
                return _back(code)
    else:
        form = CommuneAssessmentForm(criteria=criteria)
    context = {
        "dossier": dossier,
        "profile": profile,
        "form": form,
        "overdue": is_overdue(dossier),
        "missing": missing_items(dossier),
        "registration_rows": display_rows(dossier.registration),
    }
    return render(request, "evaluation/dossiers/commune_assess.html", context)


@login_required
@require_POST
def forward(request: HttpRequest, code: str) -> HttpResponse:
    dossier = access_dossier(request.user, code, action="forward")
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        forward_dossier(actor=request.user, dossier=dossier, note=note)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The dossier has been forwarded."))
    return _back(code)


@login_required
@require_POST
def accept(request: HttpRequest, code: str) -> HttpResponse:
    dossier = access_dossier(request.user, code, action="accept")
    rounds = Round.objects.filter(status=RoundStatus.OPEN)
    form = AcceptForm(request.POST, rounds=rounds)
    if not form.is_valid():
        messages.error(request, _("Choose an open evaluation round."))
        return _back(code)
    chosen = form.cleaned_data["round"]
    try:
        accept_dossier(actor=request.user, dossier=dossier, round=chosen)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(
            request,
            _("The dossier has been accepted into %(round)s.") % {"round": chosen.name},
        )
    return _back(code)


@login_required
@require_POST
def return_(request: HttpRequest, code: str) -> HttpResponse:
    dossier = access_dossier(request.user, code, action="return")
    form = ReasonsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reasons for returning the dossier."))
        return _back(code)
    try:
        return_dossier(actor=request.user, dossier=dossier, reasons=form.cleaned_data["reasons"])
    except ValidationError as exc:
        _refused(request, exc)
    else:
        status = DossierStatus.RETURNED.label
        messages.success(request, _("The dossier is now: %(status)s.") % {"status": status})
    return _back(code)
