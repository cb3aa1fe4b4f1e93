import pytest
from django.contrib.auth.models import AnonymousUser

from ocop.accounts.enums import Role
from ocop.accounts.models import Membership
from ocop.accounts.rules import ANONYMOUS, Access, access_for, as_access

pytestmark = pytest.mark.django_db


def _org_of(user, role):
    return Membership.objects.get(user=user, role=role).organisation_id


# name in the cast -> (roles, sees_whole_province, is_staff_user)
EXPECTED = {
    "admin": (set(), True, True),
    "office": ({Role.PROVINCE_OFFICER}, True, True),
    "commune": ({Role.COMMUNE_OFFICER}, False, True),
    "commune2": ({Role.COMMUNE_OFFICER}, False, True),
    "chair": ({Role.COUNCIL_CHAIR}, True, True),
    "member": ({Role.COUNCIL_MEMBER}, True, True),
    "approver": ({Role.APPROVER}, True, True),
    "producer1": ({Role.PRODUCER_OWNER}, False, False),
    "producer1_staff": ({Role.PRODUCER_STAFF}, False, False),
    "producer2": ({Role.PRODUCER_OWNER}, False, False),
    "buyer": ({Role.BUYER}, False, False),
    "outsider": (set(), False, False),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_access_for_every_role_in_the_cast(cast, name):
    user = getattr(cast, name)
    roles, whole_province, staff = EXPECTED[name]
    access = access_for(user)
    assert access.user_id == user.pk
    assert access.is_authenticated is True
    assert access.roles == frozenset(roles)
    assert access.sees_whole_province is whole_province
    assert access.is_staff_user is staff
    assert access.is_admin is (name == "admin")


def test_commune_officers_act_for_their_own_commune_only(cast):
    assert access_for(cast.commune).commune_unit_ids == frozenset({cast.commune_a.pk})
    assert access_for(cast.commune2).commune_unit_ids == frozenset({cast.commune_b.pk})
    assert access_for(cast.office).commune_unit_ids == frozenset()
    # a producer's organisation has a commune too, but that gives no commune scope
    assert access_for(cast.producer1).commune_unit_ids == frozenset()


def test_organisations_with_names_the_organisations_of_a_role(cast):
    producer_org = cast.prod1.organisation_id
    assert access_for(cast.producer1).organisations_with(Role.PRODUCER_OWNER) == {producer_org}
    assert access_for(cast.producer1_staff).organisations_with(Role.PRODUCER_OWNER) == set()
    assert access_for(cast.producer1_staff).organisations_with(
        Role.PRODUCER_OWNER, Role.PRODUCER_STAFF
    ) == {producer_org}
    assert access_for(cast.producer2).organisations_with(Role.PRODUCER_OWNER) == {
        cast.prod2.organisation_id
    }
    assert access_for(cast.commune).organisations_with(Role.COMMUNE_OFFICER) == {
        _org_of(cast.commune, Role.COMMUNE_OFFICER)
    }
    assert access_for(cast.buyer).organisations_with(Role.PRODUCER_OWNER) == set()


def test_role_predicates(cast):
    assert access_for(cast.chair).is_council is True
    assert access_for(cast.approver).is_approver is True
    assert access_for(cast.producer1_staff).is_producer is True
    assert access_for(cast.buyer).is_buyer is True
    assert access_for(cast.office).is_province_officer is True
    assert access_for(cast.commune).is_commune_officer is True
    assert access_for(cast.buyer).is_producer is False


def test_anonymous_and_inactive_users_have_no_access(cast):
    assert access_for(None) is ANONYMOUS
    assert access_for(AnonymousUser()) is ANONYMOUS
    cast.office.is_active = False
    assert access_for(cast.office) is ANONYMOUS
    assert ANONYMOUS.is_authenticated is False
    assert ANONYMOUS.sees_whole_province is False


def test_roles_in_an_inactive_organisation_do_not_count(cast):
    organisation = cast.prod1.organisation
    organisation.is_active = False
    organisation.save(update_fields=["is_active"])
    assert access_for(cast.producer1).roles == frozenset()


def test_access_is_one_query_and_cached_on_the_user(cast, django_assert_num_queries):
    user = type(cast.commune).objects.get(pk=cast.commune.pk)
    with django_assert_num_queries(1):
        first = access_for(user)
        second = access_for(user)
    assert first is second


def test_as_access_accepts_a_user_or_an_access(cast):
    access = access_for(cast.office)
    assert as_access(access) is access
    assert as_access(cast.office) == access
    assert isinstance(as_access(None), Access)
