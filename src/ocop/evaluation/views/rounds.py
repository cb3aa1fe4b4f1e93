"""The rounds screens: the list (the office creates a round there) and a round (its sessions,
the office moves its status)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from ocop.accounts.rules import access_for
from ocop.core.forms import add_service_errors
from ocop.core.xlsx import Column, wants_xlsx, xlsx_response
from ocop.evaluation.enums import ROUND_TRANSITIONS, DossierStatus, RoundStatus
from ocop.evaluation.forms_sessions import RoundForm, RoundStatusForm
from ocop.evaluation.queries.councils import access_round, can_manage_councils, can_see_rounds
from ocop.evaluation.queries.councils import rounds_visible_to as visible_rounds
from ocop.evaluation.queries.sessions import sessions_visible_to, with_session_columns
from ocop.evaluation.services.rounds import change_round_status, create_round

LIST_COLUMNS = [
    Column(gettext_lazy("Code"), "code"),
    Column(gettext_lazy("Round"), "name", width=36),
    Column(gettext_lazy("Year"), "year", kind="int"),
    Column(gettext_lazy("Round number"), "number", kind="int"),
    Column(gettext_lazy("Level"), "get_level_display"),
    Column(gettext_lazy("Criteria set"), "criteria_set.code"),
    Column(gettext_lazy("Dossiers proposed by"), "proposal_deadline", kind="date"),
    Column(gettext_lazy("Evaluated by"), "evaluation_deadline", kind="date"),
    Column(gettext_lazy("Status"), "get_status_display"),
    Column(gettext_lazy("Dossiers"), "dossier_count", kind="int"),
    Column(gettext_lazy("Sessions"), "session_count", kind="int"),
]


@login_required
@require_http_methods(["GET", "POST"])
def round_list(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    if not can_see_rounds(access):
        raise Http404
    manages = can_manage_councils(access)
    form = None
    if manages:
        form = RoundForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                round_ = create_round(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Round “%(name)s” created.") % {"name": round_.name})
                return redirect("evaluation:round", code=round_.code)
    elif request.method == "POST":
        raise Http404
    rounds = visible_rounds(access).annotate(
        session_count=Count("sessions", distinct=True),
        dossier_count=Count("dossiers", distinct=True),
    )
    if request.method == "GET" and wants_xlsx(request):
        title = _("Evaluation rounds")
        return xlsx_response(title, title, LIST_COLUMNS, rounds)
    return render(
        request,
        "evaluation/rounds/list.html",
        {"rounds": list(rounds), "form": form, "manages": manages},
    )


@login_required
@require_http_methods(["GET"])
def round_detail(request: HttpRequest, code: str) -> HttpResponse:
    access = access_for(request.user)
    round_ = access_round(access, code)
    manages = can_manage_councils(access)
    sessions = with_session_columns(sessions_visible_to(access).filter(round=round_)).order_by(
        "held_on", "id"
    )
    counts = round_.dossiers.aggregate(
        accepted=Count("id", filter=Q(status=DossierStatus.ACCEPTED)),
        in_session=Count("id", filter=Q(status=DossierStatus.IN_SESSION)),
        scored=Count("id", filter=Q(status=DossierStatus.SCORED)),
        total=Count("id"),
    )
    moves = [
        (status, RoundStatus(status).label)
        for status in RoundStatus.values
        if status in ROUND_TRANSITIONS.get(round_.status, frozenset())
    ]
    return render(
        request,
        "evaluation/rounds/detail.html",
        {
            "round": round_,
            "sessions": list(sessions),
            "counts": counts,
            "manages": manages,
            "moves": moves if manages else [],
        },
    )


@login_required
@require_POST
def round_status(request: HttpRequest, code: str) -> HttpResponse:
    round_ = access_round(request.user, code, manage=True)
    form = RoundStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the round's new status."))
        return redirect("evaluation:round", code=round_.code)
    try:
        change_round_status(actor=request.user, round=round_, to=form.cleaned_data["to"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("The round is now “%(status)s”.") % {"status": round_.get_status_display()},
        )
    return redirect("evaluation:round", code=round_.code)
