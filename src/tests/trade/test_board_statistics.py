"""What the board connected, counted: `connection_counts`, `demand_counts`, `offer_counts` (by
year and unit), the officials' statistics page (a commune officer sees their commune's
producers), the numbers linking to the lists behind them, and the officials' dashboard block."""

# ruff: noqa: F811 (the fixtures, imported by name)

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ocop.accounts.rules import access_for
from ocop.core.queries.dashboard import dashboard_figures
from ocop.trade.enums import ConnectionStatus, DemandStatus, OfferStatus
from ocop.trade.models import Connection
from ocop.trade.queries.statistics import (
    connection_counts,
    connection_counts_for,
    demand_counts,
    offer_counts,
    trade_figures,
)
from tests.factories.products import ProductFactory
from tests.factories.trade import ConnectionFactory, DemandFactory, OfferFactory
from tests.trade.board_setup import board  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db
THIS_YEAR = timezone.localdate().year


@pytest.fixture
def world(board):
    """Connections with producer1 (commune A): new, deal; with producer2 (commune B): deal,
    closed without a deal, and a deal of last year."""
    cast = board.cast
    p1 = board.cast.product1
    p2 = board.lotus.product
    rows = [
        ConnectionFactory(buyer=board.buyer, product=p1, status=ConnectionStatus.NEW),
        ConnectionFactory(buyer=board.other_buyer, product=p1, status=ConnectionStatus.DEAL),
        ConnectionFactory(buyer=board.buyer, product=p2, status=ConnectionStatus.DEAL),
        ConnectionFactory(
            buyer=board.other_buyer, product=p2, status=ConnectionStatus.CLOSED_NO_DEAL
        ),
    ]
    old = ConnectionFactory(buyer=board.buyer, product=p2, status=ConnectionStatus.DEAL)
    Connection.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=400))
    DemandFactory(buyer=board.buyer, delivery=[cast.commune_a])
    DemandFactory(buyer=board.buyer, status=DemandStatus.CLOSED)
    OfferFactory(product=ProductFactory(producer=cast.prod2), status=OfferStatus.CLOSED)
    return rows


def test_connection_counts_per_status_by_year_and_unit(board, world):
    cast = board.cast
    assert connection_counts() == {
        "new": 1,
        "contacted": 0,
        "sample_sent": 0,
        "deal": 3,
        "closed_no_deal": 1,
    }
    assert connection_counts(year=THIS_YEAR)["deal"] == 2
    assert connection_counts(year=THIS_YEAR - 1) == {
        "new": 0,
        "contacted": 0,
        "sample_sent": 0,
        "deal": 1,
        "closed_no_deal": 0,
    }
    assert connection_counts(unit=cast.commune_a) == {
        "new": 1,
        "contacted": 0,
        "sample_sent": 0,
        "deal": 1,
        "closed_no_deal": 0,
    }
    assert connection_counts(unit=cast.commune_a.parent)["deal"] == 3  # the province: all


def test_demand_and_offer_counts(board, world):
    cast = board.cast
    assert demand_counts() == {"open": 1, "closed": 1, "cancelled": 0}
    assert demand_counts(unit=cast.commune_a) == {"open": 1, "closed": 0, "cancelled": 0}
    assert offer_counts() == {"open": 1, "closed": 1}
    assert offer_counts(unit=cast.commune_b) == {"open": 0, "closed": 1}


def test_a_commune_officer_counts_the_connections_of_their_communes_producers(board, world):
    assert connection_counts_for(access_for(board.cast.commune2))["deal"] == 2
    assert connection_counts_for(access_for(board.cast.commune))["deal"] == 1
    figures = trade_figures(access_for(board.cast.commune))
    assert (figures["connections_total"], figures["buyers_pending"]) == (2, 0)


def test_the_statistics_page_links_each_number_to_its_list(board, world, client_for):
    client = client_for(board.cast.office)
    response = client.get(reverse("trade:statistics"), {"year": str(THIS_YEAR)})
    assert response.status_code == 200
    rows = {row["status"]: row for row in response.context["connections"]}
    assert rows["deal"]["count"] == 2
    listed = client.get(rows["deal"]["url"])
    assert len(listed.context["state"].items) == 2
    demands = {row["status"]: row for row in response.context["demands"]}
    assert len(client.get(demands["open"]["url"]).context["state"].items) == 1
    offers = {row["status"]: row for row in response.context["offers"]}
    assert len(client.get(offers["closed"]["url"]).context["rows"]) == 1


def test_a_commune_officer_sees_their_communes_only(board, world, client_for):
    client = client_for(board.cast.commune)
    response = client.get(reverse("trade:statistics"))
    assert response.context["connections_total"] == 2
    assert [key for key, _name in response.context["communes"]] == [board.cast.commune_a.key]
    other = client.get(reverse("trade:statistics"), {"commune": board.cast.commune_b.key})
    assert other.context["commune"] == "" and other.context["connections_total"] == 2


@pytest.mark.parametrize("who", ["buyer", "producer1", "outsider", "member"])
def test_the_statistics_are_for_officials(board, client_for, who):
    assert client_for(getattr(board.cast, who)).get(reverse("trade:statistics")).status_code == 404


def test_the_officials_dashboard_has_a_supply_and_demand_block(board, world, client_for):
    assert dashboard_figures(access_for(board.cast.office))["trade"]["deals"] == 3
    assert "trade" not in dashboard_figures(access_for(board.cast.producer1))
    assert "trade" not in dashboard_figures(access_for(board.cast.buyer))
    response = client_for(board.cast.office).get(reverse("core:dashboard"))
    assert response.status_code == 200
    assert reverse("trade:statistics") in response.content.decode()
