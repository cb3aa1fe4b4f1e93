"""Fixtures of the criteria tests.

`qd26`, `qd1048` and `both` (the real bundled files imported once per test module) live in
src/tests/conftest.py, shared with the products and evaluation tests.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from ocop.criteria.queries.specs import clear_spec_cache
from ocop.criteria.services.reading import QD26_FILE

QD26_RAW: dict[str, Any] = json.loads(QD26_FILE.read_text(encoding="utf-8"))

# A registry entry for the small synthetic files of these tests.
SMALL_ENTRY: dict[str, Any] = {
    "code": "test-set",
    "name": "Bộ tiêu chí thử",
    "legal_reference": "Quyết định thử",
    "in_force_from": "2030-01-01",
    "procedure_profile": "test-profile",
    "part_maxima": {"A": 40, "B": 25, "C": 35},
    "official": True,
    "status": "published",
}


def _option(seq: int, label: str, points: Any, marker: int | None = None) -> dict[str, Any]:
    return {"label": label, "points": points, "min_star_marker": marker, "seq": seq}


def _item(code: str, title: str, maximum: Any, options: list, notes: list | None = None) -> dict:
    return {
        "level": code.count(".") + 1,
        "code": code,
        "title": title,
        "max": maximum,
        "children": [],
        "options": options,
        "notes": notes or [],
    }


def small_boards() -> dict[str, Any]:
    """A sound 26/2026-format file with one scorecard: A 40 (groups 1 and 2), B 25, C 35."""
    group1 = _item("1", "TỔ CHỨC SẢN XUẤT", 30, [])
    group1["children"] = [
        _item(
            "1.1",
            "Nguồn nguyên liệu",
            29,
            [
                _option(1, "Ít", 0),
                _option(2, "Nhiều***", 10, 3),
                _option(3, "Rất nhiều*****", 29, 5),
            ],
            [{"text": "Ghi chú: Bị loại nếu không rõ nguồn gốc", "seq": 4}],
        ),
        _item("1.2", "Ghi nhãn song ngữ", 1, []),
    ]
    group2 = _item("2", "PHÁT TRIỂN SẢN PHẨM", 10, [_option(5, "Có", 10), _option(6, "Không", 0)])
    group5 = _item("5", "CÂU CHUYỆN SẢN PHẨM", 25, [])
    group5["children"] = [
        _item("5.1", "Câu chuyện", 20, [_option(7, "Không có", 0), _option(8, "Có", 20)]),
        _item(
            "5.2",
            "Nội dung câu chuyện",
            5,
            [_option(10, "Đơn giản", 1), _option(11, "Hấp dẫn", 5)],
            [{"text": "Chỉ áp dụng khi có câu chuyện sản phẩm", "seq": 9}],
        ),
    ]
    group6 = _item(
        "6",
        "CHẤT LƯỢNG",
        35,
        [
            _option(13, "Trường hợp 1, thấp", 1),
            _option(14, "Trường hợp 1, cao", 35),
            _option(16, "Trường hợp 2, thấp", 1),
            _option(17, "Trường hợp 2, cao", 35),
        ],
        [
            {"text": "a. Trường hợp 1: Do cộng đồng cung cấp", "seq": 12},
            {"text": "b. Trường hợp 2: Do tổ chức cung cấp", "seq": 15},
        ],
    )
    sections = [
        {
            "level": 0,
            "code": "A",
            "title": "PHẦN A (40 Điểm)",
            "max": 40,
            "children": [group1, group2],
            "options": [],
            "notes": [],
        },
        {
            "level": 0,
            "code": "B",
            "title": "PHẦN B (25 Điểm)",
            "max": 25,
            "children": [group5],
            "options": [],
            "notes": [],
        },
        {
            "level": 0,
            "code": "C",
            "title": "PHẦN C (35 Điểm)",
            "max": 35,
            "children": [group6],
            "options": [],
            "notes": [],
        },
    ]
    return {
        "document": "Tài liệu thử",
        "boards": [
            {
                "no": 1,
                "name": "Bộ thử",
                "classification": "(Sản phẩm: Thử)",
                "meta": ["Tên sản phẩm: ……", "Hồ sơ bị loại khi: Giả mạo hồ sơ"],
                "sections": sections,
                "notes": [],
                "total": 100,
            }
        ],
    }


@pytest.fixture
def small_file(tmp_path) -> tuple[Path, dict[str, dict[str, Any]]]:
    """(path of a sound small boards file, registry for it); tests change the file in place."""
    path = tmp_path / "small.json"
    write_json(path, small_boards())
    return path, {"small.json": copy.deepcopy(SMALL_ENTRY)}


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fresh_spec_cache():
    clear_spec_cache()
    yield
    clear_spec_cache()
