"""RFC 9457 problem details for every API error."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from ocop.core.json import dumps

PROBLEM_BASE = "https://ocop.invalid/problems/"  # not dereferenceable; stable identifiers only


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
    response = HttpResponse(dumps(body), status=status, content_type="application/problem+json")
    for key, value in (headers or {}).items():
        response[key] = value
    return response


def django_errors(exc: DjangoValidationError) -> list[dict[str, Any]]:
    if hasattr(exc, "error_dict"):
        return [
            {"field": field, "message": message}
            for field, errs in exc.message_dict.items()
            for message in errs
        ]
    return [{"field": None, "message": message} for message in exc.messages]


def install(api: NinjaAPI) -> None:
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
            headers={"WWW-Authenticate": 'Bearer realm="ocop"'},
        )

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return problem(request, exc.status_code, str(exc))
