"""A catalogue of bad input (issue #9, item 9) sent to the API, the forms and the EPCIS capture.

Each case asserts the specific outcome, decided per field:
- refused: a 422 problem naming the field (API) or the form's Vietnamese error (UI, never a 500),
  and nothing written (the rows and the activity log are counted before and after);
- normalised: text typed in decomposed (NFD) or mixed form, or with surrounding spaces, is
  accepted by design and stored in NFC, stripped; an emoji in a name or a description is
  accepted as typed (people name products "Trà sen 🍵"; it is valid Unicode that renders).
Control characters (NUL, ESC, C1), the bidirectional overrides (U+202E), the zero-width space
and the BOM are refused everywhere (`ocop.core.text.FORBIDDEN_CHARACTERS`).
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any

import pytest

from ocop.core.models import ActivityLog
from ocop.producers.models import Producer
from ocop.products.models import Product
from ocop.reports.models import Plan
from ocop.trade.models import Demand
from tests.factories.producers import producer_data
from tests.factories.trade import buyer_for

NAME = "Nguyễn Văn Hoà"
NFD = unicodedata.normalize("NFD", NAME)
MIXED = "Trà " + unicodedata.normalize("NFD", "Sen Tây Hồ")

# (id, value, expected): expected is the stored text, or None for "refused naming the field".
TEXTS: list[tuple[str, Any, str | None]] = [
    ("nfd", NFD, NAME),
    ("mixed-nfc-nfd", MIXED, "Trà Sen Tây Hồ"),
    ("surrounding-spaces", "  Trà sen  ", "Trà sen"),
    ("emoji", "Trà sen 🍵", "Trà sen 🍵"),
    ("emoji-zwj", "Gia đình 👨\u200d👩\u200d👧", "Gia đình 👨\u200d👩\u200d👧"),
    ("rtl-override", "Trà \u202egnol", None),
    ("rtl-isolate", "Trà \u2067sen", None),
    ("nul", "Trà\x00sen", None),
    ("escape", "Trà\x1b[31msen", None),
    ("zero-width-space", "Trà\u200bsen", None),
    ("bom", "\ufeffTrà sen", None),
    ("c1-control", "Trà\x85sen", None),
    ("10000-chars", "a" * 10_000, None),
    ("number", 12345, None),
    ("list", ["Trà sen"], None),
    ("object", {"vi": "Trà sen"}, None),
    ("null", None, None),
]


def _post(client, url, data, headers, method="post"):
    body = data if isinstance(data, (str, bytes)) else json.dumps(data, ensure_ascii=False)
    return getattr(client, method)(url, body, content_type="application/json", **headers)


def _counts() -> tuple[int, ...]:
    return (
        Producer.objects.count(),
        Product.objects.count(),
        Demand.objects.count(),
        Plan.objects.count(),
        ActivityLog.objects.count(),
    )


def _assert_refused(response, field: str | None, before, *, status: int = 422) -> None:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status
    if field is not None:
        assert field in [error["field"] for error in problem["errors"]], problem
    assert _counts() == before


# --- API: producers ----------------------------------------------------------------------------


def _producer_body(cast, **overrides) -> dict[str, Any]:
    data = producer_data(cast.commune_a.key)
    data.update(overrides)
    data["kind"] = str(data["kind"])
    data["representative_sex"] = str(data["representative_sex"])
    return data


@pytest.mark.parametrize("field", ["name", "address", "representative_name"])
@pytest.mark.parametrize(("case", "value", "expected"), TEXTS, ids=[t[0] for t in TEXTS])
def test_api_producer_create_text(cast, client, api_token, field, case, value, expected):
    headers = api_token(cast.office)
    before = _counts()
    response = _post(client, "/api/v1/producers/", _producer_body(cast, **{field: value}), headers)
    if expected is None:
        _assert_refused(response, field, before)
    else:
        assert response.status_code == 201, response.content[:300]
        producer = Producer.objects.get(code=response.json()["code"])
        assert getattr(producer, field) == expected
        assert unicodedata.is_normalized("NFC", getattr(producer, field))


@pytest.mark.parametrize(("case", "value", "expected"), TEXTS, ids=[t[0] for t in TEXTS])
def test_api_producer_patch_name(cast, client, api_token, case, value, expected):
    headers = api_token(cast.office)
    before = _counts()
    old = cast.prod1.name
    url = f"/api/v1/producers/{cast.prod1.code}"
    response = _post(client, url, {"name": value}, headers, method="patch")
    cast.prod1.refresh_from_db()
    if expected is None:
        _assert_refused(response, "name", before)
        assert cast.prod1.name == old
    else:
        assert response.status_code == 200, response.content[:300]
        assert cast.prod1.name == expected


NUMBERS = [
    ("string", "mười", "workforce_total"),
    ("list", [10], "workforce_total"),
    ("object", {"n": 10}, "workforce_total"),
    ("float", 10.5, "workforce_total"),
    ("negative", -5, "workforce_total"),
    ("negative-local", -1, "workforce_local"),
    ("huge", 10**30, "workforce_total"),
    ("date-31-02", "2026-02-31", "registration_date"),
    ("date-dmy", "31/02/2026", "registration_date"),
    ("date-garbage", "hôm qua", "founded_on"),
    ("date-number", 20260101, "founded_on"),
    ("future-founded", "2999-01-01", "founded_on"),
    ("future-registration", "2999-01-01", "registration_date"),
    ("unknown-commune", "c99999999", "commune"),
    ("commune-list", ["c1"], "commune"),
    ("kind-unknown", "pirate", "kind"),
    ("sex-null", None, "representative_sex"),
]


@pytest.mark.parametrize(("case", "value", "field"), NUMBERS, ids=[n[0] for n in NUMBERS])
def test_api_producer_create_wrong_values(cast, client, api_token, case, value, field):
    headers = api_token(cast.office)
    before = _counts()
    response = _post(client, "/api/v1/producers/", _producer_body(cast, **{field: value}), headers)
    _assert_refused(response, field, before)


# --- API: products -----------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["name", "description"])
@pytest.mark.parametrize(("case", "value", "expected"), TEXTS, ids=[t[0] for t in TEXTS])
def test_api_product_create_text(cast, client, api_token, field, case, value, expected):
    headers = api_token(cast.producer1)
    before = _counts()
    data = {"producer": cast.prod1.code, "name": "Bình gốm", "description": ""}
    data[field] = value
    response = _post(client, "/api/v1/products/", data, headers)
    if field == "description" and case == "10000-chars":
        expected = value  # a description is free text without a length limit (a TextField)
    if expected is None:
        _assert_refused(response, field, before)
    else:
        assert response.status_code == 201, response.content[:300]
        assert getattr(Product.objects.get(code=response.json()["code"]), field) == expected


# --- API: trade demands and plans --------------------------------------------------------------


DEMAND_VALUES = [
    ("quantity-negative", "quantity", -100),
    ("quantity-zero", "quantity", 0),
    ("quantity-string", "quantity", "hai trăm"),
    ("quantity-nan-string", "quantity", "NaN"),
    ("quantity-infinity-string", "quantity", "Infinity"),
    ("quantity-huge", "quantity", "1e40"),
    ("quantity-list", "quantity", [200]),
    ("start-31-02", "period_start", "2026-02-31"),
    ("start-dmy", "period_start", "31/02/2026"),
    ("start-null", "period_start", None),
    ("end-before-start", "period_end", "2000-01-01"),
    ("min-stars-6", "min_stars", 6),
    ("min-stars-negative", "min_stars", -3),
    ("min-stars-string", "min_stars", "năm"),
    ("delivery-object", "delivery_area", {"a": 1}),
    ("delivery-unknown", "delivery_area", ["c99999999"]),
    ("title-rtl", "title", "Mua \u202etrà"),
    ("title-nul", "title", "Mua\x00trà"),
    ("title-long", "title", "t" * 10_000),
    ("title-empty", "title", "   "),
    ("unit-number", "unit", 5),
]


@pytest.mark.parametrize(
    ("case", "field", "value"), DEMAND_VALUES, ids=[d[0] for d in DEMAND_VALUES]
)
def test_api_trade_demand_bad_values(cast, client, api_token, case, field, value):
    buyer_for(cast.buyer)
    data = {
        "title": "Trà sen cho giỏ quà Tết",
        "keywords": "trà sen",
        "quantity": "200",
        "unit": "kg",
        "period_start": "2030-01-01",
        "period_end": "2030-03-01",
    }
    data[field] = value
    headers = api_token(cast.buyer)
    before = _counts()
    response = _post(client, "/api/v1/trade/demands", data, headers)
    _assert_refused(response, field, before)


PLAN_VALUES = [
    ("products-negative", "products_target", -1),
    ("stars3-negative", "stars_3_target", -10),
    ("stars4-string", "stars_4_target", "một trăm"),
    ("stars5-float", "stars_5_target", 1.5),
    ("products-null", "products_target", None),
    ("products-huge", "products_target", 10**20),
    ("reference-rtl", "reference", "100/KH-\u202eUBND"),
    ("note-escape", "note", "ghi chú\x1b"),
    ("note-long", "note", "n" * 10_000),
]


@pytest.mark.parametrize(("case", "field", "value"), PLAN_VALUES, ids=[p[0] for p in PLAN_VALUES])
def test_api_reports_plan_put_bad_values(cast, client, api_token, case, field, value):
    data = {"products_target": 10, "stars_3_target": 5, "stars_4_target": 3, "stars_5_target": 0}
    data[field] = value
    headers = api_token(cast.office)
    before = _counts()
    url = f"/api/v1/reports/plans/2030/{cast.commune_a.province.key}"
    response = _post(client, url, data, headers, method="put")
    _assert_refused(response, field, before)


# --- API: bodies that are not what a JSON object should be -------------------------------------

HUGE_NAME = {"name": "x" * (5 * 1024 * 1024)}
BODIES = [
    ("nan-literal", '{"name": NaN}', 400),
    ("infinity-literal", '{"workforce_total": Infinity}', 400),
    ("minus-infinity", '{"workforce_total": -Infinity}', 400),
    ("nested-10000", "[" * 10_000 + "]" * 10_000, 400),
    ("nested-objects-10000", '{"a":' * 10_000 + "1" + "}" * 10_000, 400),
    ("not-json", "name=Trà sen", 400),
    ("truncated", '{"name": "Trà', 400),
    ("invalid-utf8", b'{"name": "\xff\xfe"}', 400),
    ("list", "[]", 422),
    ("string", '"Trà sen"', 422),
    ("null", "null", 422),
    ("number", "42", 422),
    ("huge-5mb-string", json.dumps(HUGE_NAME), 422),
    ("key-with-nul", '{"na\\u0000me": "x"}', 422),
]


@pytest.mark.parametrize("url", ["/api/v1/producers/", "/api/v1/products/"])
@pytest.mark.parametrize(("case", "body", "status"), BODIES, ids=[b[0] for b in BODIES])
def test_api_malformed_bodies(cast, client, api_token, url, case, body, status):
    headers = api_token(cast.office)
    before = _counts()
    response = _post(client, url, body, headers)
    _assert_refused(response, None, before, status=status)
