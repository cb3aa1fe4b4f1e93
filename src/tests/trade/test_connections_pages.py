"""The connection pages: the contact form (from a match, an offer, a product page), the list of
each role with the officials' filters, a connection with its reasons and history, its status
form; 404 for anyone who is not a party or an official in scope; the lists' query counts."""

# ruff: noqa: F811 (the fixtures, imported by name)

from __future__ import annotations

import pytest
from django.db import connection as db
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from ocop.trade.enums import ConnectionStatus, DemandStatus
from ocop.trade.models import Connection
from ocop.trade.services.connections import request_connection
from tests.factories.products import ProductFactory
from tests.factories.trade import ConnectionFactory, DemandFactory
from tests.trade.board_setup import board, text_of  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db
MESSAGE = "Xin báo giá 300 hộp."


@pytest.fixture(autouse=True)
def _english_pages(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def _demand(board):
    return DemandFactory(buyer=board.buyer, keywords="trà sen", group_code="I.5", group_name="Chè")


def _sent(board, **fields):
    connection, _ = request_connection(
        actor=board.buyer_user, message=MESSAGE, product=board.lotus.product, **fields
    )
    return connection


def test_the_contact_form_from_a_match_sends_the_request(board, client_for):
    demand = _demand(board)
    client = client_for(board.buyer_user)
    url = reverse("trade:connect")
    form = client.get(url, {"demand": demand.code, "product": board.lotus.product.code})
    assert form.status_code == 200
    assert form.context["form"].initial["demand"] == demand.code
    response = client.post(
        url,
        {"product": board.lotus.product.code, "demand": demand.code, "message": MESSAGE},
    )
    connection = Connection.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("trade:connection", args=[connection.code])
    assert (connection.demand, connection.product) == (demand, board.lotus.product)
    again = client.post(
        url, {"product": board.lotus.product.code, "demand": demand.code, "message": "lại"}
    )
    assert again["Location"] == response["Location"] and Connection.objects.count() == 1


def test_the_contact_form_from_an_offer_and_from_a_product_page(board, client_for):
    client = client_for(board.buyer_user)
    url = reverse("trade:connect")
    assert client.get(url, {"offer": board.offer.code}).status_code == 200
    client.post(url, {"offer": board.offer.code, "message": MESSAGE})
    client.post(url, {"product": board.lotus.product.code, "message": MESSAGE})
    assert set(Connection.objects.values_list("product", flat=True)) == {
        board.cast.product1.pk,
        board.lotus.product.pk,
    }


def test_the_message_is_required_and_shown_next_to_the_field(board, client_for):
    response = client_for(board.buyer_user).post(
        reverse("trade:connect"), {"product": board.lotus.product.code, "message": ""}
    )
    assert response.status_code == 422
    assert response.context["form"].errors["message"] == ["This field is required."]
    long = client_for(board.buyer_user).post(
        reverse("trade:connect"), {"product": board.lotus.product.code, "message": "x" * 10_000}
    )
    assert long.status_code == 422 and not Connection.objects.exists()


def test_a_product_not_on_the_board_or_unknown_is_404(board, client_for):
    client = client_for(board.buyer_user)
    hidden = ProductFactory(producer=board.cast.prod1)
    for params in ({"product": hidden.code}, {"product": "NOPE"}, {"offer": "NOPE"}, {}):
        assert client.get(reverse("trade:connect"), params).status_code == 404


@pytest.mark.parametrize("who", ["producer1", "office", "outsider"])
def test_the_contact_form_is_only_for_buyers(board, client_for, who):
    client = client_for(getattr(board.cast, who))
    assert (
        client.get(reverse("trade:connect"), {"product": board.lotus.product.code}).status_code
        == 404
    )


def test_a_pending_buyer_reads_why_it_cannot_send(board, client_for):
    client = client_for(board.pending_user)
    response = client.get(reverse("trade:connect"), {"product": board.lotus.product.code})
    assert response.status_code == 200 and response.context["form"] is None
    client.post(reverse("trade:connect"), {"product": board.lotus.product.code, "message": "x"})
    assert not Connection.objects.exists()


def test_a_demand_of_another_buyer_cannot_be_chosen(board, client_for):
    theirs = DemandFactory(buyer=board.other_buyer, keywords="trà sen")
    response = client_for(board.buyer_user).post(
        reverse("trade:connect"),
        {"product": board.lotus.product.code, "demand": theirs.code, "message": MESSAGE},
    )
    assert response.status_code == 422 and "demand" in response.context["form"].errors


# --- the list and a connection ----------------------------------------------------------------


@pytest.fixture
def three(board):
    """A connection of the board's buyer with producer2 (commune B), one with producer1 (commune
    A), and one of the other buyer with producer1."""
    return {
        "mine_p2": _sent(board),
        "mine_p1": request_connection(actor=board.buyer_user, message=MESSAGE, offer=board.offer)[
            0
        ],
        "theirs_p1": request_connection(actor=board.other_user, message=MESSAGE, offer=board.offer)[
            0
        ],
    }


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("buyer_user", {"mine_p2", "mine_p1"}),
        ("other_user", {"theirs_p1"}),
        ("producer1", {"mine_p1", "theirs_p1"}),
        ("producer1_staff", {"mine_p1", "theirs_p1"}),
        ("producer2", {"mine_p2"}),
        ("office", {"mine_p2", "mine_p1", "theirs_p1"}),
        ("admin", {"mine_p2", "mine_p1", "theirs_p1"}),
        ("commune", {"mine_p1", "theirs_p1"}),
        ("commune2", {"mine_p2"}),
        ("pending_user", set()),
    ],
)
def test_each_role_lists_the_connections_it_sees(board, three, client_for, who, expected):
    user = getattr(board, who, None) or getattr(board.cast, who)
    response = client_for(user).get(reverse("trade:connections"))
    assert response.status_code == 200
    assert {c.pk for c in response.context["state"].items} == {three[k].pk for k in expected}
    for key, connection in three.items():
        status = client_for(user).get(reverse("trade:connection", args=[connection.code]))
        assert status.status_code == (200 if key in expected else 404), (who, key)


def test_the_list_is_not_for_outsiders_or_anonymous(board, three, client_for):
    assert client_for(board.cast.outsider).get(reverse("trade:connections")).status_code == 404
    assert Client().get(reverse("trade:connections")).status_code == 302
    code = three["mine_p1"].code
    assert Client().get(reverse("trade:connection", args=[code])).status_code == 302
    assert (
        client_for(board.cast.member).get(reverse("trade:connection", args=[code])).status_code
        == 404
    )


def test_officials_filter_by_status_commune_and_dates(board, three, client_for):
    three["mine_p1"].status = ConnectionStatus.DEAL
    three["mine_p1"].save()
    client = client_for(board.cast.office)

    def shown(**query):
        response = client.get(reverse("trade:connections"), query)
        return {c.pk for c in response.context["state"].items}

    assert shown(status="deal") == {three["mine_p1"].pk}
    assert shown(commune=board.cast.commune_b.key) == {three["mine_p2"].pk}
    today = timezone.localdate(three["mine_p1"].created_at)  # the filter reads Hà Nội dates
    assert len(shown(**{"from": today.strftime("%d/%m/%Y"), "to": today.isoformat()})) == 3
    assert shown(year=str(today.year - 1)) == set()
    assert len(shown(year="not a year", **{"from": "32/13/2020"})) == 3  # bad filters ignored


def test_the_connection_list_takes_the_same_queries_for_1_or_20_rows(board, client_for):
    client = client_for(board.cast.office)
    ConnectionFactory(buyer=board.buyer, product=board.lotus.product)

    def count() -> int:
        with CaptureQueriesContext(db) as captured:
            assert client.get(reverse("trade:connections")).status_code == 200
        return len(captured)

    one = count()
    for _ in range(19):
        ConnectionFactory(
            buyer=board.other_buyer,
            product=ProductFactory(),
            demand=DemandFactory(buyer=board.other_buyer),
        )
    assert count() == one


def test_a_connection_shows_its_message_reasons_and_history(board, client_for):
    connection = _sent(board, demand=_demand(board))
    response = client_for(board.cast.producer2).get(
        reverse("trade:connection", args=[connection.code])
    )
    page = text_of(response)
    assert MESSAGE in page
    assert "Product group: Chè" in page and "Why they were matched" in page
    assert board.buyer.contact_name in page and board.buyer.phone in page
    assert response.context["form"] is not None
    assert list(response.context["form"].fields["status"].choices) == [
        ("contacted", "contacted"),
        ("sample_sent", "sample sent"),
        ("deal", "deal"),
        ("closed_no_deal", "closed without a deal"),
    ]
    assert "trade.connection.create" in response.content.decode()


def test_the_parties_move_it_and_officials_only_read(board, client_for):
    connection = _sent(board)
    url = reverse("trade:connection_status", args=[connection.code])
    office = client_for(board.cast.office)
    assert office.get(reverse("trade:connection", args=[connection.code])).context["form"] is None
    assert office.post(url, {"status": "contacted"}).status_code == 404  # reads, may not move
    assert client_for(board.cast.producer1).post(url, {"status": "contacted"}).status_code == 404
    producer = client_for(board.cast.producer2)
    assert producer.post(url, {"status": "contacted", "note": "Đã gọi"}).status_code == 302
    buyer = client_for(board.buyer_user)
    assert buyer.post(url, {"status": "deal", "note": "300 hộp"}).status_code == 302
    connection.refresh_from_db()
    assert (connection.status, connection.outcome_note) == (ConnectionStatus.DEAL, "300 hộp")
    final = buyer.post(url, {"status": "contacted"})
    assert final.status_code == 422  # a final status offers no move
    assert buyer.get(reverse("trade:connection", args=[connection.code])).context["form"] is None


def test_a_backward_move_is_refused_on_the_form(board, client_for):
    connection = _sent(board)
    url = reverse("trade:connection_status", args=[connection.code])
    client = client_for(board.buyer_user)
    client.post(url, {"status": "sample_sent"})
    response = client.post(url, {"status": "new"})
    assert response.status_code == 422 and "status" in response.context["form"].errors
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.SAMPLE_SENT


def test_demand_page_links_an_existing_connection_instead_of_the_form(board, client_for):
    demand = _demand(board)
    connection = _sent(board, demand=demand)
    response = client_for(board.buyer_user).get(reverse("trade:demand", args=[demand.code]))
    assert [c for _m, c in response.context["matches"]] == [connection]
    demand.status = DemandStatus.CLOSED
    demand.save()
    response = client_for(board.buyer_user).get(reverse("trade:demand", args=[demand.code]))
    assert not response.context["can_contact"]
