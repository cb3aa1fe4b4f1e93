"""The public pages of the OCOP rules, on the real imported data, without signing in."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from django.test import Client
from django.urls import reverse

from ocop.criteria.models import Scorecard
from ocop.criteria.queries.sets import scorecard_tree
from tests.factories.criteria import CriteriaSetFactory, ScorecardFactory

pytestmark = pytest.mark.django_db

SETS = reverse("criteria:sets")


@pytest.fixture
def client() -> Client:
    client = Client()
    client.cookies["ocop_language"] = "en"  # content checks read the English msgids
    return client


def text(response) -> str:
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def test_the_urls_are_vietnamese_slugs():
    assert SETS == "/tieu-chi/"
    assert reverse("criteria:set", args=["qd26-2026"]) == "/tieu-chi/qd26-2026/"
    assert reverse("criteria:scorecard", args=["qd26-2026", 6]) == "/tieu-chi/qd26-2026/bo-6/"
    assert reverse("criteria:sheet", args=["qd26-2026", 6]) == "/tieu-chi/qd26-2026/bo-6/phieu/"


def test_the_list_shows_every_set_with_status_dates_and_flag(both, client):
    response = client.get(SETS)
    assert response.status_code == 200
    assert [s.code for s in response.context["sets"]] == ["qd26-2026", "qd1048-2019"]
    page = text(response)
    assert "since 22/05/2026" in page
    assert "21/08/2019 to 23/02/2023" in page
    assert "Superseded unofficial transcription" in page
    assert "26 22 usable" in page


def test_the_list_is_a_constant_number_of_queries(client, django_assert_num_queries):
    CriteriaSetFactory()
    with django_assert_num_queries(1):
        before = len(client.get(SETS).context["sets"])
    for _ in range(3):
        ScorecardFactory(criteria_set=CriteriaSetFactory())
    with django_assert_num_queries(1):
        response = client.get(SETS)
    assert len(response.context["sets"]) == before + 3


def test_the_set_page_shows_classification_bands_policies_and_corrections(qd26, client):
    response = client.get(reverse("criteria:set", args=["qd26-2026"]))
    assert response.status_code == 200
    page = text(response)
    assert (
        "I.3.b Chế biến từ gạo, ngũ cốc (scorecard 6) · managed by Bộ Nông nghiệp và Môi trường; Bộ Công Thương"
        in page
    )
    assert [row["stars"] for row in response.context["bands"]] == [5, 4, 3, 2, 1]
    assert "from 90" in page and "from 70 to under 90" in page
    assert "Minimum-star requirements The members' mean points on the criterion" in page
    assert "at most 10 points" in page
    assert len(response.context["corrections"]) == 8
    assert "4 7 419 points 13 3" in page
    assert "23 9 – max null 4" in page
    assert "3 5.1 283 min_star_marker null 4" in page
    assert "Part A: 40 points · Part B: 25 points · Part C: 35 points" in page
    assert 'href="/tieu-chi/qd26-2026/bo-26/phieu/"' in response.content.decode()


def test_the_set_page_is_a_constant_number_of_queries(qd26, client, django_assert_num_queries):
    with django_assert_num_queries(4):  # set, classification, scorecards, corrections
        client.get(reverse("criteria:set", args=["qd26-2026"]))


def test_the_scorecard_page_shows_the_whole_tree(qd26, client):
    response = client.get(reverse("criteria:scorecard", args=["qd26-2026", 6]))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row.kind for row in rows].count("option") == 104
    assert [row.item.code for row in rows if row.kind == "node"][:4] == ["A", "1", "1.1", "1.2"]
    html = response.content.decode()
    page = text(response)
    assert 'aria-label="minimum 3 stars"' in html
    assert "★★★★" in html
    assert (
        "2.4 Ghi nhãn hàng hóa có sử dụng song ngữ (Việt - Anh hoặc ngôn ngữ nước ngoài khác) yes/no: 0 or 1"
        in page
    )
    assert "5.2 Cấu trúc câu chuyện sản phẩm conditional 2" in page
    assert "Condition: Chỉ áp dụng khi có câu chuyện sản phẩm" in page
    assert "Whole dossier: Hồ sơ bị loại khi: Giả mạo hồ sơ" in page
    assert "Criterion 6.1: Ghi chú: Nếu có tạp chất không chấp nhận được" in page
    assert "Knock-out rule: Ghi chú: Bị loại nếu phát hiện giống hệt sản phẩm" in page
    assert "Corrections applied to this scorecard" not in page
    assert "style=" not in html and "<script" not in html


def test_a_scorecard_with_corrections_highlights_them(qd26, client):
    response = client.get(reverse("criteria:scorecard", args=["qd26-2026", 4]))
    page = text(response)
    assert "Corrections applied to this scorecard" in page
    corrected = [row for row in response.context["rows"] if row.correction is not None]
    assert [(row.node.code, row.item.seq) for row in corrected] == [("1.2", 333), ("7", 419)]
    assert "Corrected (points): the source says 13 , 3 is used." in page
    html = response.content.decode()
    assert html.count('class="row-option corrected"') == 2
    bo23 = client.get(reverse("criteria:scorecard", args=["qd26-2026", 23]))
    assert [row.item.code for row in bo23.context["rows"] if row.correction] == ["9"]


def test_the_title_warning_and_alternative_cases_of_scorecard_26(qd26, client):
    response = client.get(reverse("criteria:scorecard", args=["qd26-2026", 26]))
    page = text(response)
    assert "As printed: SẢN PHẨM VÀ SỨC MẠNH CỘNG ĐỒNG (35 Điểm)" in page
    # Import warnings are stored in the language of the import (vi by default).
    warning = response.context["criteria_set"].warnings[0]
    assert (warning["code"], warning["rule"]) == ("A", "title-points")
    assert f"A : {warning['message']}" in page
    assert page.count("two alternative cases: score one") == 3
    assert "(case a)" in page and "(case b)" in page
    assert "(case a) 3 b. Trường hợp 2: Điểm dịch vụ du lịch □" in page


def test_an_incomplete_1048_scorecard_says_so(qd1048, client):
    response = client.get(reverse("criteria:scorecard", args=["qd1048-2019", 21]))
    page = text(response)
    assert "Incomplete, not usable for new scoring." in page
    assert "Phần C chỉ cộng được 38 điểm thay vì 40" in page
    assert "two alternative cases in one list; where they split is not known" in page
    assert "Known problem of the source: Hai trường hợp thay thế nằm chung" in text(
        client.get(reverse("criteria:scorecard", args=["qd1048-2019", 8]))
    )
    assert "Superseded unofficial transcription" in page
    empty = client.get(reverse("criteria:scorecard", args=["qd1048-2019", 10]))
    assert "This scorecard has no criteria." in text(empty)
    detail = text(client.get(reverse("criteria:set", args=["qd1048-2019"])))
    assert "This criteria set is an unofficial transcription with known errors." in detail
    assert detail.count("incomplete, not usable for new scoring") == 4
    assert "No value of the source was corrected." in detail


def test_the_scorecard_page_is_a_constant_number_of_queries(
    qd26, client, django_assert_num_queries
):
    for number in (6, 26):
        with django_assert_num_queries(8):
            # set, scorecard, nodes, options, notes, knock-out rules, corrections, classification
            client.get(reverse("criteria:scorecard", args=["qd26-2026", number]))


def test_the_blank_sheet_is_printable(qd26, client):
    response = client.get(reverse("criteria:sheet", args=["qd26-2026", 6]))
    assert response.status_code == 200
    html = response.content.decode()
    page = text(response)
    assert 'class="sheet"' in html
    assert "style=" not in html and "<script" not in html
    assert response.context["meta_top"][0] == "Tên sản phẩm: ………………………………."
    assert response.context["meta_bottom"][0].startswith("Hồ sơ bị loại khi:")
    assert response.context["meta_bottom"][-1].startswith("……")
    assert "OCOP PRODUCT EVALUATION SHEET" in page
    assert "Scorecard 6: Chế biến từ gạo, ngũ cốc" in page
    assert html.count("□") == 104 + 2  # every option, and yes/no for 2.4
    assert "Total 100" in page
    assert "EVALUATOR (signature and full name)" in page


def test_the_blank_sheet_of_a_1048_scorecard_has_default_form_lines(qd1048, client):
    response = client.get(reverse("criteria:sheet", args=["qd1048-2019", 15]))
    page = text(response)
    assert "Product name:" in page and "Evaluator's comments:" in page
    assert response.context["meta_top"] == []


@pytest.mark.parametrize(
    "url",
    [
        "/tieu-chi/qd148-2023/",
        "/tieu-chi/qd148-2023/bo-1/",
        "/tieu-chi/qd26-2026/bo-27/",
        "/tieu-chi/qd26-2026/bo-27/phieu/",
    ],
)
def test_unknown_sets_and_scorecards_are_404(qd26, client, url):
    assert client.get(url).status_code == 404


def test_pages_are_read_only(qd26, client):
    assert client.post(SETS).status_code == 405
    assert client.post(reverse("criteria:scorecard", args=["qd26-2026", 6])).status_code == 405


def test_rows_put_notes_after_their_option_when_printed_after_it(qd26):
    tree = scorecard_tree(Scorecard.objects.get(criteria_set__code="qd26-2026", number=21))
    rows = [row for row in tree.rows if row.node.code == "6.2"]
    assert [row.kind for row in rows][-2:] == ["option", "note"]
    assert rows[-1].item.kind == "knockout"
