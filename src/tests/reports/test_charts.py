"""The server-drawn SVG charts: well-formed, accessible (role, title, desc listing every value),
labelled with the values in the active language's number format, every text escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.utils import translation

from ocop.reports.charts import bar_chart, grouped_bar_chart, number_text

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own SVG


def _texts(root: ET.Element) -> list[str]:
    return [node.text or "" for node in root.iter(f"{SVG}text")]


@pytest.fixture(autouse=True)
def _vietnamese():
    with translation.override("vi"):
        yield


def test_a_bar_chart_is_accessible_svg_with_its_values():
    svg = bar_chart("Sản phẩm theo hạng sao", [("5★", 0), ("4★", 207), ("3★", 88)])
    root = _parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text == "Sản phẩm theo hạng sao"
    assert desc.text == "5★: 0; 4★: 207; 3★: 88"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    texts = _texts(root)
    assert {"5★", "4★", "3★", "0", "207", "88"} <= set(texts)
    bars = list(root.iter(f"{SVG}rect"))
    assert len(bars) == 3
    widths = [float(rect.get("width")) for rect in bars]
    assert widths[0] == 0 and widths[1] > widths[2] > 0
    assert abs(widths[1] / widths[2] - 207 / 88) < 0.01


def test_numbers_use_the_vietnamese_format():
    assert number_text(1803) == "1.803"
    assert number_text(Decimal("100.3")) == "100,3"
    assert number_text(1234567) == "1.234.567"
    assert number_text(None) == "–"
    with translation.override("en"):
        assert number_text(1803) == "1,803"
        assert number_text(Decimal("100.3")) == "100.3"
    root = _parse(bar_chart("Người lao động", [("Hà Nội", 1803)]))
    assert "1.803" in _texts(root)


def test_every_text_is_escaped():
    svg = bar_chart('<script>alert("x")</script> & co', [("<b>nhãn</b>", 1)])
    root = _parse(svg)
    assert "<script>" not in svg and "<b>" not in svg
    assert root.find(f"{SVG}title").text == '<script>alert("x")</script> & co'
    assert "<b>nhãn</b>" in _texts(root)


def test_a_chart_of_nothing_is_still_drawn():
    with translation.override("en"):
        root = _parse(bar_chart("Trống", []))
    assert root.find(f"{SVG}desc").text == "No data."
    root = _parse(bar_chart("Không", [("3★", 0), ("4★", 0)]))
    assert [float(rect.get("width")) for rect in root.iter(f"{SVG}rect")] == [0.0, 0.0]


def test_a_stacked_chart_of_stars_by_year():
    svg = grouped_bar_chart(
        "Sản phẩm theo năm",
        ["2019", "2020"],
        [("5★", [0, 1]), ("4★", [207, 150]), ("3★", [88, 60])],
    )
    root = _parse(svg)
    assert root.get("role") == "img"
    desc = root.find(f"{SVG}desc").text
    assert desc == "2019: 5★: 0, 4★: 207, 3★: 88 (295); 2020: 5★: 1, 4★: 150, 3★: 60 (211)"
    texts = _texts(root)
    assert {"2019", "2020", "295", "211", "207", "5★", "4★", "3★"} <= set(texts)
    # the legend's three squares, then one segment per non-zero value
    segments = [rect for rect in root.iter(f"{SVG}rect") if rect.find(f"{SVG}title") is not None]
    assert [rect.find(f"{SVG}title").text for rect in segments] == [
        "2019 · 4★: 207",
        "2019 · 3★: 88",
        "2020 · 5★: 1",
        "2020 · 4★: 150",
        "2020 · 3★: 60",
    ]


def test_a_grouped_chart_side_by_side():
    root = _parse(
        grouped_bar_chart("So sánh", ["A", "B"], [("x", [1, 2]), ("y", [3, 4])], stacked=False)
    )
    heights = [
        float(rect.get("height"))
        for rect in root.iter(f"{SVG}rect")
        if rect.find(f"{SVG}title") is not None
    ]
    assert heights == pytest.approx([45.0, 135.0, 90.0, 180.0])  # A: x, y; B: x, y


def test_two_charts_on_a_page_have_distinct_ids():
    first = _parse(bar_chart("Một", [("a", 1)]))
    second = _parse(bar_chart("Hai", [("a", 1)]))
    assert first.find(f"{SVG}title").get("id") != second.find(f"{SVG}title").get("id")
    named = _parse(bar_chart("Ba", [("a", 1)], ident="chart-stars"))
    assert named.find(f"{SVG}title").get("id") == "chart-stars-title"
