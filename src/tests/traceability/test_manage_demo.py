"""The traceability demo: built through the services on top of `load_demo`, runnable twice (the
second run adds nothing), with batches, journeys (captured EPCIS events), shipments and stamps,
and the same Digital Links on every machine (the README names them)."""

from __future__ import annotations

import pytest
from django.conf import settings

from ocop.accounts.models import Organisation, User
from ocop.core.demo import ORGANISATIONS, load_demo
from ocop.core.demo_traceability import (
    CHAINS,
    demo_trace_links,
    load_traceability_demo,
)
from ocop.traceability.enums import StampStatus
from ocop.traceability.models import Batch, Event, Shipment
from ocop.traceability.queries.batches import recall_tree

# The demo is loaded once per module: keep the module on one worker (`--dist loadgroup`).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("test_manage_demo")]
BATCHES = sum(len(chain.batches) for chain in CHAINS)


def _cast() -> tuple[dict[str, User], dict[str, Organisation]]:
    users = {user.username: user for user in User.objects.all()}
    organisations = {
        key: Organisation.objects.get(kind=kind, name=name)
        for key, (kind, name, _unit) in ORGANISATIONS.items()
    }
    return users, organisations


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        made = load_demo(seed=42, cycles=False)  # the traceability demo is part of it
        first = {key: value for key, value in made.items() if key.startswith("trace_")}
        users, organisations = _cast()
        second = load_traceability_demo(users=users, organisations=organisations)
        yield first, second
        transaction.set_rollback(True)


def test_the_demo_loads_twice_and_the_second_time_adds_nothing(demo):
    first, second = demo
    assert first == {
        "trace_places": 10,
        "trace_batches": BATCHES,
        "trace_steps": 26,
        "trace_shipments": 5,
        "trace_stamps": 210,
    }
    assert set(second.values()) == {0}


def test_every_batch_has_a_journey_of_captured_events_and_stamps(demo):
    for batch in Batch.objects.select_related("product"):
        events = Event.objects.filter(batch=batch)
        assert events.count() >= 3, batch.lot
        assert batch.stamps.count() >= 20, batch.lot
        assert batch.product.gtin.startswith(settings.OCOP_PLATFORM_GTIN_PREFIX)
    tea = Batch.objects.get(lot="TS-2610")
    counts = {
        str(status): tea.stamps.filter(status=status).count()
        for status in (StampStatus.ISSUED, StampStatus.ACTIVE, StampStatus.VOID)
    }
    assert counts == {"issued": 3, "active": 45, "void": 2}
    assert Event.objects.filter(batch=tea).count() == 6
    bags = Batch.objects.get(lot="TL-2610")
    processing = Event.objects.get(batch=bags, biz_step="urn:ocop:bizstep:transforming")
    assert processing.event_type == "TransformationEvent"


def test_the_recall_of_the_lotus_tea_reaches_the_tea_bags(demo):
    levels = recall_tree(Batch.objects.get(lot="TS-2610"))
    assert [[batch.lot for batch in level.batches] for level in levels] == [
        ["TS-2610"],
        ["TL-2610"],
    ]
    assert [len(level.shipments) for level in levels] == [1, 1]
    assert Shipment.objects.filter(buyer_name="Khách sạn Metropole Hà Nội").count() == 1


def test_the_readme_links_are_the_same_on_every_machine(demo):
    links = dict(demo_trace_links())
    base = settings.SITE_URL
    assert links["batch"] == f"{base}/01/02089000000010/10/TS-2610"
    assert links["stamp"].startswith(f"{base}/01/02089000000010/10/TS-2610/21/")
    assert links["stamp"] == f"{base}/01/02089000000010/10/TS-2610/21/{README_SERIAL}"


README_SERIAL = "AGCJFRMERX"
