"""The TOTP second factor: the code step at sign-in, set-up and turning it off (profile).

After a correct password, a user with a confirmed device is NOT signed in: the session only
holds a pending sign-in (who, which backend, where to go next, since when) until the code is
verified here. Wrong codes count toward the sign-in throttle of that username and address.
"""

from __future__ import annotations

import time
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from ocop.accounts.forms import CodeForm
from ocop.accounts.middleware import requires_second_factor
from ocop.accounts.models import User
from ocop.accounts.services.totp import (
    check_code,
    code_refusal,
    confirm_totp_device,
    confirmed_device,
    disable_totp,
    secret_of,
    start_totp_setup,
)
from ocop.accounts.throttle import (
    LoginThrottled,
    clear_failures,
    ensure_not_throttled,
    record_failure,
)
from ocop.core.http import client_ip

PENDING_KEY = "ocop_pending_sign_in"


def begin_second_step(request: HttpRequest, user: User, username: str, next_url: str) -> None:
    """Remember a correct password, for the code step (the user is not signed in yet)."""
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[0]),
        "username": username,
        "next": next_url,
        "at": time.time(),
    }


def _pending(request: HttpRequest) -> dict[str, Any] | None:
    data = request.session.get(PENDING_KEY)
    if not isinstance(data, dict):
        return None
    if time.time() - float(data.get("at", 0)) > settings.OCOP_TOTP_PENDING_MINUTES * 60:
        request.session.pop(PENDING_KEY, None)
        return None
    return data


def _safe_next(request: HttpRequest, url: str | None, default: str) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return default


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    """The second step: a pending sign-in, or a signed-in session not verified yet (a role that
    requires the second factor, `SecondFactorRequiredMiddleware`)."""
    pending = None
    if request.user.is_authenticated:
        user = request.user
        if request.user.is_verified():  # type: ignore[attr-defined]
            return redirect(settings.LOGIN_REDIRECT_URL)
        username = user.get_username()
        next_url = _safe_next(
            request, request.GET.get("next"), reverse(settings.LOGIN_REDIRECT_URL)
        )
    else:
        pending = _pending(request)
        if pending is None:
            messages.info(request, _("Sign in again: the code step has expired."))
            return redirect(settings.LOGIN_URL)
        user = User.objects.filter(pk=pending["user"], is_active=True).first()
        if user is None:
            request.session.pop(PENDING_KEY, None)
            return redirect(settings.LOGIN_URL)
        username = pending["username"]
        next_url = pending["next"]
    device = confirmed_device(user)
    if device is None and pending is None:  # signed in, nothing to verify
        return redirect(settings.LOGIN_REDIRECT_URL)
    if device is None:  # turned off or reset meanwhile: start again from the password
        request.session.pop(PENDING_KEY, None)
        return redirect(settings.LOGIN_URL)

    form = CodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        ip = client_ip(request)
        try:
            ensure_not_throttled(username, ip)
        except LoginThrottled as exc:
            form.is_valid()
            form.add_error(None, exc.message)
            status = 429
        else:
            if form.is_valid() and check_code(device, form.cleaned_data["code"]):
                clear_failures(username, ip)
                if pending is not None:
                    request.session.pop(PENDING_KEY, None)
                    user.backend = pending["backend"]
                    login(request, user, backend=pending["backend"])
                otp_login(request, device)
                return redirect(next_url)
            record_failure(username, ip)
            if form.is_valid():
                form.add_error("code", code_refusal(device))
    return render(request, "accounts/login_code.html", {"form": form}, status=status)


def _qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=5, border=2)


@login_required
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def totp_setup(request: HttpRequest) -> HttpResponse:
    """Show the secret and its QR code; a code from the app turns the second factor on."""
    user = request.user
    done = _safe_next(request, request.GET.get("next"), reverse("accounts:profile"))
    if confirmed_device(user) is not None:
        messages.info(request, _("Two-step verification is already on for your account."))
        return redirect(done)
    device = start_totp_setup(actor=user)  # type: ignore[arg-type]
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            device = confirm_totp_device(
                actor=user,  # type: ignore[arg-type]
                device=device,
                code=form.cleaned_data["code"],
            )
        except ValidationError as exc:
            form.add_error("code", exc.message_dict.get("code", exc.messages))
        else:
            otp_login(request, device)
            messages.success(request, _("Two-step verification is on."))
            return redirect(done)
    return render(
        request,
        "accounts/totp_setup.html",
        {
            "form": form,
            "secret": secret_of(device),
            "qr": _qr_data_uri(device.config_url),
            "required": requires_second_factor(user),
        },
    )


@login_required
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def totp_disable(request: HttpRequest) -> HttpResponse:
    """Turn the second factor off, with a current code."""
    if confirmed_device(request.user) is None:
        messages.info(request, _("Two-step verification is not on for your account."))
        return redirect("accounts:profile")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            disable_totp(actor=request.user, code=form.cleaned_data["code"])  # type: ignore[arg-type]
        except ValidationError as exc:
            form.add_error("code", exc.message_dict.get("code", exc.messages))
        else:
            messages.success(request, _("Two-step verification is off."))
            return redirect("accounts:profile")
    return render(request, "accounts/totp_disable.html", {"form": form})
