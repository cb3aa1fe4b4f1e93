"""The accounts app's routes in the authorisation matrix (see tests/security/matrix.py).

Signing in, out and resetting a password are for everybody (the reset link is the credential);
the profile, the password change and the tokens are the signed-in user's own."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from ocop.accounts.models import User
from tests.security.matrix import EVERYONE, OWNER_A, SIGNED_IN, E, Entry

PASSWORD = "matrix-Sen-2026"  # a test password


def _reset_user(world: Any) -> User:
    # Read afresh: the sign-in entries change the password inside their rolled-back request.
    return User.objects.get(pk=world.accounts_reset_user.pk)


def _credentials(world: Any) -> dict[str, str]:
    """The reset user's username and a password just set with the hashers in force (the tests
    use a fast hasher; the world was built with the real ones). Called inside the request's
    transaction, so the change is rolled back with it."""
    user = _reset_user(world)
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return {"username": user.username, "password": PASSWORD}


def _reset_link(world: Any) -> dict[str, str]:
    user = _reset_user(world)
    return {
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }


ENTRIES: list[Entry] = [
    E(
        "accounts:login",
        EVERYONE,
        method="post",
        data=_credentials,
        note="a real sign-in (as the reset user) answers everybody: the form is public",
    ),
    E(
        "accounts:logout",
        EVERYONE,
        method="post",
        note="signing out is harmless; a visitor is sent to the home page",
    ),
    E(
        "accounts:password_reset",
        EVERYONE,
        method="post",
        data=lambda w: {"email": w.accounts_reset_user.email},
    ),
    E("accounts:password_reset_done", EVERYONE),
    E(
        "accounts:password_reset_confirm",
        EVERYONE,
        kwargs=_reset_link,
        note="a valid link is the credential, whoever opens it (it goes on to the new password "
        "form)",
    ),
    E("accounts:password_reset_complete", EVERYONE),
    E(
        "accounts:password_change",
        SIGNED_IN,
        method="post",
        data={"old_password": "not-my-password", "new_password1": "x", "new_password2": "y"},
        note="one's own password: the form refuses a wrong old password",
    ),
    E("accounts:profile", SIGNED_IN),
    E("accounts:issue_token", SIGNED_IN, method="post", data={"name": "matrix"}),
    E(
        "accounts:revoke_token",
        OWNER_A,
        method="post",
        data=lambda w: {"prefix": w.accounts_token_a.prefix},
        hidden=True,
        note="revoking producer A's token by its prefix: only its owner; anybody else gets 404, "
        "as for a prefix that does not exist",
    ),
    E(
        "POST /api/v1/auth/token",
        EVERYONE,
        data=_credentials,
        note="exchanging a username and password for a token needs no token",
    ),
    E("DELETE /api/v1/auth/tokens", SIGNED_IN, note="revokes the caller's own tokens"),
    E("GET /api/v1/auth/me", SIGNED_IN),
]

# --- The TOTP second factor (engineer s2, issue 9 item 3) ------------------------------------
ENTRIES += [
    E(
        "accounts:login_code",
        SIGNED_IN,
        note="the code step: without a pending sign-in an anonymous visitor is sent to sign in; "
        "a signed-in user with nothing to verify goes to the dashboard",
    ),
    E("accounts:totp_setup", SIGNED_IN, note="every user may set up their own second factor"),
    E(
        "accounts:totp_disable",
        SIGNED_IN,
        note="without a device it redirects to the profile; with one it asks for a code",
    ),
]
