"""GET /api/v1/geo/units and /api/v1/geo/units/{key}: public, on the real Hà Nội data."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

URL = "/api/v1/geo/units"


def keys(response) -> list[str]:
    return [item["key"] for item in response.json()["items"]]


def test_the_list_is_public_and_paginated(hanoi, client):
    response = client.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 683
    assert len(body["items"]) == 50
    assert body["items"][0] == {
        "key": "c00004",
        "code": "00004",
        "name": "Phường Ba Đình",
        "level": "commune",
        "kind": "phuong",
        "parent": "p01",
        "valid_from": "2025-07-01",
        "valid_to": None,
        "confirmed": True,
    }
    second = client.get(URL, {"offset": 50, "limit": 10})
    assert len(second.json()["items"]) == 10
    assert not set(keys(second)) & set(keys(response))


def test_filters(hanoi, client):
    assert client.get(URL, {"level": "district"}).json()["count"] == 30
    assert client.get(URL, {"current": "true", "level": "commune"}).json()["count"] == 126
    assert client.get(URL, {"current": "false"}).json()["count"] == 556
    assert client.get(URL, {"valid_on": "2025-06-30", "level": "commune"}).json()["count"] == 526
    assert client.get(URL, {"valid_on": "2025-07-01"}).json()["count"] == 127
    assert client.get(URL, {"parent": "d018~20250630"}).json()["count"] == 17
    assert keys(client.get(URL, {"q": "bat trang"})) == ["c00577", "c00583~20250630"]
    assert keys(client.get(URL, {"q": "Bát Tràng", "current": "true"})) == ["c00577"]
    province = client.get(URL, {"level": "province"}).json()["items"]
    assert province == [
        {
            "key": "p01",
            "code": "01",
            "name": "Thành phố Hà Nội",
            "level": "province",
            "kind": "thanh_pho_tw",
            "parent": None,
            "valid_from": None,
            "valid_to": None,
            "confirmed": True,
        }
    ]


def test_bad_filter_values_are_422_problems(hanoi, client):
    for params, field in (
        ({"level": "planet"}, "level"),
        ({"current": "maybe"}, "current"),
        ({"valid_on": "30/06/2025"}, "valid_on"),
        ({"parent": "d999"}, "parent"),
    ):
        response = client.get(URL, params)
        assert response.status_code == 422, params
        assert response["Content-Type"] == "application/problem+json"
        body = response.json()
        assert (body["status"], body["type"]) == (422, "https://ocop.invalid/problems/validation")
        assert [error["field"] for error in body["errors"]] == [field]


def test_the_list_is_a_constant_number_of_queries(hanoi, client, django_assert_num_queries):
    with django_assert_num_queries(2):  # count, page
        one = client.get(URL, {"q": "xa bat trang", "current": "true"})
    with django_assert_num_queries(2):
        many = client.get(URL, {"limit": 200})
    assert (len(keys(one)), len(keys(many))) == (1, 200)


def test_an_old_commune_with_its_successors(hanoi, client):
    body = client.get(f"{URL}/c00583~20250630").json()  # the old Xã Bát Tràng
    assert {k: body[k] for k in ("key", "name", "parent", "province", "valid_to", "note")} == {
        "key": "c00583~20250630",
        "name": "Xã Bát Tràng",
        "parent": "d018~20250630",
        "province": "p01",
        "valid_to": "2025-06-30",
        "note": "",
    }
    assert [(s["unit"]["key"], s["unit"]["name"], s["partial"]) for s in body["successors"]] == [
        ("c00145", "Phường Long Biên", True),
        ("c00577", "Xã Bát Tràng", True),
        ("c00565", "Xã Gia Lâm", True),
    ]
    assert (
        body["successors"][1]["legal_reference"] == "Nghị quyết 1656/NQ-UBTVQH15, Điều 1 khoản 111"
    )
    assert body["successors"][1]["effective_on"] == "2025-07-01"
    assert (body["predecessors"], body["children"]) == ([], [])


def test_a_new_unit_with_its_predecessors(hanoi, client):
    body = client.get(f"{URL}/c09871").json()
    assert (body["name"], body["valid_from"], body["successors"]) == (
        "Xã Sơn Đồng",
        "2025-07-01",
        [],
    )
    predecessors = {p["unit"]["key"]: p["partial"] for p in body["predecessors"]}
    assert len(predecessors) == 8
    assert predecessors["c09859~20250630"] is False
    assert predecessors["c09862~20250630"] is True


def test_a_district_with_its_communes(hanoi, client):
    body = client.get(f"{URL}/d001~20250630").json()
    assert body["kind"] == "quan"
    assert len(body["children"]) == 13
    assert body["children"][0] == {
        "key": "c00007~20250630",
        "code": "00007",
        "name": "Phường Cống Vị",
        "level": "commune",
        "kind": "phuong",
    }


def test_the_detail_is_a_constant_number_of_queries(hanoi, client, django_assert_num_queries):
    with django_assert_num_queries(4):  # unit, children, successors, predecessors
        client.get(f"{URL}/c00004~20250630")  # 1 successor
    with django_assert_num_queries(4):
        client.get(f"{URL}/c09871")  # 8 predecessors
    with django_assert_num_queries(4):
        client.get(f"{URL}/d018~20250630")  # 17 children


def test_an_unknown_key_is_a_404_problem(hanoi, client):
    response = client.get(f"{URL}/c99999")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"] == "https://ocop.invalid/problems/not-found"
