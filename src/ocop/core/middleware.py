from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from ocop.core.problems import PROBLEM_CONTENT_TYPE, problem, problem_for_status

# No inline scripts or styles anywhere, so the policy can be strict.
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# The API docs page loads Swagger UI from django-ninja's bundled static files (no CDN) and its
# settings from a JSON data block, so it runs under the same policy: React sets its styles through
# the DOM (element.style), which a policy without 'unsafe-inline' allows
# (tests/browser/test_api_docs_csp.py renders it in Chromium and listens for violations).
API_PREFIX = "/api/"
# Machine interfaces outside /api/ that honour Accept-Language too: the EPCIS 2.0 REST bindings.
MACHINE_PREFIXES = (API_PREFIX, "/epcis/")
JSON_TYPES = ("application/json", PROBLEM_CONTENT_TYPE)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = CSP
        response.setdefault("Permissions-Policy", "camera=(self), geolocation=(), microphone=()")
        return response


class NulGuardMiddleware:
    """A path or query string holding NUL ("%00") is refused with 400 before any view sees it:
    PostgreSQL can neither store nor compare text containing NUL, so a search box typed with one
    would otherwise end in a server error. Forms and JSON bodies refuse it field by field
    (`NFCFormMixin`, `ocop.core.parsing`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            title = _("The address contains a character that is not allowed (NUL).")
            if request.path.startswith(MACHINE_PREFIXES):
                return problem(request, 400, str(title), kind="bad-request")
            return render(request, "400.html", {"message": title}, status=400)
        return self.get_response(request)


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
