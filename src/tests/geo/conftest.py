"""Fixtures of the geo tests.

`hanoi` imports the real Hà Nội file once per test module, inside a transaction that is rolled
back when the module ends: each test runs in a savepoint within it, so tests still cannot see one
another's changes and nothing leaks into other modules.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.db import transaction
from django.utils import translation

from ocop.geo.services.gazetteer import ImportResult, import_gazetteer

SMALL_FILE: dict[str, Any] = {
    "source_notes": [
        {"what": "Test data shaped like the Hà Nội file.", "source": "tests", "date": None}
    ],
    "province": {"code": "01", "name": "Thành phố Hà Nội"},
    "districts_until_2025_06_30": [
        {"code": "001", "name": "Quận Ba Đình", "kind": "quận"},
        {"code": "018", "name": "Huyện Gia Lâm", "kind": "huyện"},
    ],
    "communes_until_2025_06_30": [
        {"code": "00004", "name": "Phường Trúc Bạch", "kind": "phường", "district_code": "001"},
        {"code": "00013", "name": "Phường Quán Thánh", "kind": "phường", "district_code": "001"},
        {"code": "00577", "name": "Xã Đa Tốn", "kind": "xã", "district_code": "018"},
        {"code": "00583", "name": "Xã Bát Tràng", "kind": "xã", "district_code": "018"},
    ],
    "communes_from_2025_07_01": [
        {
            "code": "00004",
            "name": "Phường Ba Đình",
            "kind": "phường",
            "formed_from": ["00004", "00013"],
            "formed_from_partial": ["00013"],
            "nq1656_clause": 3,
        },
        {
            "code": "00577",
            "name": "Xã Bát Tràng",
            "kind": "xã",
            "formed_from": ["00013", "00577", "00583"],
            "formed_from_partial": ["00013"],
            "nq1656_clause": 111,
        },
    ],
}


@pytest.fixture
def small_file() -> dict[str, Any]:
    """A small, sound gazetteer file (a fresh copy for each test to change)."""
    return copy.deepcopy(SMALL_FILE)


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.fixture(scope="module")
def hanoi(django_db_setup, django_db_blocker) -> ImportResult:
    with django_db_blocker.unblock(), transaction.atomic():
        result = import_gazetteer()
        yield result
        transaction.set_rollback(True)
