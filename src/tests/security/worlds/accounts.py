"""Objects of the accounts app for the authorisation matrix (see tests/security/world.py)."""

from __future__ import annotations

from typing import Any

from ocop.accounts.services.tokens import issue_api_token
from tests.factories.accounts import UserFactory

from .. import matrix as m


def build(world: Any) -> None:
    """A user who never signs in (whose password-reset link stays valid), and an API token of
    producer A that the others try to revoke."""
    world.objects["accounts_reset_user"] = UserFactory(
        username="m_accounts_reset", email="dat-lai@example.vn"
    )
    token, _raw = issue_api_token(user=world.user(m.PRODUCER_A), name="accounts-matrix")
    world.objects["accounts_token_a"] = token
