"""Sign-in throttle: at most LOGIN_FAILURE_LIMIT failed attempts per username and client address
within LOGIN_FAILURE_WINDOW_MINUTES, counted in the Django cache (use Redis with several app
processes). Both doors use it: the login form and POST /api/v1/auth/token."""

from __future__ import annotations

import hashlib
import logging
from typing import cast

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import ngettext

from ocop.accounts.models import User
from ocop.accounts.services.totp import has_second_factor
from ocop.core.http import client_ip
from ocop.core.text import nfc

logger = logging.getLogger(__name__)


class LoginThrottled(Exception):
    """Too many failures: the caller must wait `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after

    @property
    def message(self) -> str:
        minutes = max(1, self.retry_after // 60)
        return ngettext(
            "Too many failed sign-in attempts. Wait %(minutes)d minute and try again.",
            "Too many failed sign-in attempts. Wait %(minutes)d minutes and try again.",
            minutes,
        ) % {"minutes": minutes}


def _window_seconds() -> int:
    return settings.LOGIN_FAILURE_WINDOW_MINUTES * 60


def failure_key(username: str, ip: str) -> str:
    who = f"{nfc(username).casefold()}|{ip}"
    return "ocop:login-failures:" + hashlib.sha256(who.encode("utf-8")).hexdigest()


def failures(username: str, ip: str) -> int:
    return int(cache.get(failure_key(username, ip), 0))


def record_failure(username: str, ip: str) -> int:
    """Count one failure; the window starts at the first failure."""
    key = failure_key(username, ip)
    cache.add(key, 0, timeout=_window_seconds())
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=_window_seconds())
        count = 1
    if count == settings.LOGIN_FAILURE_LIMIT:
        logger.warning("Sign-in locked for %r from %s after %d failures", username, ip, count)
    return count


def ensure_not_throttled(username: str, ip: str) -> None:
    """Raise LoginThrottled once the username has failed too often from this address."""
    if failures(username, ip) >= settings.LOGIN_FAILURE_LIMIT:
        raise LoginThrottled(_window_seconds())


def clear_failures(username: str, ip: str) -> None:
    cache.delete(failure_key(username, ip))


def authenticate_limited(request: HttpRequest, username: str, password: str) -> User | None:
    """The user with these credentials, or None. Raises LoginThrottled, before checking the
    password, once the username has failed too often from this address.

    A right password clears the count, except for a user with a second factor: then only the
    right code does (`ocop.accounts.views.totp`), so that wrong codes keep adding up between
    two correct passwords."""
    ip = client_ip(request)
    ensure_not_throttled(username, ip)
    user = cast(User | None, authenticate(request, username=username, password=password))
    if user is None:
        record_failure(username, ip)
        return None
    if not has_second_factor(user):
        clear_failures(username, ip)
    return user
