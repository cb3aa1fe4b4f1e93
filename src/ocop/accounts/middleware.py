"""OCOP_TOTP_REQUIRED_ROLES: users holding one of those roles use the web pages only with a
verified second factor. Without a device they are sent to set one up; with a device but a
session not verified by a code (one opened before the requirement), to the code step.

API calls are not blocked here: a Bearer token is not affected (it authenticates in the API
itself), and such a session simply does not count as signed in for the API (401).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from ocop.accounts.enums import Role
from ocop.accounts.rules import access_for
from ocop.accounts.services.totp import has_second_factor

# The pages a user without the second factor may still open.
EXEMPT_VIEWS = frozenset(
    {
        "accounts:totp_setup",
        "accounts:login_code",
        "accounts:login",
        "accounts:logout",
        "set_language",
        "javascript-catalog",
    }
)


def requires_second_factor(user: Any) -> bool:
    """Whether the user holds a role of OCOP_TOTP_REQUIRED_ROLES (a superuser counts as admin)."""
    required = set(settings.OCOP_TOTP_REQUIRED_ROLES)
    if not required or not getattr(user, "is_authenticated", False):
        return False
    held = set(access_for(user).roles)
    if user.is_superuser:
        held.add(Role.ADMIN.value)
    return bool(held & required)


class SecondFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if not settings.OCOP_TOTP_REQUIRED_ROLES:  # the default: no query at all
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified():  # type: ignore[attr-defined]
            return None
        match = request.resolver_match
        if match is not None and match.view_name in EXEMPT_VIEWS:
            return None
        if not requires_second_factor(user):
            return None
        if request.path_info.startswith("/api/"):
            request.user = AnonymousUser()
            return None
        target = "accounts:login_code" if has_second_factor(user) else "accounts:totp_setup"
        if request.method == "GET":
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return redirect(target)
