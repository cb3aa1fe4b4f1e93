"""Reads of EPCIS events and capture jobs: who sees them, the query parameters of
`GET /epcis/events` (EPCIS 2.0 simple event query, REST bindings), keyset paging, and the trace
lookups the trace page and the query interface share.

Who sees events (and capture jobs) — as for batches (`queries/batches.py`):

- the provincial OCOP office and the administrator: all;
- a commune officer: those of the producers of their commune(s);
- a producer's owner and staff: their producer's (the events that name its batches, and the
  events its users captured); capture jobs: those of their producer or that they captured;
- anyone else signed in: none (an empty list; a capture job or an event by id: 404).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core import signing
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from ocop.accounts.enums import PRODUCER_ROLES
from ocop.accounts.rules import Access, as_access
from ocop.traceability.enums import EpcRole
from ocop.traceability.epc import EpcError, canonical, pattern_prefix
from ocop.traceability.models import Batch, CaptureJob, Event, EventEPC
from ocop.traceability.queries.batches import may_see_any, sees_all_batches
from ocop.traceability.services.epcis import cbv_word, normalise_vocabulary
from ocop.traceability.services.event_hash import TimestampError, parse_timestamp

PER_PAGE = 30
MAX_PER_PAGE = 500
TOKEN_SALT = "ocop.traceability.epcis.page"  # noqa: S105 - a signing salt, not a secret

# EPCIS 2.0 §8.2.7.1: which identifiers each MATCH_ parameter looks at.
MATCH_ROLES: dict[str, frozenset[str]] = {
    "MATCH_epc": frozenset({EpcRole.EPC, EpcRole.CHILD}),
    "MATCH_parentID": frozenset({EpcRole.PARENT}),
    "MATCH_inputEPC": frozenset({EpcRole.INPUT}),
    "MATCH_outputEPC": frozenset({EpcRole.OUTPUT}),
    "MATCH_anyEPC": frozenset(
        {EpcRole.EPC, EpcRole.CHILD, EpcRole.PARENT, EpcRole.INPUT, EpcRole.OUTPUT}
    ),
    "MATCH_epcClass": frozenset({EpcRole.QUANTITY, EpcRole.CHILD_QUANTITY}),
    "MATCH_inputEPCClass": frozenset({EpcRole.INPUT_QUANTITY}),
    "MATCH_outputEPCClass": frozenset({EpcRole.OUTPUT_QUANTITY}),
    "MATCH_anyEPCClass": frozenset(
        {
            EpcRole.QUANTITY,
            EpcRole.CHILD_QUANTITY,
            EpcRole.INPUT_QUANTITY,
            EpcRole.OUTPUT_QUANTITY,
        }
    ),
}
EQ_COLUMNS = {
    "EQ_bizStep": "biz_step",
    "EQ_disposition": "disposition",
    "EQ_action": "action",
    "EQ_readPoint": "read_point",
    "EQ_bizLocation": "biz_location",
    "EQ_eventID": "event_id",
    "eventType": "event_type",
}
TIME_BOUNDS = {
    "GE_eventTime": ("event_time", "gte"),
    "LT_eventTime": ("event_time", "lt"),
    "GE_recordTime": ("record_time", "gte"),
    "LT_recordTime": ("record_time", "lt"),
}
PAGING = ("perPage", "nextPageToken")
SUPPORTED = frozenset([*MATCH_ROLES, *EQ_COLUMNS, *TIME_BOUNDS, *PAGING])


# --- who sees what -----------------------------------------------------------------------------


def _condition(access: Access, *, producer: str, captured: str | None = None) -> Q | None:
    """The user's condition on the producer at `producer` (a lookup prefix); None: everything."""
    if sees_all_batches(access):
        return None
    condition = Q(pk__in=[])
    if access.is_commune_officer:
        condition |= Q(**{f"{producer}commune_id__in": access.commune_unit_ids})
    own = access.organisations_with(*PRODUCER_ROLES)
    if own:
        condition |= Q(**{f"{producer}organisation_id__in": own})
        if captured is not None:
            condition |= Q(**{f"{captured}organisation_id__in": own})
    return condition


def events_visible_to(user_or_access: Any) -> QuerySet[Event]:
    access = as_access(user_or_access)
    if not access.is_authenticated or not may_see_any(access):
        return Event.objects.none()
    condition = _condition(access, producer="producer__", captured="job__producer__")
    queryset = Event.objects.all()
    return queryset if condition is None else queryset.filter(condition)


def capture_jobs_visible_to(user_or_access: Any) -> QuerySet[CaptureJob]:
    access = as_access(user_or_access)
    if not access.is_authenticated:
        return CaptureJob.objects.none()
    mine = Q(captured_by_id=access.user_id)
    if not may_see_any(access):
        return CaptureJob.objects.filter(mine)
    condition = _condition(access, producer="producer__")
    queryset = CaptureJob.objects.all()
    return queryset if condition is None else queryset.filter(condition | mine)


def access_capture_job(user_or_access: Any, capture_id: str) -> CaptureJob:
    """The capture job with this id if the user may see it; else 404."""
    job = capture_jobs_visible_to(user_or_access).filter(capture_id=_uuid(capture_id)).first()
    if job is None:
        raise Http404
    return job


def _uuid(value: str) -> Any:
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise Http404 from exc


# --- the trace lookups -------------------------------------------------------------------------


def events_of_batch(batch: Batch) -> QuerySet[Event]:
    """A batch's events, oldest first (index batch, event_time)."""
    return Event.objects.filter(batch=batch).order_by("event_time", "pk")


def events_naming(
    identifiers: Iterable[str], roles: Iterable[str] | None = None
) -> QuerySet[Event]:
    """The events that name one of these identifiers (any form: EPC URN, Digital Link on any
    domain) in one of these roles (default: any), oldest first (index epc, event)."""
    values = [canonical(value) for value in identifiers]
    epcs = EventEPC.objects.filter(epc__in=values)
    if roles is not None:
        epcs = epcs.filter(role__in=list(roles))
    return Event.objects.filter(pk__in=epcs.values("event_id")).order_by("event_time", "pk")


# --- GET /epcis/events -------------------------------------------------------------------------


class QueryError(ValueError):
    """A query parameter the repository cannot answer: `errors` is a list of (parameter,
    message)."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(message for _name, message in errors))
        self.errors = errors


@dataclass
class EventQuery:
    filters: list[Q] = field(default_factory=list)
    per_page: int = PER_PAGE
    after: tuple[dt.datetime, int] | None = None


def _values(raw: str) -> list[str]:
    """A pipe-delimited parameter (`shipping|receiving`)."""
    return [value for value in raw.split("|") if value != ""]


def _match(name: str, raw: str) -> Q:
    roles = list(MATCH_ROLES[name])
    exact: list[str] = []
    condition = Q(pk__in=[])
    for value in _values(raw):
        prefix = pattern_prefix(value)
        if prefix is not None:
            if "Class" in name:
                gtin_class = prefix[: -len("21/")].rstrip("/")
                exact.append(gtin_class)
                ids = EventEPC.objects.filter(
                    epc__startswith=gtin_class + "/10/", role__in=roles
                ).values("event_id")
            else:
                ids = EventEPC.objects.filter(epc__startswith=prefix, role__in=roles).values(
                    "event_id"
                )
            condition |= Q(pk__in=ids)
        else:
            exact.append(canonical(value))
    if exact:
        ids = EventEPC.objects.filter(epc__in=exact, role__in=roles).values("event_id")
        condition |= Q(pk__in=ids)
    return condition


def _eq(name: str, raw: str) -> Q:
    column = EQ_COLUMNS[name]
    values = _values(raw)
    if name in ("EQ_bizStep", "EQ_disposition"):
        kind = "bizStep" if name == "EQ_bizStep" else "disposition"
        values = [cbv_word(v, kind) or normalise_vocabulary(v, kind, {}) for v in values]
    elif name in ("EQ_readPoint", "EQ_bizLocation"):
        values = [canonical(value) for value in values]
    return Q(**{f"{column}__in": values})


def _time(name: str, raw: str) -> Q:
    column, lookup = TIME_BOUNDS[name]
    try:
        moment, _millis = parse_timestamp(raw)
    except TimestampError as exc:
        raise ValueError(
            _("“%(value)s” is not a date and time with its time zone, like %(example)s.")
            % {"value": raw, "example": "2025-03-10T00:00:00+07:00"}
        ) from exc
    return Q(**{f"{column}__{lookup}": moment})


def parse_event_query(params: Mapping[str, str]) -> EventQuery:
    """The query of `GET /epcis/events`; QueryError naming every parameter it cannot answer."""
    query = EventQuery()
    errors: list[tuple[str, str]] = []
    for name, raw in params.items():
        try:
            if name in MATCH_ROLES:
                query.filters.append(_match(name, raw))
            elif name in EQ_COLUMNS:
                query.filters.append(_eq(name, raw))
            elif name in TIME_BOUNDS:
                query.filters.append(_time(name, raw))
            elif name == "perPage":
                per_page = int(raw)
                if per_page < 1:
                    raise ValueError(_("perPage must be 1 or more."))
                query.per_page = min(per_page, MAX_PER_PAGE)
            elif name == "nextPageToken":
                query.after = read_token(raw)
            else:
                errors.append(
                    (
                        name,
                        _("This repository does not answer the parameter “%(name)s”.")
                        % {"name": name},
                    )
                )
        except EpcError as exc:
            errors.append((name, str(exc)))
        except ValueError as exc:
            message = str(exc)
            if message.startswith("invalid literal"):
                message = _("“%(value)s” is not a whole number.") % {"value": raw}
            errors.append((name, message))
    if errors:
        raise QueryError(errors)
    return query


def page_token(event: Event) -> str:
    """An opaque, signed token: where the next page starts (after this event)."""
    return signing.dumps([event.event_time.isoformat(), event.pk], salt=TOKEN_SALT, compress=True)


def read_token(token: str) -> tuple[dt.datetime, int]:
    try:
        moment, pk = signing.loads(token, salt=TOKEN_SALT)
        return dt.datetime.fromisoformat(moment), int(pk)
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise ValueError(_("This nextPageToken is not one this repository gave.")) from exc


def page_of_events(queryset: QuerySet[Event], query: EventQuery) -> tuple[list[Event], str | None]:
    """One page (keyset on event time and id, oldest first) and the token of the next page
    (None on the last page). One query."""
    for condition in query.filters:
        queryset = queryset.filter(condition)
    if query.after is not None:
        moment, pk = query.after
        queryset = queryset.filter(Q(event_time__gt=moment) | Q(event_time=moment, pk__gt=pk))
    rows = list(queryset.order_by("event_time", "pk")[: query.per_page + 1])
    if len(rows) > query.per_page:
        rows = rows[: query.per_page]
        return rows, page_token(rows[-1])
    return rows, None


def job_page(
    queryset: QuerySet[CaptureJob], per_page: int, token: str | None
) -> tuple[list[CaptureJob], str | None]:
    """A page of capture jobs, newest first, and the token of the next one."""
    if token:
        moment, pk = read_token(token)
        queryset = queryset.filter(Q(created_at__lt=moment) | Q(created_at=moment, pk__lt=pk))
    rows = list(queryset.order_by("-created_at", "-pk")[: per_page + 1])
    if len(rows) > per_page:
        rows = rows[:per_page]
        last = rows[-1]
        return rows, signing.dumps(
            [last.created_at.isoformat(), last.pk], salt=TOKEN_SALT, compress=True
        )
    return rows, None
