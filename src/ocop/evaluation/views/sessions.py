"""The session screens: the member's sessions ("Phiên chấm của tôi"), a session (its agenda
with each item's progress, the attendance, the close with the quorum shown), adding a dossier to
the agenda, and the officials' spread statistics per member."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ocop.accounts.rules import access_for
from ocop.evaluation.enums import SessionSource, SessionStatus
from ocop.evaluation.forms_sessions import AgendaForm, AttendanceForm, MinutesResultForm
from ocop.evaluation.models import Session, SessionDossier
from ocop.evaluation.queries.sessions import (
    SessionProgress,
    Viewer,
    access_session,
    my_sessions,
    session_progress,
    viewer_for,
)
from ocop.evaluation.queries.statistics import member_statistics, statistics_councils
from ocop.evaluation.services.archive import record_archived_result
from ocop.evaluation.services.sessions import add_to_agenda, close_session, record_attendance


@login_required
@require_GET
def my_session_list(request: HttpRequest) -> HttpResponse:
    """The sessions of the councils the user sits on, open ones first."""
    sessions = list(my_sessions(request.user))
    return render(
        request,
        "evaluation/sessions/mine.html",
        {
            "open_sessions": [s for s in sessions if s.status == SessionStatus.OPEN],
            "closed_sessions": [s for s in sessions if s.status != SessionStatus.OPEN],
        },
    )


def _session_context(
    session: Session, viewer: Viewer, progress: SessionProgress, **extra: Any
) -> dict[str, Any]:
    is_open = session.status == SessionStatus.OPEN
    archived = session.source == SessionSource.ARCHIVE
    if archived and is_open and viewer.manages:  # the office types each result from the minutes
        for entry in progress.items:
            entry.minutes_form = MinutesResultForm(  # type: ignore[attr-defined]
                prefix=entry.item.dossier.code,
                initial={"mean_total": entry.item.mean_total, "stars": entry.item.stars},
            )
    if viewer.seat is not None:  # the viewer's own part in each item
        for entry in progress.items:
            entry.mine = next(  # type: ignore[attr-defined]
                (m for m in entry.members if m.seat.pk == viewer.seat.pk), None
            )
    context: dict[str, Any] = {
        "session": session,
        "viewer": viewer,
        "progress": progress,
        "quorum": progress.quorum,
        "is_open": is_open,
        "archived": archived,
        "can_close": is_open and (viewer.manages if archived else viewer.is_chair),
    }
    if is_open and viewer.manages:
        context["agenda_form"] = extra.get("agenda_form") or AgendaForm(session=session)
    if is_open and viewer.records_attendance:
        context["attendance_form"] = extra.get("attendance_form") or AttendanceForm(
            seats=progress.seats,
            initial={
                "present": [
                    seat.user.username for seat in progress.seats if seat.pk in progress.present_ids
                ]
            },
        )
    return context


@login_required
@require_GET
def session_detail(request: HttpRequest, code: str) -> HttpResponse:
    session = access_session(request.user, code)
    viewer = viewer_for(request.user, session)
    progress = session_progress(session)
    return render(
        request, "evaluation/sessions/detail.html", _session_context(session, viewer, progress)
    )


@login_required
@require_POST
def agenda_add(request: HttpRequest, code: str) -> HttpResponse:
    session = access_session(request.user, code, action="manage")
    form = AgendaForm(request.POST, session=session)
    if form.is_valid():
        try:
            item = add_to_agenda(
                actor=request.user, session=session, dossier=form.cleaned_data["dossier"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Dossier %(code)s is on the agenda.") % {"code": item.dossier.code},
            )
        return redirect("evaluation:session", code=session.code)
    viewer = viewer_for(request.user, session)
    context = _session_context(session, viewer, session_progress(session), agenda_form=form)
    return render(request, "evaluation/sessions/detail.html", context, status=400)


@login_required
@require_POST
def minutes_result(request: HttpRequest, code: str, dossier: str) -> HttpResponse:
    """The office records one item's result from the archived minutes."""
    session = access_session(request.user, code, action="manage")
    item = SessionDossier.objects.filter(session=session, dossier__code=dossier).first()
    if item is None:
        raise Http404
    form = MinutesResultForm(request.POST, prefix=dossier)
    if form.is_valid():
        try:
            record_archived_result(
                actor=request.user,
                item=item,
                mean_total=form.cleaned_data["mean_total"],
                stars=form.cleaned_data["stars"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The result of %(code)s is recorded.") % {"code": dossier})
    else:
        messages.error(request, _("Enter the mean score and the stars the minutes give."))
    return redirect("evaluation:session", code=session.code)


@login_required
@require_POST
def attendance(request: HttpRequest, code: str) -> HttpResponse:
    session = access_session(request.user, code)
    progress = session_progress(session, [])
    form = AttendanceForm(request.POST, seats=progress.seats)
    if form.is_valid():
        try:
            record_attendance(actor=request.user, session=session, present_members=form.members())
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The attendance is recorded."))
    else:
        messages.error(request, _("Choose the members who are present."))
    return redirect("evaluation:session", code=session.code)


@login_required
@require_POST
def close(request: HttpRequest, code: str) -> HttpResponse:
    session = access_session(request.user, code)
    try:
        close_session(actor=request.user, session=session)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Session %(code)s is closed; the council's results are stored.")
            % {"code": session.code},
        )
    return redirect("evaluation:session", code=session.code)


@login_required
@require_GET
def member_statistics_page(request: HttpRequest) -> HttpResponse:
    """How far each member's totals are from the others' (officials and chairs)."""
    access = access_for(request.user)
    councils = statistics_councils(access)
    if councils is None:
        raise Http404
    choices = list(councils.order_by("name", "id"))
    chosen = request.GET.get("council", "")
    scope = councils
    if chosen:
        scope = councils.filter(code=chosen)
        if not any(council.code == chosen for council in choices):
            chosen = ""
            scope = councils
    stats = member_statistics(scope)
    return render(
        request,
        "evaluation/sessions/statistics.html",
        {"stats": stats, "councils": choices, "chosen": chosen},
    )
