from __future__ import annotations

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router
from ninja.errors import HttpError

from ocop.accounts.schemas import TokenIn, TokenOut
from ocop.accounts.services.tokens import issue_api_token, revoke_api_tokens

router = Router(tags=["auth"])


@router.post(
    "/token",
    response={201: TokenOut},
    auth=None,
    summary="Exchange username and password for a token",
)
def create_token(request: HttpRequest, payload: TokenIn):
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        raise HttpError(401, _("The username or password is not correct."))
    token, raw = issue_api_token(user=user, name=payload.name or "api")
    return 201, TokenOut(token=raw, expires_at=token.expires_at)


@router.delete("/tokens", response={204: None}, summary="Revoke all of the caller's tokens")
def revoke_tokens(request: HttpRequest):
    revoke_api_tokens(actor=request.auth, user=request.auth)
    return 204, None
