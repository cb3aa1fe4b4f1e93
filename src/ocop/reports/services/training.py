"""Training courses (khóa đào tạo, tập huấn): every write.

    create_course(*, actor, data) -> TrainingCourse
        data: title, organiser, audience (TrainingAudience value), year (int), topic="",
        description="", capacity=None (int ≥ 1), unit=None (AdministrativeUnit, its key
        "p01" / "c00004", or its official code resolved in the course's year).
    update_course(*, actor, course, data) -> TrainingCourse       (keys absent keep their value)
    change_course_status(*, actor, course, to, reason="") -> TrainingCourse
        the one transition (COURSE_TRANSITIONS): planned -> open|cancelled, open ->
        completed|cancelled, cancelled -> planned.
    add_session(*, actor, course, starts_on, ends_on, place, trainer="") -> TrainingSession
        dates: date or ISO text; ends_on ≥ starts_on; at most 90 days long; starting in the
        course's year, the year before or the year after. Refused for a completed or cancelled
        course.
    add_participant(*, actor, course, kind, full_name, organisation_name="", producer=None,
                    user=None, unit=None, sex="", phone="") -> TrainingParticipant
        kind: ParticipantKind value ("official" | "producer"); producer: a Producer or its code
        (kind "producer" only); user: a User (optional link); unit: as for a course. The same
        name with the same producer only once a course; the course's places respected. Refused
        for a completed or cancelled course.
    record_attendance(*, actor, session, present) -> TrainingSession
        present: iterable of TrainingParticipant of the session's course; replaces the
        session's attendance (one row per participant of the course, present True/False);
        idempotent (the same call twice changes nothing and logs once). Refused for a cancelled
        course.

Who: the provincial OCOP office and administrators for every course; a commune officer for the
courses of their own commune(s) (`ocop.reports.queries.training.can_write_course`). Refusals:
`NotAllowed` (403), `WrongState` (409) for what the course's status forbids, `ValidationError`
naming the fields for bad input. Each write is atomic and writes its activity-log row on the
course (its History).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ocop.accounts.rules import access_for
from ocop.core.services.activity import diff, log_action, snapshot
from ocop.core.text import fold, nfc
from ocop.evaluation.services.refusals import NotAllowed, WrongState
from ocop.geo.models import AdministrativeUnit
from ocop.producers.models import Producer
from ocop.producers.validators import normalise_phone
from ocop.reports.enums import (
    COURSE_TRANSITIONS,
    ParticipantKind,
    TrainingAudience,
    TrainingStatus,
)
from ocop.reports.models import (
    TrainingAttendance,
    TrainingCourse,
    TrainingParticipant,
    TrainingSession,
)
from ocop.reports.queries.plans import find_unit, unit_valid_in
from ocop.reports.queries.training import can_write_course
from ocop.reports.rules import can_manage_training

YEAR_MIN, YEAR_MAX = 2018, 2100
CAPACITY_MAX = 100_000
SESSION_DAYS_MAX = 90
COURSE_FIELDS = (
    "title",
    "topic",
    "audience",
    "organiser",
    "unit",
    "year",
    "description",
    "capacity",
)
REQUIRED = ("title", "organiser", "audience", "year")
TEXT_LIMITS = {"title": 255, "topic": 255, "organiser": 255, "description": 5000}
REASON_MAX = 500
CLOSED = (TrainingStatus.COMPLETED, TrainingStatus.CANCELLED)
# The last part of the activity-log action of each move of change_course_status.
STATUS_VERBS: dict[str, str] = {
    TrainingStatus.OPEN: "open",
    TrainingStatus.COMPLETED: "finalise",
    TrainingStatus.CANCELLED: "cancel",
    TrainingStatus.PLANNED: "reopen",
}


# --- checks -----------------------------------------------------------------------------------


def _text(value: Any, limit: int) -> str:
    text = nfc(value if value is not None else "")
    if not isinstance(text, str):
        raise ValidationError(_("Enter text."), code="invalid")
    if len(text) > limit:
        raise ValidationError(
            _("Enter at most %(max)d characters."), code="max_length", params={"max": limit}
        )
    return text


def _whole(value: Any, low: int, high: int) -> int:
    if isinstance(value, bool):
        raise ValidationError(_("Enter a whole number."), code="invalid")
    if isinstance(value, str):
        value = value.strip()
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError(_("Enter a whole number."), code="invalid") from None
    if isinstance(value, float) and value != number:
        raise ValidationError(_("Enter a whole number."), code="invalid")
    if not low <= number <= high:
        raise ValidationError(
            _("Enter a number between %(min)d and %(max)d."),
            code="range",
            params={"min": low, "max": high},
        )
    return number


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError(_("Enter a valid date."), code="invalid_date") from None


def _unit(value: Any, year: int | None) -> AdministrativeUnit | None:
    if value in (None, ""):
        return None
    unit = find_unit(value, year)
    if unit is None:
        raise ValidationError(_("No administrative unit has this code in that year."), code="unit")
    if year is not None and not unit_valid_in(unit, year):
        raise ValidationError(
            _("%(unit)s did not exist in %(year)d."),
            code="unit",
            params={"unit": unit.name, "year": year},
        )
    return unit


def clean_course_data(
    data: Mapping[str, Any], course: TrainingCourse | None = None
) -> dict[str, Any]:
    """Every field of a course checked and normalised; absent keys keep the course's values.
    One ValidationError with every field's problem."""
    errors: dict[str, Any] = {}
    values: dict[str, Any] = {}

    def raw(name: str) -> Any:
        if name in data:
            return data[name]
        return getattr(course, name) if course is not None else None

    for name, limit in TEXT_LIMITS.items():
        try:
            values[name] = _text(raw(name), limit)
        except ValidationError as exc:
            errors[name] = exc
    audience = raw("audience")
    if audience in TrainingAudience.values:
        values["audience"] = str(audience)
    elif audience not in (None, ""):
        errors["audience"] = ValidationError(_("Choose who the course is for."), code="audience")
    year = raw("year")
    if year not in (None, ""):
        try:
            values["year"] = _whole(year, YEAR_MIN, YEAR_MAX)
        except ValidationError as exc:
            errors["year"] = exc
    capacity = raw("capacity")
    if capacity in (None, ""):
        values["capacity"] = None
    else:
        try:
            values["capacity"] = _whole(capacity, 1, CAPACITY_MAX)
        except ValidationError as exc:
            errors["capacity"] = exc
    if "year" not in errors:
        try:
            values["unit"] = _unit(raw("unit"), values.get("year"))
        except ValidationError as exc:
            errors["unit"] = exc
    for name in REQUIRED:
        if name not in errors and values.get(name) in (None, ""):
            errors[name] = ValidationError(_("This field is required."), code="required")
    if errors:
        raise ValidationError(errors)
    return values


def _may_create_in(actor: Any, unit: AdministrativeUnit | None) -> bool:
    access = access_for(actor)
    if access.is_admin or access.is_province_officer:
        return True
    return access.is_commune_officer and unit is not None and unit.pk in access.commune_unit_ids


def _require_writer(actor: Any, course: TrainingCourse) -> None:
    if not can_write_course(access_for(actor), course):
        raise NotAllowed(
            _("Only the provincial OCOP office and the commune that runs it change a course.")
        )


def _require_open(course: TrainingCourse) -> None:
    if course.status in CLOSED:
        raise WrongState(
            _("The course %(title)s is %(status)s: this cannot be done now.")
            % {"title": course.title, "status": course.get_status_display()}
        )


def _locked(course: TrainingCourse) -> TrainingCourse:
    return TrainingCourse.objects.select_for_update().get(pk=course.pk)


# --- courses ----------------------------------------------------------------------------------


@transaction.atomic
def create_course(*, actor: Any, data: Mapping[str, Any]) -> TrainingCourse:
    """A new course, planned. A commune officer creates courses of their own commune(s) only."""
    if not can_manage_training(access_for(actor)):
        raise NotAllowed(_("Only officials organise training courses."))
    values = clean_course_data(data)
    if not _may_create_in(actor, values["unit"]):
        raise ValidationError(
            {"unit": _("A commune officer organises courses of their own commune only.")}
        )
    course = TrainingCourse.objects.create(
        created_by=actor if getattr(actor, "is_authenticated", False) else None, **values
    )
    log_action(actor, "reports.trainingcourse.create", course, new=snapshot(course, COURSE_FIELDS))
    return course


@transaction.atomic
def update_course(*, actor: Any, course: TrainingCourse, data: Mapping[str, Any]) -> TrainingCourse:
    """Change a course's details (the keys of `data`; the others stay). Its places cannot drop
    below the participants already enrolled."""
    _require_writer(actor, course)
    locked = _locked(course)
    values = clean_course_data(data, locked)
    if not _may_create_in(actor, values["unit"]):
        raise ValidationError(
            {"unit": _("A commune officer organises courses of their own commune only.")}
        )
    enrolled = locked.participants.count()
    if values["capacity"] is not None and values["capacity"] < enrolled:
        raise ValidationError(
            {"capacity": _("%(count)d participants are already enrolled.") % {"count": enrolled}}
        )
    old = snapshot(locked, COURSE_FIELDS)
    for name, value in values.items():
        setattr(locked, name, value)
    locked.save()
    before, after = diff(old, snapshot(locked, COURSE_FIELDS))
    if after:
        log_action(actor, "reports.trainingcourse.update", locked, old=before, new=after)
    return locked


@transaction.atomic
def change_course_status(
    *, actor: Any, course: TrainingCourse, to: str, reason: str = ""
) -> TrainingCourse:
    """The one way a course's status changes (`COURSE_TRANSITIONS`)."""
    _require_writer(actor, course)
    reason = nfc(reason or "")
    if not isinstance(reason, str) or len(reason) > REASON_MAX:
        raise ValidationError(
            {"reason": _("Enter at most %(max)d characters.") % {"max": REASON_MAX}}
        )
    if to not in TrainingStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    locked = _locked(course)
    if to not in COURSE_TRANSITIONS.get(locked.status, frozenset()):
        raise WrongState(
            _("The course %(title)s is %(status)s: this cannot be done now.")
            % {"title": locked.title, "status": locked.get_status_display()}
        )
    old_status = locked.status
    locked.status = to
    locked.save(update_fields=["status", "updated_at"])
    log_action(
        actor,
        f"reports.trainingcourse.{STATUS_VERBS[to]}",
        locked,
        old={"status": old_status},
        new={"status": to},
        data={"reason": reason} if reason else None,
    )
    course.status = locked.status
    return locked


# --- sessions ---------------------------------------------------------------------------------


@transaction.atomic
def add_session(
    *,
    actor: Any,
    course: TrainingCourse,
    starts_on: Any,
    ends_on: Any,
    place: str,
    trainer: str = "",
) -> TrainingSession:
    """A session (one day or a few) of the course."""
    _require_writer(actor, course)
    locked = _locked(course)
    _require_open(locked)
    errors: dict[str, Any] = {}
    values: dict[str, Any] = {}
    for name, value in (("starts_on", starts_on), ("ends_on", ends_on)):
        if value in (None, ""):
            errors[name] = ValidationError(_("This field is required."), code="required")
            continue
        try:
            values[name] = _date(value)
        except ValidationError as exc:
            errors[name] = exc
    for name, value in (("place", place), ("trainer", trainer)):
        try:
            values[name] = _text(value, 255)
        except ValidationError as exc:
            errors[name] = exc
    if "place" not in errors and not values["place"]:
        errors["place"] = ValidationError(_("This field is required."), code="required")
    first, last = values.get("starts_on"), values.get("ends_on")
    if first is not None and not locked.year - 1 <= first.year <= locked.year + 1:
        errors["starts_on"] = ValidationError(
            _("A session of a course of %(year)d starts between %(first)d and %(last)d."),
            code="range",
            params={"year": locked.year, "first": locked.year - 1, "last": locked.year + 1},
        )
    if first is not None and last is not None and "starts_on" not in errors:
        if last < first:
            errors["ends_on"] = ValidationError(
                _("The last day cannot be before the first day."), code="dates"
            )
        elif (last - first).days >= SESSION_DAYS_MAX:
            errors["ends_on"] = ValidationError(
                _("A session lasts at most %(days)d days."),
                code="range",
                params={"days": SESSION_DAYS_MAX},
            )
    if errors:
        raise ValidationError(errors)
    session = TrainingSession.objects.create(course=locked, **values)
    log_action(
        actor,
        "reports.trainingcourse.add_session",
        locked,
        data={
            "starts_on": session.starts_on,
            "ends_on": session.ends_on,
            "place": session.place,
            "trainer": session.trainer,
        },
    )
    return session


# --- participants -----------------------------------------------------------------------------


def _producer(value: Any) -> Producer | None:
    if value in (None, ""):
        return None
    if isinstance(value, Producer):
        return value
    producer = Producer.objects.filter(code=str(value).strip()).first()
    if producer is None:
        raise ValidationError(_("No producer has this code."), code="producer")
    return producer


@transaction.atomic
def add_participant(
    *,
    actor: Any,
    course: TrainingCourse,
    kind: str,
    full_name: str,
    organisation_name: str = "",
    producer: Any = None,
    user: Any = None,
    unit: Any = None,
    sex: str = "",
    phone: str = "",
) -> TrainingParticipant:
    """Enrol someone: an official (optionally linked to their account) or a producer's person
    (optionally linked to the producer)."""
    _require_writer(actor, course)
    locked = _locked(course)
    _require_open(locked)
    errors: dict[str, Any] = {}
    values: dict[str, Any] = {}
    if kind not in ParticipantKind.values:
        errors["kind"] = ValidationError(_("Choose who the participant is."), code="kind")
    for name, value, limit in (
        ("full_name", full_name, 200),
        ("organisation_name", organisation_name, 255),
        ("sex", sex, 10),
    ):
        try:
            values[name] = _text(value, limit)
        except ValidationError as exc:
            errors[name] = exc
    if "full_name" not in errors and not values["full_name"]:
        errors["full_name"] = ValidationError(_("This field is required."), code="required")
    try:
        values["phone"] = normalise_phone(_text(phone, 20))
    except ValidationError as exc:
        errors["phone"] = exc
    try:
        values["producer"] = _producer(producer)
    except ValidationError as exc:
        errors["producer"] = exc
    if values.get("producer") is not None and kind == ParticipantKind.OFFICIAL:
        errors["producer"] = ValidationError(
            _("An official is not linked to a producer."), code="producer"
        )
    if user is not None and not isinstance(user, get_user_model()):
        errors["user"] = ValidationError(_("Choose an account."), code="user")
    try:
        values["unit"] = _unit(unit, None)
    except ValidationError as exc:
        errors["unit"] = exc
    if errors:
        raise ValidationError(errors)
    if values["producer"] is not None and not values["organisation_name"]:
        values["organisation_name"] = values["producer"].name
    same_name = [
        other
        for other in locked.participants.filter(producer=values["producer"]).only("full_name")
        if fold(other.full_name) == fold(values["full_name"])
    ]
    if same_name:
        raise ValidationError(
            {"full_name": _("%(name)s is already enrolled.") % {"name": values["full_name"]}}
        )
    if locked.capacity is not None and locked.participants.count() >= locked.capacity:
        raise WrongState(
            _("The course %(title)s is full (%(places)d places).")
            % {"title": locked.title, "places": locked.capacity}
        )
    participant = TrainingParticipant.objects.create(course=locked, kind=kind, user=user, **values)
    log_action(
        actor,
        "reports.trainingcourse.add_participant",
        locked,
        data={
            "kind": kind,
            "full_name": participant.full_name,
            "producer": participant.producer.code if participant.producer else None,
        },
    )
    return participant


# --- attendance -------------------------------------------------------------------------------


@transaction.atomic
def record_attendance(
    *, actor: Any, session: TrainingSession, present: Iterable[TrainingParticipant]
) -> TrainingSession:
    """Who was at `session`: one row per participant of the course, present or not; the call
    replaces what was recorded before. The same call twice changes nothing."""
    course = session.course
    _require_writer(actor, course)
    locked = _locked(course)
    if locked.status == TrainingStatus.CANCELLED:
        raise WrongState(
            _("The course %(title)s is %(status)s: this cannot be done now.")
            % {"title": locked.title, "status": locked.get_status_display()}
        )
    participants = {p.pk: p for p in locked.participants.all()}
    wanted = {p.pk for p in present}
    strangers = wanted - participants.keys()
    if strangers:
        raise ValidationError({"present": _("Only participants of this course can be present.")})
    existing = {row.participant_id: row for row in session.attendance.all()}
    before = sorted(participants[pid].full_name for pid, row in existing.items() if row.present)
    to_create, to_update = [], []
    for pid in participants:
        is_present = pid in wanted
        row = existing.get(pid)
        if row is None:
            to_create.append(
                TrainingAttendance(session=session, participant_id=pid, present=is_present)
            )
        elif row.present != is_present:
            row.present = is_present
            to_update.append(row)
    TrainingAttendance.objects.bulk_create(to_create)
    for row in to_update:
        row.save(update_fields=["present", "recorded_at"])
    after = sorted(participants[pid].full_name for pid in wanted)
    if to_create or to_update:
        log_action(
            actor,
            "reports.trainingcourse.attendance",
            locked,
            old={"present": before},
            new={"present": after},
            data={"session": session.starts_on},
        )
    return session
