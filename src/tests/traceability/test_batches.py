"""Places, batches, inputs (one step back), shipments (one step forward) and the batch's status:
the services' results, their refusals (nothing half-written), the platform GTIN given with a
product's first batch, "where a batch went" level by level, and the activity log."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation

from ocop.core.models import ActivityLog
from ocop.evaluation.services.refusals import NotAllowed, WrongState
from ocop.traceability.enums import BatchStatus, LocationKind
from ocop.traceability.models import Batch, BatchInput, Location, Shipment
from ocop.traceability.queries.batches import recall_tree
from ocop.traceability.services.batches import (
    add_batch_input,
    add_shipment,
    change_batch_status,
    create_batch,
    create_location,
    remove_batch_input,
    update_batch,
    update_location,
)
from tests.factories.products import ProductFactory
from tests.factories.traceability import (
    BatchFactory,
    BatchInputFactory,
    EventFactory,
    LocationFactory,
    ShipmentFactory,
    StampFactory,
    vn_gtin,
)

pytestmark = pytest.mark.django_db
GLN = "8931234500009"  # 893 1234 50000 + check digit 9


@pytest.fixture(autouse=True)
def english():
    """The services' messages in English (the msgids), whatever the catalogue holds."""
    with translation.override("en"):
        yield


def batch_data(**overrides):
    data = {
        "lot": "L2026-10",
        "produced_on": dt.date(2026, 10, 5),
        "expires_on": dt.date(2027, 4, 5),
        "quantity": "120,5",
        "unit": "kg",
        "location": None,
        "note": "",
    }
    data.update(overrides)
    return data


def actions(obj) -> list[str]:
    return list(
        ActivityLog.objects.filter(object_id=str(obj.pk), action__startswith="traceability.")
        .order_by("pk")
        .values_list("action", flat=True)
    )


# --- places ---------------------------------------------------------------------------------


def test_a_place_with_a_gln_and_one_without(cast):
    farm = create_location(
        actor=cast.producer1,
        producer=cast.prod1,
        data={"name": " Vườn  sen ", "kind": LocationKind.FARM, "gln": GLN},
    )
    shop = create_location(
        actor=cast.producer1_staff,
        producer=cast.prod1,
        data={"name": "Cửa hàng", "kind": LocationKind.SHOP, "unit": cast.commune_a},
    )
    assert (farm.name, farm.gln, farm.kind, farm.is_active) == ("Vườn  sen", GLN, "farm", True)
    assert shop.code.startswith("DD") and shop.gln == "" and shop.unit == cast.commune_a
    assert actions(farm) == ["traceability.location.create"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "", "kind": "farm"}, "name"),
        ({"name": "A", "kind": "castle"}, "kind"),
        ({"name": "A", "kind": "farm", "gln": "8931234500008"}, "gln"),
        ({"name": "A", "kind": "farm", "gln": "12345"}, "gln"),
    ],
)
def test_a_place_refused(cast, data, field):
    with pytest.raises(ValidationError) as caught:
        create_location(actor=cast.producer1, producer=cast.prod1, data=data)
    assert field in caught.value.message_dict
    assert Location.objects.count() == 0


def test_a_gln_is_unique(cast):
    LocationFactory(producer=cast.prod2, gln=GLN)
    with pytest.raises(ValidationError) as caught:
        create_location(
            actor=cast.producer1,
            producer=cast.prod1,
            data={"name": "A", "kind": "farm", "gln": GLN},
        )
    assert caught.value.message_dict == {"gln": ["Another place already has this GLN."]}


def test_only_the_keepers_add_places(cast):
    for user in (cast.producer2, cast.commune2, cast.buyer, cast.outsider, cast.chair):
        with pytest.raises(NotAllowed):
            create_location(actor=user, producer=cast.prod1, data={"name": "A", "kind": "farm"})
    for user in (cast.commune, cast.office, cast.admin):
        create_location(actor=user, producer=cast.prod1, data={"name": "A", "kind": "farm"})
    assert Location.objects.count() == 3


def test_the_gln_of_a_place_that_events_name_is_fixed(cast):
    place = LocationFactory(producer=cast.prod1)
    EventFactory(
        batch=BatchFactory(product=cast.product1), read_point=f"urn:ocop:location:{place.code}"
    )
    with pytest.raises(ValidationError) as caught:
        update_location(actor=cast.producer1, location=place, data={"gln": GLN})
    assert "gln" in caught.value.message_dict
    renamed = update_location(actor=cast.producer1, location=place, data={"name": "Kho mới"})
    assert renamed.name == "Kho mới"
    assert actions(place) == ["traceability.location.update"]


# --- batches --------------------------------------------------------------------------------


def test_a_batch_of_a_product_with_a_gtin(cast):
    cast.product1.gtin = vn_gtin(7)
    cast.product1.save()
    place = LocationFactory(producer=cast.prod1)
    batch = create_batch(
        actor=cast.producer1, product=cast.product1, data=batch_data(location=place, note=" Mẻ 1 ")
    )
    batch.refresh_from_db()
    assert batch.code.startswith("LO")
    assert (batch.lot, batch.quantity, batch.unit, batch.location, batch.note) == (
        "L2026-10",
        Decimal("120.5"),
        "kg",
        place,
        "Mẻ 1",
    )
    assert (batch.producer, batch.status, batch.created_by) == (
        cast.prod1,
        BatchStatus.OPEN,
        cast.producer1,
    )
    assert actions(batch) == ["traceability.batch.create"]


def test_the_first_batch_of_a_product_without_a_gtin_gives_it_a_platform_gtin(cast):
    assert cast.product1.gtin == ""
    create_batch(actor=cast.producer1, product=cast.product1, data=batch_data())
    cast.product1.refresh_from_db()
    assert cast.product1.gtin.startswith(settings.OCOP_PLATFORM_GTIN_PREFIX)
    assert len(cast.product1.gtin) == 13
    second = create_batch(actor=cast.producer1, product=cast.product1, data=batch_data(lot="L2"))
    second.product.refresh_from_db()
    assert second.product.gtin == cast.product1.gtin  # given once


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"lot": ""}, "lot", "Enter the lot number."),
        ({"lot": "LÔ-1"}, "lot", None),
        ({"lot": "L" * 21}, "lot", None),
        ({"lot": "L 1"}, "lot", None),
        (
            {"expires_on": dt.date(2026, 10, 4)},
            "expires_on",
            "The expiry date cannot be before the production date.",
        ),
        ({"produced_on": None}, "produced_on", "Enter the date."),
        ({"quantity": "0"}, "quantity", "The quantity must be more than zero."),
        ({"quantity": "-3"}, "quantity", "The quantity must be more than zero."),
        ({"quantity": "abc"}, "quantity", "Enter a number."),
        ({"quantity": "1.2345"}, "quantity", None),
        ({"unit": ""}, "unit", None),
    ],
)
def test_a_batch_refused_leaves_nothing(cast, overrides, field, message):
    with pytest.raises(ValidationError) as caught:
        create_batch(actor=cast.producer1, product=cast.product1, data=batch_data(**overrides))
    errors = caught.value.message_dict
    assert field in errors
    if message:
        assert errors[field] == [message]
    assert Batch.objects.count() == 0
    cast.product1.refresh_from_db()
    assert cast.product1.gtin == ""  # no GTIN given for a refused batch


def test_a_lot_is_unique_per_product_only(cast):
    BatchFactory(product=cast.product1, lot="L1")
    BatchFactory(product=cast.product2, lot="L2")
    create_batch(actor=cast.producer2, product=cast.product2, data=batch_data(lot="L1"))
    with pytest.raises(ValidationError) as caught:
        create_batch(actor=cast.producer1, product=cast.product1, data=batch_data(lot="L1"))
    assert caught.value.message_dict == {
        "lot": ["This product already has a batch with this lot number."]
    }


def test_a_batch_of_another_producer_is_refused(cast):
    with pytest.raises(NotAllowed):
        create_batch(actor=cast.producer2, product=cast.product1, data=batch_data())
    other_place = LocationFactory(producer=cast.prod2)
    with pytest.raises(ValidationError) as caught:
        create_batch(
            actor=cast.producer1, product=cast.product1, data=batch_data(location=other_place)
        )
    assert caught.value.message_dict == {"location": ["Choose one of the producer's own places."]}
    assert Batch.objects.count() == 0


def test_no_batch_of_an_archived_product(cast):
    cast.product1.status = "archived"
    cast.product1.save()
    with pytest.raises(WrongState):
        create_batch(actor=cast.producer1, product=cast.product1, data=batch_data())


def test_update_a_batch_logs_the_changes(cast):
    batch = BatchFactory(product=cast.product1, quantity=Decimal("10"))
    update_batch(actor=cast.producer1, batch=batch, data={"quantity": "12", "unit": "hộp"})
    batch.refresh_from_db()
    assert (batch.quantity, batch.unit) == (Decimal("12"), "hộp")
    entry = ActivityLog.objects.get(action="traceability.batch.update")
    assert entry.data["new"] == {"quantity": "12", "unit": "hộp"}


def test_the_lot_is_fixed_once_stamps_or_events_name_it(cast):
    batch = BatchFactory(product=cast.product1, lot="L1")
    update_batch(actor=cast.producer1, batch=batch, data={"lot": "L1B"})
    StampFactory(batch=batch)
    with pytest.raises(ValidationError) as caught:
        update_batch(actor=cast.producer1, batch=batch, data={"lot": "L1C"})
    assert "lot" in caught.value.message_dict
    batch.refresh_from_db()
    assert batch.lot == "L1B"


def test_the_expiry_is_checked_against_the_stored_production_date(cast):
    batch = BatchFactory(product=cast.product1, produced_on=dt.date(2026, 10, 5))
    with pytest.raises(ValidationError) as caught:
        update_batch(actor=cast.producer1, batch=batch, data={"expires_on": dt.date(2026, 1, 1)})
    assert "expires_on" in caught.value.message_dict


# --- status ---------------------------------------------------------------------------------


def test_finish_then_recall_with_a_reason(cast):
    batch = BatchFactory(product=cast.product1)
    change_batch_status(actor=cast.producer1, batch=batch, to=BatchStatus.CLOSED)
    with pytest.raises(ValidationError) as caught:
        change_batch_status(actor=cast.producer1, batch=batch, to=BatchStatus.RECALLED)
    assert caught.value.message_dict == {"reason": ["Say why the batch is recalled."]}
    change_batch_status(
        actor=cast.office, batch=batch, to=BatchStatus.RECALLED, reason="Nhiễm khuẩn"
    )
    batch.refresh_from_db()
    assert batch.status == BatchStatus.RECALLED
    assert actions(batch) == ["traceability.batch.close", "traceability.batch.recall"]
    entry = ActivityLog.objects.get(action="traceability.batch.recall")
    assert entry.data["reason"] == "Nhiễm khuẩn"


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (BatchStatus.CLOSED, BatchStatus.OPEN),
        (BatchStatus.RECALLED, BatchStatus.CLOSED),
        (BatchStatus.RECALLED, BatchStatus.OPEN),
        (BatchStatus.OPEN, BatchStatus.OPEN),
        (BatchStatus.OPEN, "lost"),
    ],
)
def test_moves_outside_the_table_are_refused(cast, start, to):
    batch = BatchFactory(product=cast.product1, status=start)
    with pytest.raises(WrongState):
        change_batch_status(actor=cast.producer1, batch=batch, to=to, reason="x")
    batch.refresh_from_db()
    assert batch.status == start


def test_a_recalled_batch_takes_no_more_changes(cast):
    batch = BatchFactory(product=cast.product1, status=BatchStatus.RECALLED)
    with pytest.raises(WrongState):
        update_batch(actor=cast.producer1, batch=batch, data={"note": "x"})
    with pytest.raises(WrongState):
        add_batch_input(
            actor=cast.producer1, batch=batch, data={"material": "x", "supplier_name": "y"}
        )
    with pytest.raises(WrongState):
        add_shipment(
            actor=cast.producer1,
            batch=batch,
            data={"buyer_name": "A", "quantity": 1, "shipped_on": dt.date(2026, 10, 20)},
        )


# --- inputs ---------------------------------------------------------------------------------


def test_an_input_from_an_outside_supplier(cast):
    batch = BatchFactory(product=cast.product1)
    row = add_batch_input(
        actor=cast.producer1,
        batch=batch,
        data={
            "material": "Đất sét trắng",
            "supplier_name": "HTX Đất sét",
            "supplier_lot": "DS-09",
            "quantity": "500",
            "unit": "kg",
            "received_on": dt.date(2026, 9, 30),
        },
    )
    assert (row.input_batch, row.material, row.supplier_lot, row.quantity) == (
        None,
        "Đất sét trắng",
        "DS-09",
        Decimal("500"),
    )
    assert actions(batch) == ["traceability.batch.add_input"]


def test_an_input_from_another_producers_batch_by_its_code(cast):
    supplier = BatchFactory(product=cast.product2, lot="SEN-01")
    batch = BatchFactory(product=cast.product1)
    row = add_batch_input(
        actor=cast.producer1, batch=batch, data={"input_batch": supplier.code.lower()}
    )
    assert row.input_batch == supplier
    assert (row.material, row.supplier_name, row.supplier_lot) == (
        cast.product2.name,
        cast.prod2.name,
        "SEN-01",
    )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"input_batch": "LOXXXXXXX"}, "input_batch"),
        ({"material": "", "supplier_name": "A"}, "material"),
        ({"material": "Sen", "supplier_name": ""}, "supplier_name"),
        ({"material": "Sen", "supplier_name": "A", "supplier_lot": "lô 1"}, "supplier_lot"),
        ({"material": "Sen", "supplier_name": "A", "quantity": "0"}, "quantity"),
        ({"material": "Sen", "supplier_name": "A", "quantity": "3"}, "unit"),
        (
            {"material": "Sen", "supplier_name": "A", "received_on": dt.date(2099, 1, 1)},
            "received_on",
        ),
    ],
)
def test_an_input_refused(cast, data, field):
    batch = BatchFactory(product=cast.product1)
    with pytest.raises(ValidationError) as caught:
        add_batch_input(actor=cast.producer1, batch=batch, data=data)
    assert field in caught.value.message_dict
    assert BatchInput.objects.count() == 0


def test_no_cycle_of_inputs(cast):
    tea = BatchFactory(product=cast.product2)
    with pytest.raises(ValidationError) as caught:
        add_batch_input(actor=cast.producer2, batch=tea, data={"input_batch": tea.code})
    assert caught.value.message_dict == {"input_batch": ["A batch cannot be its own input."]}
    gift = BatchFactory(product=cast.product1)
    add_batch_input(actor=cast.producer1, batch=gift, data={"input_batch": tea.code})
    with pytest.raises(ValidationError) as caught:
        add_batch_input(actor=cast.producer2, batch=tea, data={"input_batch": gift.code})
    assert "input_batch" in caught.value.message_dict


def test_remove_an_input_while_in_production(cast):
    batch = BatchFactory(product=cast.product1)
    row = BatchInputFactory(batch=batch)
    remove_batch_input(actor=cast.producer1, batch_input=row)
    assert batch.inputs.count() == 0
    assert actions(batch) == ["traceability.batch.remove_input"]
    closed = BatchFactory(product=cast.product1, status=BatchStatus.CLOSED)
    kept = BatchInputFactory(batch=closed)
    with pytest.raises(WrongState):
        remove_batch_input(actor=cast.producer1, batch_input=kept)
    assert closed.inputs.count() == 1


# --- shipments and where a batch went -------------------------------------------------------


def test_a_shipment_to_a_buyer_on_the_platform(cast):
    batch = BatchFactory(product=cast.product1, unit="hộp")
    buyer = cast.buyer.memberships.get().organisation
    shipment = add_shipment(
        actor=cast.producer1,
        batch=batch,
        data={
            "buyer_organisation": buyer,
            "destination_unit": cast.commune_b,
            "quantity": "20",
            "shipped_on": dt.date(2026, 10, 20),
        },
    )
    assert (shipment.buyer_name, shipment.unit, shipment.quantity) == (
        buyer.name,
        "hộp",
        Decimal("20"),
    )
    assert shipment.code.startswith("GH")
    assert actions(shipment) == ["traceability.shipment.create"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"quantity": 1, "shipped_on": dt.date(2026, 10, 20)}, "buyer_name"),
        ({"buyer_name": "A", "shipped_on": dt.date(2026, 10, 20)}, "quantity"),
        ({"buyer_name": "A", "quantity": 1}, "shipped_on"),
        ({"buyer_name": "A", "quantity": 1, "shipped_on": dt.date(2026, 10, 1)}, "shipped_on"),
        ({"buyer_name": "A", "quantity": 1, "shipped_on": dt.date(2099, 1, 1)}, "shipped_on"),
    ],
)
def test_a_shipment_refused(cast, data, field):
    batch = BatchFactory(product=cast.product1, produced_on=dt.date(2026, 10, 5))
    with pytest.raises(ValidationError) as caught:
        add_shipment(actor=cast.producer1, batch=batch, data=data)
    assert field in caught.value.message_dict
    assert Shipment.objects.count() == 0


def test_where_a_batch_went_level_by_level(cast, django_assert_num_queries):
    lotus = BatchFactory(product=cast.product2, lot="SEN")
    tea = BatchFactory(product=ProductFactory(producer=cast.prod2), lot="TRA")
    gift = BatchFactory(product=cast.product1, lot="QUA")
    other = BatchFactory(product=cast.product1, lot="KHAC")
    BatchInputFactory(batch=tea, input_batch=lotus)
    BatchInputFactory(batch=gift, input_batch=tea)
    BatchInputFactory(batch=gift, input_batch=lotus)  # met twice: listed once, at level 1
    first = ShipmentFactory(batch=lotus, buyer_name="Chợ Quảng An")
    second = ShipmentFactory(batch=tea, buyer_name="Siêu thị")
    third = ShipmentFactory(batch=gift, buyer_name="Khách sạn")
    ShipmentFactory(batch=other)
    with django_assert_num_queries(3):  # 2 levels (the last finds nothing) + the shipments
        levels = recall_tree(lotus)
    assert [[b.lot for b in level.batches] for level in levels] == [["SEN"], ["TRA", "QUA"]]
    assert [[s.buyer_name for s in level.shipments] for level in levels] == [
        [first.buyer_name],
        [second.buyer_name, third.buyer_name],
    ]
