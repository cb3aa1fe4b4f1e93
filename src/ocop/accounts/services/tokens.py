"""API tokens: issue (shown once), authenticate, revoke. Only hashes are stored."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ocop.accounts.models import ApiToken, User
from ocop.core.services.activity import log_action

TOKEN_PREFIX = "ocop_"  # noqa: S105 - a public prefix, not a secret


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@transaction.atomic
def issue_api_token(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    ttl = settings.API_TOKEN_TTL_DAYS
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=raw[:12],
        key_hash=hash_token(raw),
        expires_at=timezone.now() + dt.timedelta(days=ttl) if ttl > 0 else None,
    )
    log_action(
        user, "accounts.api_token.issue", user, data={"prefix": token.prefix, "name": token.name}
    )
    return token, raw


def authenticate_token(raw: str) -> User | None:
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None or (token.expires_at is not None and token.expires_at <= now):
        return None
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def revoke_api_tokens(*, actor: Any, user: User, token: ApiToken | None = None) -> int:
    """Revoke one token of the user, or all of them."""
    tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
    if token is not None:
        tokens = tokens.filter(pk=token.pk)
    prefixes = list(tokens.values_list("prefix", flat=True))
    count = tokens.update(revoked_at=timezone.now())
    if count:
        log_action(actor, "accounts.api_token.revoke", user, data={"prefixes": prefixes})
    return count
