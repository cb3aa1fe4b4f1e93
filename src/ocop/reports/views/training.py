"""Training (đào tạo, tập huấn): the list of courses, a course's page (sessions, participants,
attendance), and the forms that organise it.

Officials read every course of their scope (`courses_visible_to`); a producer's people read the
courses their producer is enrolled in (only their own participants are listed to them). The
provincial office and administrators manage every course, a commune officer the courses of
their commune(s) (`access_course(..., write=True)`). Anyone else gets 404 (an anonymous visitor
is sent to sign in)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ocop.accounts.enums import PRODUCER_ROLES
from ocop.accounts.rules import Access, access_for
from ocop.core.forms import add_service_errors
from ocop.core.queries.activity import history_for
from ocop.core.views.lists import list_state
from ocop.core.xlsx import Column, wants_xlsx, xlsx_response
from ocop.evaluation.services.refusals import NotAllowed, WrongState
from ocop.geo.models import AdministrativeUnit
from ocop.reports.enums import COURSE_TRANSITIONS, TrainingAudience, TrainingStatus
from ocop.reports.forms import (
    AttendanceForm,
    CourseForm,
    CourseStatusForm,
    ParticipantForm,
    SessionForm,
)
from ocop.reports.models import TrainingAttendance
from ocop.reports.queries.training import (
    access_course,
    can_write_course,
    course_participants,
    course_sessions,
    courses_visible_to,
    session_of,
)
from ocop.reports.queries.units import unit_choices
from ocop.reports.rules import can_manage_training, can_see_reports
from ocop.reports.services.training import (
    add_participant,
    add_session,
    change_course_status,
    create_course,
    record_attendance,
    update_course,
)

SORT_OPTIONS: dict[str, tuple[Any, Any]] = {
    "year": (["-year", "title"], gettext_lazy("Year")),
    "title": (["title"], gettext_lazy("Title")),
    "updated": (["-updated_at"], gettext_lazy("Last changed")),
}
LIST_COLUMNS = [
    Column(gettext_lazy("Code"), "code"),
    Column(gettext_lazy("Title"), "title", width=40),
    Column(gettext_lazy("Year"), "year", kind="int"),
    Column(gettext_lazy("Audience"), "get_audience_display"),
    Column(gettext_lazy("Organiser"), "organiser", width=30),
    Column(
        gettext_lazy("Administrative unit"),
        lambda course: course.unit.name if course.unit else _("the whole programme"),
        width=24,
    ),
    Column(gettext_lazy("Status"), "get_status_display"),
    Column(gettext_lazy("Sessions"), "session_count", kind="int"),
    Column(gettext_lazy("Participants"), "participant_count", kind="int"),
    Column(gettext_lazy("Attended"), "attended_count", kind="int"),
]
COURSE_INITIAL = ("title", "topic", "audience", "organiser", "year", "capacity", "description")


def _may_read_training(access: Access) -> bool:
    return can_see_reports(access) or access.is_producer


def _unit_choices_for(access: Access) -> list[tuple[str, str]]:
    """The units a user may organise a course in: any for the office, their communes for a
    commune officer."""
    if access.is_admin or access.is_province_officer:
        return unit_choices()
    rows = AdministrativeUnit.objects.filter(pk__in=access.commune_unit_ids).order_by("name")
    return [(unit.key, unit.name) for unit in rows]


def _refusal_response(request: HttpRequest, exc: ValidationError, code: str) -> HttpResponse:
    if isinstance(exc, NotAllowed):
        raise PermissionDenied(exc.text)
    if isinstance(exc, WrongState):
        messages.error(request, exc.text)
    else:
        messages.error(request, " ".join(str(m) for m in exc.messages))
    return redirect("reports:course", code=code)


def _save_for_course(
    request: HttpRequest,
    form: Any,
    course: Any,
    save: Callable[[], Any],
    *,
    message: str,
    then: str = "reports:course",
) -> HttpResponse | None:
    """Run `save` (a service call) for a valid form of a course's page: on success the message
    and a redirect to `then`; a refusal of the course's state goes back to the course with its
    message; the service's field errors go onto the form (None: show the form again); a
    NotAllowed is a 403."""
    try:
        save()
    except WrongState as exc:
        return _refusal_response(request, exc, course.code)
    except NotAllowed as exc:
        raise PermissionDenied(exc.text) from None
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None
    messages.success(request, message)
    return redirect(then, code=course.code)


# --- the list ---------------------------------------------------------------------------------


@login_required
@require_GET
def course_list(request: HttpRequest) -> HttpResponse:
    """/bao-cao/dao-tao/: the courses the user may see, filtered by year, audience and status,
    with their sessions and participants counted (the same queries for 1 or 100 courses)."""
    access = access_for(request.user)
    if not _may_read_training(access):
        raise Http404
    filters = {name: request.GET.get(name, "").strip() for name in ("year", "audience", "status")}
    queryset = courses_visible_to(access).select_related("unit")
    if filters["year"].isdigit():
        queryset = queryset.filter(year=int(filters["year"]))
    if filters["audience"] in TrainingAudience.values:
        queryset = queryset.filter(audience=filters["audience"])
    if filters["status"] in TrainingStatus.values:
        queryset = queryset.filter(status=filters["status"])
    queryset = queryset.annotate(
        session_count=Count("sessions", distinct=True),
        participant_count=Count("participants", distinct=True),
    )
    state = list_state(
        request,
        queryset,
        search_fields=("title", "code", "organiser"),
        sort_options=SORT_OPTIONS,
        default_sort="year",
    )
    if wants_xlsx(request):
        # Attended: the participants present at one session or more (a subquery, not a join
        # that would multiply the rows counted above).
        attended = (
            TrainingAttendance.objects.filter(participant__course=OuterRef("pk"), present=True)
            .order_by()
            .values("participant__course")
            .annotate(n=Count("participant", distinct=True))
            .values("n")
        )
        rows = state.queryset.annotate(attended_count=Coalesce(Subquery(attended), 0))
        return xlsx_response(_("Training courses"), _("Training courses"), LIST_COLUMNS, rows)
    years = courses_visible_to(access).order_by("-year").values_list("year", flat=True).distinct()
    return render(
        request,
        "reports/course_list.html",
        {
            "state": state,
            "courses": state.items,
            "filters": filters,
            "years": [(str(y), str(y)) for y in years],
            "audiences": TrainingAudience.choices,
            "statuses": TrainingStatus.choices,
            "can_create": can_manage_training(access),
        },
    )


# --- a course ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def course_create(request: HttpRequest) -> HttpResponse:
    """/bao-cao/dao-tao/moi/: a new course (planned)."""
    access = access_for(request.user)
    if not can_manage_training(access):
        raise Http404
    form = CourseForm(request.POST or None, units=_unit_choices_for(access))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                course = create_course(actor=request.user, data=form.service_data())
            except NotAllowed as exc:
                raise PermissionDenied(exc.text) from None
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request, _("The course %(title)s is created.") % {"title": course.title}
                )
                return redirect("reports:course", code=course.code)
        status = 422
    return render(
        request, "reports/course_form.html", {"form": form, "course": None}, status=status
    )


@login_required
@require_GET
def course_detail(request: HttpRequest, code: str) -> HttpResponse:
    """/bao-cao/dao-tao/<code>/: the course, its sessions with who was present, its
    participants with how many sessions each attended."""
    access = access_for(request.user)
    course = access_course(access, code)
    official = can_see_reports(access)
    participants = course_participants(course)
    if not official:
        participants = participants.filter(
            producer__organisation_id__in=access.organisations_with(*PRODUCER_ROLES)
        )
    participants_list = list(participants)
    sessions = list(course_sessions(course))
    can_write = can_write_course(access, course)
    enrolled = len(participants_list) if official else course.participants.count()
    attended = sum(1 for p in participants_list if p.sessions_attended)
    return render(
        request,
        "reports/course_detail.html",
        {
            "course": course,
            "sessions": sessions,
            "participants": participants_list,
            "official": official,
            "enrolled": enrolled,
            "attended": attended,
            "can_write": can_write,
            "moves": [
                (value, label)
                for value, label in TrainingStatus.choices
                if value in COURSE_TRANSITIONS.get(course.status, frozenset())
            ]
            if can_write
            else [],
            "closed": course.status in (TrainingStatus.COMPLETED, TrainingStatus.CANCELLED),
            "history": history_for(course) if can_write else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def course_edit(request: HttpRequest, code: str) -> HttpResponse:
    """/bao-cao/dao-tao/<code>/sua/: change the course's details."""
    access = access_for(request.user)
    course = access_course(access, code, write=True)
    initial = {name: getattr(course, name) for name in COURSE_INITIAL}
    initial["unit"] = course.unit.key if course.unit else ""
    units = _unit_choices_for(access)
    if course.unit and course.unit.key not in {key for key, _label in units}:
        units = [(course.unit.key, course.unit.name), *units]
    form = CourseForm(request.POST or None, initial=initial, units=units)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                update_course(actor=request.user, course=course, data=form.service_data())
            except NotAllowed as exc:
                raise PermissionDenied(exc.text) from None
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The course is saved."))
                return redirect("reports:course", code=course.code)
        status = 422
    return render(
        request, "reports/course_form.html", {"form": form, "course": course}, status=status
    )


@login_required
@require_POST
def course_status(request: HttpRequest, code: str) -> HttpResponse:
    """POST /bao-cao/dao-tao/<code>/trang-thai/: open, complete, cancel or re-plan the course."""
    course = access_course(request.user, code, write=True)
    form = CourseStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status."))
        return redirect("reports:course", code=course.code)
    try:
        change_course_status(
            actor=request.user,
            course=course,
            to=form.cleaned_data["to"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        return _refusal_response(request, exc, course.code)
    messages.success(
        request, _("The course is now %(status)s.") % {"status": course.get_status_display()}
    )
    return redirect("reports:course", code=course.code)


# --- sessions, participants, attendance -------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest, code: str) -> HttpResponse:
    """/bao-cao/dao-tao/<code>/buoi-hoc/moi/: a session of the course."""
    course = access_course(request.user, code, write=True)
    form = SessionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            done = _save_for_course(
                request,
                form,
                course,
                lambda: add_session(actor=request.user, course=course, **form.cleaned_data),
                message=_("The session is added."),
            )
            if done is not None:
                return done
        status = 422
    return render(
        request,
        "reports/training/session_form.html",
        {"form": form, "course": course},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def participant_create(request: HttpRequest, code: str) -> HttpResponse:
    """/bao-cao/dao-tao/<code>/hoc-vien/moi/: enrol an official or a producer's person."""
    course = access_course(request.user, code, write=True)
    form = ParticipantForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            done = _save_for_course(
                request,
                form,
                course,
                lambda: add_participant(actor=request.user, course=course, **form.cleaned_data),
                message=_("%(name)s is enrolled.") % {"name": form.cleaned_data["full_name"]},
                then=(
                    "reports:participant_create" if "another" in request.POST else "reports:course"
                ),
            )
            if done is not None:
                return done
        status = 422
    return render(
        request,
        "reports/training/participant_form.html",
        {"form": form, "course": course},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, code: str, session: int) -> HttpResponse:
    """/bao-cao/dao-tao/<code>/buoi-hoc/<n>/diem-danh/: who was present (one checkbox per
    participant); saving replaces what was recorded."""
    course = access_course(request.user, code, write=True)
    the_session = session_of(course, session)
    participants = list(course.participants.order_by("full_name", "pk"))
    present = set(
        the_session.attendance.filter(present=True).values_list("participant_id", flat=True)
    )
    form = AttendanceForm(
        request.POST if request.method == "POST" else None,
        participants=participants,
        initial={"present": [str(pk) for pk in present]},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            done = _save_for_course(
                request,
                form,
                course,
                lambda: record_attendance(
                    actor=request.user, session=the_session, present=form.present_participants()
                ),
                message=_("The attendance is saved."),
            )
            if done is not None:
                return done
        status = 422
    return render(
        request,
        "reports/training/attendance_form.html",
        {"form": form, "course": course, "session": the_session, "participants": participants},
        status=status,
    )
