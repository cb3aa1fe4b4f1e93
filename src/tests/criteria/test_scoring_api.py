"""`POST /api/v1/scoring/preview` on the imported scorecards of QĐ 26/2026 (bộ 6)."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from tests.criteria.test_cli import GOOD, KEYS

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("qd26")]

URL = "/api/v1/scoring/preview"


@pytest.fixture
def client():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def post(client, body):
    return client.post(URL, data=json.dumps(body), content_type="application/json")


def sheets(*selections, **extra):
    return {
        "criteria_set": "qd26-2026",
        "scorecard": 6,
        "sheets": [{"member": f"m{i + 1}", "selections": s} for i, s in enumerate(selections)],
        **extra,
    }


def test_the_preview_answers_the_same_object_as_the_command(client):
    body = sheets(GOOD, {**GOOD, "5.1": 3}, {**GOOD, "9": 1, "8": 2})
    response = post(client, body)
    assert (response.status_code, response["Content-Type"]) == (
        200,
        "application/json; charset=utf-8",
    )
    data = response.json()
    assert list(data) == KEYS
    out = StringIO()
    call_command(
        "score",
        "--criteria-set",
        "qd26-2026",
        "--scorecard",
        "6",
        "--sheets",
        "-",
        stdin=StringIO(json.dumps(body)),
        stdout=out,
    )
    assert data == json.loads(out.getvalue())
    assert (data["mean_total"], data["median_total"], data["spread"]) == (73, 73, 4)
    assert (data["band_stars"], data["stars"]) == (4, 3)
    assert data["capped_by"] == [
        {"criterion": "5.1", "level": 4, "required": 5, "achieved": 4.33},
        {"criterion": "9", "level": 4, "required": 3, "achieved": 2.33},
    ]


def test_the_preview_is_public_and_needs_no_csrf_token():
    client = Client(enforce_csrf_checks=True)
    assert post(client, sheets(GOOD)).status_code == 200


def test_bad_sheets_answer_422_problem_details_naming_the_criterion(client):
    m1 = {k: v for k, v in GOOD.items() if k != "6.1"} | {"1.1": 4, "9.9": 1}
    response = post(client, sheets(m1, {**GOOD, "2.4": "yes"}))
    assert (response.status_code, response["Content-Type"]) == (422, "application/problem+json")
    assert response.json() == {
        "type": "https://ocop.invalid/problems/scoring",
        "title": "The sheets cannot be scored.",
        "status": 422,
        "instance": URL,
        "errors": [
            {
                "field": "sheets.0.selections.1.1",
                "criterion": "1.1",
                "member": "m1",
                "message": "4 points is not an option of criterion 1.1 (allowed: 0, 1, 2, 3).",
            },
            {
                "field": "sheets.0.selections.6.1",
                "criterion": "6.1",
                "member": "m1",
                "message": "Criterion 6.1 is missing from the sheet.",
            },
            {
                "field": "sheets.0.selections.9.9",
                "criterion": "9.9",
                "member": "m1",
                "message": "There is no criterion 9.9 on this scorecard.",
            },
            {
                "field": "sheets.1.selections.2.4",
                "criterion": "2.4",
                "member": "m2",
                "message": "The points of criterion 2.4 must be a number.",
            },
        ],
    }


def test_an_empty_council_answers_422(client):
    response = post(client, sheets())
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "sheets",
            "criterion": None,
            "member": None,
            "message": "The council has no sheets: at least one member's sheet is needed.",
        }
    ]


def test_knock_outs_are_taken_from_the_body(client):
    response = post(client, sheets(GOOD, dossier_knockouts=["dossier"]))
    data = response.json()
    assert (response.status_code, data["stars"], data["band_stars"]) == (200, 0, 4)
    assert (data["knocked_out"]["code"], data["knocked_out"]["scope"]) == ("dossier", "dossier")
    response = post(client, sheets(GOOD, dossier_knockouts=["6.1"]))
    assert response.status_code == 422
    assert [(e["field"], e["criterion"]) for e in response.json()["errors"]] == [
        ("dossier_knockouts", "6.1")
    ]


def test_an_unknown_criteria_set_or_scorecard_answers_422(client):
    response = post(client, {**sheets(GOOD), "criteria_set": "qd99"})
    assert (response.status_code, response["Content-Type"]) == (422, "application/problem+json")
    body = response.json()
    assert (body["type"], body["errors"]) == (
        "https://ocop.invalid/problems/validation",
        [{"field": "criteria_set", "message": "There is no criteria set “qd99”."}],
    )
    response = post(client, {**sheets(GOOD), "scorecard": 27})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "scorecard", "message": "The criteria set “qd26-2026” has no scorecard 27."}
    ]


def test_a_body_of_the_wrong_shape_answers_422(client):
    body = {"criteria_set": "qd26-2026", "sheets": [{"member": "m1", "selection": GOOD}]}
    response = post(client, body)
    assert (response.status_code, response["Content-Type"]) == (422, "application/problem+json")
    assert [e["field"] for e in response.json()["errors"]] == [
        "sheets.0.selections",
        "sheets.0.selection",
        "scorecard",
    ]
    response = client.post(URL, data="{", content_type="application/json")
    assert response.status_code in (400, 422)
    assert response["Content-Type"] == "application/problem+json"


def test_the_preview_is_in_the_openapi_schema(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"][URL]["post"]
    assert (operation["tags"], "security" in operation) == (["scoring"], False)
    assert set(operation["responses"]) == {"200", "400", "422"}  # 400: a body that is not JSON
