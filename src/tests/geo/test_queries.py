"""The gazetteer queries, on the real Hà Nội data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404

from ocop.geo.enums import UnitLevel
from ocop.geo.models import AdministrativeUnit
from ocop.geo.queries.gazetteer import (
    children_of,
    commune_choices,
    current_communes,
    latest_imports,
    predecessors_of,
    search_units,
    successors_of,
    unit_by_key,
    units_valid_on,
)

pytestmark = pytest.mark.django_db


def unit(key: str) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(key=key)


def test_current_communes_are_the_126_new_units_by_name(hanoi):
    communes = list(current_communes())
    assert len(communes) == 126
    assert {c.valid_from for c in communes} == {dt.date(2025, 7, 1)}
    assert [c.name for c in communes[:3]] == ["Phường Ba Đình", "Phường Bạch Mai", "Phường Bồ Đề"]
    assert current_communes("79").count() == 0


def test_units_valid_on_a_day_before_and_after_the_reform(hanoi):
    assert units_valid_on(dt.date(2025, 6, 30), UnitLevel.COMMUNE).count() == 526
    assert units_valid_on(dt.date(2025, 6, 30), UnitLevel.DISTRICT).count() == 30
    assert units_valid_on(dt.date(2025, 7, 1), UnitLevel.COMMUNE).count() == 126
    assert units_valid_on(dt.date(2025, 7, 1), UnitLevel.DISTRICT).count() == 0
    assert units_valid_on(dt.date(2025, 7, 1)).count() == 127  # with the province


def test_successors_of_a_split_commune(hanoi):
    links = successors_of(unit("c00583~20250630"))  # the old Xã Bát Tràng
    assert [(link.successor.name, link.partial) for link in links] == [
        ("Phường Long Biên", True),
        ("Xã Bát Tràng", True),
        ("Xã Gia Lâm", True),
    ]


def test_predecessors_of_a_new_unit_with_their_districts(hanoi, django_assert_num_queries):
    son_dong = unit("c09871")
    with django_assert_num_queries(1):
        links = [
            (link.predecessor.name, link.predecessor.parent.name, link.partial)
            for link in predecessors_of(son_dong)
        ]
    assert links == [
        ("Xã An Khánh", "Huyện Hoài Đức", True),
        ("Xã An Thượng", "Huyện Hoài Đức", True),
        ("Xã Lại Yên", "Huyện Hoài Đức", False),
        ("Xã Sơn Đồng", "Huyện Hoài Đức", False),
        ("Xã Song Phương", "Huyện Hoài Đức", True),
        ("Xã Tiền Yên", "Huyện Hoài Đức", False),
        ("Xã Vân Canh", "Huyện Hoài Đức", True),
        ("Xã Vân Côn", "Huyện Hoài Đức", True),
    ]


def test_commune_choices_is_one_query_of_current_communes_by_name(hanoi, django_assert_num_queries):
    with django_assert_num_queries(1):
        choices = [(c.key, str(c)) for c in commune_choices()]
    assert len(choices) == 126
    assert ("c00577", "Xã Bát Tràng") in choices
    assert choices[0] == ("c00004", "Phường Ba Đình")
    assert all("~" not in key for key, _label in choices)


def test_search_ignores_diacritics_and_matches_codes(hanoi):
    assert sorted(search_units("bat trang").values_list("key", flat=True)) == [
        "c00577",
        "c00583~20250630",
    ]
    assert sorted(search_units("BÁT TRÀNG").values_list("key", flat=True)) == [
        "c00577",
        "c00583~20250630",
    ]
    assert list(
        search_units("dong anh", AdministrativeUnit.objects.filter(level="district")).values_list(
            "name", flat=True
        )
    ) == ["Huyện Đông Anh"]
    assert sorted(search_units("0987").values_list("key", flat=True)) == [
        "c09871",
        "c09871~20250630",
        "c09874~20250630",
        "c09877",
        "c09877~20250630",
    ]
    assert search_units("  ").count() == 683
    assert search_units("khong co").count() == 0


def test_unit_by_key_and_unknown_keys(hanoi):
    assert unit_by_key("c00004").name == "Phường Ba Đình"
    with pytest.raises(Http404):
        unit_by_key("c99999")


def test_children_of_a_district_and_the_province(hanoi, django_assert_num_queries):
    ba_dinh = unit("d001~20250630")
    with django_assert_num_queries(2):
        children = list(children_of(ba_dinh, with_successors=True))
        went_into = {c.name: [s.successor.name for s in c.successions.all()] for c in children}
    assert len(children) == 13  # the wards of Quận Ba Đình in the file
    assert went_into["Phường Trúc Bạch"] == ["Phường Ba Đình"]
    province_children = list(children_of(unit("p01")))
    assert len(province_children) == 156
    assert [c.level for c in province_children[:126]] == ["commune"] * 126  # current first
    assert {c.level for c in province_children[126:]} == {"district"}


def test_latest_imports_newest_first(hanoi):
    assert list(latest_imports()) == [hanoi.record]
