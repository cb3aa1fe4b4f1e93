"""The buyers' pages: registration (a visitor with a new account, signed in), the office's list
with its filters and query guard, a buyer's profile (officials and the buyer only), edits, and
the office's decisions on the profile."""

# ruff: noqa: F811 (the fixtures, imported by name)

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from ocop.accounts.models import User
from ocop.trade.enums import BuyerStatus
from ocop.trade.models import Buyer
from tests.factories.geo import CommuneFactory
from tests.factories.trade import BuyerFactory
from tests.trade.board_setup import board, text_of  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_pages(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def _form(**overrides):
    data = {
        "kind": "restaurant",
        "name": "Nhà hàng Sen Hồ Tây",
        "tax_code": "",
        "address": "6 Xuân Diệu",
        "commune": "",
        "contact_name": "Lưu Văn Sen",
        "phone": "0987654321",
        "email": "",
        "website": "",
        "description": "",
    }
    data.update(overrides)
    return data


def test_a_visitor_registers_and_is_signed_in(db):
    commune = CommuneFactory()
    client = Client()
    assert client.get(reverse("trade:register")).status_code == 200
    response = client.post(
        reverse("trade:register"),
        {
            **_form(commune=commune.key),
            "account-username": "nhahangsen",
            "account-email": "sen@example.vn",
            "account-password1": "mot-mat-khau-dai-2026",
            "account-password2": "mot-mat-khau-dai-2026",
        },
    )
    buyer = Buyer.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("trade:buyer", args=[buyer.code])
    assert (buyer.status, buyer.commune) == (BuyerStatus.PENDING, commune)
    page = client.get(response["Location"])
    assert page.status_code == 200  # signed in as the new account
    assert "waiting for the provincial OCOP office's approval" in text_of(page)
    assert User.objects.filter(username="nhahangsen").exists()


def test_registration_errors_show_on_both_forms(db):
    response = Client().post(
        reverse("trade:register"),
        {
            **_form(name="", tax_code="123", phone="1"),
            "account-username": "",
            "account-email": "x",
            "account-password1": "a",
            "account-password2": "b",
        },
    )
    assert response.status_code == 422
    assert set(response.context["form"].errors) == {"name", "tax_code", "phone"}
    assert {"username", "email", "password2"} <= set(response.context["account_form"].errors)
    assert not Buyer.objects.exists()


def test_a_signed_in_person_registers_without_an_account_form(board, client_for):
    client = client_for(board.cast.outsider)
    assert client.get(reverse("trade:register")).context["account_form"] is None
    response = client.post(reverse("trade:register"), _form())
    assert response.status_code == 302
    again = client.get(reverse("trade:register"))
    assert again.status_code == 302  # already a buyer: sent to it


def test_the_office_lists_and_filters_the_buyers(board, client_for):
    client = client_for(board.cast.office)

    def names(**query):
        response = client.get(reverse("trade:buyers"), query)
        assert response.status_code == 200
        return {b.name for b in response.context["state"].items}

    assert names() == {"Siêu thị Sạch Thủ Đô", "Công ty Xuất khẩu Việt Hà", "Nhà hàng Sen"}
    assert names(status="pending") == {"Nhà hàng Sen"}
    assert names(kind="exporter") == {"Công ty Xuất khẩu Việt Hà"}
    assert names(q="viet ha") == {"Công ty Xuất khẩu Việt Hà"}
    assert names(commune="c-none") == set()


@pytest.mark.parametrize("who", ["commune", "admin"])
def test_commune_officers_and_the_admin_read_the_list(board, client_for, who):
    assert client_for(getattr(board.cast, who)).get(reverse("trade:buyers")).status_code == 200


@pytest.mark.parametrize("who", ["producer1", "buyer", "outsider", "member"])
def test_the_list_is_not_for_others(board, client_for, who):
    assert client_for(getattr(board.cast, who)).get(reverse("trade:buyers")).status_code == 404


def test_the_buyer_list_takes_the_same_queries_for_3_or_23_buyers(board, client_for):
    client = client_for(board.cast.office)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("trade:buyers")).status_code == 200
        return len(captured)

    few = count()
    for _ in range(20):
        BuyerFactory(commune=CommuneFactory())
    assert count() == few


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("buyer_user", 200),
        ("office", 200),
        ("commune", 200),
        ("other_user", 404),
        ("pending_user", 404),
        ("producer2", 404),
        ("outsider", 404),
    ],
)
def test_a_profile_is_for_officials_and_the_buyer_only(board, client_for, who, status):
    user = getattr(board, who, None) or getattr(board.cast, who)
    url = reverse("trade:buyer", args=[board.buyer.code])
    assert client_for(user).get(url).status_code == status
    edit = client_for(user).get(reverse("trade:buyer_edit", args=[board.buyer.code]))
    assert edit.status_code == (200 if who in ("buyer_user", "office") else 404)


def test_anonymous_is_sent_to_sign_in(board):
    response = Client().get(reverse("trade:buyer", args=[board.buyer.code]))
    assert response.status_code == 302


def test_the_buyer_edits_its_profile(board, client_for):
    client = client_for(board.buyer_user)
    url = reverse("trade:buyer_edit", args=[board.buyer.code])
    response = client.post(url, _form(kind="supermarket_chain", name="Sạch Thủ Đô Mart"))
    assert response.status_code == 302
    board.buyer.refresh_from_db()
    assert board.buyer.name == "Sạch Thủ Đô Mart"
    bad = client.post(url, _form(website="javascript:alert(1)"))
    assert bad.status_code == 422 and "website" in bad.context["form"].errors


def test_the_office_approves_and_rejects_on_the_profile(board, client_for):
    office = client_for(board.cast.office)
    pending = board.pending_buyer
    profile = office.get(reverse("trade:buyer", args=[pending.code]))
    assert [a["action"] for a in profile.context["actions"]] == ["approve", "reject"]
    reject = reverse("trade:buyer_status", args=[pending.code, "reject"])
    response = office.post(reject, {"reason": ""})
    assert response.status_code == 422
    assert "Give the reason for this decision." in text_of(response)
    assert office.post(reject, {"reason": "Thiếu giấy phép."}).status_code == 302
    pending.refresh_from_db()
    assert (pending.status, pending.status_reason) == (BuyerStatus.REJECTED, "Thiếu giấy phép.")
    approve = reverse("trade:buyer_status", args=[pending.code, "approve"])
    assert office.post(approve).status_code == 302
    pending.refresh_from_db()
    assert pending.status == BuyerStatus.ACTIVE
    wrong = office.post(reverse("trade:buyer_status", args=[pending.code, "reinstate"]))
    assert wrong.status_code == 422  # an active buyer is not reinstated
    assert (
        office.post(reverse("trade:buyer_status", args=[pending.code, "explode"])).status_code
        == 404
    )


@pytest.mark.parametrize("who", ["commune", "buyer_user", "pending_user", "producer1"])
def test_only_the_office_decides_on_the_profile(board, client_for, who):
    user = getattr(board, who, None) or getattr(board.cast, who)
    url = reverse("trade:buyer_status", args=[board.pending_buyer.code, "approve"])
    assert client_for(user).post(url).status_code == 404
    board.pending_buyer.refresh_from_db()
    assert board.pending_buyer.status == BuyerStatus.PENDING
