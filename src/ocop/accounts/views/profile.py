from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ocop.accounts.models import ApiToken
from ocop.accounts.queries.users import memberships_of
from ocop.accounts.services.tokens import issue_api_token, revoke_api_tokens
from ocop.accounts.services.totp import has_second_factor


@login_required
@require_GET
def profile(request: HttpRequest) -> HttpResponse:
    tokens = ApiToken.objects.filter(user=request.user)
    return render(
        request,
        "accounts/profile.html",
        {
            "memberships": memberships_of(request.user),
            "tokens": tokens,
            "second_factor": has_second_factor(request.user),
        },
    )


@login_required
@require_POST
def issue_token(request: HttpRequest) -> HttpResponse:
    _token, raw = issue_api_token(user=request.user, name=request.POST.get("name", "").strip())
    tokens = ApiToken.objects.filter(user=request.user)
    messages.success(request, _("Copy the token now: it will not be shown again."))
    return render(
        request,
        "accounts/profile.html",
        {
            "memberships": memberships_of(request.user),
            "tokens": tokens,
            "new_token": raw,
            "second_factor": has_second_factor(request.user),
        },
    )


@login_required
@require_POST
def revoke_token(request: HttpRequest) -> HttpResponse:
    prefix = request.POST.get("prefix", "")
    if prefix == "*":
        revoke_api_tokens(actor=request.user, user=request.user)
    else:
        token = ApiToken.objects.filter(
            user=request.user, prefix=prefix, revoked_at__isnull=True
        ).first()
        if token is None:
            raise Http404
        revoke_api_tokens(actor=request.user, user=request.user, token=token)
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:profile")
