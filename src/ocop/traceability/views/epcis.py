"""The EPCIS 2.0 REST bindings under /epcis (GS1's epcis-rest-openapi.json; not the /api/v1 API):

- `OPTIONS|GET /epcis/` — discovery: versions, extensions, capture limits; the top-level
  resources;
- `POST /epcis/capture` — capture an EPCISDocument (or EPCISQueryDocument): synchronous, so the
  job is finished when the answer leaves; 202 with `Location` of the capture job (and the job in
  the body); a refused document: 400 (413 when too large) problem details naming every failing
  event and field, and the failed job is still readable at its address;
- `GET /epcis/capture`, `GET /epcis/capture/{captureID}` — capture jobs;
- `GET /epcis/events` — the simple event query (`EQ_bizStep`, `MATCH_epc`, `MATCH_anyEPC`,
  `MATCH_anyEPCClass`, `GE_eventTime`, `LT_eventTime`, `EQ_bizLocation` …), paged with `perPage`
  and `nextPageToken` (next page in the `Link` header, `rel="next"`), an EPCISQueryDocument;
- `GET /epcis/events/{eventID}` — one event (and the error declarations sharing its eventID);
- `GET /epcis/batches/{code}/events` — a batch's journey as one EPCISDocument (its producer and
  officials only; linked from the batch page).

Authentication as on the rest of the API (`Authorization: Bearer ocop_…`, or the signed-in
session with its CSRF token on POST); anonymous: 401. Every answer carries `GS1-EPCIS-Version`,
`GS1-CBV-Version` and `GS1-Extensions`; errors are RFC 9457 problem details with the bindings'
problem types (`epcisException:…`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja.errors import HttpError

from ocop.accounts.enums import PRODUCER_ROLES
from ocop.accounts.rules import access_for
from ocop.api import AUTH
from ocop.core.json import dumps
from ocop.core.problems import PROBLEM_CONTENT_TYPE, WWW_AUTHENTICATE
from ocop.producers.models import Producer
from ocop.traceability.enums import CaptureStatus
from ocop.traceability.models import CaptureJob
from ocop.traceability.queries import epcis as queries
from ocop.traceability.queries.batches import access_batch, sees_all_batches
from ocop.traceability.services.epcis import (
    CBV_VERSION,
    EPCIS_VERSION,
    TOO_LARGE,
    VALIDATION,
    CaptureError,
    capture_document,
    events_document,
    extensions_header,
    query_document,
    timestamp,
)

JSON = "application/json"
SECURITY = "epcisException:SecurityException"
NOT_FOUND = "epcisException:NoSuchResourceException"
QUERY_PARAMETER = "epcisException:QueryParameterException"
UNSUPPORTED_MEDIA = "epcisException:UnsupportedMediaTypeException"
IMPLEMENTATION = "epcisException:ImplementationException"


# --- answers -----------------------------------------------------------------------------------


def _versioned(response: HttpResponse, extensions: dict[str, str] | None = None) -> HttpResponse:
    response["GS1-EPCIS-Version"] = EPCIS_VERSION
    response["GS1-CBV-Version"] = CBV_VERSION
    response["GS1-Extensions"] = extensions_header(extensions or {})
    return response


def problem(
    request: HttpRequest,
    status: int,
    kind: str,
    title: str,
    *,
    detail: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """RFC 9457 problem details with a problem type of the EPCIS bindings."""
    body: dict[str, Any] = {
        "type": kind,
        "title": title,
        "status": status,
        "instance": request.get_full_path(),
    }
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    body.update(extra or {})
    response = HttpResponse(dumps(body), status=status, content_type=PROBLEM_CONTENT_TYPE)
    for key, value in (headers or {}).items():
        response[key] = value
    return _versioned(response)


def _json(data: Any, status: int = 200, extensions: dict[str, str] | None = None) -> HttpResponse:
    return _versioned(HttpResponse(dumps(data), status=status, content_type=JSON), extensions)


def _discovery(methods: tuple[str, ...], *, capture: bool = False) -> HttpResponse:
    response = HttpResponse(status=204)
    response["Allow"] = ", ".join(("OPTIONS", *methods))
    response["GS1-EPCIS-Min"] = EPCIS_VERSION
    response["GS1-EPCIS-Max"] = EPCIS_VERSION
    response["GS1-CBV-Min"] = CBV_VERSION
    response["GS1-CBV-Max"] = CBV_VERSION
    response["GS1-EPC-Format"] = "Never_Translates"
    response["GS1-Vendor-Version"] = "ocop-platform"
    if capture:
        response["GS1-EPCIS-Capture-File-Size-Limit"] = str(_limit())
        response["GS1-Capture-Error-Behaviour"] = "rollback"
    return _versioned(response)


def _limit() -> int:
    return int(settings.OCOP_EPCIS_MAX_MB * 1024 * 1024)


# --- the endpoint wrapper ----------------------------------------------------------------------


def _authenticate(request: HttpRequest) -> Any:
    """The user of a bearer token or of the signed-in session (CSRF checked on POST), or None;
    HttpError(403) for a session without its CSRF token."""
    for auth in AUTH:
        user = auth(request)
        if user:
            return user
    return None


def endpoint(*methods: str, capture: bool = False) -> Callable[..., Any]:
    """OPTIONS (discovery), the methods allowed (else 405), authentication (else 401), the GS1
    headers; the view gets the user."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            method = "GET" if request.method == "HEAD" else request.method
            if method == "OPTIONS":
                return _discovery(methods, capture=capture)
            if method not in methods:
                allowed = ", ".join(("OPTIONS", *methods))
                return problem(
                    request,
                    405,
                    "about:blank",
                    _("This method is not allowed here."),
                    headers={"Allow": allowed},
                )
            try:
                user = _authenticate(request)
            except HttpError:
                return problem(
                    request,
                    403,
                    SECURITY,
                    _("You are not allowed to do this."),
                    detail=_("The CSRF token of the signed-in session is missing or wrong."),
                )
            if user is None:
                return problem(
                    request,
                    401,
                    SECURITY,
                    _("Authentication is required."),
                    detail=_("Send Authorization: Bearer <token> (POST /api/v1/auth/token)."),
                    headers={"WWW-Authenticate": WWW_AUTHENTICATE},
                )
            return view(request, user, *args, **kwargs)

        return wrapped

    return decorate


def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return problem(request, 404, NOT_FOUND, _("Not found."))


# --- discovery ---------------------------------------------------------------------------------


@endpoint("GET")
def root(request: HttpRequest, user: Any) -> HttpResponse:
    """The top-level resources of this repository."""
    return _json(["capture", "events"])


# --- capture -----------------------------------------------------------------------------------


def job_json(request: HttpRequest, job: CaptureJob) -> dict[str, Any]:
    """A capture job as the bindings describe it (and how many events it stored)."""
    errors = []
    for error in job.errors or []:
        item = {
            "type": error.get("type", VALIDATION),
            "title": _("The EPCIS document was refused: nothing was stored."),
            "status": error.get("status", 400),
            "detail": error.get("message", ""),
        }
        for key in ("field", "event", "eventID"):
            if error.get(key) is not None:
                item[key] = error[key]
        errors.append(item)
    return {
        "captureID": str(job.capture_id),
        "createdAt": timestamp(job.created_at),
        "finishedAt": timestamp(job.finished_at) if job.finished_at else None,
        "running": job.status == CaptureStatus.RUNNING,
        "success": job.status == CaptureStatus.SUCCEEDED,
        "captureErrorBehaviour": "rollback",
        "errors": errors,
        "eventCount": job.event_count,
        "storedCount": job.stored_count,
        "href": request.build_absolute_uri(job_url(job)),
    }


def job_url(job: CaptureJob) -> str:
    return reverse("epcis:capture_job", kwargs={"capture_id": str(job.capture_id)})


def _capturing_producer(request: HttpRequest, user: Any) -> tuple[Any, HttpResponse | None]:
    """(the producer a producer's user captures for, or None for the office) or a refusal."""
    access = access_for(user)
    if sees_all_batches(access):
        return None, None
    own = access.organisations_with(*PRODUCER_ROLES)
    producers = list(Producer.objects.filter(organisation_id__in=own).order_by("code"))
    if not producers:
        return None, problem(
            request,
            403,
            SECURITY,
            _("You are not allowed to do this."),
            detail=_("Producers and the provincial OCOP office capture EPCIS events."),
        )
    if len(producers) == 1:
        return producers[0], None
    wanted = request.GET.get("producer", "")
    for producer in producers:
        if producer.code == wanted:
            return producer, None
    return None, problem(
        request,
        400,
        VALIDATION,
        _("Say which producer the events are for."),
        detail=_("You work for several producers: add ?producer=CODE (one of %(codes)s).")
        % {"codes": ", ".join(p.code for p in producers)},
    )


def _media_type_ok(request: HttpRequest) -> bool:
    media = request.content_type or ""
    return media == "" or "json" in media


@endpoint("GET", "POST", capture=True)
def capture(request: HttpRequest, user: Any) -> HttpResponse:
    if request.method == "POST":
        return _capture(request, user)
    try:
        per_page = min(max(int(request.GET.get("perPage", queries.PER_PAGE)), 1), 500)
        jobs, token = queries.job_page(
            queries.capture_jobs_visible_to(user), per_page, request.GET.get("nextPageToken")
        )
    except ValueError as exc:
        return problem(request, 400, QUERY_PARAMETER, _("The query is not valid."), detail=str(exc))
    response = _json([job_json(request, job) for job in jobs])
    if token:
        _link_next(request, response, token)
    return response


def _capture(request: HttpRequest, user: Any) -> HttpResponse:
    # Who may capture is decided first: a caller who may not gets 403 whatever they send.
    producer, refusal = _capturing_producer(request, user)
    if refusal is not None:
        return refusal
    behaviour = request.headers.get("GS1-Capture-Error-Behaviour", "rollback").strip().lower()
    if behaviour not in ("rollback", ""):
        return problem(
            request,
            400,
            VALIDATION,
            _("This repository captures all or nothing."),
            detail=_("Only GS1-Capture-Error-Behaviour: rollback is supported."),
        )
    if not _media_type_ok(request):
        return problem(
            request,
            415,
            UNSUPPORTED_MEDIA,
            _("Send the EPCIS document as JSON."),
            detail=_("Content-Type application/json or application/ld+json."),
        )
    # Never hold more than the limit (and one byte, to know it was more) in memory.
    body = request.read(_limit() + 1)
    try:
        job = capture_document(actor=user, document=body, producer=producer)
    except CaptureError as exc:
        headers = {}
        extra: dict[str, Any] = {}
        if exc.job is not None:
            headers["Location"] = job_url(exc.job)
            extra["captureID"] = str(exc.job.capture_id)
        if exc.kind == TOO_LARGE:
            headers["GS1-EPCIS-Capture-File-Size-Limit"] = str(_limit())
        return problem(
            request,
            exc.status,
            exc.kind,
            exc.title,
            detail=exc.detail,
            errors=exc.errors,
            headers=headers,
            extra=extra,
        )
    response = _json(job_json(request, job), status=202)
    response["Location"] = job_url(job)
    return response


@endpoint("GET")
def capture_job(request: HttpRequest, user: Any, capture_id: str) -> HttpResponse:
    try:
        job = queries.access_capture_job(user, capture_id)
    except Http404:  # existence must not leak
        return not_found(request)
    return _json(job_json(request, job))


# --- queries -----------------------------------------------------------------------------------


def _params(request: HttpRequest) -> dict[str, str]:
    """The query's parameters; a parameter given twice counts as one list (`a|b`)."""
    return {key: "|".join(request.GET.getlist(key)) for key in request.GET}


def _link_next(request: HttpRequest, response: HttpResponse, token: str) -> None:
    params = {k: v for k, v in _params(request).items() if k != "nextPageToken"}
    params["nextPageToken"] = token
    url = request.build_absolute_uri(f"{request.path}?{urlencode(params)}")
    response["Link"] = f'<{url}>; rel="next"'


@endpoint("GET")
def events(request: HttpRequest, user: Any) -> HttpResponse:
    try:
        query = queries.parse_event_query(_params(request))
    except queries.QueryError as exc:
        return problem(
            request,
            400,
            QUERY_PARAMETER,
            _("The query is not valid."),
            errors=[{"field": name, "message": message} for name, message in exc.errors],
        )
    rows, token = queries.page_of_events(queries.events_visible_to(user), query)
    document, extensions = query_document(rows)
    response = _json(document, extensions=extensions)
    if token:
        _link_next(request, response, token)
    return response


@endpoint("GET")
def event(request: HttpRequest, user: Any, event_id: str) -> HttpResponse:
    """One event by its eventID (with the error declarations that repeat it)."""
    rows = list(
        queries.events_visible_to(user).filter(event_id=event_id).order_by("event_time", "pk")[:50]
    )
    if not rows:
        return not_found(request)
    document, extensions = query_document(rows)
    return _json(document, extensions=extensions)


@endpoint("GET")
def batch_export(request: HttpRequest, user: Any, code: str) -> HttpResponse:
    """A batch's journey as one EPCIS 2.0 document (JSON-LD), to download."""
    try:
        batch = access_batch(user, code)
    except Http404:
        return not_found(request)
    document = events_document(queries.events_of_batch(batch))
    context = document["@context"]
    response = _json(document, extensions=context[1] if len(context) > 1 else None)
    response["Content-Disposition"] = f'attachment; filename="{batch.code}-epcis.jsonld"'
    return response
