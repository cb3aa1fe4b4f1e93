"""/api/v1/trade demands and offers: authenticated, the same loaders and services as the pages;
404 for what is not yours, 403 for a refused action, 409 for a wrong state, 422 naming the field
for bad input (a negative quantity, an end before the start, wrong types, 10,000 characters)."""

# ruff: noqa: F811 (the fixtures, imported by name)

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from ocop.trade.enums import DemandStatus, OfferStatus
from ocop.trade.models import Demand, Offer
from tests.factories.geo import CommuneFactory
from tests.factories.products import ProductFactory
from tests.factories.trade import DemandFactory, OfferFactory
from tests.trade.board_setup import board  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db
API = "/api/v1/trade"
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def call(client, method, path, body=None, **headers):
    kwargs = {"content_type": "application/json"} if body is not None else {}
    if body is not None:
        kwargs["data"] = json.dumps(body)
    return getattr(client, method)(f"{API}{path}", **kwargs, **headers)


def _payload(**overrides):
    start = TODAY + dt.timedelta(days=3)
    body = {
        "title": "Trà sen cho Tết",
        "group_code": "I.5",
        "keywords": "trà sen",
        "quantity": 300,
        "unit": "hộp",
        "period_start": start.isoformat(),
        "period_end": (start + dt.timedelta(days=30)).isoformat(),
    }
    body.update(overrides)
    return body


def _fields(response):
    assert response["Content-Type"] == "application/problem+json"
    return {error["field"]: error["message"] for error in response.json()["errors"]}


def test_a_buyer_posts_a_demand_with_a_token_and_reads_its_matches(board, api_token):
    headers = api_token(board.buyer_user)
    commune = CommuneFactory()
    response = call(
        Client(), "post", "/demands", _payload(delivery_area=[commune.key], min_stars=3), **headers
    )
    assert response.status_code == 201
    body = response.json()
    demand = Demand.objects.get()
    assert body["code"] == demand.code and body["status"] == "open"
    assert body["buyer"]["code"] == board.buyer.code
    assert body["delivery_area"] == [{"key": commune.key, "name": commune.name}]
    assert body["quantity"] == 300 and body["group_name"] == "Chè"
    matches = call(Client(), "get", f"/demands/{demand.code}/matches", **headers)
    assert matches.status_code == 200
    first = matches.json()[0]
    assert first["product"]["code"] == board.lotus.product.code and first["listed"]
    assert first["reasons"][0] == {
        "code": "group",
        "label": "Product group: Chè",
        "points": 25,
        "ok": True,
    }


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"quantity": -5}, "quantity", "Enter a number greater than zero."),
        ({"quantity": "nhiều"}, "quantity", None),
        ({"quantity": [1, 2]}, "quantity", None),
        ({"period_start": "hôm nay"}, "period_start", None),
        ({"min_stars": "many"}, "min_stars", None),
        ({"delivery_area": "c00004"}, "delivery_area", None),
        ({"title": None}, "title", None),
        ({"title": "t" * 10_000}, "title", "Enter at most 255 characters."),
        ({"keywords": "🍵" * 10_000}, "keywords", "Enter at most 300 characters."),
        ({"min_stars": 6}, "min_stars", "Choose 3, 4 or 5 stars, or none."),
        ({"certifications": ["x"]}, "certifications", "Choose from the list of certifications."),
    ],
)
def test_bad_input_is_a_422_naming_the_field(board, client_for, overrides, field, message):
    response = call(client_for(board.buyer_user), "post", "/demands", _payload(**overrides))
    assert response.status_code == 422
    errors = _fields(response)
    assert field in errors
    if message:
        assert errors[field] == message
    assert not Demand.objects.exists()


def test_an_end_before_the_start_is_refused_with_a_clear_message(board, client_for):
    start = TODAY + dt.timedelta(days=5)
    response = call(
        client_for(board.buyer_user),
        "post",
        "/demands",
        _payload(
            period_start=start.isoformat(), period_end=(start - dt.timedelta(days=1)).isoformat()
        ),
    )
    assert response.status_code == 422
    assert _fields(response) == {"period_end": "The end of the period cannot be before its start."}


def test_a_pending_buyer_or_a_producer_is_refused_with_403(board, client_for):
    for user in (board.pending_user, board.cast.producer1):
        response = call(client_for(user), "post", "/demands", _payload())
        assert response.status_code == 403
        assert response.json()["type"].endswith("/forbidden")


def test_anonymous_is_401(db):
    assert Client().get(f"{API}/demands").status_code == 401
    assert call(Client(), "post", "/demands", _payload()).status_code == 401


def test_the_list_is_what_the_caller_sees_and_does_not_grow_in_queries(board, client_for):
    DemandFactory(buyer=board.buyer, title="mine")
    DemandFactory(buyer=board.other_buyer, title="theirs")
    client = client_for(board.buyer_user)
    assert [d["title"] for d in call(client, "get", "/demands").json()["items"]] == ["mine"]
    office = client_for(board.cast.office)

    def count():
        with CaptureQueriesContext(connection) as captured:
            response = call(office, "get", "/demands")
        assert response.status_code == 200
        return len(captured), response.json()["count"]

    few = count()
    for _ in range(10):
        DemandFactory(buyer=board.other_buyer, delivery=[CommuneFactory()])
    many = count()
    assert (few[1], many[1]) == (2, 12) and few[0] == many[0]
    assert [d["title"] for d in call(office, "get", "/demands?q=min").json()["items"]] == ["mine"]


def test_not_yours_is_404(board, client_for):
    demand = DemandFactory(buyer=board.buyer)
    other = client_for(board.other_user)
    assert call(other, "get", f"/demands/{demand.code}").status_code == 404
    assert call(other, "patch", f"/demands/{demand.code}", {"unit": "kg"}).status_code == 404
    assert (
        call(other, "post", f"/demands/{demand.code}/status", {"status": "closed"}).status_code
        == 404
    )
    assert call(other, "get", f"/demands/{demand.code}/matches").status_code == 404
    producer = client_for(board.cast.producer2)  # sees the open demand, not its matches
    assert call(producer, "get", f"/demands/{demand.code}").status_code == 200
    assert call(producer, "get", f"/demands/{demand.code}/matches").status_code == 404
    assert call(producer, "patch", f"/demands/{demand.code}", {"unit": "kg"}).status_code == 404
    office = client_for(board.cast.office)
    assert call(office, "get", f"/demands/{demand.code}/matches").status_code == 200
    assert call(office, "patch", f"/demands/{demand.code}", {"unit": "kg"}).status_code == 404


def test_the_buyer_patches_and_closes_and_a_wrong_move_is_409(board, client_for):
    demand = DemandFactory(buyer=board.buyer)
    client = client_for(board.buyer_user)
    response = call(client, "patch", f"/demands/{demand.code}", {"quantity": 12.5, "min_stars": 4})
    assert response.status_code == 200
    assert (response.json()["quantity"], response.json()["min_stars"]) == (12.5, 4)
    bad = call(client, "patch", f"/demands/{demand.code}", {"quantity": -1})
    assert bad.status_code == 422 and _fields(bad) == {
        "quantity": "Enter a number greater than zero."
    }
    closed = call(client, "post", f"/demands/{demand.code}/status", {"status": "closed"})
    assert closed.status_code == 200 and closed.json()["status"] == DemandStatus.CLOSED
    again = call(client, "post", f"/demands/{demand.code}/status", {"status": "cancelled"})
    assert again.status_code == 409 and again.json()["type"].endswith("/conflict")


# --- offers -----------------------------------------------------------------------------------


def test_a_producer_posts_patches_and_closes_an_offer(board, client_for):
    client = client_for(board.cast.producer2)
    response = call(
        client,
        "post",
        "/offers",
        {
            "product": board.cast.product2.code,
            "capacity_per_month": 250,
            "unit": "kg",
            "season_months": [6, 7, 8],
            "price_min": 100000,
            "price_max": 150000,
            "certifications": ["vietgap"],
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["capacity_per_month"], body["season_months"], body["price_max"]) == (
        250,
        [6, 7, 8],
        150000,
    )
    code = body["code"]
    patched = call(client, "patch", f"/offers/{code}", {"capacity_per_month": 300})
    assert patched.status_code == 200 and patched.json()["capacity_per_month"] == 300
    moved = call(client, "patch", f"/offers/{code}", {"product": board.cast.product1.code})
    assert moved.status_code == 422 and "product" in _fields(moved)
    closed = call(client, "post", f"/offers/{code}/status", {"status": "closed"})
    assert closed.status_code == 200 and closed.json()["status"] == OfferStatus.CLOSED


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"capacity_per_month": -3}, "capacity_per_month"),
        ({"capacity_per_month": "lots"}, "capacity_per_month"),
        ({"season_months": [13]}, "season_months"),
        ({"season_months": ["may"]}, "season_months"),
        ({"price_min": 10, "price_max": 5}, "price_max"),
        ({"price_min": -1}, "price_min"),
        ({"product": "NOPE"}, "product"),
    ],
)
def test_bad_offers_are_422(board, client_for, overrides, field):
    body = {"product": board.cast.product2.code, "capacity_per_month": 5, "unit": "kg"}
    body.update(overrides)
    response = call(client_for(board.cast.producer2), "post", "/offers", body)
    assert response.status_code == 422
    assert [name.split(".")[0] for name in _fields(response)] == [field]
    assert not Offer.objects.filter(producer=board.cast.prod2).exists()


def test_offers_not_yours_are_404_and_buyers_see_only_open_ones(board, client_for):
    closed = OfferFactory(product=ProductFactory(producer=board.cast.prod2), status="closed")
    buyer = client_for(board.buyer_user)
    codes = [o["code"] for o in call(buyer, "get", "/offers").json()["items"]]
    assert codes == [board.offer.code]
    assert call(buyer, "get", f"/offers/{closed.code}").status_code == 404
    other = client_for(board.cast.producer1)
    assert call(other, "get", f"/offers/{closed.code}").status_code == 404
    assert call(other, "patch", f"/offers/{closed.code}", {"unit": "x"}).status_code == 404
    assert (
        call(
            buyer,
            "post",
            "/offers",
            {"product": board.cast.product2.code, "capacity_per_month": 5, "unit": "kg"},
        ).status_code
        == 403
    )
