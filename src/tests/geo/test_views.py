"""The public pages of the administrative map, on the real Hà Nội data."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ocop.geo.forms import Period

pytestmark = pytest.mark.django_db

UNITS = reverse("geo:units")


@pytest.fixture
def client() -> Client:
    client = Client()
    client.cookies["ocop_language"] = "en"  # content checks read the English msgids
    return client


def keys(response) -> list[str]:
    return [unit.key for unit in response.context["state"].items]


def total(response) -> int:
    return response.context["state"].page.paginator.count


def text(response) -> str:
    return " ".join(response.content.decode().split())


# --- The list ----------------------------------------------------------------------------------


def test_the_list_is_public_and_shows_current_units_by_default(hanoi, client):
    response = client.get(UNITS)
    assert response.status_code == 200
    assert response.context["filters"]["period"] == Period.CURRENT
    assert total(response) == 127  # 126 communes and the province
    assert keys(response)[:2] == ["c00004", "c00292"]  # Phường Ba Đình, Phường Bạch Mai
    assert len(keys(response)) == 25
    assert 'value="current" selected' in response.content.decode()


def test_search_ignores_diacritics(hanoi, client):
    for query in ("bat trang", "Bát Tràng", "BAT TRANG"):
        response = client.get(UNITS, {"q": query, "period": "all"})
        assert keys(response) == ["c00577", "c00583~20250630"]  # same name: by code
    assert keys(client.get(UNITS, {"q": "bat trang"})) == ["c00577"]


def test_search_by_code(hanoi, client):
    response = client.get(UNITS, {"q": "00004", "period": "all", "sort": "code"})
    assert keys(response) == ["c00004", "c00004~20250630"]


def test_filters_by_period_level_and_kind(hanoi, client):
    assert total(client.get(UNITS, {"period": "ended"})) == 556
    assert total(client.get(UNITS, {"period": "all"})) == 683
    assert total(client.get(UNITS, {"period": "ended", "level": "district"})) == 30
    assert total(client.get(UNITS, {"period": "ended", "kind": "thi_tran"})) == 21
    assert total(client.get(UNITS, {"period": "current", "kind": "phuong"})) == 51
    assert total(client.get(UNITS, {"period": "all", "level": "province"})) == 1


def test_the_district_filter_shows_its_old_communes(hanoi, client):
    response = client.get(UNITS, {"district": "d001~20250630", "sort": "code"})
    assert response.context["filters"]["period"] == Period.ALL
    assert total(response) == 13
    assert keys(response)[:2] == ["c00001~20250630", "c00004~20250630"]
    assert "Quận Ba Đình" in [
        label for _value, label in response.context["form"].fields["district"].choices
    ]


def test_unusable_filter_values_are_ignored(hanoi, client):
    response = client.get(UNITS, {"level": "planet", "kind": "x", "period": "later", "sort": "?"})
    assert response.status_code == 200
    assert response.context["filters"] == {
        "q": "",
        "period": Period.CURRENT,
        "level": "",
        "kind": "",
        "district": "",
    }
    assert total(response) == 127


def test_sorting_and_pagination(hanoi, client):
    first = client.get(UNITS, {"period": "all", "sort": "code"})
    assert keys(first)[:4] == ["c00001~20250630", "c00004", "c00004~20250630", "c00006~20250630"]
    second = client.get(UNITS, {"period": "all", "sort": "code", "page": 2})
    assert second.context["state"].page.number == 2
    assert not set(keys(first)) & set(keys(second))
    last = client.get(UNITS, {"period": "all", "page": 999})
    assert last.context["state"].page.number == 28  # 683 units, 25 a page
    assert len(keys(last)) == 8
    assert 'rel="next"' in first.content.decode()


def test_the_list_is_a_constant_number_of_queries(hanoi, client, django_assert_num_queries):
    with django_assert_num_queries(3):  # district choices, count, page
        one = client.get(UNITS, {"q": "xa bat trang"})
    with django_assert_num_queries(3):
        many = client.get(UNITS, {"period": "all"})
    assert (len(keys(one)), len(keys(many))) == (1, 25)


def test_an_empty_result_says_so(hanoi, client):
    response = client.get(UNITS, {"q": "không có đâu"})
    assert keys(response) == []
    assert "No unit matches these filters." in text(response)


# --- One unit ----------------------------------------------------------------------------------


def test_an_old_commune_that_moved_whole(hanoi, client):
    response = client.get(reverse("geo:unit", args=["c00004~20250630"]))
    assert response.status_code == 200
    assert response.context["unit"].name == "Phường Trúc Bạch"
    assert [(s.successor.key, s.partial) for s in response.context["successions"]] == [
        ("c00004", False)
    ]
    page = text(response)
    assert "On 01/07/2025 it became part of:" in page
    assert "Nghị quyết 1656/NQ-UBTVQH15, Điều 1 khoản 3" in page
    assert 'href="/dia-ban/d001~20250630/"' in page  # its old district


def test_an_old_commune_split_between_new_units(hanoi, client):
    response = client.get(reverse("geo:unit", args=["c09013~20250630"]))  # Xã Văn Khê
    assert [(s.successor.name, s.partial) for s in response.context["successions"]] == [
        ("Xã Mê Linh", True),
        ("Xã Ô Diên", True),
        ("Xã Tiến Thắng", True),
        ("Xã Yên Lãng", True),
    ]
    page = text(response)
    assert "On 01/07/2025 its area was split between these units:" in page
    assert page.count("part of the area") == 4


def test_a_new_unit_shows_what_it_was_formed_from(hanoi, client):
    response = client.get(reverse("geo:unit", args=["c09871"]))  # Xã Sơn Đồng
    links = [
        (s.predecessor.key, s.predecessor.parent.name, s.partial)
        for s in response.context["predecessions"]
    ]
    assert len(links) == 8
    assert ("c09859~20250630", "Huyện Hoài Đức", False) in links
    assert response.context["successions"] == []
    page = text(response)
    assert "On 01/07/2025 it was formed from these units:" in page
    assert "Nghị quyết 1656/NQ-UBTVQH15, Điều 1 khoản 104" in page


def test_a_district_shows_its_communes_and_where_each_went(hanoi, client):
    response = client.get(reverse("geo:unit", args=["d018~20250630"]))  # Huyện Gia Lâm
    ended = response.context["ended_children"]
    assert len(ended) == 17
    assert response.context["current_children"] == []
    bat_trang = next(child for child in ended if child.key == "c00583~20250630")
    assert [s.successor.name for s in bat_trang.successions.all()] == [
        "Phường Long Biên",
        "Xã Bát Tràng",
        "Xã Gia Lâm",
    ]
    assert "The district level was abolished on 01/07/2025." in text(response)


def test_the_province_lists_current_units_and_old_districts(hanoi, client):
    response = client.get(reverse("geo:unit", args=["p01"]))
    assert len(response.context["current_children"]) == 126
    assert len(response.context["ended_children"]) == 30


def test_unit_pages_are_a_constant_number_of_queries(hanoi, client, django_assert_num_queries):
    with django_assert_num_queries(3):  # unit, successions, predecessions
        client.get(reverse("geo:unit", args=["c00004~20250630"]))  # 1 successor
    with django_assert_num_queries(3):
        client.get(reverse("geo:unit", args=["c09013~20250630"]))  # 4 successors
    with django_assert_num_queries(3):
        client.get(reverse("geo:unit", args=["c09871"]))  # 8 predecessors
    with django_assert_num_queries(5):  # + children and their successions
        client.get(reverse("geo:unit", args=["d018~20250630"]))  # 17 communes
    with django_assert_num_queries(5):
        client.get(reverse("geo:unit", args=["d016~20250630"]))  # Sóc Sơn, 26 communes


def test_an_unknown_key_is_404(hanoi, client):
    assert client.get(reverse("geo:unit", args=["c99999"])).status_code == 404
    assert client.get("/dia-ban/c00004~20240101/").status_code == 404


def test_the_sources_page_shows_the_caveats(hanoi, client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get(reverse("geo:sources"))
    assert response.context["latest"] == [hanoi.record]
    page = text(response)
    assert "Markdown conversion" in page
    assert "19/2025/QĐ-TTg" in page
    assert "795, of which 468 partial" in page
    assert hanoi.record.sha256 in page
