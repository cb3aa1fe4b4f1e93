"""Demands and offers through their services: who may post, the checks (a negative quantity, an
end before the start, a start in the past, 10,000 characters, emoji, wrong types), the database's
own constraints, the transitions, and the producers told once per demand."""

# ruff: noqa: F811 (the fixtures, imported by name)

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ocop.core.models import ActivityLog
from ocop.evaluation.models import Notification
from ocop.evaluation.services.refusals import NotAllowed, WrongState
from ocop.trade.enums import DemandStatus, OfferStatus
from ocop.trade.models import Demand, DemandNotice, Offer
from ocop.trade.services.demands import change_demand_status, create_demand, update_demand
from ocop.trade.services.matching import NOTIFY_MIN_SCORE, notify_matching_producers
from ocop.trade.services.offers import change_offer_status, create_offer, update_offer
from tests.factories.geo import CommuneFactory
from tests.factories.producers import ProducerFactory
from tests.factories.products import ProductFactory
from tests.factories.trade import DemandFactory, OfferFactory, demand_data, offer_data
from tests.trade.board_setup import board, english, messages_of  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
TODAY = timezone.localdate()


# --- demands ----------------------------------------------------------------------------------


def test_an_active_buyer_posts_a_demand_with_its_group_and_area(board):
    commune = CommuneFactory(name="Phường Tây Hồ")
    demand = create_demand(
        actor=board.buyer_user,
        data=demand_data(
            group_code="I.5",
            keywords=" Trà  sen ",
            delivery_units=[commune.key],
            min_stars="4",
            certifications=["haccp", "vietgap", "haccp"],
        ),
    )
    assert (demand.buyer, demand.status, demand.created_by) == (
        board.buyer,
        DemandStatus.OPEN,
        board.buyer_user,
    )
    assert (demand.group_code, demand.group_name, demand.keywords) == ("I.5", "Chè", "Trà  sen")
    assert demand.keywords_folded == "tra sen"
    assert list(demand.delivery_units.all()) == [commune]
    assert (demand.min_stars, demand.certifications) == (4, ["vietgap", "haccp"])
    log = ActivityLog.objects.get(action="trade.demand.create")
    assert log.data["new"]["delivery_units"] == [commune.key]


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"quantity": Decimal(-5)}, {"quantity": ["Enter a number greater than zero."]}),
        ({"quantity": 0}, {"quantity": ["Enter a number greater than zero."]}),
        ({"quantity": "nhiều"}, {"quantity": ["Enter a number."]}),
        ({"quantity": [1]}, {"quantity": ["Enter a number."]}),
        (
            {"quantity": Decimal("1.234")},
            {"quantity": ["Enter a number with at most 2 decimal places."]},
        ),
        ({"quantity": Decimal("1e15")}, {"quantity": ["Enter a number of at most 999999999999."]}),
        ({"quantity": "NaN"}, {"quantity": ["Enter a number."]}),
        (
            {"period_end": TODAY},
            {"period_end": ["The end of the period cannot be before its start."]},
        ),
        (
            {"period_start": TODAY - dt.timedelta(days=1)},
            {"period_start": ["The period cannot start in the past."]},
        ),
        (
            {"period_end": TODAY + dt.timedelta(days=5 * 366)},
            {"period_end": ["The period can be at most three years long."]},
        ),
        ({"period_start": "hôm qua"}, {"period_start": ["Enter a valid date."]}),
        ({"period_start": 20260101}, {"period_start": ["Give the date."]}),
        ({"title": "x" * 10_000}, {"title": ["Enter at most 255 characters."]}),
        ({"title": ""}, {"title": ["This field is required."]}),
        ({"keywords": "k" * 10_000}, {"keywords": ["Enter at most 300 characters."]}),
        ({"description": "d" * 10_000}, {"description": ["Enter at most 5000 characters."]}),
        ({"unit": 5}, {"unit": ["Enter text."]}),
        ({"group_code": "Z.9"}, {"group_code": ["Choose a product group from the list."]}),
        (
            {"keywords": "", "group_code": ""},
            {
                "keywords": [
                    "Choose a product group or give keywords, so that producers can be matched."
                ]
            },
        ),
        ({"min_stars": 2}, {"min_stars": ["Choose 3, 4 or 5 stars, or none."]}),
        ({"min_stars": True}, {"min_stars": ["Choose 3, 4 or 5 stars, or none."]}),
        (
            {"certifications": ["iso9001"]},
            {"certifications": ["Choose from the list of certifications."]},
        ),
        (
            {"certifications": "haccp"},
            {"certifications": ["Choose from the list of certifications."]},
        ),
        ({"delivery_units": ["c99999"]}, {"delivery_units": ["Unknown commune or ward: c99999."]}),
        ({"delivery_units": "c00004"}, {"delivery_units": ["Choose communes or wards."]}),
    ],
)
def test_bad_demands_are_refused_with_a_clear_message(board, fields, errors):
    with pytest.raises(ValidationError) as caught:
        create_demand(actor=board.buyer_user, data=demand_data(**fields))
    assert messages_of(caught.value) == errors
    assert not Demand.objects.exists()


def test_an_end_before_the_start_names_the_end(board):
    start = TODAY + dt.timedelta(days=10)
    with pytest.raises(ValidationError) as caught:
        create_demand(
            actor=board.buyer_user,
            data=demand_data(period_start=start, period_end=start - dt.timedelta(days=1)),
        )
    assert list(messages_of(caught.value)) == ["period_end"]


def test_dates_may_be_given_as_text(board):
    start = TODAY + dt.timedelta(days=3)
    demand = create_demand(
        actor=board.buyer_user,
        data=demand_data(period_start=start.isoformat(), period_end=start.strftime("%d/%m/%Y")),
    )
    assert demand.period_start == demand.period_end == start


def test_a_commune_that_has_ended_is_not_a_delivery_area(board):
    old = CommuneFactory(valid_to=dt.date(2025, 6, 30), code="77777", name="Xã Cũ")
    with pytest.raises(ValidationError) as caught:
        create_demand(actor=board.buyer_user, data=demand_data(delivery_units=[old]))
    assert messages_of(caught.value) == {
        "delivery_units": ["Xã Cũ is not a current commune or ward."]
    }


def test_the_database_refuses_a_negative_quantity_and_an_end_before_the_start(board):
    with pytest.raises(IntegrityError), transaction.atomic():
        DemandFactory(buyer=board.buyer, quantity=Decimal(-1))
    with pytest.raises(IntegrityError), transaction.atomic():
        DemandFactory(
            buyer=board.buyer, period_start=TODAY, period_end=TODAY - dt.timedelta(days=1)
        )


def test_emoji_are_kept(board):
    demand = create_demand(actor=board.buyer_user, data=demand_data(title="Trà sen 🍵 cho Tết 🎉"))
    assert demand.title == "Trà sen 🍵 cho Tết 🎉"


@pytest.mark.parametrize("who", ["pending_user", "other_producer", "office", "outsider"])
def test_only_an_active_buyers_people_post(board, who):
    actor = {
        "pending_user": board.pending_user,
        "other_producer": board.cast.producer1,
        "office": board.cast.office,
        "outsider": board.cast.outsider,
    }[who]
    with pytest.raises(NotAllowed):
        create_demand(actor=actor, data=demand_data())


def test_a_pending_buyer_reads_that_posting_opens_after_approval(board):
    with pytest.raises(NotAllowed) as caught:
        create_demand(actor=board.pending_user, data=demand_data())
    assert "once it is approved" in caught.value.text


def test_the_buyer_changes_its_demand_and_others_may_not(board):
    demand = create_demand(actor=board.buyer_user, data=demand_data())
    updated = update_demand(
        actor=board.buyer_user, demand=demand, data={"quantity": "350.5", "unit": "hộp"}
    )
    assert (updated.quantity, updated.unit) == (Decimal("350.50"), "hộp")
    log = ActivityLog.objects.get(action="trade.demand.update")
    assert log.data["new"] == {"quantity": "350.50", "unit": "hộp"}
    with pytest.raises(NotAllowed):
        update_demand(actor=board.other_user, demand=demand, data={"unit": "x"})
    with pytest.raises(ValidationError) as caught:
        update_demand(
            actor=board.buyer_user,
            demand=demand,
            data={"period_end": demand.period_start - dt.timedelta(days=1)},
        )
    assert list(messages_of(caught.value)) == ["period_end"]


def test_a_demand_whose_start_has_passed_keeps_it_when_other_fields_change(board):
    demand = DemandFactory(
        buyer=board.buyer, period_start=TODAY - dt.timedelta(days=10), period_end=TODAY
    )
    update_demand(actor=board.buyer_user, demand=demand, data={"title": "Đổi tên"})
    demand.refresh_from_db()
    assert demand.title == "Đổi tên"


def test_close_cancel_reopen_and_refused_moves(board):
    demand = create_demand(actor=board.buyer_user, data=demand_data())
    change_demand_status(actor=board.buyer_user, demand=demand, to=DemandStatus.CLOSED)
    change_demand_status(actor=board.buyer_user, demand=demand, to=DemandStatus.OPEN)
    change_demand_status(actor=board.buyer_user, demand=demand, to=DemandStatus.CANCELLED)
    with pytest.raises(WrongState):
        change_demand_status(actor=board.buyer_user, demand=demand, to=DemandStatus.OPEN)
    with pytest.raises(WrongState):
        update_demand(actor=board.buyer_user, demand=demand, data={"title": "x"})
    actions = list(
        ActivityLog.objects.filter(action__startswith="trade.demand.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "trade.demand.create",
        "trade.demand.close",
        "trade.demand.reopen",
        "trade.demand.cancel",
    ]
    other = DemandFactory(buyer=board.buyer)
    with pytest.raises(WrongState):
        change_demand_status(actor=board.buyer_user, demand=other, to="nonsense")
    with pytest.raises(NotAllowed):
        change_demand_status(actor=board.cast.office, demand=other, to=DemandStatus.CLOSED)


def test_a_demand_whose_period_has_ended_is_not_reopened(board):
    demand = DemandFactory(
        buyer=board.buyer,
        status=DemandStatus.CLOSED,
        period_start=TODAY - dt.timedelta(days=30),
        period_end=TODAY - dt.timedelta(days=1),
    )
    with pytest.raises(WrongState):
        change_demand_status(actor=board.buyer_user, demand=demand, to=DemandStatus.OPEN)


# --- notices ----------------------------------------------------------------------------------


def test_the_producers_of_the_best_matches_are_told_once(board):
    cast = board.cast
    demand = create_demand(
        actor=board.buyer_user, data=demand_data(group_code="I.5", keywords="trà sen")
    )
    notices = list(DemandNotice.objects.filter(demand=demand))
    assert [(n.producer, n.score >= NOTIFY_MIN_SCORE) for n in notices] == [(cast.prod2, True)]
    told = Notification.objects.filter(user=cast.producer2)
    assert told.count() == 1 and demand.code in told.get().url
    assert not Notification.objects.filter(user=cast.producer1).exists()
    assert ActivityLog.objects.get(action="trade.demand.notice").data == {
        "producers": [cast.prod2.code]
    }
    # Reopening tells only producers not told before.
    change_demand_status(actor=board.buyer_user, demand=demand, to=DemandStatus.CLOSED)
    OfferFactory(product=ProductFactory(name="Trà sen túi lọc", producer=cast.prod1), unit="kg")
    change_demand_status(actor=board.buyer_user, demand=demand, to=DemandStatus.OPEN)
    assert set(DemandNotice.objects.filter(demand=demand).values_list("producer", flat=True)) == {
        cast.prod2.pk,
        cast.prod1.pk,
    }
    assert Notification.objects.filter(user=cast.producer2).count() == 1
    assert Notification.objects.filter(user=cast.producer1).count() == 1
    assert notify_matching_producers(actor=board.buyer_user, demand=demand) == 0


def test_weak_matches_are_not_told(board):
    create_demand(actor=board.buyer_user, data=demand_data(group_code="I.5", keywords=""))
    # the lotus tea matches the group only: 25 + 15 + 7 = 47 < 50
    assert not DemandNotice.objects.exists()


# --- offers -----------------------------------------------------------------------------------


def test_a_producer_offers_its_own_product(board):
    cast = board.cast
    product = ProductFactory(producer=cast.prod2, name="Trà sen túi lọc")
    offer = create_offer(
        actor=cast.producer2,
        product=product.code,
        data=offer_data(
            capacity_per_month="1.500",
            season_months=[7, "6", 7],
            price_min=Decimal(85_000),
            price_max=Decimal(120_000),
            certifications=["food_safety"],
        ),
    )
    assert (offer.producer, offer.product, offer.status) == (cast.prod2, product, OfferStatus.OPEN)
    assert (offer.capacity_per_month, offer.season_months) == (Decimal("1.50"), [6, 7])
    assert ActivityLog.objects.filter(action="trade.offer.create").count() == 1


def test_all_twelve_months_are_all_year(board):
    product = ProductFactory(producer=board.cast.prod2)
    offer = create_offer(
        actor=board.cast.producer2,
        product=product,
        data=offer_data(season_months=list(range(1, 13))),
    )
    assert offer.season_months == []


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"capacity_per_month": -1}, {"capacity_per_month": ["Enter a number greater than zero."]}),
        ({"capacity_per_month": None}, {"capacity_per_month": ["Enter a number."]}),
        ({"unit": ""}, {"unit": ["This field is required."]}),
        ({"season_months": [0, 13]}, {"season_months": ["Choose months from 1 to 12."]}),
        ({"season_months": ["tháng 5"]}, {"season_months": ["Choose months from 1 to 12."]}),
        ({"price_min": -1}, {"price_min": ["Enter a number that is not negative."]}),
        (
            {"price_min": Decimal("10.5")},
            {"price_min": ["Enter a number with at most 0 decimal places."]},
        ),
        (
            {"price_min": 200, "price_max": 100},
            {"price_max": ["The highest price cannot be below the lowest."]},
        ),
        ({"note": "n" * 10_000}, {"note": ["Enter at most 2000 characters."]}),
    ],
)
def test_bad_offers_are_refused(board, fields, errors):
    product = ProductFactory(producer=board.cast.prod2)
    with pytest.raises(ValidationError) as caught:
        create_offer(actor=board.cast.producer2, product=product, data=offer_data(**fields))
    assert messages_of(caught.value) == errors


def test_a_producer_may_not_offer_someone_elses_or_an_archived_product(board):
    cast = board.cast
    with pytest.raises(ValidationError) as caught:
        create_offer(actor=cast.producer2, product=cast.product1, data=offer_data())
    assert messages_of(caught.value) == {"product": ["Choose one of your products."]}
    archived = ProductFactory(producer=cast.prod2, status="archived")
    with pytest.raises(ValidationError):
        create_offer(actor=cast.producer2, product=archived, data=offer_data())
    with pytest.raises(ValidationError):
        create_offer(actor=cast.producer2, product="NO-SUCH", data=offer_data())
    with pytest.raises(NotAllowed):
        create_offer(actor=board.buyer_user, product=cast.product2, data=offer_data())
    with pytest.raises(NotAllowed):
        create_offer(actor=cast.office, product=cast.product2, data=offer_data())


def test_an_unapproved_producer_may_not_offer(board):
    cast = board.cast
    cast.prod2.status = "pending"
    cast.prod2.save()
    with pytest.raises(NotAllowed):
        create_offer(actor=cast.producer2, product=cast.product2, data=offer_data())


def test_one_open_offer_per_product_and_the_transitions(board):
    cast = board.cast
    offer = create_offer(actor=cast.producer2, product=cast.product2, data=offer_data())
    with pytest.raises(WrongState):
        create_offer(actor=cast.producer2, product=cast.product2, data=offer_data())
    change_offer_status(actor=cast.producer2, offer=offer, to=OfferStatus.CLOSED)
    second = create_offer(actor=cast.producer2, product=cast.product2, data=offer_data())
    with pytest.raises(WrongState):
        change_offer_status(actor=cast.producer2, offer=offer, to=OfferStatus.OPEN)
    change_offer_status(actor=cast.producer2, offer=second, to=OfferStatus.CLOSED)
    change_offer_status(actor=cast.producer2, offer=offer, to=OfferStatus.OPEN)
    with pytest.raises(WrongState):
        change_offer_status(actor=cast.producer2, offer=offer, to=OfferStatus.OPEN)
    with pytest.raises(NotAllowed):
        change_offer_status(actor=cast.producer1, offer=offer, to=OfferStatus.CLOSED)
    assert list(
        ActivityLog.objects.filter(action__in=["trade.offer.close", "trade.offer.reopen"])
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["trade.offer.close", "trade.offer.close", "trade.offer.reopen"]


def test_the_producer_changes_its_offer(board):
    cast = board.cast
    offer = create_offer(actor=cast.producer2, product=cast.product2, data=offer_data())
    commune = CommuneFactory()
    update_offer(
        actor=cast.producer2,
        offer=offer,
        data={"delivery_units": [commune], "price_max": 90_000},
    )
    offer.refresh_from_db()
    assert (list(offer.delivery_units.all()), offer.price_max) == ([commune], Decimal(90_000))
    with pytest.raises(NotAllowed):
        update_offer(actor=cast.producer1, offer=offer, data={"unit": "x"})
    with pytest.raises(ValidationError):
        update_offer(actor=cast.producer2, offer=offer, data={"price_min": 100_000})


def test_staff_of_the_producer_may_offer(board):
    cast = board.cast
    product = ProductFactory(producer=cast.prod1, name="Đĩa gốm")
    offer = create_offer(actor=cast.producer1_staff, product=product.code, data=offer_data())
    assert offer.created_by == cast.producer1_staff
    assert Offer.objects.filter(producer=cast.prod1, status=OfferStatus.OPEN).count() == 2


def test_the_database_refuses_prices_out_of_order(board):
    with pytest.raises(IntegrityError), transaction.atomic():
        OfferFactory(product=ProductFactory(producer=ProducerFactory()), price_min=10, price_max=5)
