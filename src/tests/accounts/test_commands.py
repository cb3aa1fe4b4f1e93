import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from ocop.accounts.enums import OrganisationKind, Role
from ocop.accounts.models import Membership
from ocop.accounts.services.tokens import authenticate_token, issue_api_token
from ocop.core.models import ActivityLog
from tests.factories.accounts import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_add_member_gives_the_role_through_the_service(capsys):
    user = UserFactory(username="hung")
    council = OrganisationFactory(kind=OrganisationKind.COUNCIL)
    call_command("add-member", "hung", council.code, "council_chair")
    assert capsys.readouterr().out == f"hung is now council_chair in {council.code}.\n"
    assert list(Membership.objects.filter(user=user).values_list("role", flat=True)) == [
        Role.COUNCIL_CHAIR
    ]
    entry = ActivityLog.objects.get(action="accounts.membership.add")
    assert (entry.actor, entry.data) == (
        None,
        {"organisation": council.code, "role": "council_chair"},
    )
    call_command("add-member", "hung", council.code, "council_chair")
    assert capsys.readouterr().out == f"hung already is council_chair in {council.code}.\n"


def test_add_member_refuses_a_role_that_does_not_fit(db):
    UserFactory(username="hung")
    buyer = OrganisationFactory(kind=OrganisationKind.BUYER)
    with translation.override("en"), pytest.raises(CommandError, match="This role does not belong"):
        call_command("add-member", "hung", buyer.code, "council_chair")
    assert Membership.objects.count() == 0


def test_add_member_names_what_is_missing(db):
    council = OrganisationFactory(kind=OrganisationKind.COUNCIL)
    with pytest.raises(CommandError, match="No user 'ghost'"):
        call_command("add-member", "ghost", council.code, "council_member")
    UserFactory(username="hung")
    with pytest.raises(CommandError, match="No organisation with the code 'OXXXX'"):
        call_command("add-member", "hung", "OXXXX", "council_member")
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("add-member", "hung", council.code, "king")


def test_revoke_tokens(capsys):
    user = UserFactory(username="lan")
    raws = [issue_api_token(user=user)[1] for _ in range(2)]
    call_command("revoke-tokens", "lan")
    assert capsys.readouterr().out == "2 token(s) of lan revoked.\n"
    assert [authenticate_token(raw) for raw in raws] == [None, None]
    with pytest.raises(CommandError, match="No user 'ghost'"):
        call_command("revoke-tokens", "ghost")
