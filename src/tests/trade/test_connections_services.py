"""Connections through their services: a contact request (from a match, an offer, a product page),
its reasons kept, the producer told, sent twice = the same connection (also when two requests
race), the checks; the status moves, allowed and refused, by whom, with the audit row."""

# ruff: noqa: F811 (the fixtures, imported by name)

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db import connection as db_connection

from ocop.core.models import ActivityLog
from ocop.evaluation.models import Notification
from ocop.evaluation.services.refusals import NotAllowed, WrongState
from ocop.trade.enums import ConnectionStatus, DemandStatus, OfferStatus
from ocop.trade.models import Connection
from ocop.trade.services.connections import change_connection_status, request_connection
from tests.factories.products import ProductFactory
from tests.factories.trade import ConnectionFactory, DemandFactory
from tests.trade.board_setup import board, english, messages_of  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
MESSAGE = "Siêu thị cần 300 hộp trà sen cho Tết, xin báo giá."


def _demand(board, **fields):
    values = {"buyer": board.buyer, "keywords": "trà sen", "group_code": "I.5", "group_name": "Chè"}
    values.update(fields)
    return DemandFactory(**values)


def test_a_request_from_a_match_keeps_the_reasons_and_tells_the_producer(board):
    demand = _demand(board)
    connection, created = request_connection(
        actor=board.buyer_user, message=MESSAGE, product=board.lotus.product, demand=demand
    )
    assert created
    assert (connection.buyer, connection.producer, connection.demand, connection.status) == (
        board.buyer,
        board.cast.prod2,
        demand,
        ConnectionStatus.NEW,
    )
    assert connection.status_changed_at is not None
    assert [r["code"] for r in connection.reasons][:3] == ["group", "keywords", "certificate"]
    assert all({"code", "label", "points", "ok", "params"} <= set(r) for r in connection.reasons)
    notice = Notification.objects.get(user=board.cast.producer2)
    assert connection.code in notice.url
    assert ActivityLog.objects.filter(action="trade.connection.create").count() == 1


def test_sending_twice_gives_the_same_connection(board):
    demand = _demand(board)
    first, created = request_connection(
        actor=board.buyer_user, message=MESSAGE, product=board.lotus.product, demand=demand
    )
    second, again = request_connection(
        actor=board.buyer_user, message="Lần hai", product=board.lotus.product, demand=demand
    )
    assert (created, again, first) == (True, False, second)
    assert Connection.objects.count() == 1
    # Without a demand: the same product while the first request is still going.
    plain, made = request_connection(
        actor=board.buyer_user, message=MESSAGE, product=board.lotus.product
    )
    repeat, made_again = request_connection(
        actor=board.buyer_user, message=MESSAGE, product=board.lotus.product
    )
    assert (made, made_again, plain) == (True, False, repeat)
    change_connection_status(
        actor=board.buyer_user, connection=plain, to=ConnectionStatus.CLOSED_NO_DEAL
    )
    fresh, made = request_connection(
        actor=board.buyer_user, message=MESSAGE, product=board.lotus.product
    )
    assert made and fresh != plain


def test_a_lost_race_on_the_unique_constraint_returns_the_winner(board, monkeypatch):
    """Two requests for the same demand and producer: the second's insert breaks the unique
    constraint; the service returns the first connection instead of an error."""
    demand = _demand(board)
    winner = ConnectionFactory(
        buyer=board.buyer, product=board.lotus.product, demand=demand, message="trước"
    )
    from ocop.trade.services import connections as module

    calls = {"n": 0}
    real = module._existing

    def late(*args, **kwargs):  # the first look finds nothing: the other request had not committed
        calls["n"] += 1
        return None if calls["n"] == 1 else real(*args, **kwargs)

    monkeypatch.setattr(module, "_existing", late)
    found, created = request_connection(
        actor=board.buyer_user, message=MESSAGE, product=board.lotus.product, demand=demand
    )
    assert (found, created) == (winner, False)
    assert Connection.objects.count() == 1


def test_the_database_keeps_one_connection_per_demand_and_producer(board):
    demand = _demand(board)
    ConnectionFactory(buyer=board.buyer, product=board.lotus.product, demand=demand)
    with pytest.raises(IntegrityError), transaction.atomic():
        ConnectionFactory(buyer=board.buyer, product=board.lotus.product, demand=demand)


def test_a_request_about_an_offer(board):
    connection, _ = request_connection(actor=board.buyer_user, message=MESSAGE, offer=board.offer)
    assert (connection.product, connection.offer, connection.reasons) == (
        board.cast.product1,
        board.offer,
        [],
    )


def test_a_request_from_a_match_remembers_the_offer_scored(board):
    demand = _demand(board, keywords="gốm", group_code="IV.1", group_name="Thủ công")
    connection, _ = request_connection(
        actor=board.buyer_user, message=MESSAGE, product=board.cast.product1, demand=demand
    )
    assert connection.offer == board.offer
    assert "capacity" in [r["code"] for r in connection.reasons]


@pytest.mark.parametrize(
    ("message", "error"),
    [
        ("", "This field is required."),
        ("   ", "This field is required."),
        ("x" * 2001, "Enter at most 2000 characters."),
        (["a"], "Enter text."),
    ],
)
def test_the_message_is_required_and_at_most_2000_characters(board, message, error):
    with pytest.raises(ValidationError) as caught:
        request_connection(actor=board.buyer_user, message=message, product=board.lotus.product)
    assert messages_of(caught.value) == {"message": [error]}


def test_a_message_of_2000_characters_with_emoji_is_fine(board):
    text = ("🍵" + "a" * 9) * 200
    connection, _ = request_connection(
        actor=board.buyer_user, message=text, product=board.lotus.product
    )
    assert connection.message == text


def test_the_subject_must_be_on_the_board(board):
    cast = board.cast
    hidden = ProductFactory(producer=cast.prod1, name="Chưa chứng nhận, chưa chào bán")
    with pytest.raises(ValidationError) as caught:
        request_connection(actor=board.buyer_user, message=MESSAGE, product=hidden)
    assert messages_of(caught.value) == {
        "product": ["This product is neither in the catalogue nor offered on the board."]
    }
    with pytest.raises(ValidationError) as caught:
        request_connection(actor=board.buyer_user, message=MESSAGE)
    assert messages_of(caught.value) == {"product": ["Choose the product."]}
    board.offer.status = OfferStatus.CLOSED
    board.offer.save()
    with pytest.raises(ValidationError) as caught:
        request_connection(actor=board.buyer_user, message=MESSAGE, offer=board.offer)
    assert messages_of(caught.value) == {"offer": ["This offer is closed."]}


def test_the_demand_must_be_the_buyers_own_and_open(board):
    others = DemandFactory(buyer=board.other_buyer)
    closed = _demand(board, status=DemandStatus.CLOSED)
    for demand, error in (
        (others, "Choose one of your demands."),
        (closed, "This demand is not open."),
    ):
        with pytest.raises(ValidationError) as caught:
            request_connection(
                actor=board.buyer_user, message=MESSAGE, product=board.lotus.product, demand=demand
            )
        assert messages_of(caught.value) == {"demand": [error]}


@pytest.mark.parametrize("who", ["pending_user", "producer1", "office", "outsider"])
def test_only_an_active_buyers_people_send_requests(board, who):
    actor = getattr(board, who, None) or getattr(board.cast, who)
    with pytest.raises(NotAllowed):
        request_connection(actor=actor, message=MESSAGE, product=board.lotus.product)


# --- status -----------------------------------------------------------------------------------


def _connection(board, **fields):
    connection, _ = request_connection(
        actor=board.buyer_user, message=MESSAGE, product=board.lotus.product, **fields
    )
    return connection


def test_the_producer_and_the_buyer_move_it_forward_to_a_deal(board):
    connection = _connection(board)
    cast = board.cast
    change_connection_status(
        actor=cast.producer2, connection=connection, to=ConnectionStatus.CONTACTED, note="Đã gọi."
    )
    change_connection_status(
        actor=board.buyer_user, connection=connection, to=ConnectionStatus.SAMPLE_SENT
    )
    change_connection_status(
        actor=cast.producer2, connection=connection, to=ConnectionStatus.DEAL, note="300 hộp."
    )
    connection.refresh_from_db()
    assert (connection.status, connection.outcome_note) == (ConnectionStatus.DEAL, "300 hộp.")
    rows = ActivityLog.objects.filter(action="trade.connection.status").order_by("pk")
    assert [row.data["new"]["status"] for row in rows] == ["contacted", "sample_sent", "deal"]
    assert rows[0].data["old"] == {"status": "new", "outcome_note": ""}
    # Each move tells the other party.
    assert Notification.objects.filter(user=board.buyer_user).count() == 2
    assert Notification.objects.filter(user=cast.producer2).count() == 2  # request + sample


@pytest.mark.parametrize(
    ("path", "to"),
    [
        ([], ConnectionStatus.NEW),
        ([ConnectionStatus.CONTACTED], ConnectionStatus.NEW),
        ([ConnectionStatus.SAMPLE_SENT], ConnectionStatus.CONTACTED),
        ([ConnectionStatus.DEAL], ConnectionStatus.CLOSED_NO_DEAL),
        ([ConnectionStatus.CLOSED_NO_DEAL], ConnectionStatus.DEAL),
        ([ConnectionStatus.CLOSED_NO_DEAL], ConnectionStatus.CONTACTED),
        ([], "won"),
    ],
)
def test_backward_moves_and_moves_out_of_a_final_status_are_refused(board, path, to):
    connection = _connection(board)
    for step in path:
        change_connection_status(actor=board.buyer_user, connection=connection, to=step)
    with pytest.raises(WrongState):
        change_connection_status(actor=board.buyer_user, connection=connection, to=to)


def test_a_step_may_be_skipped(board):
    connection = _connection(board)
    change_connection_status(
        actor=board.buyer_user, connection=connection, to=ConnectionStatus.DEAL
    )
    assert connection.status == ConnectionStatus.DEAL


@pytest.mark.parametrize("who", ["office", "commune2", "admin", "producer1", "other_user"])
def test_officials_read_only_and_others_may_not_move_it(board, who):
    connection = _connection(board)
    actor = getattr(board, who, None) or getattr(board.cast, who)
    with pytest.raises(NotAllowed):
        change_connection_status(actor=actor, connection=connection, to=ConnectionStatus.CONTACTED)


def test_the_outcome_note_is_checked(board):
    connection = _connection(board)
    with pytest.raises(ValidationError):
        change_connection_status(
            actor=board.buyer_user,
            connection=connection,
            to=ConnectionStatus.CONTACTED,
            note="n" * 2001,
        )
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.NEW


@pytest.mark.skipif(
    db_connection.vendor == "sqlite", reason="SQLite serialises writers: no real race"
)
@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_make_one_connection(cast):  # pragma: no cover - PostgreSQL only
    from tests.factories.catalog import classification_group, listed_product
    from tests.factories.trade import buyer_for

    classification_group("I.5", "Chè", category=("I", "Thực phẩm"))
    buyer = buyer_for(cast.buyer)
    entry = listed_product(name="Trà sen", producer=cast.prod2)
    demand = DemandFactory(buyer=buyer, keywords="trà sen")
    results, errors = [], []

    def send():
        try:
            results.append(
                request_connection(
                    actor=cast.buyer, message=MESSAGE, product=entry.product, demand=demand
                )
            )
        except Exception as exc:
            errors.append(exc)
        finally:
            db_connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Connection.objects.filter(demand=demand).count() == 1
    assert sorted(created for _c, created in results) == [False, True]
