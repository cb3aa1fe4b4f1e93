"""The traceability pages for producers and officials (/truy-xuat/): who sees which batches (404
to anyone else, on every page and action), the list's filters, search and query-count guard, the
batch page (inputs, shipments, stamps, journey), the forms (new batch, edit, input, status, step,
stamps, places) and the label sheet download."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst

from ocop.traceability.enums import BatchStatus, StampStatus, Step
from ocop.traceability.models import Batch, BatchInput, Event, Location, Shipment, Stamp
from tests.factories.products import ProductFactory
from tests.factories.traceability import (
    BatchFactory,
    BatchInputFactory,
    EventFactory,
    LocationFactory,
    ShipmentFactory,
    StampFactory,
)

pytestmark = pytest.mark.django_db
LEAKERS = ["producer2", "commune2", "buyer", "outsider", "chair", "approver"]


def vi(msgid: str) -> str:
    with translation.override("vi"):
        return str(translation.gettext(msgid))


@pytest.fixture
def batches(cast):
    """A batch of each producer."""
    return {
        "one": BatchFactory(product=cast.product1, lot="GOM-01"),
        "two": BatchFactory(product=cast.product2, lot="SEN-01"),
    }


def lots(response) -> list[str]:
    return sorted(batch.lot for batch in response.context["state"].items)


# --- the list -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("office", ["GOM-01", "SEN-01"]),
        ("admin", ["GOM-01", "SEN-01"]),
        ("commune", ["GOM-01"]),
        ("commune2", ["SEN-01"]),
        ("producer1", ["GOM-01"]),
        ("producer1_staff", ["GOM-01"]),
        ("producer2", ["SEN-01"]),
    ],
)
def test_each_role_lists_the_batches_it_sees(cast, batches, client_for, name, expected):
    response = client_for(getattr(cast, name)).get(reverse("traceability:batches"))
    assert response.status_code == 200
    assert lots(response) == expected


@pytest.mark.parametrize("name", ["buyer", "outsider", "chair", "approver"])
def test_the_pages_are_not_for_others(cast, batches, client_for, name):
    client = client_for(getattr(cast, name))
    for url in (
        reverse("traceability:batches"),
        reverse("traceability:locations"),
        reverse("traceability:batch_create"),
        reverse("traceability:location_create"),
    ):
        assert client.get(url).status_code == 404, url


def test_the_pages_need_a_sign_in(batches):
    response = Client().get(reverse("traceability:batch", args=[batches["one"].code]))
    assert response.status_code == 302
    assert Client().get(reverse("traceability:batches")).status_code == 302


def test_the_filters_and_the_search(cast, batches, client_for):
    BatchFactory(product=ProductFactory(producer=cast.prod1, name="Ấm chén men rạn"), lot="AM-9")
    BatchFactory(product=cast.product1, lot="GOM-02", status=BatchStatus.RECALLED)
    client = client_for(cast.office)

    def get(**params):
        return lots(client.get(reverse("traceability:batches"), params))

    assert get(q="am chen") == ["AM-9"]
    assert get(q="tra sen") == ["SEN-01"]  # the producer "Công ty Trà Sen"
    assert get(q="gom-0") == ["GOM-01", "GOM-02"]
    assert get(status="recalled") == ["GOM-02"]
    assert get(producer=cast.prod2.code) == ["SEN-01"]
    assert get(producer="NOPE") == []
    assert get(status="nonsense") == get()
    producer = client_for(cast.producer1).get(reverse("traceability:batches"))
    assert producer.context["producers"] == []  # no producer filter for one producer


def test_the_list_costs_the_same_queries_for_1_or_30_batches(cast, client_for):
    client = client_for(cast.office)
    first = BatchFactory(product=cast.product1)
    StampFactory(batch=first)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("traceability:batches"))
    for index in range(29):
        batch = BatchFactory(product=ProductFactory(producer=cast.prod2, name=f"Trà {index}"))
        StampFactory(batch=batch, status=StampStatus.ACTIVE)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("traceability:batches"))
    assert len(response.context["state"].items) == 25
    assert response.context["state"].page.paginator.count == 30
    assert len(many.captured_queries) == len(one.captured_queries)
    row = next(b for b in response.context["state"].items if b.producer_id == cast.prod2.pk)
    assert (row.stamp_count, row.active_stamp_count) == (1, 1)


def test_the_menu_entry(cast, client_for):
    for name in ("producer1", "office", "commune"):
        response = client_for(getattr(cast, name)).get(reverse("traceability:batches"))
        entries = {str(item["label"]): item for item in response.context["nav_menu"]}
        assert entries[vi("Traceability")]["url"] == reverse("traceability:batches")
        assert entries[vi("Traceability")]["active"] is True


# --- a batch --------------------------------------------------------------------------------


def detail_urls(batch) -> list[str]:
    return [
        reverse("traceability:batch", args=[batch.code]),
        reverse("traceability:batch_history", args=[batch.code]),
        reverse("traceability:batch_recall", args=[batch.code]),
        reverse("traceability:stamps", args=[batch.code]),
    ]


def keeper_urls(batch) -> list[str]:
    return [
        reverse("traceability:batch_edit", args=[batch.code]),
        reverse("traceability:step", args=[batch.code]) + "?step=harvesting",
        reverse("traceability:stamp_labels", args=[batch.code]) + "?size=a4-40x30",
    ]


def post_urls(batch) -> list[str]:
    return [
        reverse("traceability:batch_edit", args=[batch.code]),
        reverse("traceability:batch_status", args=[batch.code]),
        reverse("traceability:input_add", args=[batch.code]),
        reverse("traceability:input_remove", args=[batch.code, 1]),
        reverse("traceability:step", args=[batch.code]),
        reverse("traceability:stamps_issue", args=[batch.code]),
        reverse("traceability:stamps_status", args=[batch.code]),
    ]


@pytest.mark.parametrize("name", ["office", "admin", "commune", "producer1", "producer1_staff"])
def test_the_batch_pages_for_those_who_see_it(cast, batches, client_for, name):
    batch = batches["one"]
    StampFactory(batch=batch)
    client = client_for(getattr(cast, name))
    for url in detail_urls(batch) + keeper_urls(batch):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("name", LEAKERS)
def test_the_batch_pages_do_not_leak(cast, batches, client_for, name):
    batch = batches["one"]
    BatchInputFactory(batch=batch)
    StampFactory(batch=batch)
    client = client_for(getattr(cast, name))
    for url in detail_urls(batch) + keeper_urls(batch):
        assert client.get(url).status_code == 404, url
    for url in post_urls(batch):
        assert (
            client.post(url, {"status": "recalled", "reason": "x", "count": 1}).status_code == 404
        ), url
    assert client.get(reverse("traceability:batch", args=["LOXXXXXXX"])).status_code == 404
    batch.refresh_from_db()
    assert batch.status == BatchStatus.OPEN
    assert (batch.stamps.count(), batch.inputs.count()) == (1, 1)


def test_the_batch_page(cast, client_for):
    lotus = BatchFactory(product=cast.product2, lot="SEN-07")
    batch = BatchFactory(product=cast.product1, lot="GOM-07", quantity=Decimal("40"), unit="hộp")
    BatchInputFactory(batch=batch, input_batch=lotus, material="Sen")
    BatchInputFactory(batch=batch, material="Đất sét", supplier_name="HTX Đất")
    ShipmentFactory(batch=batch, buyer_name="Cửa hàng Hàng Bông")
    StampFactory(batch=batch, status=StampStatus.ACTIVE)
    place = LocationFactory(producer=cast.prod1, name="Lò nung số 2")
    EventFactory(
        batch=batch,
        biz_step="shipping",
        biz_location=f"urn:ocop:location:{place.code}",
        event_time=dt.datetime(2026, 10, 21, 9, 15, tzinfo=dt.UTC),
    )
    response = client_for(cast.producer1).get(reverse("traceability:batch", args=[batch.code]))
    page = response.content.decode()
    for text in (
        "GOM-07",
        "Sen",
        lotus.code,
        "Đất sét",
        "HTX Đất",
        "Cửa hàng Hàng Bông",
        "Lò nung số 2",
    ):
        assert text in page, text
    assert "21/10/2026 16:15" in page  # Hà Nội time
    [row] = response.context["journey"]
    assert (row.step, row.place) == (Step.SHIPPING, "Lò nung số 2")
    assert response.context["summary"].active == 1
    assert "<script" not in page and "style=" not in page
    supplier = client_for(cast.producer2).get(reverse("traceability:batch", args=[lotus.code]))
    assert batch.code in supplier.content.decode()  # one step forward, seen by the supplier


def test_the_recall_page_lists_where_the_batch_went(cast, client_for):
    lotus = BatchFactory(product=cast.product2, lot="SEN-08", status=BatchStatus.RECALLED)
    tea = BatchFactory(product=ProductFactory(producer=cast.prod2, name="Trà ướp"), lot="TRA-8")
    BatchInputFactory(batch=tea, input_batch=lotus)
    ShipmentFactory(batch=lotus, buyer_name="Chợ Quảng An")
    ShipmentFactory(batch=tea, buyer_name="Siêu thị Hà Nội")
    response = client_for(cast.producer2).get(
        reverse("traceability:batch_recall", args=[lotus.code])
    )
    page = response.content.decode()
    assert "Chợ Quảng An" in page and "Siêu thị Hà Nội" in page and "TRA-8" in page
    assert response.context["shipment_count"] == 2


# --- forms ----------------------------------------------------------------------------------


def test_create_a_batch_with_the_form(cast, client_for):
    place = LocationFactory(producer=cast.prod1)
    client = client_for(cast.producer1)
    response = client.get(reverse("traceability:batch_create"))
    assert response.status_code == 200
    assert [p.pk for p in response.context["form"].fields["product"].queryset] == [cast.product1.pk]
    response = client.post(
        reverse("traceability:batch_create"),
        {
            "product": cast.product1.code,
            "lot": "GOM-2026",
            "produced_on": "05/10/2026",
            "expires_on": "",
            "quantity": "12,5",
            "unit": "bình",
            "location": place.code,
            "note": "",
        },
    )
    batch = Batch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("traceability:batch", args=[batch.code])
    assert (batch.quantity, batch.location, batch.produced_on) == (
        Decimal("12.5"),
        place,
        dt.date(2026, 10, 5),
    )


def test_a_refused_batch_shows_the_errors(cast, client_for):
    response = client_for(cast.producer1).post(
        reverse("traceability:batch_create"),
        {
            "product": cast.product1.code,
            "lot": "LÔ 1",
            "produced_on": "05/10/2026",
            "expires_on": "01/10/2026",
            "quantity": "1",
            "unit": "kg",
        },
    )
    assert response.status_code == 422
    assert set(response.context["form"].errors) == {"lot", "expires_on"}
    assert Batch.objects.count() == 0


def test_a_producer_cannot_pick_another_producers_product(cast, client_for):
    response = client_for(cast.producer1).post(
        reverse("traceability:batch_create"),
        {
            "product": cast.product2.code,
            "lot": "X1",
            "produced_on": "05/10/2026",
            "quantity": "1",
            "unit": "kg",
        },
    )
    assert response.status_code == 422
    assert "product" in response.context["form"].errors
    assert Batch.objects.count() == 0


def test_edit_status_and_inputs_with_the_forms(cast, batches, client_for):
    batch = batches["one"]
    client = client_for(cast.producer1)
    url = reverse("traceability:batch", args=[batch.code])
    response = client.post(
        reverse("traceability:batch_edit", args=[batch.code]),
        {"lot": "GOM-01", "produced_on": "05/10/2026", "quantity": "99", "unit": "kg"},
    )
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.quantity == Decimal("99")
    response = client.post(
        reverse("traceability:input_add", args=[batch.code]),
        {"material": "Men lam", "supplier_name": "HTX Men", "quantity": "2", "unit": "kg"},
    )
    assert response.status_code == 302 and response["Location"] == f"{url}#inputs"
    assert BatchInput.objects.get().material == "Men lam"
    response = client.post(reverse("traceability:input_add", args=[batch.code]), {"material": "X"})
    assert response.status_code == 422
    assert "supplier_name" in response.context["input_form"].errors
    client.post(reverse("traceability:input_remove", args=[batch.code, 1]))
    assert BatchInput.objects.count() == 0
    assert (
        client.post(reverse("traceability:input_remove", args=[batch.code, 5])).status_code == 404
    )
    response = client.post(
        reverse("traceability:batch_status", args=[batch.code]), {"status": "recalled"}
    )
    assert response.status_code == 422
    assert "reason" in response.context["status_form"].errors
    response = client.post(
        reverse("traceability:batch_status", args=[batch.code]),
        {"status": "recalled", "reason": "Men chì vượt mức"},
    )
    assert response["Location"] == reverse("traceability:batch_recall", args=[batch.code])
    batch.refresh_from_db()
    assert batch.status == BatchStatus.RECALLED
    recall = client.get(response["Location"])
    assert "Men chì vượt mức" in recall.content.decode()
    again = client.post(
        reverse("traceability:batch_status", args=[batch.code]),
        {"status": "closed"},
    )
    assert again.status_code == 302  # refused with a message: recalled is final
    batch.refresh_from_db()
    assert batch.status == BatchStatus.RECALLED
    assert client.get(reverse("traceability:step", args=[batch.code])).status_code == 302


def test_record_a_shipping_step_with_the_form(cast, batches, client_for):
    batch = batches["one"]
    place = LocationFactory(producer=cast.prod1)
    client = client_for(cast.producer1)
    page = client.get(reverse("traceability:step", args=[batch.code]), {"step": "shipping"})
    assert "buyer_name" in page.context["form"].fields
    no_buyer = client.get(reverse("traceability:step", args=[batch.code]), {"step": "packing"})
    assert "buyer_name" not in no_buyer.context["form"].fields
    buyer = cast.buyer.memberships.get().organisation
    response = client.post(
        reverse("traceability:step", args=[batch.code]),
        {
            "step": "shipping",
            "on": "20/10/2026",
            "time": "07:30",
            "location": place.code,
            "quantity": "15",
            "note": "Xe tải 29C",
            "buyer_organisation": buyer.code,
            "destination_unit": cast.commune_b.key,
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#journey")
    shipment = Shipment.objects.get()
    assert (shipment.buyer_name, shipment.quantity) == (buyer.name, Decimal("15"))
    event = Event.objects.get()
    assert event.batch == batch and event.document["ocop:note"] == "Xe tải 29C"
    again = client.post(
        reverse("traceability:step", args=[batch.code]),
        {"step": "receiving", "on": "20/10/2099", "time": "07:30"},
    )
    assert again.status_code == 422
    assert again.context["form"].non_field_errors() == [vi("The step cannot be in the future.")]
    assert Event.objects.count() == 1


def test_stamps_with_the_forms(cast, batches, client_for, settings):
    batch = batches["one"]
    client = client_for(cast.producer1)
    url = reverse("traceability:stamps", args=[batch.code])
    response = client.post(reverse("traceability:stamps_issue", args=[batch.code]), {"count": 12})
    assert response["Location"] == url
    assert batch.stamps.count() == 12
    settings.OCOP_STAMPS_MAX_PER_ISSUE = 5
    response = client.post(reverse("traceability:stamps_issue", args=[batch.code]), {"count": 6})
    assert response.status_code == 422
    assert "count" in response.context["issue_form"].errors
    stamps = list(batch.stamps.order_by("pk"))
    response = client.post(
        reverse("traceability:stamps_status", args=[batch.code]),
        {"status": "active", "codes": f"{stamps[0].short_code}-{stamps[4].short_code}"},
    )
    assert response.status_code == 302
    assert batch.stamps.filter(status=StampStatus.ACTIVE).count() == 5
    response = client.post(
        reverse("traceability:stamps_status", args=[batch.code]),
        {"status": "void", "codes": "NOTACODE"},
    )
    assert response.status_code == 422
    assert "codes" in response.context["status_form"].errors
    page = client.get(url, {"status": "active"})
    assert len(page.context["rows"]) == 5
    assert stamps[0].short_code in page.content.decode()


def test_the_stamp_list_costs_the_same_queries_for_1_or_60_stamps(cast, batches, client_for):
    batch = batches["one"]
    client = client_for(cast.producer1)
    StampFactory(batch=batch)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("traceability:stamps", args=[batch.code]))
    for _index in range(59):
        StampFactory(batch=batch)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("traceability:stamps", args=[batch.code]))
    assert len(response.context["rows"]) == 50
    assert len(many.captured_queries) == len(one.captured_queries)


def test_download_the_label_sheet(cast, batches, client_for):
    batch = batches["one"]
    StampFactory(batch=batch)
    StampFactory(batch=batch, status=StampStatus.VOID)
    client = client_for(cast.producer1)
    response = client.get(
        reverse("traceability:stamp_labels", args=[batch.code]), {"size": "a4-30x20"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"] == f'attachment; filename="tem-{batch.code}-a4-30x20.pdf"'
    )
    assert response.content.startswith(b"%PDF-")
    assert (
        client.get(
            reverse("traceability:stamp_labels", args=[batch.code]), {"size": "huge"}
        ).status_code
        == 404
    )
    nothing = client.get(
        reverse("traceability:stamp_labels", args=[batch.code]),
        {"size": "a4-30x20", "status": "active"},
    )
    assert nothing.status_code == 302  # no active stamp to print


# --- places ---------------------------------------------------------------------------------


def test_places_with_the_forms(cast, client_for):
    client = client_for(cast.producer1)
    response = client.get(reverse("traceability:location_create"))
    assert "producer" not in response.context["form"].fields  # one producer: fixed
    response = client.post(
        reverse("traceability:location_create"),
        {"name": "Vườn sen", "kind": "farm", "gln": "8931234500008"},
    )
    assert response.status_code == 422
    assert "gln" in response.context["form"].errors
    response = client.post(
        reverse("traceability:location_create"),
        {"name": "Vườn sen", "kind": "farm", "gln": "8931234500009", "unit": cast.commune_a.key},
    )
    assert response["Location"] == reverse("traceability:locations")
    place = Location.objects.get()
    assert (place.producer, place.unit, place.gln) == (cast.prod1, cast.commune_a, "8931234500009")
    response = client.post(
        reverse("traceability:location_edit", args=[place.code]),
        {"name": "Vườn sen Tây Hồ", "kind": "farm", "gln": "8931234500009", "is_active": ""},
    )
    place.refresh_from_db()
    assert (place.name, place.is_active) == ("Vườn sen Tây Hồ", False)
    office = client_for(cast.office).get(reverse("traceability:location_create"))
    assert "producer" in office.context["form"].fields


@pytest.mark.parametrize("name", LEAKERS)
def test_places_do_not_leak(cast, client_for, name):
    place = LocationFactory(producer=cast.prod1)
    client = client_for(getattr(cast, name))
    assert client.get(reverse("traceability:location_edit", args=[place.code])).status_code == 404
    assert (
        client.post(
            reverse("traceability:location_edit", args=[place.code]), {"name": "X", "kind": "farm"}
        ).status_code
        == 404
    )
    if name in ("producer2", "commune2"):
        listed = client.get(reverse("traceability:locations")).context["state"].items
        assert place not in listed
    assert Location.objects.get().name == place.name


def test_the_place_list_costs_the_same_queries_for_1_or_30_places(cast, client_for):
    client = client_for(cast.office)
    LocationFactory(producer=cast.prod1)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("traceability:locations"))
    for _index in range(29):
        LocationFactory(producer=cast.prod2, unit=cast.commune_b)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("traceability:locations"))
    assert len(response.context["state"].items) == 25
    assert len(many.captured_queries) == len(one.captured_queries)


def test_a_stamp_of_another_batch_is_not_printed(cast, batches, client_for):
    """The PDF of a batch prints its own stamps only."""
    StampFactory(batch=batches["two"])
    response = client_for(cast.producer1).get(
        reverse("traceability:stamp_labels", args=[batches["one"].code]), {"size": "a4-30x20"}
    )
    assert response.status_code == 302  # batch one has no stamps
    assert Stamp.objects.count() == 1


def test_the_history_tab_reads_the_verbs(cast, batches, client_for):
    from ocop.traceability.services.stamps import change_stamp_status, issue_stamps

    batch = batches["one"]
    issue_stamps(actor=cast.producer1, batch=batch, count=3)
    change_stamp_status(actor=cast.producer1, batch=batch, to="active", every_issued=True)
    response = client_for(cast.producer1).get(
        reverse("traceability:batch_history", args=[batch.code])
    )
    page = response.content.decode()
    with translation.override("vi"):
        for verb in ("stamps issued", "stamps activated"):
            assert capfirst(translation.pgettext("history", verb)) in page, verb
