import pytest
from django.core.exceptions import ValidationError

from ocop.accounts.enums import OrganisationKind, Role
from ocop.accounts.models import Membership, Organisation, User
from ocop.accounts.rules import access_for
from ocop.accounts.services.users import (
    add_membership,
    create_organisation,
    create_user,
    remove_membership,
)
from ocop.core.models import ActivityLog
from tests.factories.accounts import OrganisationFactory, UserFactory
from tests.factories.geo import CommuneFactory, ProvinceFactory

pytestmark = pytest.mark.django_db


def _actions():
    return list(ActivityLog.objects.order_by("id").values_list("action", flat=True))


def test_create_user_normalises_and_logs(cast):
    user = create_user(
        actor=cast.admin,
        username="nhung",
        password="Gốm-Bát-Tràng-2026",
        full_name="  Nguye\u0302\u0303n Thị Nhung ",  # decomposed: stored as NFC
        email="Nhung@Example.VN",
    )
    assert (user.username, user.full_name, user.email) == (
        "nhung",
        "Nguyễn Thị Nhung",
        "nhung@example.vn",
    )
    assert user.check_password("Gốm-Bát-Tràng-2026") is True
    entry = ActivityLog.objects.get(action="accounts.user.create")
    assert (entry.actor, entry.data["new"]) == (
        cast.admin,
        {"username": "nhung", "full_name": "Nguyễn Thị Nhung"},
    )


def test_create_user_without_password_has_an_unusable_one(db):
    user = create_user(actor=None, username="no-pass", password=None)
    assert user.has_usable_password() is False


def test_create_user_refuses_a_taken_username_whatever_the_case(db):
    UserFactory(username="lan")
    with pytest.raises(ValidationError) as caught:
        create_user(actor=None, username="LAN", password="x-long-password-1")
    assert list(caught.value.message_dict) == ["username"]
    assert User.objects.filter(username__iexact="lan").count() == 1


def test_create_organisation_logs_kind_and_unit(db):
    commune = CommuneFactory(name="Xã Bát Tràng")
    organisation = create_organisation(
        actor=None, kind=OrganisationKind.COMMUNE_COMMITTEE, name="UBND xã Bát Tràng", unit=commune
    )
    assert (organisation.kind, organisation.unit, organisation.code[0]) == (
        "commune_committee",
        commune,
        "O",
    )
    entry = ActivityLog.objects.get(action="accounts.organisation.create")
    assert entry.data["new"] == {
        "kind": "commune_committee",
        "name": "UBND xã Bát Tràng",
        "unit": commune.key,
    }


def test_create_organisation_refuses_an_unknown_kind(db):
    with pytest.raises(ValidationError) as caught:
        create_organisation(actor=None, kind="club", name="Câu lạc bộ")
    assert list(caught.value.message_dict) == ["kind"]
    assert Organisation.objects.count() == 0


def test_a_commune_committee_needs_its_commune(db):
    with pytest.raises(ValidationError) as caught:
        create_organisation(actor=None, kind=OrganisationKind.COMMUNE_COMMITTEE, name="UBND xã")
    assert list(caught.value.message_dict) == ["unit"]
    with pytest.raises(ValidationError):
        create_organisation(
            actor=None,
            kind=OrganisationKind.COMMUNE_COMMITTEE,
            name="UBND xã",
            unit=ProvinceFactory(),
        )
    assert Organisation.objects.count() == 0


def test_add_membership_gives_the_role_and_logs_once(cast):
    user = UserFactory()
    office = OrganisationFactory(kind=OrganisationKind.PROVINCE_OFFICE)
    assert access_for(user).roles == frozenset()
    first = add_membership(
        actor=cast.admin, user=user, organisation=office, role=Role.PROVINCE_OFFICER
    )
    again = add_membership(
        actor=cast.admin, user=user, organisation=office, role=Role.PROVINCE_OFFICER
    )
    assert first == again
    assert access_for(user).roles == frozenset({Role.PROVINCE_OFFICER})  # cache was dropped
    entries = ActivityLog.objects.filter(action="accounts.membership.add")
    assert [e.data for e in entries] == [{"organisation": office.code, "role": "province_officer"}]


@pytest.mark.parametrize(
    ("kind", "role"),
    [
        (OrganisationKind.PRODUCER, Role.COMMUNE_OFFICER),
        (OrganisationKind.BUYER, Role.PRODUCER_OWNER),
        (OrganisationKind.COUNCIL, Role.APPROVER),
        (OrganisationKind.PROVINCE_COMMITTEE, Role.ADMIN),
        (OrganisationKind.PROVINCE_OFFICE, Role.COUNCIL_CHAIR),
    ],
)
def test_add_membership_refuses_a_role_that_does_not_fit_the_organisation(db, kind, role):
    user = UserFactory()
    organisation = OrganisationFactory(kind=kind)
    with pytest.raises(ValidationError) as caught:
        add_membership(actor=None, user=user, organisation=organisation, role=role)
    assert list(caught.value.message_dict) == ["role"]
    assert Membership.objects.filter(user=user).count() == 0
    assert ActivityLog.objects.count() == 0


def test_membership_clean_checks_the_role_too(db):
    membership = Membership(
        user=UserFactory(),
        organisation=OrganisationFactory(kind=OrganisationKind.BUYER),
        role=Role.PROVINCE_OFFICER,
    )
    with pytest.raises(ValidationError) as caught:
        membership.full_clean()
    assert list(caught.value.message_dict) == ["role"]


def test_remove_membership_takes_the_role_away_and_logs(cast):
    membership = Membership.objects.get(user=cast.office)
    assert access_for(cast.office).is_province_officer is True
    remove_membership(actor=cast.admin, membership=membership)
    assert Membership.objects.filter(user=cast.office).count() == 0
    assert access_for(User.objects.get(pk=cast.office.pk)).roles == frozenset()
    entry = ActivityLog.objects.get(action="accounts.membership.remove")
    assert (entry.actor, entry.object_id, entry.data) == (
        cast.admin,
        str(cast.office.pk),
        {"organisation": membership.organisation.code, "role": "province_officer"},
    )
