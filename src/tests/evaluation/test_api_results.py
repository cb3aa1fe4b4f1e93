"""/api/v1/results (public JSON of the recognised products) and /api/v1/decisions."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ocop.criteria.queries.specs import clear_spec_cache
from ocop.evaluation.enums import DecisionStatus, DossierStatus
from ocop.evaluation.models import Decision, DecisionItem, Dossier
from ocop.evaluation.services.decisions import (
    change_decision_status,
    draft_decision,
    update_draft,
)
from tests.evaluation.results_world import build_world, more_recognised
from tests.factories.evaluation import closed_session, decision_round

pytestmark = pytest.mark.django_db
RESULTS = "/api/v1/results"
DECISIONS = "/api/v1/decisions"


@pytest.fixture(autouse=True)
def _fresh_specs():
    clear_spec_cache()
    yield
    clear_spec_cache()


@pytest.fixture
def world(qd26, cast):
    return build_world(cast)


def publish(world, number="1147/QĐ-UBND"):
    decision = draft_decision(
        actor=world.cast.office, round=world.round, title="Quyết định công nhận", number=number
    )
    return change_decision_status(
        actor=world.cast.approver,
        decision=decision,
        to=DecisionStatus.APPROVED,
        signed_on=dt.date(2026, 7, 10),
    )


class Api:
    def __init__(self, headers=None):
        self.client = Client()
        self.client.cookies["ocop_language"] = "en"
        self.headers = headers or {}

    def get(self, path, **params):
        return self.client.get(path, params, **self.headers)

    def send(self, method, path, body=None):
        return getattr(self.client, method)(
            path, json.dumps(body or {}), content_type="application/json", **self.headers
        )


@pytest.fixture
def api(api_token):
    return lambda user: Api(api_token(user))


# --- results --------------------------------------------------------------------------------


def test_results_are_public_and_exactly_as_specified(world):
    decision = publish(world)
    response = Api().get(RESULTS, year=2026)
    assert response.status_code == 200
    four = world.dossier("four")
    three = world.dossier("three")
    product1, product2 = four.product, three.product
    assert response.json() == {
        "items": [
            {
                "code": product1.code,
                "name": "Bình gốm men lam",
                "producer": {"code": world.cast.prod1.code, "name": "HTX Gốm Bát Tràng"},
                "administrative_unit": {"key": world.cast.commune_a.key, "name": "Xã Bát Tràng"},
                "group": {"code": "I.3.b", "name": product1.classification.name},
                "criteria_set": "qd26-2026",
                "mean_score": world.items["four"].result["mean_total"],
                "stars": 4,
                "decision": {
                    "code": decision.code,
                    "number": "1147/QĐ-UBND",
                    "signed_on": "2026-07-10",
                },
            },
            {
                "code": product2.code,
                "name": "Trà sen Tây Hồ",
                "producer": {"code": world.cast.prod2.code, "name": "Công ty Trà Sen"},
                "administrative_unit": {
                    "key": world.cast.commune_b.key,
                    "name": "Phường Hoàn Kiếm",
                },
                "group": {"code": "VI.1", "name": product2.classification.name},
                "criteria_set": "qd26-2026",
                "mean_score": world.items["three"].result["mean_total"],
                "stars": 3,
                "decision": {
                    "code": decision.code,
                    "number": "1147/QĐ-UBND",
                    "signed_on": "2026-07-10",
                },
            },
        ],
        "count": 2,
    }


def test_results_filter_by_year_and_hide_drafts(world):
    assert Api().get(RESULTS, year=2026).json() == {"items": [], "count": 0}
    draft_decision(actor=world.cast.office, round=world.round, title="Nháp", number="1")
    assert Api().get(RESULTS, year=2026).json()["count"] == 0
    publish_round = world.round
    Decision.objects.filter(round=publish_round).delete()
    publish(world)
    assert Api().get(RESULTS, year=2026).json()["count"] == 2
    assert Api().get(RESULTS, year=2025).json() == {"items": [], "count": 0}
    assert Api().get(RESULTS, year="abc").status_code == 422


def test_results_cost_the_same_queries_for_1_or_6_products(world):
    first = draft_decision(actor=world.cast.office, round=world.round, title="QĐ", number="1")
    update_draft(actor=world.cast.office, decision=first, remove=[world.dossier("three").code])
    change_decision_status(actor=world.cast.approver, decision=first, to=DecisionStatus.APPROVED)
    with CaptureQueriesContext(connection) as one:
        assert Api().get(RESULTS, year=2026).json()["count"] == 1
    more_recognised(world, 5)
    draft = draft_decision(actor=world.cast.office, round=world.round, title="Bổ sung", number="2")
    update_draft(actor=world.cast.office, decision=draft, remove=[world.dossier("three").code])
    change_decision_status(actor=world.cast.approver, decision=draft, to=DecisionStatus.APPROVED)
    with CaptureQueriesContext(connection) as six:
        assert Api().get(RESULTS, year=2026).json()["count"] == 6
    assert len(six.captured_queries) == len(one.captured_queries)


# --- decisions ------------------------------------------------------------------------------


def _state():
    return (
        list(Decision.objects.order_by("pk").values()),
        list(DecisionItem.objects.order_by("pk").values()),
        list(Dossier.objects.order_by("pk").values_list("code", "status")),
    )


def test_the_office_drafts_and_the_approver_approves_through_the_api(world, api):
    office, approver = api(world.cast.office), api(world.cast.approver)
    response = office.send("post", DECISIONS, {"round": world.round.code, "title": "QĐ công nhận"})
    assert response.status_code == 201
    body = response.json()
    code = body["code"]
    assert (body["status"], body["number"], len(body["items"])) == ("draft", "", 4)
    response = office.send("patch", f"{DECISIONS}/{code}", {"number": "1147/QĐ-UBND"})
    assert (response.status_code, response.json()["number"]) == (200, "1147/QĐ-UBND")
    # The office may not approve (403), others never learn the decision exists (404).
    before = _state()
    refused = office.send("post", f"{DECISIONS}/{code}/approve", {"signed_on": "2026-07-10"})
    assert (refused.status_code, refused["Content-Type"]) == (403, "application/problem+json")
    for name in ("producer1", "chair", "buyer"):
        other = api(getattr(world.cast, name))
        assert other.send("post", f"{DECISIONS}/{code}/approve", {}).status_code == 404
        assert other.get(f"{DECISIONS}/{code}").status_code == 404
    assert _state() == before
    response = approver.send("post", f"{DECISIONS}/{code}/approve", {"signed_on": "2026-07-10"})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["signed_on"]) == ("approved", "2026-07-10")
    assert Dossier.objects.get(pk=world.dossier("four").pk).status == DossierStatus.RECOGNISED


def test_an_approved_decision_cannot_be_changed_through_the_api(world, api):
    decision = publish(world)
    office = api(world.cast.office)
    before = _state()
    response = office.send("patch", f"{DECISIONS}/{decision.code}", {"title": "Sửa"})
    assert (response.status_code, response.json()["type"]) == (
        409,
        "https://ocop.invalid/problems/conflict",
    )
    response = office.send(
        "patch", f"{DECISIONS}/{decision.code}", {"remove": [world.dossier("two").code]}
    )
    assert response.status_code == 409
    response = api(world.cast.approver).send("post", f"{DECISIONS}/{decision.code}/approve", {})
    assert response.status_code == 409
    assert office.send("delete", f"{DECISIONS}/{decision.code}").status_code == 405
    assert _state() == before


def test_a_correction_through_the_api(world, api):
    decision = publish(world)
    three = world.dossier("three").code
    response = api(world.cast.office).send(
        "post",
        f"{DECISIONS}/{decision.code}/corrections",
        {"reason": "Nhầm hạng sao.", "changes": {three: {"stars": 4}}, "number": "1200/QĐ"},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["replaces"] == decision.code
    assert {row["dossier"]: row["stars"] for row in body["items"]}[three] == 4
    bad = api(world.cast.office).send(
        "post", f"{DECISIONS}/{decision.code}/corrections", {"reason": "x", "changes": {}}
    )
    assert bad.status_code == 409  # already corrected


def test_the_central_proposal_package(world, api):
    decision = publish(world)
    response = api(world.cast.office).get(f"{DECISIONS}/{decision.code}/central-proposal")
    assert response.status_code == 200
    five = world.items["five"]
    (row,) = response.json()
    assert (row["dossier"], row["stars"], row["mean_score"], row["members"]) == (
        five.dossier.code,
        5,
        five.result["mean_total"],
        3,
    )
    assert row["documents"]["minutes"] == f"/danh-gia/phien/{world.session.code}/bien-ban.pdf"
    assert (
        api(world.cast.producer1).get(f"{DECISIONS}/{decision.code}/central-proposal").status_code
        == 404
    )


def test_the_decision_list_is_for_officials(world, api):
    publish(world)
    assert api(world.cast.office).get(DECISIONS).json()["count"] == 1
    assert api(world.cast.approver).get(DECISIONS).json()["count"] == 1
    assert api(world.cast.producer1).get(DECISIONS).json()["count"] == 0
    assert Api().get(DECISIONS).status_code == 401


def test_drafting_a_round_without_results_is_a_validation_error(world, api):
    empty = decision_round(world.round.criteria_set, number=3, name="Đợt 3")
    closed_session(world.council, empty)
    response = api(world.cast.office).send("post", DECISIONS, {"round": empty.code, "title": "QĐ"})
    assert (response.status_code, response.json()["errors"][0]["field"]) == (422, "round")
    response = api(world.cast.approver).send(
        "post", DECISIONS, {"round": empty.code, "title": "QĐ"}
    )
    assert response.status_code == 403
    assert (
        api(world.cast.producer1)
        .send("post", DECISIONS, {"round": empty.code, "title": "QĐ"})
        .status_code
        == 404
    )


def test_the_decision_list_costs_the_same_queries_for_1_or_6(world, api):
    office = api(world.cast.office)
    publish(world)
    office.get(DECISIONS)  # the token's first use
    with CaptureQueriesContext(connection) as one:
        assert office.get(DECISIONS).json()["count"] == 1
    for number in range(5):
        Decision.objects.create(
            round=world.round, title=f"Nháp {number}", drafted_by=world.cast.office
        )
    with CaptureQueriesContext(connection) as six:
        assert office.get(DECISIONS).json()["count"] == 6
    assert len(six.captured_queries) == len(one.captured_queries)
