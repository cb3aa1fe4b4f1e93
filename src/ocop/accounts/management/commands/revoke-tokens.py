"""`ocop revoke-tokens USERNAME`: revoke every API token of a user (a lost laptop, a leak)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ocop.accounts.models import User
from ocop.accounts.services.tokens import revoke_api_tokens


class Command(BaseCommand):
    help = "Revoke all API tokens of a user."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        count = revoke_api_tokens(actor=None, user=user)
        self.stdout.write(self.style.SUCCESS(f"{count} token(s) of {username} revoked."))
