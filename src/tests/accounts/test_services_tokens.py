import datetime as dt

import pytest
from django.utils import timezone

from ocop.accounts.models import ApiToken
from ocop.accounts.services.tokens import (
    authenticate_token,
    hash_token,
    issue_api_token,
    revoke_api_tokens,
)
from ocop.core.models import ActivityLog

pytestmark = pytest.mark.django_db


def test_issue_stores_only_the_hash_and_logs_the_prefix(cast, settings):
    settings.API_TOKEN_TTL_DAYS = 30
    before = timezone.now()
    token, raw = issue_api_token(user=cast.office, name="laptop")
    assert raw.startswith("ocop_")
    assert len(raw) > 40
    assert (token.prefix, token.key_hash, token.name) == (raw[:12], hash_token(raw), "laptop")
    assert raw not in {token.prefix, token.key_hash}
    assert (
        before + dt.timedelta(days=30) <= token.expires_at <= timezone.now() + dt.timedelta(days=30)
    )
    entry = ActivityLog.objects.get(action="accounts.api_token.issue")
    assert entry.data == {"prefix": token.prefix, "name": "laptop"}


def test_a_ttl_of_zero_means_no_expiry(cast, settings):
    settings.API_TOKEN_TTL_DAYS = 0
    token, _raw = issue_api_token(user=cast.office)
    assert token.expires_at is None


def test_authenticate_token_finds_the_user_and_notes_the_use(cast):
    token, raw = issue_api_token(user=cast.office)
    assert authenticate_token(raw) == cast.office
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize("raw", ["", "ocop_nonsense", "Bearer x", "abc"])
def test_authenticate_token_refuses_unknown_tokens(db, raw):
    assert authenticate_token(raw) is None


def test_expired_revoked_and_inactive_tokens_do_not_authenticate(cast):
    expired, raw_expired = issue_api_token(user=cast.office)
    ApiToken.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    revoked, raw_revoked = issue_api_token(user=cast.office)
    revoke_api_tokens(actor=cast.office, user=cast.office, token=revoked)
    _t, raw_inactive = issue_api_token(user=cast.buyer)
    cast.buyer.is_active = False
    cast.buyer.save(update_fields=["is_active"])
    assert [authenticate_token(r) for r in (raw_expired, raw_revoked, raw_inactive)] == [
        None,
        None,
        None,
    ]


def test_revoke_one_token_leaves_the_others(cast):
    one, raw_one = issue_api_token(user=cast.office)
    _two, raw_two = issue_api_token(user=cast.office)
    assert revoke_api_tokens(actor=cast.admin, user=cast.office, token=one) == 1
    assert (authenticate_token(raw_one), authenticate_token(raw_two)) == (None, cast.office)
    entry = ActivityLog.objects.get(action="accounts.api_token.revoke")
    assert (entry.actor, entry.data) == (cast.admin, {"prefixes": [one.prefix]})


def test_revoke_all_tokens_of_one_user_only(cast):
    issue_api_token(user=cast.office)
    issue_api_token(user=cast.office)
    _other, raw_other = issue_api_token(user=cast.commune)
    assert revoke_api_tokens(actor=cast.office, user=cast.office) == 2
    assert revoke_api_tokens(actor=cast.office, user=cast.office) == 0  # nothing left: no log
    assert ApiToken.objects.filter(user=cast.office, revoked_at__isnull=True).count() == 0
    assert authenticate_token(raw_other) == cast.commune
    assert ActivityLog.objects.filter(action="accounts.api_token.revoke").count() == 1
