"""The board's demo (`ocop.core.demo_trade.load_trade_demo`): built through the services after
the rest of the demo, runnable twice, with an active buyer whose demands have matches (even with
only the three products certified before the catalogue part), offers by producer1 and producer2,
and connections in every status."""

from __future__ import annotations

import pytest

from ocop.accounts.models import Organisation, User
from ocop.core.demo import ACCOUNTS, ORGANISATIONS, load_demo
from ocop.core.demo_trade import load_trade_demo
from ocop.trade.enums import BuyerStatus, ConnectionStatus, DemandStatus
from ocop.trade.models import Buyer, Connection, Demand, DemandNotice, Offer
from ocop.trade.queries.matching import match_demand
from ocop.trade.queries.statistics import connection_counts

# The demo is loaded once per module: keep the module on one worker (`--dist loadgroup`).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("test_board_demo")]


def _people() -> tuple[dict[str, User], dict[str, Organisation]]:
    users = {u.username: u for u in User.objects.filter(username__in=[a[0] for a in ACCOUNTS])}
    organisations = {
        key: Organisation.objects.get(kind=kind, name=name)
        for key, (kind, name, _unit) in ORGANISATIONS.items()
    }
    return users, organisations


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        load_demo(seed=42, cycles=False)
        users, organisations = _people()
        first = load_trade_demo(users=users, organisations=organisations)
        users, organisations = _people()
        second = load_trade_demo(users=users, organisations=organisations)
        yield first, second
        transaction.set_rollback(True)


def test_the_demo_loads_again_and_adds_nothing(demo):
    # `load_demo` runs the board's part itself (its first-run figures are in
    # tests/core/test_demo.py): running it again adds nothing.
    first, second = demo
    nothing = dict.fromkeys(
        ("trade_buyers", "trade_offers", "trade_demands", "trade_connections"), 0
    )
    assert first == second == nothing
    assert (Buyer.objects.count(), Offer.objects.count(), Demand.objects.count()) == (3, 4, 6)
    assert Connection.objects.count() == 5


def test_the_demo_buyer_is_an_active_supermarket_chain_and_buyer3_waits(demo):
    buyer = Buyer.objects.get(organisation__memberships__user__username="buyer")
    assert (buyer.kind, buyer.status) == ("supermarket_chain", BuyerStatus.ACTIVE)
    statuses = dict(
        Buyer.objects.values_list("organisation__memberships__user__username", "status")
    )
    assert statuses == {
        "buyer": BuyerStatus.ACTIVE,
        "buyer2": BuyerStatus.ACTIVE,
        "buyer3": BuyerStatus.PENDING,
    }
    assert User.objects.get(username="buyer2").has_usable_password()


def test_the_buyers_demands_have_matches_with_reasons(demo):
    lotus = Demand.objects.get(title__startswith="Trà sen Tây Hồ cho giỏ quà")
    matches = match_demand(lotus)
    assert matches[0].product.name == "Trà ướp sen Tây Hồ"
    codes = {reason.code for reason in matches[0].reasons if reason.ok}
    assert {"group", "keywords", "certificate", "stars", "commune_same"} <= codes
    silk = Demand.objects.get(title__startswith="Khăn lụa")
    assert [m.product.name for m in match_demand(silk)] == ["Khăn lụa tơ tằm vân hoa"]
    matched = [d for d in Demand.objects.filter(status=DemandStatus.OPEN) if match_demand(d)]
    assert len(matched) >= 4


def test_the_export_demand_shows_the_missing_haccp(demo):
    export = Demand.objects.get(title="Trà sen xuất khẩu")
    best = match_demand(export)[0]
    missing = [r for r in best.reasons if r.code == "certifications"]
    assert missing and missing[0].ok is False and missing[0].params["missing"] == ["haccp"]


def test_offers_connections_in_every_status_and_notices(demo):
    owners = set(
        Offer.objects.values_list("producer__organisation__memberships__user__username", flat=True)
    )
    assert {"producer1", "producer2"} <= owners
    assert connection_counts() == {
        ConnectionStatus.NEW: 1,
        ConnectionStatus.CONTACTED: 1,
        ConnectionStatus.SAMPLE_SENT: 1,
        ConnectionStatus.DEAL: 1,
        ConnectionStatus.CLOSED_NO_DEAL: 1,
    }
    deal = Connection.objects.get(status=ConnectionStatus.DEAL)
    assert deal.reasons and deal.reasons[0]["code"] == "group"
    assert deal.status_changed_at is not None and "980.000" in deal.outcome_note
    assert DemandNotice.objects.filter(producer__name="Công ty TNHH Trà sen Quảng An").exists()
    assert Demand.objects.filter(status=DemandStatus.CLOSED).count() == 1
