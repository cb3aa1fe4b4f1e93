"""/api/v1/traceability: batches (list, detail, create, status, inputs), stamps (list, issue,
activate, void), steps (record) and places, with the loaders and services of the pages: 404 to
whoever may not see (or keep) the batch, problem details for every refusal, query-count guards
on the lists."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ocop.traceability.enums import BatchStatus, StampStatus
from ocop.traceability.models import Batch, Event, Location, Shipment, Stamp
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
BASE = "/api/v1/traceability"
LEAKERS = ["producer2", "commune2", "buyer", "outsider", "chair"]


@pytest.fixture
def api(api_token):
    """A client calling the API as a user: `api(user).get(path)`, `.post(path, data)`."""

    class Caller:
        def __init__(self, user):
            self.headers = api_token(user)
            self.client = Client()

        def get(self, path, params=None):
            return self.client.get(BASE + path, params or {}, **self.headers)

        def post(self, path, data=None):
            return self.client.post(
                BASE + path,
                json.dumps(data or {}),
                content_type="application/json",
                HTTP_ACCEPT_LANGUAGE="en",
                **self.headers,
            )

    return Caller


@pytest.fixture
def batches(cast):
    return {
        "one": BatchFactory(product=cast.product1, lot="GOM-01"),
        "two": BatchFactory(product=cast.product2, lot="SEN-01"),
    }


def problem(response) -> dict:
    assert response["Content-Type"] == "application/problem+json"
    return response.json()


# --- batches --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("office", ["GOM-01", "SEN-01"]),
        ("commune", ["GOM-01"]),
        ("producer1", ["GOM-01"]),
        ("producer2", ["SEN-01"]),
        ("buyer", []),
        ("outsider", []),
    ],
)
def test_list_batches_per_role(cast, batches, api, name, expected):
    response = api(getattr(cast, name)).get("/batches")
    assert response.status_code == 200
    assert sorted(item["lot"] for item in response.json()["items"]) == expected


def test_the_list_needs_authentication(batches):
    response = Client().get(BASE + "/batches")
    assert response.status_code == 401
    assert problem(response)["status"] == 401


def test_a_batch_row(cast, batches, api):
    [row] = api(cast.producer1).get("/batches", {"q": "gom"}).json()["items"]
    batch = batches["one"]
    assert row["code"] == batch.code
    assert row["product"] == {"code": cast.product1.code, "name": cast.product1.name}
    assert row["gtin"] == "0" + Batch.objects.get(pk=batch.pk).product.gtin
    assert row["digital_link"].endswith(f"/01/{row['gtin']}/10/GOM-01")
    assert row["url"] == f"/truy-xuat/lo/{batch.code}/"
    assert "id" not in row


def test_the_batch_list_costs_the_same_queries_for_1_or_30(cast, api):
    caller = api(cast.office)
    BatchFactory(product=cast.product1)
    caller.get("/batches")  # the token's first use writes its last-used time
    with CaptureQueriesContext(connection) as one:
        caller.get("/batches")
    for index in range(29):
        BatchFactory(product=ProductFactory(producer=cast.prod2, name=f"Trà {index}"))
    with CaptureQueriesContext(connection) as many:
        response = caller.get("/batches", {"limit": 50})
    assert response.json()["count"] == 30 and len(response.json()["items"]) == 30
    assert len(many.captured_queries) == len(one.captured_queries)


def test_the_batch_detail(cast, api):
    lotus = BatchFactory(product=cast.product2, lot="SEN-2")
    batch = BatchFactory(product=cast.product1, lot="GOM-2")
    BatchInputFactory(batch=batch, input_batch=lotus, material="Sen", quantity=Decimal("2"))
    ShipmentFactory(batch=batch, buyer_name="Cửa hàng", destination_unit=cast.commune_b)
    StampFactory(batch=batch, status=StampStatus.ACTIVE)
    EventFactory(batch=batch, biz_step="shipping")
    body = api(cast.producer1).get(f"/batches/{batch.code}").json()
    assert body["inputs"][0]["input_batch"] == lotus.code
    assert body["shipments"][0]["destination_unit"] == cast.commune_b.key
    assert body["stamps"] == {"issued": 0, "active": 1, "void": 0, "scans": 0}
    assert [(step["step"], step["event_type"]) for step in body["journey"]] == [
        ("shipping", "ObjectEvent")
    ]


@pytest.mark.parametrize("name", LEAKERS)
def test_the_batch_endpoints_do_not_leak(cast, batches, api, name):
    batch = batches["one"]
    StampFactory(batch=batch)
    caller = api(getattr(cast, name))
    code = batch.code
    for path in (f"/batches/{code}", f"/batches/{code}/stamps", "/batches/LOXXXXXXX"):
        assert caller.get(path).status_code == 404, path
    for path, data in (
        (f"/batches/{code}/status", {"status": "recalled", "reason": "x"}),
        (f"/batches/{code}/inputs", {"material": "x", "supplier_name": "y"}),
        (f"/batches/{code}/stamps", {"count": 1}),
        (f"/batches/{code}/stamps/activate", {"every_issued": True}),
        (f"/batches/{code}/stamps/void", {"every_issued": True}),
        (f"/batches/{code}/steps", {"step": "harvesting", "at": "2026-10-20T07:30:00+07:00"}),
    ):
        response = caller.post(path, data)
        assert response.status_code == 404, path
        assert problem(response)["status"] == 404
    batch.refresh_from_db()
    assert batch.status == BatchStatus.OPEN
    assert (Stamp.objects.count(), Event.objects.count()) == (1, 0)


def test_create_a_batch(cast, api):
    place = LocationFactory(producer=cast.prod1)
    response = api(cast.producer1).post(
        "/batches",
        {
            "product": cast.product1.code,
            "lot": "GOM-03",
            "produced_on": "2026-10-05",
            "expires_on": "2028-10-05",
            "quantity": "40",
            "unit": "bình",
            "location": place.code,
        },
    )
    assert response.status_code == 201
    body = response.json()
    batch = Batch.objects.get()
    assert (body["code"], body["location"], body["status"]) == (batch.code, place.code, "open")
    assert batch.product.gtin  # a platform GTIN was given


@pytest.mark.parametrize(
    ("changes", "status", "field"),
    [
        ({"lot": "LÔ 3"}, 422, "lot"),
        ({"expires_on": "2026-01-01"}, 422, "expires_on"),
        ({"quantity": "0"}, 422, "quantity"),
        ({"location": "DDXXXXXX"}, 422, "location"),
        ({"product": "SPXXXXXXX"}, 404, None),
    ],
)
def test_create_a_batch_refused(cast, api, changes, status, field):
    data = {
        "product": cast.product1.code,
        "lot": "GOM-03",
        "produced_on": "2026-10-05",
        "quantity": "40",
        "unit": "bình",
    }
    data.update(changes)
    response = api(cast.producer1).post("/batches", data)
    assert response.status_code == status
    body = problem(response)
    if field:
        assert field in [error["field"] for error in body["errors"]]
    assert Batch.objects.count() == 0


def test_a_batch_of_another_producers_product_is_404(cast, api):
    response = api(cast.producer1).post(
        "/batches",
        {
            "product": cast.product2.code,
            "lot": "X",
            "produced_on": "2026-10-05",
            "quantity": 1,
            "unit": "kg",
        },
    )
    assert response.status_code == 404
    assert Batch.objects.count() == 0


def test_status_and_inputs(cast, batches, api):
    batch = batches["one"]
    caller = api(cast.producer1)
    response = caller.post(
        f"/batches/{batch.code}/inputs",
        {"input_batch": batches["two"].code, "quantity": "3", "unit": "kg"},
    )
    assert response.status_code == 201
    assert response.json()["inputs"][0]["input_batch"] == batches["two"].code
    response = caller.post(f"/batches/{batch.code}/status", {"status": "recalled"})
    assert response.status_code == 422
    response = caller.post(f"/batches/{batch.code}/status", {"status": "recalled", "reason": "Lỗi"})
    assert response.json()["status"] == "recalled"
    response = caller.post(f"/batches/{batch.code}/status", {"status": "closed"})
    assert response.status_code == 409
    assert problem(response)["type"].endswith("/conflict")


# --- stamps ---------------------------------------------------------------------------------


def test_issue_list_activate_and_void(cast, batches, api, settings):
    batch = batches["one"]
    caller = api(cast.producer1)
    response = caller.post(f"/batches/{batch.code}/stamps", {"count": 6})
    assert response.status_code == 201
    body = response.json()
    assert body["count"] == 6
    first, last = body["stamps"][0], body["stamps"][-1]
    assert first["digital_link"].endswith(f"/10/GOM-01/21/{first['serial']}")
    response = caller.post(
        f"/batches/{batch.code}/stamps/activate",
        {"codes": [f"{first['short_code']}-{body['stamps'][3]['short_code']}"]},
    )
    assert response.json() == {"count": 4}
    response = caller.post(f"/batches/{batch.code}/stamps/void", {"codes": [last["serial"]]})
    assert response.json() == {"count": 1}
    response = caller.post(f"/batches/{batch.code}/stamps/void", {"codes": [last["serial"]]})
    assert response.status_code == 409
    assert last["short_code"] in problem(response)["title"]
    listed = caller.get(f"/batches/{batch.code}/stamps", {"status": "active"}).json()
    assert listed["count"] == 4
    assert [item["status"] for item in listed["items"]] == ["active"] * 4
    settings.OCOP_STAMPS_MAX_PER_ISSUE = 3
    response = caller.post(f"/batches/{batch.code}/stamps", {"count": 4})
    assert response.status_code == 422
    assert problem(response)["errors"][0]["field"] == "count"
    assert Stamp.objects.count() == 6


def test_the_stamp_list_costs_the_same_queries_for_1_or_40(cast, batches, api):
    batch = batches["one"]
    caller = api(cast.producer1)
    StampFactory(batch=batch)
    caller.get(f"/batches/{batch.code}/stamps")
    with CaptureQueriesContext(connection) as one:
        caller.get(f"/batches/{batch.code}/stamps")
    for _index in range(39):
        StampFactory(batch=batch)
    with CaptureQueriesContext(connection) as many:
        response = caller.get(f"/batches/{batch.code}/stamps")
    assert response.json()["count"] == 40
    assert len(many.captured_queries) == len(one.captured_queries)


# --- steps ----------------------------------------------------------------------------------


def test_record_steps(cast, batches, api):
    batch = batches["one"]
    place = LocationFactory(producer=cast.prod1)
    caller = api(cast.producer1)
    response = caller.post(
        f"/batches/{batch.code}/steps",
        {
            "step": "harvesting",
            "at": "2026-10-06T06:00:00+07:00",
            "location": place.code,
            "note": "Sáng",
        },
    )
    assert response.status_code == 201
    [event] = response.json()["events"]
    assert event["biz_step"] == "urn:ocop:bizstep:harvesting"
    assert event["document"]["ocop:note"] == "Sáng"
    assert response.json()["shipment"] is None
    buyer = cast.buyer.memberships.get().organisation
    response = caller.post(
        f"/batches/{batch.code}/steps",
        {
            "step": "shipping",
            "at": "2026-10-20T07:30:00",
            "quantity": "10",
            "shipment": {"buyer_organisation": buyer.code, "destination_unit": cast.commune_b.key},
        },
    )
    assert response.status_code == 201
    shipment = Shipment.objects.get()
    assert response.json()["shipment"] == shipment.code
    assert response.json()["events"][0]["document"]["eventTime"] == "2026-10-20T07:30:00.000+07:00"
    assert Event.objects.filter(batch=batch).count() == 2


@pytest.mark.parametrize(
    ("data", "status", "field"),
    [
        ({"step": "dancing", "at": "2026-10-06T06:00:00+07:00"}, 422, "step"),
        ({"step": "harvesting", "at": "2099-10-06T06:00:00+07:00"}, 422, "at"),
        (
            {"step": "harvesting", "at": "2026-10-06T06:00:00+07:00", "location": "DDX"},
            422,
            "location",
        ),
        ({"step": "shipping", "at": "2026-10-06T06:00:00+07:00"}, 422, "buyer_name"),
        (
            {
                "step": "shipping",
                "at": "2026-10-06T06:00:00+07:00",
                "shipment": {"buyer_name": "A", "buyer_organisation": "OXXXXXXXX"},
            },
            422,
            "buyer_organisation",
        ),
        ({"step": "harvesting"}, 422, "at"),
    ],
)
def test_a_step_refused(cast, batches, api, data, status, field):
    response = api(cast.producer1).post(f"/batches/{batches['one'].code}/steps", data)
    assert response.status_code == status
    assert field in [error["field"] for error in problem(response)["errors"]]
    assert (Event.objects.count(), Shipment.objects.count()) == (0, 0)


def test_the_same_step_twice(cast, batches, api):
    caller = api(cast.producer1)
    data = {"step": "packing", "at": "2026-10-06T06:00:00+07:00"}
    assert caller.post(f"/batches/{batches['one'].code}/steps", data).status_code == 201
    response = caller.post(f"/batches/{batches['one'].code}/steps", data)
    assert response.status_code == 422
    assert Event.objects.count() == 1


# --- places ---------------------------------------------------------------------------------


def test_places(cast, api):
    response = api(cast.producer1).post(
        "/locations", {"name": "Vườn", "kind": "farm", "unit": cast.commune_a.key}
    )
    assert response.status_code == 201
    assert response.json()["producer"]["code"] == cast.prod1.code
    response = api(cast.office).post("/locations", {"name": "Kho", "kind": "warehouse"})
    assert response.status_code == 422  # the office keeps every producer: name it
    response = api(cast.office).post(
        "/locations", {"producer": cast.prod2.code, "name": "Kho", "kind": "warehouse"}
    )
    assert response.status_code == 201
    response = api(cast.producer1).post(
        "/locations", {"producer": cast.prod2.code, "name": "Kho", "kind": "warehouse"}
    )
    assert response.status_code == 404
    names = [item["name"] for item in api(cast.producer1).get("/locations").json()["items"]]
    assert names == ["Vườn"]
    assert Location.objects.count() == 2


def test_the_place_list_costs_the_same_queries_for_1_or_30(cast, api):
    caller = api(cast.office)
    LocationFactory(producer=cast.prod1)
    caller.get("/locations")
    with CaptureQueriesContext(connection) as one:
        caller.get("/locations")
    for _index in range(29):
        LocationFactory(producer=cast.prod2, unit=cast.commune_b)
    with CaptureQueriesContext(connection) as many:
        response = caller.get("/locations", {"limit": 50})
    assert response.json()["count"] == 30
    assert len(many.captured_queries) == len(one.captured_queries)


def test_dates_are_iso(cast, batches, api):
    body = api(cast.producer1).get(f"/batches/{batches['one'].code}").json()
    assert dt.date.fromisoformat(body["produced_on"]) == batches["one"].produced_on


def test_the_endpoints_are_in_the_openapi_schema(db):
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/batches",
        "/batches/{code}",
        "/batches/{code}/status",
        "/batches/{code}/inputs",
        "/batches/{code}/stamps",
        "/batches/{code}/stamps/activate",
        "/batches/{code}/stamps/void",
        "/batches/{code}/steps",
        "/locations",
    ):
        assert BASE + path in paths, path
