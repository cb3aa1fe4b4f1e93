"""Buyers' services: self-registration (anonymous with an account, signed in, an organisation
that already has the BUYER role), the checks of the fields, edits, and the office's decisions
through `change_buyer_status` (allowed and refused moves, the reason, the notices)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from ocop.accounts.enums import OrganisationKind, Role
from ocop.accounts.models import Membership, User
from ocop.core.models import ActivityLog
from ocop.evaluation.models import Notification
from ocop.evaluation.services.refusals import NotAllowed, WrongState
from ocop.trade.enums import BuyerKind, BuyerStatus
from ocop.trade.models import Buyer
from ocop.trade.services.buyers import (
    approve_buyer,
    change_buyer_status,
    register_buyer,
    reject_buyer,
    suspend_buyer,
    update_buyer,
)
from tests.factories.geo import CommuneFactory
from tests.factories.producers import valid_mst
from tests.factories.trade import BuyerFactory, buyer_and_user
from tests.trade.board_setup import english, messages_of  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
PASSWORD = "mat-khau-rat-dai-2026"


def buyer_data(**overrides):
    data = {
        "kind": BuyerKind.SUPERMARKET_CHAIN,
        "name": "Chuỗi siêu thị Sạch Thủ Đô",
        "tax_code": "",
        "address": "18 Phan Đình Phùng",
        "commune": None,
        "contact_name": "Đặng Quang Minh",
        "phone": "0912 345 678",
        "email": "MuaHang@Example.vn",
        "website": "",
        "description": "",
    }
    data.update(overrides)
    return data


def account(**overrides):
    values = {"username": "sieuthi", "password": PASSWORD, "email": "sieuthi@example.vn"}
    values.update(overrides)
    return values


def test_an_anonymous_visitor_registers_with_a_new_account(cast):
    commune = CommuneFactory(name="Phường Ba Đình")
    buyer = register_buyer(
        actor=None, data=buyer_data(commune=commune.key, tax_code=valid_mst(7)), account=account()
    )
    user = User.objects.get(username="sieuthi")
    assert buyer.status == BuyerStatus.PENDING and buyer.created_by == user
    assert (buyer.phone, buyer.email, buyer.commune) == (
        "0912345678",
        "muahang@example.vn",
        commune,
    )
    assert buyer.organisation.kind == OrganisationKind.BUYER
    assert Membership.objects.filter(
        user=user, organisation=buyer.organisation, role=Role.BUYER
    ).exists()
    assert ActivityLog.objects.filter(
        action="trade.buyer.register", object_id=str(buyer.pk)
    ).exists()
    assert Notification.objects.filter(user=cast.office).count() == 1  # the office is told


def test_a_signed_in_person_with_the_buyer_role_registers_that_organisation(cast):
    buyer = register_buyer(actor=cast.buyer, data=buyer_data())
    assert buyer.organisation == cast.buyer.memberships.get(role=Role.BUYER).organisation
    with pytest.raises(ValidationError) as caught:
        register_buyer(actor=cast.buyer, data=buyer_data(name="Thứ hai"))
    assert messages_of(caught.value) == {"__all__": ["You have already registered your buyer."]}


def test_a_signed_in_person_without_a_role_gets_a_new_organisation(cast):
    buyer = register_buyer(actor=cast.outsider, data=buyer_data())
    assert buyer.organisation.memberships.get().user == cast.outsider


def test_registration_names_every_bad_field(db):
    with pytest.raises(ValidationError) as caught:
        register_buyer(
            actor=None,
            data=buyer_data(
                kind="bank",
                name="x" * 10_000,
                tax_code="0100000000",
                commune="c99999",
                contact_name="",
                phone="123",
                email="not-an-email",
                website="ftp://x",
            ),
            account=account(username="", password="1"),
        )
    errors = messages_of(caught.value)
    assert set(errors) == {
        "kind",
        "name",
        "tax_code",
        "commune",
        "contact_name",
        "phone",
        "email",
        "website",
        "account.username",
        "account.password",
    }
    assert errors["name"] == ["Enter at most 255 characters."]
    assert Buyer.objects.count() == 0 and not User.objects.exists()


def test_an_anonymous_visitor_must_give_an_account(db):
    with pytest.raises(ValidationError) as caught:
        register_buyer(actor=None, data=buyer_data())
    assert messages_of(caught.value) == {
        "__all__": ["Sign in, or create an account, to register a buyer."]
    }


def test_a_commune_that_has_ended_is_refused_and_the_tax_code_is_unique(db):
    old = CommuneFactory(valid_to=dt.date(2025, 6, 30), code="88888")
    BuyerFactory(tax_code=valid_mst(3))
    with pytest.raises(ValidationError) as caught:
        register_buyer(
            actor=None, data=buyer_data(commune=old, tax_code=valid_mst(3)), account=account()
        )
    assert messages_of(caught.value) == {
        "commune": ["Choose a current commune or ward."],
        "tax_code": ["Another buyer is already registered with this tax code (MST)."],
    }


def test_emoji_and_vietnamese_in_decomposed_form_are_stored_composed(db):
    name = "Cửa hàng Sạch 🍵".replace("ử", "ư\u0309")
    buyer = register_buyer(actor=None, data=buyer_data(name=name), account=account())
    assert buyer.name == "Cửa hàng Sạch 🍵"


def test_the_office_approves_and_the_buyer_is_told(cast):
    buyer, user = buyer_and_user(status=BuyerStatus.PENDING)
    approve_buyer(actor=cast.office, buyer=buyer)
    buyer.refresh_from_db()
    assert buyer.status == BuyerStatus.ACTIVE
    assert ActivityLog.objects.filter(action="trade.buyer.approve").count() == 1
    assert Notification.objects.filter(user=user).count() == 1


def test_reject_and_suspend_need_a_reason(cast):
    buyer, _user = buyer_and_user(status=BuyerStatus.PENDING)
    with pytest.raises(ValidationError) as caught:
        reject_buyer(actor=cast.office, buyer=buyer, reason="  ")
    assert messages_of(caught.value) == {"reason": ["Give the reason for this decision."]}
    reject_buyer(actor=cast.office, buyer=buyer, reason="Không có giấy phép kinh doanh.")
    buyer.refresh_from_db()
    assert (buyer.status, buyer.status_reason) == (
        BuyerStatus.REJECTED,
        "Không có giấy phép kinh doanh.",
    )
    approve_buyer(actor=cast.admin, buyer=buyer)  # a rejected registration may still be approved
    suspend_buyer(actor=cast.office, buyer=buyer, reason="Vi phạm quy chế.")
    change_buyer_status(actor=cast.office, buyer=buyer, to=BuyerStatus.ACTIVE)
    actions = list(
        ActivityLog.objects.filter(object_id=str(buyer.pk), action__startswith="trade.buyer.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "trade.buyer.reject",
        "trade.buyer.approve",
        "trade.buyer.suspend",
        "trade.buyer.reinstate",
    ]


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (BuyerStatus.ACTIVE, BuyerStatus.PENDING),
        (BuyerStatus.ACTIVE, BuyerStatus.ACTIVE),
        (BuyerStatus.PENDING, BuyerStatus.SUSPENDED),
        (BuyerStatus.SUSPENDED, BuyerStatus.REJECTED),
        (BuyerStatus.REJECTED, "nonsense"),
    ],
)
def test_moves_outside_the_table_are_refused(cast, start, to):
    buyer = BuyerFactory(status=start)
    with pytest.raises(WrongState):
        change_buyer_status(actor=cast.office, buyer=buyer, to=to, reason="x")
    buyer.refresh_from_db()
    assert buyer.status == start


@pytest.mark.parametrize("name", ["commune", "producer1", "buyer", "approver", "outsider"])
def test_only_the_office_decides(cast, name):
    buyer = BuyerFactory(status=BuyerStatus.PENDING)
    with pytest.raises(NotAllowed):
        approve_buyer(actor=getattr(cast, name), buyer=buyer)


def test_the_buyers_people_and_the_office_edit_and_the_changes_are_logged(cast):
    buyer, user = buyer_and_user()
    update_buyer(actor=user, buyer=buyer, data={"contact_name": "Nguyễn Mới", "phone": ""})
    update_buyer(actor=cast.office, buyer=buyer, data={"description": "Chuỗi 20 siêu thị."})
    buyer.refresh_from_db()
    assert (buyer.contact_name, buyer.phone, buyer.description) == (
        "Nguyễn Mới",
        "",
        "Chuỗi 20 siêu thị.",
    )
    assert ActivityLog.objects.filter(action="trade.buyer.update").count() == 2
    with pytest.raises(NotAllowed):
        update_buyer(actor=cast.producer1, buyer=buyer, data={"name": "x"})
    with pytest.raises(ValidationError) as caught:
        update_buyer(actor=user, buyer=buyer, data={"name": "", "kind": 3})
    assert set(messages_of(caught.value)) == {"name", "kind"}
