"""GET /api/v1/criteria/…: public, codes not ids, problem+json for what does not exist."""

from __future__ import annotations

import pytest

from tests.factories.criteria import CriteriaSetFactory, ScorecardFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/criteria"


def test_the_list_is_public(both, client):
    response = client.get(f"{URL}/sets")
    assert response.status_code == 200
    body = response.json()
    assert [item["code"] for item in body] == ["qd26-2026", "qd1048-2019"]
    assert body[1] == {
        "code": "qd1048-2019",
        "name": "Bộ tiêu chí đánh giá, phân hạng sản phẩm OCOP (Quyết định 1048/QĐ-TTg, sửa đổi bởi Quyết định 781/QĐ-TTg) — bản chép không chính thức",
        "legal_reference": "Quyết định số 1048/QĐ-TTg ngày 21/8/2019 của Thủ tướng Chính phủ, sửa đổi bởi Quyết định số 781/QĐ-TTg ngày 8/6/2020",
        "in_force_from": "2019-08-21",
        "in_force_to": "2023-02-23",
        "status": "superseded",
        "official": False,
        "procedure_profile": "qd1048-2019-three-level",
        "part_maxima": {"A": 35, "B": 25, "C": 40},
        "superseded_by": None,
        "locked": False,
        "scorecards": 26,
        "usable_scorecards": 22,
    }


def test_the_list_is_a_constant_number_of_queries(client, django_assert_num_queries):
    CriteriaSetFactory()
    with django_assert_num_queries(1):
        before = len(client.get(f"{URL}/sets").json())
    for _ in range(3):
        ScorecardFactory(criteria_set=CriteriaSetFactory())
    with django_assert_num_queries(1):
        assert len(client.get(f"{URL}/sets").json()) == before + 3


def test_a_set_with_its_classification_scorecards_and_corrections(
    both, client, django_assert_num_queries
):
    with django_assert_num_queries(4):
        response = client.get(f"{URL}/sets/qd26-2026")
    assert response.status_code == 200
    body = response.json()
    assert (
        body["bands"],
        body["certified_levels"],
        body["spread_threshold"],
        body["ministry_threshold"],
    ) == (
        [[5, 90], [4, 70], [3, 50], [2, 30], [1, 0]],
        [3, 4, 5],
        10.0,
        90.0,
    )
    assert (
        body["source_sha256"] == "cb23f066f933d754dd84ed0ac4f8e4ff56770e02aaba98a619c246388fa25685"
    )
    assert [node["code"] for node in body["classification"]] == ["I", "II", "III", "IV", "V", "VI"]
    assert body["classification"][0]["children"][5] == {
        "code": "I.6",
        "level": "group",
        "name": "Cà phê, ca cao",
        "managing_ministry": "Bộ Nông nghiệp và Môi trường",
        "scorecard": 13,
        "children": [],
    }
    assert [s["number"] for s in body["scorecards"]] == list(range(1, 27))
    assert body["corrections"][0] == {
        "scorecard": 4,
        "node_code": "7",
        "option_seq": 419,
        "field": "points",
        "source_value": 13,
        "corrected_value": 3,
        "reason": "Điểm của phương án “Có trên 2 chỉ tiêu” (13) vượt điểm tối đa của tiêu chí (3); ô điểm nhiều khả năng bị gõ nhầm.",
        "evidence": "Điểm tối đa của tiêu chí 7 “Dinh dưỡng” là 3.",
        "status": "probable",
        "applied": True,
    }
    assert [
        (c["scorecard"], c["source_value"], c["corrected_value"]) for c in body["corrections"][2:4]
    ] == [
        (23, None, 4),
        (4, "", 0),
    ]
    assert body["summary"]["criteria"] == 787
    assert "id" not in body and "pk" not in body


def test_a_scorecard_as_a_tree_of_codes(both, client, django_assert_num_queries):
    with django_assert_num_queries(7):
        response = client.get(f"{URL}/sets/qd26-2026/scorecards/6")
    assert response.status_code == 200
    body = response.json()
    assert (
        body["criteria_set"],
        body["number"],
        body["name"],
        body["total_max"],
        body["usable"],
    ) == (
        "qd26-2026",
        6,
        "Chế biến từ gạo, ngũ cốc",
        100,
        True,
    )
    assert [(p["code"], p["max_points"]) for p in body["parts"]] == [
        ("A", 40),
        ("B", 25),
        ("C", 35),
    ]
    group2 = body["parts"][0]["children"][1]
    assert [c["code"] for c in group2["children"]] == ["2.1", "2.2", "2.3", "2.4"]
    assert group2["children"][2]["options"][0] == {
        "seq": 572,
        "label": "Có nhãn, ghi nhãn hàng hóa đầy đủ, theo đúng quy định",
        "label_source": "Có nhãn, ghi nhãn hàng hóa đầy đủ, theo đúng quy định***",
        "points": 1,
        "min_star_marker": 3,
        "case": None,
    }
    bilingual = group2["children"][3]
    assert (
        bilingual["binary"],
        bilingual["max_points"],
        bilingual["options"],
        bilingual["children"],
    ) == (
        True,
        1,
        [],
        [],
    )
    story = body["parts"][1]["children"][1]["children"][1]
    assert (story["code"], story["conditional"], story["notes"]) == (
        "5.2",
        True,
        [
            {
                "seq": 606,
                "kind": "condition",
                "text": "Chỉ áp dụng khi có câu chuyện sản phẩm",
                "case": None,
            }
        ],
    )
    assert [k["code"] for k in body["knockouts"]] == ["dossier", "2.1", "6.1"]
    assert body["knockouts"][0]["criterion_code"] is None
    assert body["corrections"] == []
    assert body["meta"][1] == "Tên sản phẩm: ………………………………."
    assert "id" not in group2 and "pk" not in group2


def test_scorecards_with_corrections_and_cases(both, client):
    body = client.get(f"{URL}/sets/qd26-2026/scorecards/23").json()
    assert [(c["node_code"], c["field"]) for c in body["corrections"]] == [("9", "max")]
    tourism = client.get(f"{URL}/sets/qd26-2026/scorecards/26").json()
    item8 = next(g for g in tourism["parts"][2]["children"] if g["code"] == "8")
    assert item8["cases"] == "split"
    assert [(o["points"], o["case"]) for o in item8["options"]] == [
        (1, "a"),
        (3, "a"),
        (1, "b"),
        (3, "b"),
    ]
    historical = client.get(f"{URL}/sets/qd1048-2019/scorecards/24").json()
    assert (historical["usable"], historical["total_max"]) == (False, 98)
    assert historical["incomplete_reason"].startswith("Phần C chỉ cộng được 38 điểm")


@pytest.mark.parametrize(
    "path",
    ["/sets/qd148-2023", "/sets/qd148-2023/scorecards/1", "/sets/qd26-2026/scorecards/27"],
)
def test_unknown_sets_and_scorecards_are_404_problems(both, client, path):
    response = client.get(f"{URL}{path}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert (body["status"], body["type"], body["instance"]) == (
        404,
        "https://ocop.invalid/problems/not-found",
        f"/api/v1/criteria{path}",
    )


def test_a_scorecard_number_must_be_a_number(both, client):
    response = client.get(f"{URL}/sets/qd26-2026/scorecards/sau")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
