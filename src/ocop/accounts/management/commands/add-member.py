"""`ocop add-member USERNAME ORG_CODE ROLE`: give a user a role in an organisation."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ocop.accounts.enums import Role
from ocop.accounts.models import Membership, Organisation, User
from ocop.accounts.services.users import add_membership


class Command(BaseCommand):
    help = "Give a user a role in an organisation (the role must fit the organisation's kind)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("org_code", help="the organisation's public code, e.g. OACD34679")
        parser.add_argument("role", choices=Role.values)

    def handle(self, *args: Any, username: str, org_code: str, role: str, **options: Any) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        organisation = Organisation.objects.filter(code=org_code).first()
        if organisation is None:
            raise CommandError(f"No organisation with the code {org_code!r}.")
        existed = Membership.objects.filter(
            user=user, organisation=organisation, role=role
        ).exists()
        try:
            add_membership(actor=None, user=user, organisation=organisation, role=role)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if existed:
            self.stdout.write(f"{username} already is {role} in {organisation.code}.")
        else:
            self.stdout.write(
                self.style.SUCCESS(f"{username} is now {role} in {organisation.code}.")
            )
