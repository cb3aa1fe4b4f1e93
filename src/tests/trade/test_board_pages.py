"""The board's pages: the home of each role, demands (list, post, a demand with its matches and
reasons, edit, close), offers (list, post, an offer, edit, close); every leak tried (another
buyer, another producer, a pending buyer, a commune officer, anonymous); the query-count guards
of the lists."""

# ruff: noqa: F811 (the fixtures, imported by name)

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from ocop.trade.enums import DemandStatus, OfferStatus
from ocop.trade.models import Demand, Offer
from tests.factories.catalog import listed_product
from tests.factories.geo import CommuneFactory
from tests.factories.products import ProductFactory
from tests.factories.trade import ConnectionFactory, DemandFactory, OfferFactory
from tests.trade.board_setup import board, text_of  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _english_pages(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def _get(client, name, *args, **params):
    url = reverse(f"trade:{name}", args=args)
    return client.get(url, params)


def _tea_demand(board, **fields):
    values = {
        "buyer": board.buyer,
        "title": "Trà sen cho giỏ quà Tết",
        "keywords": "trà sen",
        "group_code": "I.5",
        "group_name": "Chè",
    }
    values.update(fields)
    return DemandFactory(**values)


# --- home -------------------------------------------------------------------------------------


def test_a_visitor_reads_what_the_board_is_and_how_to_register(db):
    response = Client().get(reverse("trade:home"))
    assert response.status_code == 200
    assert reverse("trade:register") in response.content.decode()
    assert "Register as a buyer" in text_of(response)


def test_the_buyers_home_lists_its_demands(board, client_for):
    _tea_demand(board)
    DemandFactory(buyer=board.other_buyer, title="Nhu cầu của người khác")
    page = text_of(client_for(board.buyer_user).get(reverse("trade:home")))
    assert "Trà sen cho giỏ quà Tết" in page and "Nhu cầu của người khác" not in page
    assert "Post a demand" in page


def test_a_pending_buyer_reads_that_posting_opens_after_approval(board, client_for):
    client = client_for(board.pending_user)
    page = text_of(client.get(reverse("trade:home")))
    assert "waiting for the provincial OCOP office's approval" in page
    form = client.get(reverse("trade:demand_create"))
    assert form.status_code == 200 and form.context["form"] is None
    assert "waiting for the provincial OCOP office's approval" in text_of(form)
    post = client.post(reverse("trade:demand_create"), {"title": "x"})
    assert post.status_code == 200 and not Demand.objects.exists()


def test_the_producers_home_shows_the_demands_that_fit_with_reasons(board, client_for):
    fits = _tea_demand(board)
    other = DemandFactory(buyer=board.other_buyer, title="Gạo nếp", keywords="gạo nếp")
    response = client_for(board.cast.producer2).get(reverse("trade:home"))
    assert response.status_code == 200
    assert [demand for demand, _match in response.context["fits"]] == [fits]
    assert {d.pk for d in response.context["state"].items} == {fits.pk, other.pk}
    page = text_of(response)
    assert "Keywords found: trà sen (1/1)" in page
    assert "Trà ướp sen Tây Hồ" in page


def test_the_officials_home_has_the_counts(board, client_for):
    _tea_demand(board)
    ConnectionFactory(buyer=board.buyer, product=board.lotus.product, status="deal")
    response = client_for(board.cast.office).get(reverse("trade:home"))
    figures = response.context["figures"]
    assert (figures["connections_total"], figures["deals"], figures["demands_open"]) == (1, 1, 1)
    assert (figures["offers_open"], figures["buyers_pending"]) == (1, 1)


def test_someone_without_a_part_gets_the_intro(board, client_for):
    response = client_for(board.cast.member).get(reverse("trade:home"))
    assert response.status_code == 200
    assert "trade/board/landing.html" in [t.name for t in response.templates]


# --- demands ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("buyer_user", {"mine", "closed_mine"}),
        ("other_user", {"theirs"}),
        ("producer2", {"mine", "theirs"}),
        ("office", {"mine", "closed_mine", "theirs", "pending"}),
        ("commune", {"mine", "closed_mine", "theirs", "pending"}),
    ],
)
def test_each_role_lists_the_demands_it_sees(board, client_for, who, expected):
    demands = {
        "mine": _tea_demand(board, title="mine"),
        "closed_mine": _tea_demand(board, title="closed_mine", status=DemandStatus.CLOSED),
        "theirs": DemandFactory(buyer=board.other_buyer, title="theirs"),
        "pending": DemandFactory(buyer=board.pending_buyer, title="pending buyer's"),
    }
    user = getattr(board, who, None) or getattr(board.cast, who)
    response = client_for(user).get(reverse("trade:demands"))
    assert response.status_code == 200
    titles = {d.title for d in response.context["state"].items}
    assert titles == {demands[key].title for key in expected}


@pytest.mark.parametrize("who", ["outsider", "member", "approver"])
def test_the_demand_list_is_not_for_others(board, client_for, who):
    assert client_for(getattr(board.cast, who)).get(reverse("trade:demands")).status_code == 404


def test_lists_need_a_sign_in(db):
    for name in ("demands", "offers", "connections", "buyers", "statistics", "demand_create"):
        response = Client().get(reverse(f"trade:{name}"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_the_demand_list_filters_and_searches_without_diacritics(board, client_for):
    _tea_demand(board, title="Trà sen")
    _tea_demand(board, title="Gạo", keywords="gạo tám", group_code="", group_name="")
    client = client_for(board.cast.office)

    def titles(**query):
        response = client.get(reverse("trade:demands"), query)
        return {demand.title for demand in response.context["state"].items}

    assert titles(q="gao tam") == {"Gạo"}
    assert titles(group="I.5") == {"Trà sen"}
    assert titles(status="closed") == set()
    assert titles(q="%_") == set()


def test_the_demand_list_takes_the_same_queries_for_1_or_20_rows(board, client_for):
    client = client_for(board.cast.office)
    _tea_demand(board, delivery=[CommuneFactory()])

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("trade:demands")).status_code == 200
        return len(captured)

    one = count()
    for n in range(19):
        _tea_demand(board, title=f"Nhu cầu {n}", delivery=[CommuneFactory()])
    assert count() == one


def test_a_buyer_posts_a_demand_through_the_form(board, client_for):
    start = TODAY + dt.timedelta(days=2)
    commune = CommuneFactory()
    response = client_for(board.buyer_user).post(
        reverse("trade:demand_create"),
        {
            "title": "Trà sen 🍵",
            "group_code": "I.5",
            "keywords": "trà sen",
            "quantity": "1,500",
            "unit": "hộp",
            "period_start": start.strftime("%d/%m/%Y"),
            "period_end": (start + dt.timedelta(days=30)).strftime("%d/%m/%Y"),
            "delivery_units": [commune.key],
            "min_stars": "4",
            "certifications": ["haccp"],
            "description": "",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    demand = Demand.objects.get()
    assert response["Location"] == reverse("trade:demand", args=[demand.code])
    assert (demand.quantity, demand.min_stars, demand.certifications) == (
        Decimal(1500),
        4,
        ["haccp"],
    )


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"quantity": "-5"}, "quantity", "Enter a number greater than zero."),
        ({"quantity": "abc"}, "quantity", "Enter a number."),
        (
            {"period_end": "01/01/2020"},
            "period_end",
            "The end of the period cannot be before its start.",
        ),
        (
            {"title": "t" * 10_000},
            "title",
            "Ensure this value has at most 255 characters (it has 10000).",
        ),
    ],
)
def test_bad_input_is_shown_next_to_the_field(board, client_for, fields, field, message):
    start = TODAY + dt.timedelta(days=2)
    data = {
        "title": "Trà sen",
        "keywords": "trà sen",
        "quantity": "10",
        "unit": "kg",
        "period_start": start.strftime("%d/%m/%Y"),
        "period_end": start.strftime("%d/%m/%Y"),
        **fields,
    }
    response = client_for(board.buyer_user).post(reverse("trade:demand_create"), data)
    assert response.status_code == 422
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Demand.objects.exists()


def test_the_buyer_sees_the_matches_with_their_reasons_and_a_contact_link(board, client_for):
    demand = _tea_demand(board)
    response = client_for(board.buyer_user).get(reverse("trade:demand", args=[demand.code]))
    assert response.status_code == 200
    matches = response.context["matches"]
    assert [m.product for m, _c in matches] == [board.lotus.product]
    page = text_of(response)
    assert "Product group: Chè" in page and "Keywords found: trà sen (1/1)" in page
    assert (
        f"?demand={demand.code}&amp;product={board.lotus.product.code}" in response.content.decode()
    )


def test_the_match_list_of_a_demand_does_not_grow_in_queries(board, client_for):
    demand = _tea_demand(board)
    client = client_for(board.buyer_user)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("trade:demand", args=[demand.code])).status_code == 200
        return len(captured)

    listed_product(name="Trà sen 1", group=board.tea)
    one = count()
    for n in range(2, 15):
        listed_product(name=f"Trà sen {n}", group=board.tea)
        OfferFactory(product=ProductFactory(name=f"Trà sen offer {n}"))
    assert count() == one


def test_a_producer_sees_its_own_fit_and_the_buyers_contact_not_the_other_matches(
    board, client_for
):
    demand = _tea_demand(board)
    response = client_for(board.cast.producer2).get(reverse("trade:demand", args=[demand.code]))
    assert response.status_code == 200
    assert response.context["matches"] is None
    assert response.context["my_match"].product == board.lotus.product
    page = text_of(response)
    assert board.buyer.contact_name in page and board.buyer.phone in page
    assert reverse("trade:buyer", args=[board.buyer.code]) not in response.content.decode()


@pytest.mark.parametrize("who", ["other_user", "pending_user", "outsider"])
def test_another_buyer_or_an_outsider_gets_404_on_a_demand(board, client_for, who):
    demand = _tea_demand(board)
    user = getattr(board, who, None) or getattr(board.cast, who)
    client = client_for(user)
    for name in ("demand", "demand_edit"):
        assert client.get(reverse(f"trade:{name}", args=[demand.code])).status_code == 404
    response = client.post(reverse("trade:demand_status", args=[demand.code]), {"action": "close"})
    assert response.status_code == 404
    demand.refresh_from_db()
    assert demand.status == DemandStatus.OPEN


def test_a_producer_does_not_see_a_closed_demand_it_is_not_connected_to(board, client_for):
    closed = _tea_demand(board, status=DemandStatus.CLOSED)
    client = client_for(board.cast.producer2)
    assert client.get(reverse("trade:demand", args=[closed.code])).status_code == 404
    ConnectionFactory(buyer=board.buyer, product=board.lotus.product, demand=closed)
    assert client.get(reverse("trade:demand", args=[closed.code])).status_code == 200


def test_officials_and_producers_may_not_edit_or_close(board, client_for):
    demand = _tea_demand(board)
    for user in (board.cast.office, board.cast.producer2, board.cast.commune):
        client = client_for(user)
        assert client.get(reverse("trade:demand_edit", args=[demand.code])).status_code == 404
        response = client.post(
            reverse("trade:demand_status", args=[demand.code]), {"action": "cancel"}
        )
        assert response.status_code == 404


def test_the_buyer_edits_and_closes_its_demand(board, client_for):
    demand = _tea_demand(board)
    client = client_for(board.buyer_user)
    form = client.get(reverse("trade:demand_edit", args=[demand.code]))
    assert form.status_code == 200 and form.context["form"].initial["title"] == demand.title
    data = {
        "title": "Trà sen 200 hộp",
        "keywords": "trà sen",
        "group_code": "I.5",
        "quantity": "200",
        "unit": "hộp",
        "period_start": demand.period_start.strftime("%d/%m/%Y"),
        "period_end": demand.period_end.strftime("%d/%m/%Y"),
    }
    assert client.post(reverse("trade:demand_edit", args=[demand.code]), data).status_code == 302
    response = client.post(reverse("trade:demand_status", args=[demand.code]), {"action": "close"})
    assert response.status_code == 302
    demand.refresh_from_db()
    assert (demand.title, demand.status) == ("Trà sen 200 hộp", DemandStatus.CLOSED)
    wrong = client.post(reverse("trade:demand_status", args=[demand.code]), {"action": "cancel"})
    assert wrong.status_code == 302  # refused with a message: a closed demand is not cancelled
    demand.refresh_from_db()
    assert demand.status == DemandStatus.CLOSED
    assert (
        client.post(
            reverse("trade:demand_status", args=[demand.code]), {"action": "explode"}
        ).status_code
        == 404
    )


# --- offers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("producer1", {"board", "closed1"}),
        ("producer2", {"two"}),
        ("buyer_user", {"board", "two"}),
        ("pending_user", set()),
        ("office", {"board", "closed1", "two"}),
        ("commune", {"board", "closed1"}),
        ("commune2", {"two"}),
    ],
)
def test_each_role_lists_the_offers_it_sees(board, client_for, who, expected):
    offers = {
        "board": board.offer,
        "closed1": OfferFactory(
            product=ProductFactory(producer=board.cast.prod1), status=OfferStatus.CLOSED
        ),
        "two": OfferFactory(product=board.cast.product2),
    }
    user = getattr(board, who, None) or getattr(board.cast, who)
    response = client_for(user).get(reverse("trade:offers"))
    assert response.status_code == 200
    shown = {offer.pk for offer, _listed in response.context["rows"]}
    assert shown == {offers[key].pk for key in expected}


def test_the_offer_list_marks_ocop_products_and_keeps_its_query_count(board, client_for):
    client = client_for(board.cast.office)
    OfferFactory(product=board.lotus.product)

    def count() -> tuple[int, list[bool]]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("trade:offers"))
        return len(captured), sorted(listed for _o, listed in response.context["rows"])

    few = count()
    assert few[1] == [False, True]
    for n in range(15):
        OfferFactory(product=ProductFactory(name=f"Sản phẩm {n}"), delivery=[CommuneFactory()])
    assert count()[0] == few[0]


def test_a_producer_posts_an_offer_for_its_product(board, client_for):
    cast = board.cast
    client = client_for(cast.producer2)
    form = client.get(reverse("trade:offer_create"))
    assert [p.code for p in form.context["form"].fields["product"].queryset] == [
        p.code for p in cast.prod2.products.order_by("name", "pk")
    ]
    response = client.post(
        reverse("trade:offer_create"),
        {
            "product": cast.product2.code,
            "capacity_per_month": "1,200.5",
            "unit": "kg",
            "season_months": ["6", "7"],
            "price_min": "100,000",
            "price_max": "150,000",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    offer = Offer.objects.get(product=cast.product2)
    assert (offer.capacity_per_month, offer.season_months, offer.price_max) == (
        Decimal("1200.50"),
        [6, 7],
        Decimal(150000),
    )


def test_a_producer_may_not_post_for_another_producers_product(board, client_for):
    response = client_for(board.cast.producer2).post(
        reverse("trade:offer_create"),
        {"product": board.cast.product1.code, "capacity_per_month": "5", "unit": "kg"},
    )
    assert response.status_code == 422
    assert "product" in response.context["form"].errors


def test_the_offer_form_is_not_for_buyers_or_officials(board, client_for):
    for user in (board.buyer_user, board.cast.office, board.cast.outsider):
        assert client_for(user).get(reverse("trade:offer_create")).status_code == 404


def test_a_producer_whose_record_is_pending_reads_why(board, client_for):
    board.cast.prod2.status = "pending"
    board.cast.prod2.save()
    response = client_for(board.cast.producer2).get(reverse("trade:offer_create"))
    assert response.status_code == 200 and response.context["form"] is None


def test_offer_detail_edit_and_close_only_for_its_producer(board, client_for):
    offer = board.offer
    owner = client_for(board.cast.producer1)
    assert owner.get(reverse("trade:offer", args=[offer.code])).status_code == 200
    assert owner.get(reverse("trade:offer_edit", args=[offer.code])).status_code == 200
    response = owner.post(
        reverse("trade:offer_edit", args=[offer.code]),
        {"capacity_per_month": "80", "unit": "bộ", "price_min": "5", "price_max": "1"},
    )
    assert response.status_code == 422
    assert response.context["form"].errors["price_max"] == [
        "The highest price cannot be below the lowest."
    ]
    assert (
        owner.post(
            reverse("trade:offer_status", args=[offer.code]), {"action": "close"}
        ).status_code
        == 302
    )
    offer.refresh_from_db()
    assert offer.status == OfferStatus.CLOSED
    for user in (board.cast.producer2, board.buyer_user, board.cast.office):
        client = client_for(user)
        assert client.get(reverse("trade:offer_edit", args=[offer.code])).status_code == 404
        assert (
            client.post(
                reverse("trade:offer_status", args=[offer.code]), {"action": "reopen"}
            ).status_code
            == 404
        )


def test_a_closed_offer_is_hidden_from_buyers_and_other_producers(board, client_for):
    board.offer.status = OfferStatus.CLOSED
    board.offer.save()
    for user in (board.buyer_user, board.cast.producer2, board.pending_user, board.cast.commune2):
        assert (
            client_for(user).get(reverse("trade:offer", args=[board.offer.code])).status_code == 404
        )


def test_an_active_buyer_sees_an_open_offer_with_a_contact_button(board, client_for):
    response = client_for(board.buyer_user).get(reverse("trade:offer", args=[board.offer.code]))
    assert response.status_code == 200 and response.context["can_contact"]
    assert f"?offer={board.offer.code}" in response.content.decode()
    assert (
        client_for(board.pending_user)
        .get(reverse("trade:offer", args=[board.offer.code]))
        .status_code
        == 404
    )


@pytest.mark.parametrize(
    ("language", "typed", "amount"),
    [
        ("vi", "1.500", Decimal(1500)),
        ("vi", "1.500,25", Decimal("1500.25")),
        ("vi", "12,5", Decimal("12.5")),
        ("vi", "1 500", Decimal(1500)),
        ("en", "1,500.25", Decimal("1500.25")),
        ("en", "12.5", Decimal("12.5")),
    ],
)
def test_numbers_are_read_as_people_write_them(language, typed, amount):
    from ocop.trade.forms import AmountField

    with translation.override(language):
        assert AmountField(max_digits=14, decimal_places=2).clean(typed) == amount


@pytest.mark.parametrize("who", ["producer2", "office", "buyer_user"])
def test_the_home_takes_the_same_queries_for_1_or_15_demands(board, client_for, who):
    user = getattr(board, who, None) or getattr(board.cast, who)
    client = client_for(user)
    _tea_demand(board, delivery=[CommuneFactory()])
    ConnectionFactory(buyer=board.buyer, product=board.lotus.product)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("trade:home")).status_code == 200
        return len(captured)

    one = count()
    for n in range(14):
        _tea_demand(board, title=f"Nhu cầu {n}", delivery=[CommuneFactory()])
        ConnectionFactory(buyer=board.buyer, product=ProductFactory())
    assert count() == one
