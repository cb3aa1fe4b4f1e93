"""The certificate API for officials and producers (/api/v1/certificates): the list (filters,
pagination, the same queries for 1 or 30 rows), a certificate, and every action, each with its
leak test (404), its refusal (403 for who sees but may not act, 409 for a wrong state) and its
bad input (422), all as RFC 9457 problem details."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ocop.certificates.dates import add_months
from ocop.certificates.enums import (
    Authority,
    CertificateStatus,
    InspectionStatus,
    RevocationGround,
    RevocationStatus,
)
from ocop.certificates.models import Inspection, Revocation
from ocop.certificates.services.inspections import plan_inspection
from ocop.certificates.services.revocations import propose_revocation
from ocop.criteria.queries.specs import clear_spec_cache
from ocop.evaluation.enums import DossierKind
from ocop.evaluation.models import Dossier
from tests.certificates.manage_setup import approved_world, certificate, vi
from tests.factories.products import ProductFactory

pytestmark = pytest.mark.django_db
BASE = "/api/v1/certificates"
TODAY = timezone.localdate()
LEAKERS = ["producer2", "commune2", "buyer", "outsider", "member"]
PROBLEM = "application/problem+json"


@pytest.fixture(autouse=True)
def _fresh_specs():
    clear_spec_cache()
    yield
    clear_spec_cache()


class Api:
    def __init__(self, headers):
        self.client = Client()
        self.headers = headers

    def get(self, path, **params):
        return self.client.get(path, params, **self.headers)

    def post(self, path, body=None):
        return self.client.post(
            path, json.dumps(body or {}), content_type="application/json", **self.headers
        )


@pytest.fixture
def api(api_token):
    return lambda user: Api(api_token(user))


@pytest.fixture
def cert(cast):
    return certificate(
        cast.product1,
        decided_on=TODAY - dt.timedelta(days=400),
        expires_on=TODAY + dt.timedelta(days=700),
    )


@pytest.fixture
def proposal(cast, cert):
    return propose_revocation(
        actor=cast.office,
        certificate=cert,
        ground=RevocationGround.MARK_MISUSE,
        basis="Biên bản kiểm tra số 12/BB-QLTT",
        concluded_on=TODAY,
    )


@pytest.fixture
def inspection(cast, cert):
    return plan_inspection(actor=cast.office, certificate=cert, kind="planned", planned_on=TODAY)


def _problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM)
    return response.json()


# --- the list ---------------------------------------------------------------------------------


def test_the_list_is_scoped_and_filtered(cast, cert, api):
    other = certificate(cast.product2, stars=3)
    office = api(cast.office)
    body = office.get(BASE).json()
    assert body["count"] == 2
    assert {row["number"] for row in body["items"]} == {cert.number, other.number}
    row = next(row for row in body["items"] if row["number"] == cert.number)
    assert row == {
        "code": cert.code,
        "number": cert.number,
        "verification_code": cert.verification_code,
        "product": {"code": cast.product1.code, "name": "Bình gốm men lam"},
        "producer": {"code": cast.prod1.code, "name": "HTX Gốm Bát Tràng"},
        "stars": 4,
        "criteria_set": cert.criteria_code,
        "decision_number": cert.decision_number,
        "decided_on": cert.decided_on.isoformat(),
        "issued_on": cert.issued_on.isoformat(),
        "expires_on": cert.expires_on.isoformat(),
        "authority": Authority.PROVINCE,
        "authority_name": "Ủy ban nhân dân thành phố Hà Nội",
        "status": "valid",
        "state": "valid",
        "url": f"/giay-chung-nhan/{cert.code}/",
    }
    assert [r["number"] for r in office.get(BASE, stars=3).json()["items"]] == [other.number]
    assert [r["number"] for r in office.get(BASE, q="binh gom").json()["items"]] == [cert.number]
    assert office.get(BASE, status="revoked").json()["count"] == 0
    assert [r["number"] for r in api(cast.producer1).get(BASE).json()["items"]] == [cert.number]
    assert [r["number"] for r in api(cast.commune2).get(BASE).json()["items"]] == [other.number]
    for name in ("buyer", "outsider", "member"):
        assert api(getattr(cast, name)).get(BASE).json()["count"] == 0
    _problem(Client().get(BASE), 401)


def test_the_list_costs_the_same_queries_for_1_or_30_certificates(cast, api):
    office = api(cast.office)
    certificate(cast.product1)
    office.get(BASE)  # warm the token's first-use bookkeeping
    with CaptureQueriesContext(connection) as one:
        office.get(BASE)
    for index in range(29):
        certificate(ProductFactory(producer=cast.prod2, name=f"Trà số {index}"))
    with CaptureQueriesContext(connection) as many:
        body = office.get(BASE, limit=50).json()
    assert body["count"] == 30 and len(body["items"]) == 30
    assert len(many.captured_queries) == len(one.captured_queries)


# --- one certificate --------------------------------------------------------------------------


def test_a_certificate_with_its_window_revocations_inspections_and_actions(cast, cert, api):
    inspection = plan_inspection(
        actor=cast.office, certificate=cert, kind="unannounced", planned_on=TODAY
    )
    office = api(cast.office).get(f"{BASE}/{cert.code}").json()
    assert office["reevaluation_window"] == {
        "opens_on": (cert.expires_on - dt.timedelta(days=180)).isoformat(),
        "closes_on": (cert.expires_on - dt.timedelta(days=120)).isoformat(),
        "decision_within_days": 45,
        "written_consultation": True,
        "kept_until": (cert.expires_on + dt.timedelta(days=180)).isoformat(),
    }
    assert office["expiry_notice_from"] == (cert.expires_on - dt.timedelta(days=30)).isoformat()
    assert office["actions"] == ["plan_inspection", "propose_revocation", "upgrade"]
    assert [i["code"] for i in office["inspections"]] == [inspection.code]
    producer = api(cast.producer1).get(f"{BASE}/{cert.code}").json()
    assert producer["actions"] == ["upgrade"]  # the window has not opened
    assert producer["inspections"] == []  # unannounced, not carried out
    for name in LEAKERS:
        _problem(api(getattr(cast, name)).get(f"{BASE}/{cert.code}"), 404)
    _problem(api(cast.office).get(f"{BASE}/CXXXXXXXX"), 404)


# --- re-evaluation and upgrade ----------------------------------------------------------------


def test_the_re_evaluation_over_the_api(qd26, cast, api):
    signed = add_months(TODAY + dt.timedelta(days=150), -36)
    _world, _decision, certs = approved_world(cast, signed_on=signed)
    four = certs["four"]
    for name in LEAKERS:
        _problem(api(getattr(cast, name)).post(f"{BASE}/{four.code}/reevaluation"), 404)
    body = _problem(api(cast.commune).post(f"{BASE}/{four.code}/reevaluation"), 403)
    assert body["type"].endswith("/forbidden")
    response = api(cast.producer1).post(f"{BASE}/{four.code}/reevaluation")
    assert response.status_code == 201
    dossier = Dossier.objects.get(kind=DossierKind.REEVALUATION)
    assert response.json() == {
        "dossier": dossier.code,
        "kind": "reevaluation",
        "url": f"/danh-gia/ho-so/{dossier.code}/",
        "late": False,
    }
    # One unfinished dossier per product: a second start is bad input (422).
    body = _problem(api(cast.producer1).post(f"{BASE}/{four.code}/upgrade"), 422)
    assert body["errors"][0]["field"] == "product"


def test_before_the_window_the_api_answers_409_with_the_opening_day(cast, cert, api):
    body = _problem(api(cast.producer1).post(f"{BASE}/{cert.code}/reevaluation"), 409)
    opens = (cert.expires_on - dt.timedelta(days=180)).strftime("%d/%m/%Y")
    assert opens in body["title"]


# --- revocations ------------------------------------------------------------------------------


def test_propose_decide_over_the_api(cast, cert, api):
    url = f"{BASE}/{cert.code}/revocations"
    body = {
        "ground": "food_safety_law",
        "basis": "KL 45/KL-ATTP",
        "concluded_on": TODAY.isoformat(),
    }
    for name in LEAKERS:
        _problem(api(getattr(cast, name)).post(url, body), 404)
    _problem(api(cast.producer1).post(url, body), 403)
    problem = _problem(api(cast.office).post(url, {**body, "ground": ""}), 422)
    assert problem["errors"] == [{"field": "ground", "message": vi("Choose the ground of Điều 8.")}]
    assert Revocation.objects.count() == 0
    response = api(cast.office).post(url, body)
    assert response.status_code == 201
    created = response.json()
    assert (created["status"], created["due_on"], created["overdue"]) == (
        "proposed",
        (TODAY + dt.timedelta(days=15)).isoformat(),
        False,
    )
    code = created["code"]
    _problem(api(cast.office).post(url, body), 409)  # one open proposal
    decide = f"{BASE}/revocations/{code}/decide"
    for name in [*LEAKERS, "producer1", "commune"]:
        _problem(api(getattr(cast, name)).post(decide, {"decision_number": "1/QĐ"}), 404)
    _problem(api(cast.office).post(decide, {"decision_number": "1/QĐ"}), 403)
    _problem(api(cast.approver).post(decide, {}), 422)
    response = api(cast.approver).post(decide, {"decision_number": "2150/QĐ-UBND"})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["decision_number"]) == (
        "decided",
        "2150/QĐ-UBND",
    )
    cert.refresh_from_db()
    assert cert.status == CertificateStatus.REVOKED
    _problem(api(cast.approver).post(decide, {"decision_number": "2150/QĐ-UBND"}), 409)
    # The producer reads the decided revocation.
    assert api(cast.producer1).get(f"{BASE}/revocations/{code}").status_code == 200
    assert api(cast.producer2).get(f"{BASE}/revocations/{code}").status_code == 404


def test_reject_over_the_api_and_the_approver_on_a_5_star_certificate(cast, api):
    central = certificate(cast.product2, stars=5, authority=Authority.CENTRAL)
    revocation = propose_revocation(
        actor=cast.office,
        certificate=central,
        ground=RevocationGround.MARK_MISUSE,
        basis="BB 3",
        concluded_on=TODAY,
    )
    reject = f"{BASE}/revocations/{revocation.code}/reject"
    body = _problem(api(cast.approver).post(reject, {"reason": "Không."}), 403)
    assert body["title"] == vi(
        "A 5★ certificate is revoked by the Minister of Agriculture and Environment: the "
        "provincial OCOP office records the ministry's decision."
    )
    _problem(api(cast.office).post(reject, {"reason": ""}), 422)
    response = api(cast.office).post(reject, {"reason": "Bộ không thu hồi."})
    assert (response.status_code, response.json()["status"]) == (200, "rejected")
    revocation.refresh_from_db()
    assert revocation.status == RevocationStatus.REJECTED


# --- inspections ------------------------------------------------------------------------------


def test_plan_record_close_over_the_api(cast, cert, api):
    url = f"{BASE}/{cert.code}/inspections"
    body = {"kind": "planned", "planned_on": TODAY.isoformat()}
    for name in LEAKERS:
        _problem(api(getattr(cast, name)).post(url, body), 404)
    _problem(api(cast.producer1).post(url, body), 403)
    _problem(api(cast.office).post(url, {"kind": "weekly"}), 422)
    response = api(cast.office).post(url, body)
    assert response.status_code == 201
    code = response.json()["code"]
    record = f"{BASE}/inspections/{code}/record"
    result = {
        "carried_out_on": TODAY.isoformat(),
        "findings": "Không còn đáp ứng tiêu chí.",
        "outcome": "violation",
    }
    for name in LEAKERS:
        _problem(api(getattr(cast, name)).post(record, result), 404)
    _problem(api(cast.producer1).post(record, result), 403)
    _problem(api(cast.office).post(record, {**result, "outcome": ""}), 422)
    response = api(cast.office).post(record, result)
    assert response.status_code == 200
    assert response.json()["suggested_revocation"] == {
        "ground": "criteria_not_met",
        "inspection": code,
        "concluded_on": TODAY.isoformat(),
    }
    _problem(api(cast.office).post(record, result), 409)
    close = api(cast.office).post(f"{BASE}/inspections/{code}/close", {})
    assert (close.status_code, close.json()["status"]) == (200, "closed")
    # The violation's proposal, linked to the inspection.
    response = api(cast.office).post(
        f"{BASE}/{cert.code}/revocations",
        {
            "ground": "criteria_not_met",
            "basis": f"Biên bản hậu kiểm {code}",
            "concluded_on": TODAY.isoformat(),
            "inspection": code,
        },
    )
    assert (response.status_code, response.json()["inspection"]) == (201, code)
    bad = api(cast.office).post(
        f"{BASE}/{cert.code}/revocations",
        {"ground": "criteria_not_met", "basis": "x", "inspection": "HKXXXXXX"},
    )
    _problem(bad, 422)


def test_cancel_and_read_over_the_api(cast, cert, inspection, api):
    cancel = f"{BASE}/inspections/{inspection.code}/cancel"
    for name in LEAKERS:
        _problem(api(getattr(cast, name)).post(cancel, {"reason": "x"}), 404)
        _problem(api(getattr(cast, name)).get(f"{BASE}/inspections/{inspection.code}"), 404)
    assert api(cast.producer1).get(f"{BASE}/inspections/{inspection.code}").status_code == 200
    _problem(api(cast.office).post(cancel, {}), 422)
    response = api(cast.office).post(cancel, {"reason": "Hoãn."})
    assert (response.status_code, response.json()["status"]) == (200, "cancelled")
    assert Inspection.objects.get().status == InspectionStatus.CANCELLED
