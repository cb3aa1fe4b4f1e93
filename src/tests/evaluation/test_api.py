"""/api/v1/self-assessments: the same loaders and services as the pages."""

from __future__ import annotations

import pytest
from django.test import Client

from ocop.evaluation.enums import SelfAssessmentStatus
from ocop.evaluation.models import SelfAssessment
from ocop.evaluation.services.self_assessment import save_self_assessment, start_self_assessment
from tests.evaluation.conftest import BO6

pytestmark = pytest.mark.django_db


def draft(cast, selections=None):
    assessment = start_self_assessment(actor=cast.producer1, product=cast.product1)
    if selections is not None:
        save_self_assessment(
            actor=cast.producer1, assessment=assessment, selections=selections, has_story=True
        )
    return assessment


# --- list -------------------------------------------------------------------------------------


def test_the_list_answers_codes_not_ids(classified, api):
    assessment = draft(classified, BO6)
    response = api(classified.producer1).get("", product=classified.product1.code)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    [item] = body["items"]
    assert item == {
        "code": assessment.code,
        "product": {"code": classified.product1.code, "name": "Bình gốm men lam"},
        "criteria_set": "qd26-2026",
        "scorecard": {"number": 6, "name": "Chế biến từ gạo, ngũ cốc"},
        "status": "draft",
        "has_story": True,
        "total": 56,
        "predicted_stars": 3,
        "answered": 32,
        "copied_from": None,
        "created_by": classified.producer1.username,
        "created_at": item["created_at"],
        "updated_at": item["updated_at"],
        "finalised_at": None,
    }


@pytest.mark.parametrize(
    ("who", "count"),
    [
        ("producer1", 1),
        ("producer1_staff", 1),
        ("commune", 1),
        ("office", 1),
        ("admin", 1),
        ("producer2", 0),
        ("commune2", 0),
        ("chair", 0),
        ("buyer", 0),
        ("outsider", 0),
    ],
)
def test_the_list_without_a_product_is_scoped(classified, api, who, count):
    draft(classified)
    assert api(getattr(classified, who)).get("").json()["count"] == count


@pytest.mark.parametrize("who", ["producer2", "commune2", "chair", "buyer", "outsider"])
def test_the_list_of_a_product_the_caller_may_not_see_is_404(classified, api, who):
    draft(classified)
    response = api(getattr(classified, who)).get("", product=classified.product1.code)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("extra", [0, 4])
def test_the_list_makes_the_same_number_of_queries_for_one_row_or_many(
    classified, api, django_assert_num_queries, extra
):
    for _ in range(1 + extra):
        draft(classified, {"1.1": 2})
    client = api(classified.producer1)
    client.get("")  # the token's first use records its time
    # token, memberships, product, count, rows
    with django_assert_num_queries(5):
        response = client.get("", product=classified.product1.code)
    assert len(response.json()["items"]) == 1 + extra


def test_the_api_needs_authentication(classified):
    assert Client().get("/api/v1/self-assessments").status_code == 401


# --- start, read, save, finalise, copy ---------------------------------------------------------


def test_start_and_read_with_result_and_improvement(classified, api):
    client = api(classified.producer1)
    created = client.post("", {"product": classified.product1.code})
    assert created.status_code == 201
    code = created.json()["code"]
    assert created.json()["unanswered"][:2] == ["1.1", "1.2"]
    saved = client.put(f"/{code}", {"selections": BO6, "has_story": True, "comments": {"8": "ISO"}})
    assert saved.status_code == 200
    body = client.get(f"/{code}").json()
    assert (body["selections"], body["comments"], body["unanswered"], body["not_asked"]) == (
        BO6,
        {"8": "ISO"},
        [],
        [],
    )
    assert (body["result"]["stars"], body["result"]["mean_total"]) == (3, 56)
    assert body["result"]["members"][0]["parts"] == {"A": 25, "B": 12, "C": 19}
    improvement = body["improvement"]
    assert (improvement["target"], improvement["threshold"], improvement["missing_points"]) == (
        4,
        70,
        14,
    )
    assert [gap["criterion"] for gap in improvement["requirements"]] == [
        "1.5",
        "2.1",
        "2.3",
        "3.4",
        "3.5",
        "4.1",
        "5.1",
        "9",
    ]
    assert [gain["criterion"] for gain in improvement["gains"]] == [
        "9",
        "4.1",
        "4.3",
        "8",
        "1.5",
        "1.6",
        "3.5",
        "4.2",
    ]
    assert improvement["then"] == 5


def test_start_without_a_classification_is_422(qd26, cast, api):
    response = api(cast.producer1).post("", {"product": cast.product1.code})
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "product"
    assert "has no OCOP classification yet" in error["message"]


@pytest.mark.parametrize(
    ("selections", "errors"),
    [
        (
            {"1.1": 5},
            [
                {
                    "field": "selections.1.1",
                    "message": "5 points is not an option of criterion 1.1 (allowed: 0, 1, 2, 3).",
                }
            ],
        ),
        (
            {"9.9": 1},
            [
                {
                    "field": "selections.9.9",
                    "message": "There is no criterion 9.9 on this scorecard.",
                }
            ],
        ),
        (
            {"1.1": "ba"},
            [
                {
                    "field": "selections.1.1",
                    "message": "The points of criterion 1.1 must be a number.",
                }
            ],
        ),
    ],
)
def test_bad_points_are_a_problem_naming_the_criterion(classified, api, selections, errors):
    assessment = draft(classified, {"1.1": 1})
    response = api(classified.producer1).put(f"/{assessment.code}", {"selections": selections})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == errors
    assessment.refresh_from_db()
    assert assessment.selections == {"1.1": 1}


def test_a_body_of_the_wrong_shape_is_422(classified, api):
    assessment = draft(classified)
    response = api(classified.producer1).put(f"/{assessment.code}", {"selection": {}})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "selections"


def test_finalise_lists_the_missing_criteria_then_succeeds(classified, api):
    assessment = draft(classified, {k: v for k, v in BO6.items() if k != "9"})
    client = api(classified.producer1)
    refused = client.post(f"/{assessment.code}/finalise")
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {
            "field": "selections.9",
            "message": "Criterion 9 is not answered yet: answer it before finalising.",
        }
    ]
    client.put(f"/{assessment.code}", {"selections": BO6})
    done = client.post(f"/{assessment.code}/finalise")
    assert (done.status_code, done.json()["status"]) == (200, "final")
    assert done.json()["finalised_at"] is not None
    read_only = client.put(f"/{assessment.code}", {"selections": {"1.1": 3}})
    assert read_only.status_code == 422
    assert read_only.json()["errors"][0]["field"] == "status"


def test_copy(classified, api):
    source = draft(classified, BO6)
    response = api(classified.producer1_staff).post(f"/{source.code}/copy")
    assert response.status_code == 201
    body = response.json()
    assert (body["copied_from"], body["selections"], body["status"]) == (source.code, BO6, "draft")


# --- who may do what --------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["producer2", "commune2", "chair", "approver", "buyer", "outsider"])
def test_strangers_get_404_on_every_endpoint(classified, api, who):
    assessment = draft(classified, BO6)
    client = api(getattr(classified, who))
    code = assessment.code
    assert client.post("", {"product": classified.product1.code}).status_code == 404
    assert client.get(f"/{code}").status_code == 404
    assert client.put(f"/{code}", {"selections": {}}).status_code == 404
    assert client.post(f"/{code}/finalise").status_code == 404
    assert client.post(f"/{code}/copy").status_code == 404
    assert SelfAssessment.objects.count() == 1


@pytest.mark.parametrize("who", ["commune", "office", "admin"])
def test_staff_read_but_get_404_on_every_change(classified, api, who):
    assessment = draft(classified, BO6)
    client = api(getattr(classified, who))
    code = assessment.code
    assert client.get(f"/{code}").json()["predicted_stars"] == 3
    assert client.post("", {"product": classified.product1.code}).status_code == 404
    assert client.put(f"/{code}", {"selections": {}}).status_code == 404
    assert client.post(f"/{code}/finalise").status_code == 404
    assert client.post(f"/{code}/copy").status_code == 404
    assessment.refresh_from_db()
    assert (assessment.status, assessment.selections) == (SelfAssessmentStatus.DRAFT, BO6)


def test_an_unknown_code_is_404(classified, api):
    assert api(classified.producer1).get("/TDKHONGCO").status_code == 404


def test_the_endpoints_are_in_the_openapi_schema(classified):
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    assert set(paths["/api/v1/self-assessments/{code}"]) == {"get", "put"}
    assert "post" in paths["/api/v1/self-assessments/{code}/finalise"]
