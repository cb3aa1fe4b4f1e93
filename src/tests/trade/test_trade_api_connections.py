"""/api/v1/trade/connections: send a request (201, or 200 with the connection already made),
list and read what the caller sees (404 otherwise), move the status (404 for officials, who only read, 409 for a
move the table refuses, 422 for bad input)."""

# ruff: noqa: F811 (the fixtures, imported by name)

from __future__ import annotations

import json

import pytest
from django.db import connection as db
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from ocop.trade.models import Connection
from tests.factories.products import ProductFactory
from tests.factories.trade import ConnectionFactory, DemandFactory
from tests.trade.board_setup import board  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db
API = "/api/v1/trade/connections"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def post(client, path, body, **headers):
    return client.post(
        f"{API}{path}", data=json.dumps(body), content_type="application/json", **headers
    )


def _demand(board):
    return DemandFactory(buyer=board.buyer, keywords="trà sen", group_code="I.5", group_name="Chè")


def test_a_buyer_sends_a_request_then_gets_the_same_one_back(board, api_token):
    headers = api_token(board.buyer_user)
    demand = _demand(board)
    body = {"message": "Xin báo giá.", "product": board.lotus.product.code, "demand": demand.code}
    first = post(Client(), "", body, **headers)
    assert first.status_code == 201
    data = first.json()
    assert (data["status"], data["demand"], data["product"]["code"]) == (
        "new",
        demand.code,
        board.lotus.product.code,
    )
    assert data["reasons"][0]["code"] == "group" and data["buyer"]["code"] == board.buyer.code
    second = post(Client(), "", {**body, "message": "Lần hai"}, **headers)
    assert second.status_code == 200 and second.json()["code"] == data["code"]
    assert Connection.objects.count() == 1


def test_a_request_about_an_offer(board, client_for):
    response = post(
        client_for(board.buyer_user), "", {"message": "Chào", "offer": board.offer.code}
    )
    assert response.status_code == 201 and response.json()["offer"] == board.offer.code


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"message": ""}, "message"),
        ({"message": "x" * 10_000}, "message"),
        ({"message": 5}, "message"),
        ({}, "message"),
        ({"message": "ok", "product": "NOPE"}, "product"),
        ({"message": "ok", "product": None}, "product"),
        ({"message": "ok", "offer": "NOPE"}, "offer"),
        ({"message": "ok", "demand": "NOPE"}, "demand"),
    ],
)
def test_bad_requests_are_422_naming_the_field(board, client_for, body, field):
    if "product" not in body and "offer" not in body:
        body = {**body, "product": board.lotus.product.code}
    response = post(client_for(board.buyer_user), "", body)
    assert response.status_code == 422
    assert field in {error["field"] for error in response.json()["errors"]}
    assert not Connection.objects.exists()


def test_a_demand_of_another_buyer_is_refused(board, client_for):
    theirs = DemandFactory(buyer=board.other_buyer)
    response = post(
        client_for(board.buyer_user),
        "",
        {"message": "x", "product": board.lotus.product.code, "demand": theirs.code},
    )
    assert response.status_code == 422


@pytest.mark.parametrize("who", ["pending_user", "producer1", "office"])
def test_only_active_buyers_send_requests(board, client_for, who):
    user = getattr(board, who, None) or getattr(board.cast, who)
    response = post(client_for(user), "", {"message": "x", "product": board.lotus.product.code})
    assert response.status_code == 403


def test_lists_reads_and_leaks(board, client_for):
    mine = ConnectionFactory(buyer=board.buyer, product=board.lotus.product)
    theirs = ConnectionFactory(buyer=board.other_buyer, product=board.cast.product1)
    buyer = client_for(board.buyer_user)
    assert [c["code"] for c in buyer.get(API).json()["items"]] == [mine.code]
    assert buyer.get(f"{API}/{theirs.code}").status_code == 404
    assert client_for(board.cast.producer2).get(f"{API}/{theirs.code}").status_code == 404
    assert client_for(board.cast.commune2).get(f"{API}/{theirs.code}").status_code == 404
    assert client_for(board.cast.commune).get(f"{API}/{theirs.code}").status_code == 200
    assert client_for(board.cast.outsider).get(f"{API}/{mine.code}").status_code == 404
    assert Client().get(f"{API}/{mine.code}").status_code == 401
    office = client_for(board.cast.office)
    items = office.get(API, {"status": "new", "commune": board.cast.commune_b.key}).json()["items"]
    assert [c["code"] for c in items] == [mine.code]
    bad = office.get(API, {"year": "soon"})
    assert bad.status_code == 422


def test_the_list_does_not_grow_in_queries(board, client_for):
    office = client_for(board.cast.office)
    ConnectionFactory(buyer=board.buyer, product=board.lotus.product)

    def count():
        with CaptureQueriesContext(db) as captured:
            assert office.get(API).status_code == 200
        return len(captured)

    one = count()
    for _ in range(10):
        ConnectionFactory(buyer=board.other_buyer, product=ProductFactory(), demand=DemandFactory())
    assert count() == one


def test_the_parties_move_the_status_officials_may_not(board, client_for):
    connection = ConnectionFactory(buyer=board.buyer, product=board.lotus.product)
    path = f"/{connection.code}/status"
    office = post(client_for(board.cast.office), path, {"status": "contacted"})
    assert office.status_code == 404  # officials read a connection; moving it is not theirs
    other = post(client_for(board.cast.producer1), path, {"status": "contacted"})
    assert other.status_code == 404
    producer = post(
        client_for(board.cast.producer2), path, {"status": "contacted", "note": "Đã gọi"}
    )
    assert producer.status_code == 200 and producer.json()["status"] == "contacted"
    back = post(client_for(board.buyer_user), path, {"status": "new"})
    assert back.status_code == 409 and back.json()["type"].endswith("/conflict")
    deal = post(client_for(board.buyer_user), path, {"status": "deal", "note": "Chốt đơn"})
    assert deal.json()["outcome_note"] == "Chốt đơn" and deal.json()["status_changed_at"]
    long = post(client_for(board.buyer_user), path, {"status": "deal", "note": "x" * 3000})
    assert long.status_code == 409  # a deal is final: nothing moves on
    wrong_type = post(client_for(board.buyer_user), path, {"status": ["deal"]})
    assert wrong_type.status_code == 422
