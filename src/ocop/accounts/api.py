from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from ocop.accounts.queries.users import memberships_of
from ocop.accounts.schemas import MeOut, MyOrganisationOut, TokenIn, TokenOut
from ocop.accounts.services.tokens import issue_api_token, revoke_api_tokens
from ocop.accounts.services.totp import check_code, confirmed_device
from ocop.accounts.throttle import (
    LoginThrottled,
    authenticate_limited,
    clear_failures,
    record_failure,
)
from ocop.core.http import client_ip
from ocop.core.problems import WWW_AUTHENTICATE, Problem, ProblemOut

router = Router(tags=["auth"])


@router.post(
    "/token",
    response={201: TokenOut, 401: ProblemOut, 422: ProblemOut, 429: ProblemOut},
    auth=None,
    summary="Exchange username and password for a token",
    description="The token is shown once; send it as `Authorization: Bearer <token>`. "
    "Too many failed attempts for one username from one address answer 429 for a while. "
    "An account with two-step verification also sends the current 6-digit code as `otp`.",
)
def create_token(request: HttpRequest, payload: TokenIn):
    try:
        user = authenticate_limited(request, payload.username, payload.password)
    except LoginThrottled as exc:
        raise Problem(
            429,
            exc.message,
            kind="too-many-attempts",
            headers={"Retry-After": str(exc.retry_after)},
        ) from exc
    if user is None:
        raise Problem(
            401,
            _("The username or password is not correct."),
            kind="invalid-credentials",
            headers={"WWW-Authenticate": WWW_AUTHENTICATE},
        )
    device = confirmed_device(user)
    if device is not None:  # the password alone never gives a token to such an account
        ip = client_ip(request)
        if not check_code(device, payload.otp):
            record_failure(payload.username, ip)
            raise Problem(
                401,
                _("This account uses two-step verification: send the current code as “otp”."),
                kind="second-factor-required",
                headers={"WWW-Authenticate": WWW_AUTHENTICATE},
            )
        clear_failures(payload.username, ip)
    token, raw = issue_api_token(user=user, name=payload.name or "api")
    return Status(201, TokenOut(token=raw, expires_at=token.expires_at))


@router.delete(
    "/tokens",
    response={204: None, 401: ProblemOut},
    summary="Revoke all of the caller's tokens",
)
def revoke_tokens(request: HttpRequest):
    revoke_api_tokens(actor=request.auth, user=request.auth)
    return Status(204, None)


@router.get("/me", response={200: MeOut, 401: ProblemOut}, summary="Who the caller is")
def me(request: HttpRequest):
    """The caller, with the roles held in each active organisation (codes are public)."""
    user = request.auth
    by_org: dict[int, MyOrganisationOut] = {}
    for membership in memberships_of(user).filter(organisation__is_active=True):
        org = membership.organisation
        entry = by_org.setdefault(
            org.pk, MyOrganisationOut(code=org.code, name=org.name, kind=org.kind, roles=[])
        )
        entry.roles.append(membership.role)
    organisations = sorted(by_org.values(), key=lambda entry: entry.code)
    for entry in organisations:
        entry.roles.sort()
    return MeOut(
        username=user.username,
        full_name=user.full_name,
        email=user.email,
        is_superuser=user.is_superuser,
        roles=sorted({role for entry in organisations for role in entry.roles}),
        organisations=organisations,
    )
