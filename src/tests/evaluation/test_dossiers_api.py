"""/api/v1/dossiers: the same rules as the pages (the same loaders and services), problem details
for refusals, 404 for anything the caller may not see or do."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ocop.evaluation.enums import DossierStatus, EvidenceCategory
from ocop.evaluation.models import Dossier, Evidence
from ocop.evaluation.services.dossiers import assess_at_commune, submit_dossier
from tests.evaluation.dossier_setup import (
    COMMUNE_FORWARD,
    REGISTRATION,
    add_document,
    complete_dossier,
    final_self_assessment,
    new_dossier,
    open_round,
    pdf,
    state,
)
from tests.factories.products import PDF_BYTES, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier_api(api_token):
    class Api:
        BASE = "/api/v1/dossiers"

        def __init__(self, user):
            self.client = Client()
            self.client.cookies["ocop_language"] = "en"
            self.headers = api_token(user)

        def get(self, path: str = "", **params: Any):
            return self.client.get(self.BASE + path, params, **self.headers)

        def post(self, path: str = "", body: Any = None):
            return self.client.post(
                self.BASE + path,
                json.dumps(body or {}),
                content_type="application/json",
                **self.headers,
            )

        def patch(self, path: str, body: Any):
            return self.client.patch(
                self.BASE + path, json.dumps(body), content_type="application/json", **self.headers
            )

        def delete(self, path: str):
            return self.client.delete(self.BASE + path, **self.headers)

        def upload(self, path: str, data: dict):
            return self.client.post(self.BASE + path, data, **self.headers)

    return Api


def test_the_producer_builds_and_submits_a_dossier_through_the_api(classified, dossier_api):
    api = dossier_api(classified.producer1)
    created = api.post("", {"product": classified.product1.code, "kind": "first"})
    assert created.status_code == 201
    body = created.json()
    code = body["code"]
    assert (body["status"], body["level"], body["criteria_set"], body["scorecard"]) == (
        "draft",
        "commune",
        "qd26-2026",
        6,
    )
    assert body["product"] == {"code": classified.product1.code, "name": "Bình gốm men lam"}
    assert body["commune"] == {"key": classified.commune_a.key, "name": "Xã Bát Tràng"}
    assert body["actions"] == ["edit", "submit", "withdraw"]
    assert len(body["missing"]) == 13
    assert [e["to_status"] for e in body["timeline"]] == ["draft"]

    refused = api.post(f"/{code}/submit")
    assert refused.status_code == 422
    assert refused["Content-Type"] == "application/problem+json"
    problem = refused.json()
    assert [e["field"] for e in problem["errors"]] == ["missing"] * 13
    assert [e["message"] for e in problem["errors"]] == body["missing"]

    patched = api.patch(f"/{code}/registration", {**REGISTRATION, "samples_count": 5})
    assert patched.status_code == 200
    assert patched.json()["registration"]["price"] == 450000
    assert patched.json()["samples_count"] == 5
    for category in (
        EvidenceCategory.REGISTRATION_FORM,
        EvidenceCategory.SELF_ASSESSMENT_REPORT,
        EvidenceCategory.BUSINESS_REGISTRATION,
        EvidenceCategory.FOOD_SAFETY,
    ):
        added = api.upload(
            f"/{code}/evidence",
            {"file": pdf(), "category": category, "title": category, "expires_on": "2030-01-31"},
        )
        assert added.status_code == 201, added.content
    document = added.json()
    assert (document["category"], document["expires_on"], document["content_type"]) == (
        "food_safety",
        "2030-01-31",
        "application/pdf",
    )
    download = api.client.get(document["url"], **api.headers)
    assert (download.status_code, b"".join(download.streaming_content)) == (200, PDF_BYTES)
    assessment = final_self_assessment(classified)
    attached = api.post(f"/{code}/self-assessment", {"self_assessment": assessment.code})
    assert attached.json()["self_assessment"]["code"] == assessment.code
    submitted = api.post(f"/{code}/submit")
    assert submitted.status_code == 200
    assert (submitted.json()["status"], submitted.json()["missing"]) == ("submitted", [])
    assert submitted.json()["due_on"] is not None


def test_bad_registration_answers_are_422_and_unknown_keys_too(classified, dossier_api):
    dossier = new_dossier(classified)
    api = dossier_api(classified.producer1)
    before = state(dossier)
    response = api.patch(f"/{dossier.code}/registration", {"brand_status": "famous"})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "registration.brand_status",
            "message": "Choose one of: none, applied, registered, collective.",
        }
    ]
    assert api.patch(f"/{dossier.code}/registration", {"colour": "x"}).status_code == 422
    assert state(dossier) == before


def test_the_commune_and_the_office_move_the_dossier_through_the_api(classified, dossier_api):
    cast = classified
    dossier = complete_dossier(cast)
    submit_dossier(actor=cast.producer1, dossier=dossier)
    commune = dossier_api(cast.commune)
    returned = commune.post(
        f"/{dossier.code}/commune-assessment", {"conclusion": "return", "reasons": ""}
    )
    assert returned.status_code == 422
    assert returned.json()["errors"] == [
        {"field": "reasons", "message": "Give the reasons for returning the dossier."}
    ]
    forwarded = commune.post(f"/{dossier.code}/commune-assessment", COMMUNE_FORWARD)
    assert forwarded.status_code == 200
    assert (forwarded.json()["status"], forwarded.json()["level"]) == ("forwarded", "province")
    office = dossier_api(cast.office)
    unknown = office.post(f"/{dossier.code}/accept", {"round": "DG0000"})
    assert unknown.status_code == 422
    round_ = open_round()
    accepted = office.post(f"/{dossier.code}/accept", {"round": round_.code})
    assert (accepted.json()["status"], accepted.json()["round"]) == ("accepted", round_.code)
    back = office.post(f"/{dossier.code}/return", {"reasons": "Thiếu mẫu."})
    assert back.json()["status"] == "returned"
    assert back.json()["timeline"][-1]["reason"] == "Thiếu mẫu."
    withdrawn = dossier_api(cast.producer1).post(f"/{dossier.code}/withdraw", {"note": "Thôi."})
    assert withdrawn.json()["status"] == "withdrawn"
    again = dossier_api(cast.producer1).post(f"/{dossier.code}/withdraw", {"note": ""})
    assert again.status_code == 422
    assert again.json()["errors"][0]["field"] == "status"


def test_evidence_can_be_removed_through_the_api(classified, dossier_api):
    dossier = new_dossier(classified)
    item = add_document(classified, dossier, EvidenceCategory.AWARDS)
    api = dossier_api(classified.producer1)
    assert api.delete(f"/{dossier.code}/evidence/{item.file.code}").status_code == 204
    assert Evidence.objects.count() == 0
    assert api.delete(f"/{dossier.code}/evidence/{item.file.code}").status_code == 404


def test_the_list_is_filtered_and_scoped(classified, dossier_api):
    cast = classified
    mine = complete_dossier(cast)
    submit_dossier(actor=cast.producer1, dossier=mine)
    theirs = new_dossier(cast, product=cast.product2, user=cast.producer2)

    def codes(user, **params):
        response = dossier_api(user).get("", **params)
        assert response.status_code == 200
        return sorted(item["code"] for item in response.json()["items"])

    assert codes(cast.office) == sorted([mine.code, theirs.code])
    assert codes(cast.office, status="submitted") == [mine.code]
    assert codes(cast.office, commune=cast.commune_b.key) == [theirs.code]
    assert codes(cast.office, product=cast.product1.code) == [mine.code]
    assert codes(cast.office, overdue=True) == []
    assert codes(cast.producer1) == [mine.code]
    assert codes(cast.commune) == [mine.code]
    assert codes(cast.commune2) == [theirs.code]
    for who in (cast.buyer, cast.outsider, cast.member):
        assert codes(who) == []


def test_the_list_makes_the_same_number_of_queries_for_one_row_or_many(classified, dossier_api):
    cast = classified
    node = cast.product1.classification
    new_dossier(cast)
    api = dossier_api(cast.office)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api.get("").status_code == 200
        return len(captured)

    queries()  # the token's first use is recorded once
    one = queries()
    for index in range(4):
        new_dossier(
            cast, product=ProductFactory(producer=cast.prod1, classification=node, name=f"{index}")
        )
    assert queries() == one


def test_the_detail_does_not_grow_with_the_evidence(classified, dossier_api):
    dossier = complete_dossier(classified)
    api = dossier_api(classified.producer1)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api.get(f"/{dossier.code}").status_code == 200
        return len(captured)

    queries()  # the token's first use is recorded once
    one = queries()
    for category in (EvidenceCategory.AWARDS, EvidenceCategory.STORY):
        add_document(classified, dossier, category)
    assert queries() == one


@pytest.mark.parametrize("who", ["producer2", "commune2", "buyer", "outsider"])
def test_nobody_else_learns_that_the_dossier_exists(classified, dossier_api, who):
    cast = classified
    dossier = complete_dossier(cast)
    submit_dossier(actor=cast.producer1, dossier=dossier)
    file_code = Evidence.objects.filter(dossier=dossier).first().file.code
    api = dossier_api(getattr(cast, who))
    before = state(dossier)
    code = dossier.code
    assert api.get(f"/{code}").status_code == 404
    assert api.get(f"/{code}/evidence/{file_code}").status_code == 404
    assert api.get("", product=cast.product1.code).json()["items"] == []
    answers = [
        api.patch(f"/{code}/registration", {"price": 1}),
        api.post(f"/{code}/self-assessment", {"self_assessment": "TD0000"}),
        api.upload(f"/{code}/evidence", {"file": pdf(), "category": "awards", "title": "x"}),
        api.delete(f"/{code}/evidence/{file_code}"),
        api.post(f"/{code}/submit"),
        api.post(f"/{code}/commune-assessment", COMMUNE_FORWARD),
        api.post(f"/{code}/forward", {"note": ""}),
        api.post(f"/{code}/accept", {"round": open_round().code}),
        api.post(f"/{code}/return", {"reasons": "x"}),
        api.post(f"/{code}/withdraw", {"note": ""}),
        api.post("", {"product": cast.product1.code, "kind": "first"}),
    ]
    assert [r.status_code for r in answers] == [404] * len(answers)
    assert {r["Content-Type"] for r in answers} == {"application/problem+json"}
    assert state(dossier) == before
    assert Dossier.objects.count() == 1


def test_the_commune_officer_of_a_cannot_assess_bs_dossier_through_the_api(classified, dossier_api):
    cast = classified
    dossier = new_dossier(cast, product=cast.product2, user=cast.producer2)
    assert (
        dossier_api(cast.commune)
        .post(f"/{dossier.code}/commune-assessment", COMMUNE_FORWARD)
        .status_code
        == 404
    )


def test_a_producer_cannot_accept_their_own_dossier(classified, dossier_api):
    cast = classified
    dossier = complete_dossier(cast)
    submit_dossier(actor=cast.producer1, dossier=dossier)
    assess_at_commune(actor=cast.commune, dossier=dossier, data=COMMUNE_FORWARD)
    api = dossier_api(cast.producer1)
    round_ = open_round()
    before = state(dossier)
    response = api.post(f"/{dossier.code}/accept", {"round": round_.code})
    assert response.status_code == 404
    assert state(dossier) == before
    assert Dossier.objects.get().status == DossierStatus.FORWARDED


def test_the_api_needs_authentication(classified):
    assert Client().get("/api/v1/dossiers").status_code == 401
