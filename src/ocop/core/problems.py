"""RFC 9457 problem details for every API error.

Endpoints raise (`Http404`, `PermissionDenied`, `ValidationError`, `Problem`); the handlers that
`install` registers on the NinjaAPI answer `application/problem+json`. Errors that never reach an
endpoint (an unknown path, a wrong method, a crash) are rewritten by `ApiProblemMiddleware` with
`problem_for_status`.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from ocop.core.json import dumps

PROBLEM_BASE = "https://ocop.invalid/problems/"  # not dereferenceable; stable identifiers only
PROBLEM_CONTENT_TYPE = "application/problem+json"
# RFC 9110: a 401 names the scheme the client should use.
WWW_AUTHENTICATE = 'Bearer realm="ocop"'


class Problem(Exception):
    """An error the API answers as it is: raise it from an endpoint.

    `kind` is the last part of the problem type URI (`invalid-credentials`); `headers` are added
    to the response (`WWW-Authenticate`, `Retry-After`).
    """

    def __init__(
        self,
        status: int,
        title: str,
        *,
        kind: str = "about:blank",
        detail: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(title)
        self.status = status
        self.title = title
        self.kind = kind
        self.detail = detail
        self.headers = headers or {}


class ProblemFieldError(Schema):
    field: str | None
    message: str


class ProblemOut(Schema):
    """The body of every error response (RFC 9457), for the OpenAPI schema."""

    type: str
    title: str
    status: int
    instance: str
    detail: str | None = None
    errors: list[ProblemFieldError] | None = None


def problem(
    request: HttpRequest,
    status: int,
    title: str,
    *,
    kind: str = "about:blank",
    detail: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": kind if kind == "about:blank" else PROBLEM_BASE + kind,
        "title": title,
        "status": status,
        "instance": request.get_full_path(),
    }
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    response = HttpResponse(dumps(body), status=status, content_type=PROBLEM_CONTENT_TYPE)
    for key, value in (headers or {}).items():
        response[key] = value
    return response


# Errors that happen before an endpoint runs, by status: (title, kind).
STATUS_PROBLEMS: dict[int, tuple[Any, str]] = {
    400: (gettext_lazy("The request is not valid."), "bad-request"),
    401: (gettext_lazy("Authentication is required."), "unauthenticated"),
    403: (gettext_lazy("You are not allowed to do this."), "forbidden"),
    404: (gettext_lazy("Not found."), "not-found"),
    405: (gettext_lazy("This method is not allowed here."), "method-not-allowed"),
    413: (gettext_lazy("The request is too large."), "too-large"),
    500: (gettext_lazy("The server could not complete the request."), "server-error"),
}
# Headers of the original response that the problem keeps.
KEPT_HEADERS = ("Allow", "WWW-Authenticate", "Retry-After")


def problem_for_status(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """The problem details that replace a non-JSON error response (HTML 404 page, bare 405)."""
    status = response.status_code
    known = STATUS_PROBLEMS.get(status)
    if known is not None:
        title, kind = str(known[0]), known[1]
    else:
        title, kind = _phrase(status), "about:blank"
    headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
    return problem(request, status, title, kind=kind, headers=headers)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return str(status)


def django_errors(exc: DjangoValidationError) -> list[dict[str, Any]]:
    if hasattr(exc, "error_dict"):
        return [
            {"field": field, "message": message}
            for field, errs in exc.message_dict.items()
            for message in errs
        ]
    return [{"field": None, "message": message} for message in exc.messages]


# Problems an operation can answer besides the ones it declares, documented in the OpenAPI schema
# for every operation by `document_problems` (what each error status needs of the operation).
def _problem_statuses(method: str, operation: dict[str, Any]) -> set[int]:
    parameters = operation.get("parameters") or []
    secured = bool(operation.get("security"))
    statuses: set[int] = set()
    if secured:
        statuses |= {401, 403}
    if parameters or operation.get("requestBody"):
        statuses.add(422)
    if any(p.get("in") == "path" for p in parameters) or (secured and 422 in statuses):
        statuses.add(404)  # a code in the path, the query or the body names nothing visible
    if operation.get("requestBody"):
        statuses.add(400)  # a body that is not JSON, or too large
    if secured and method != "get":
        statuses.add(409)  # a move the object's state forbids
    return statuses


def document_problems(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the problem+json error responses to every operation of an OpenAPI schema: the ones an
    endpoint raises (404 of a loader, 403, 409 of a service, 422 of validation) and the ones the
    plumbing answers before it runs (401, 400 of a body that is not JSON). Declared error
    responses keep their schema and are answered as `application/problem+json`."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    problem_schema = ProblemOut.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(problem_schema.pop("$defs", {}))
    components.setdefault("ProblemOut", problem_schema)
    ref = {"$ref": "#/components/schemas/ProblemOut"}
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status in sorted(_problem_statuses(method, operation)):
                if status not in responses and str(status) not in responses:
                    responses[status] = {"description": _phrase(status)}
            for status, response in responses.items():
                if int(status) < 400:
                    continue
                declared = (response.get("content") or {}).get("application/json", {})
                response["content"] = {
                    PROBLEM_CONTENT_TYPE: {"schema": declared.get("schema", ref)}
                }
    return schema


def install(api: NinjaAPI) -> None:
    from ocop.core.openapi import UniqueComponentsSchema

    def get_openapi_schema(
        *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        if path_prefix is None:
            path_prefix = api.get_root_path(path_params or {})
        return document_problems(UniqueComponentsSchema(api, path_prefix))

    api.get_openapi_schema = get_openapi_schema  # type: ignore[method-assign]

    @api.exception_handler(NinjaValidationError)
    def on_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = []
        for err in exc.errors:
            loc = [
                str(part)
                for part in err.get("loc", [])
                if part not in ("body", "payload", "query", "path")
            ]
            errors.append({"field": ".".join(loc) or None, "message": str(err.get("msg", ""))})
        return problem(
            request, 422, _("The request is not valid."), kind="validation", errors=errors
        )

    @api.exception_handler(DjangoValidationError)
    def on_django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        return problem(
            request,
            422,
            _("The request is not valid."),
            kind="validation",
            errors=django_errors(exc),
        )

    @api.exception_handler(Http404)
    def on_404(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem(request, 404, _("Not found."), kind="not-found")

    @api.exception_handler(PermissionDenied)
    def on_403(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return problem(
            request,
            403,
            _("You are not allowed to do this."),
            kind="forbidden",
            detail=str(exc) or None,
        )

    @api.exception_handler(AuthenticationError)
    def on_401(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return problem(
            request,
            401,
            _("Authentication is required."),
            kind="unauthenticated",
            headers={"WWW-Authenticate": WWW_AUTHENTICATE},
        )

    @api.exception_handler(Problem)
    def on_problem(request: HttpRequest, exc: Problem) -> HttpResponse:
        return problem(
            request,
            exc.status,
            exc.title,
            kind=exc.kind,
            detail=exc.detail,
            headers=exc.headers,
        )

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        from ocop.core.parsing import ForbiddenText

        if isinstance(exc.__cause__, ForbiddenText):  # a body with control characters
            message = _("Remove the control or invisible characters from this text.")
            errors = [{"field": field, "message": message} for field in exc.__cause__.fields]
            return problem(
                request, 422, _("The request is not valid."), kind="validation", errors=errors
            )
        return problem(request, exc.status_code, str(exc))
