from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from ocop.core.problems import PROBLEM_CONTENT_TYPE, problem_for_status

# No inline scripts or styles anywhere, so the policy can be strict.
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# The API docs page loads Swagger UI from django-ninja's bundled static files (no CDN) and its
# settings from a JSON data block, so scripts stay 'self'; Swagger UI sets style attributes.
CSP_API_DOCS = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
API_PREFIX = "/api/"
# Machine interfaces outside /api/ that honour Accept-Language too: the EPCIS 2.0 REST bindings.
MACHINE_PREFIXES = (API_PREFIX, "/epcis/")
API_DOCS_PATH = "/api/v1/docs"
JSON_TYPES = ("application/json", PROBLEM_CONTENT_TYPE)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            docs = request.path.startswith(API_DOCS_PATH)
            response["Content-Security-Policy"] = CSP_API_DOCS if docs else CSP
        response.setdefault("Permissions-Policy", "camera=(self), geolocation=(), microphone=()")
        return response


class ApiProblemMiddleware:
    """Every error under /api/ is problem+json, whoever answered it: the URL resolver's 404, the
    405 of a path that lacks the method, Django's 500 page, the CSRF 403. Errors that endpoints
    raise are already problems (`ocop.core.problems.install`) and pass through untouched."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and request.path.startswith(API_PREFIX)
            and not response.get("Content-Type", "").startswith(JSON_TYPES)
        ):
            return problem_for_status(request, response)
        return response


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Vietnamese unless the person chose English with the language switch.

    Django's LocaleMiddleware follows the browser's Accept-Language, which would show English to
    an official whose browser came set up in English. Here only the language cookie (set by the
    switch at /i18n/setlang/) changes the language; everyone else gets LANGUAGE_CODE ("vi").
    API clients are programs, not people: under /api/ and /epcis/ Accept-Language is honoured as
    usual.
    """

    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith(MACHINE_PREFIXES):
            super().process_request(request)
            return
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
