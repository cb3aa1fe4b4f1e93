"""The actions of the certificate pages (POST forms): start a re-evaluation or an upgrade, propose,
decide or reject a revocation, plan, record, close or cancel an inspection. Each one answers 404
to whoever may not see the object, 403 to who sees it but may not act, 422 with the message for
bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ocop.certificates.dates import add_months
from ocop.certificates.enums import (
    CertificateStatus,
    InspectionOutcome,
    InspectionStatus,
    RevocationGround,
    RevocationStatus,
)
from ocop.certificates.models import Inspection, Revocation
from ocop.certificates.services.inspections import plan_inspection, record_inspection
from ocop.certificates.services.revocations import propose_revocation
from ocop.criteria.queries.specs import clear_spec_cache
from ocop.evaluation.enums import DossierKind
from ocop.evaluation.models import Dossier
from tests.certificates.manage_setup import approved_world, certificate, vi

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
LEAKERS = ["producer2", "commune2", "buyer", "outsider", "member"]


@pytest.fixture(autouse=True)
def _fresh_specs():
    clear_spec_cache()
    yield
    clear_spec_cache()


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


def _in_window(cast):
    """The world's 4★ certificate, decided so that it expires in 150 days (window open)."""
    signed = add_months(TODAY + dt.timedelta(days=150), -36)
    _world, _decision, certs = approved_world(cast, signed_on=signed)
    return certs["four"]


# --- re-evaluation and upgrade ----------------------------------------------------------------


def test_the_producer_starts_the_re_evaluation_from_the_page(qd26, cast, client_for):
    four = _in_window(cast)
    response = client_for(cast.producer1).post(reverse("certificates:reevaluate", args=[four.code]))
    dossier = Dossier.objects.get(kind=DossierKind.REEVALUATION)
    assert response.status_code == 302
    assert response.url == reverse("evaluation:dossier", args=[dossier.code])
    assert (dossier.product, dossier.current_stars) == (cast.product1, 4)


def test_the_upgrade_from_the_page(qd26, cast, client_for):
    four = _in_window(cast)
    response = client_for(cast.producer1_staff).post(
        reverse("certificates:upgrade", args=[four.code])
    )
    dossier = Dossier.objects.get(kind=DossierKind.UPGRADE)
    assert response.url == reverse("evaluation:dossier", args=[dossier.code])


def test_before_the_window_the_page_says_when(qd26, cast, client_for):
    _world, _decision, certs = approved_world(cast)  # expires 10/07/2029
    four = certs["four"]
    client = client_for(cast.producer1)
    response = client.post(reverse("certificates:reevaluate", args=[four.code]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("certificates:detail", args=[four.code])
    text = [str(m) for m in response.context["messages"]]
    assert text == [
        vi(
            "The re-evaluation of certificate %(number)s can be filed from %(opens)s (no earlier "
            "than %(days)s days before its expiry on %(expires)s)."
        )
        % {"number": four.number, "opens": "11/01/2029", "days": 180, "expires": "10/07/2029"}
    ]
    assert not Dossier.objects.filter(kind=DossierKind.REEVALUATION).exists()


@pytest.mark.parametrize("url", ["certificates:reevaluate", "certificates:upgrade"])
def test_starting_is_the_producers_or_the_offices(cast, cert, client_for, url):
    for name in LEAKERS:
        assert (
            client_for(getattr(cast, name)).post(reverse(url, args=[cert.code])).status_code == 404
        )
    # The commune's officer and the approver see the certificate but may not start: 403.
    for name in ("commune", "approver"):
        assert (
            client_for(getattr(cast, name)).post(reverse(url, args=[cert.code])).status_code == 403
        )
    assert client_for(cast.producer1).get(reverse(url, args=[cert.code])).status_code == 405


# --- revocation -------------------------------------------------------------------------------


def test_the_office_proposes_from_the_page(cast, cert, client_for):
    response = client_for(cast.office).post(
        reverse("certificates:propose_revocation", args=[cert.code]),
        {
            "ground": RevocationGround.FALSE_DOSSIER,
            "basis": "Kết luận thanh tra số 7/KL-TTr",
            "concluded_on": TODAY.strftime("%d/%m/%Y"),
            "note": "",
        },
    )
    revocation = Revocation.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("certificates:revocation", args=[revocation.code])
    assert (revocation.ground, revocation.due_on) == (
        RevocationGround.FALSE_DOSSIER,
        TODAY + dt.timedelta(days=15),
    )


def test_a_proposal_without_ground_is_refused_on_the_page(cast, cert, client_for):
    response = client_for(cast.office).post(
        reverse("certificates:propose_revocation", args=[cert.code]),
        {"ground": "", "basis": "", "concluded_on": ""},
    )
    assert response.status_code == 422
    form = response.context["propose_form"]
    assert form.errors["ground"] == [vi("Choose the ground of Điều 8.")]
    assert vi("Choose the ground of Điều 8.") in response.content.decode()
    assert Revocation.objects.count() == 0


def test_proposing_is_the_offices(cast, cert, client_for):
    url = reverse("certificates:propose_revocation", args=[cert.code])
    data = {"ground": "mark_misuse", "basis": "BB", "concluded_on": TODAY.strftime("%d/%m/%Y")}
    for name in LEAKERS:
        assert client_for(getattr(cast, name)).post(url, data).status_code == 404
    for name in ("producer1", "commune", "approver"):
        assert client_for(getattr(cast, name)).post(url, data).status_code == 403
    assert Revocation.objects.count() == 0


def test_the_approver_revokes_from_the_page(cast, cert, proposal, client_for):
    client = client_for(cast.approver)
    page = client.get(reverse("certificates:revocation", args=[proposal.code]))
    assert page.status_code == 200
    assert page.context["can_decide"] is True
    response = client.post(
        reverse("certificates:revocation_decide", args=[proposal.code]),
        {"decision_number": "2150/QĐ-UBND", "decided_on": TODAY.strftime("%d/%m/%Y")},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    cert.refresh_from_db()
    assert (proposal.status, cert.status) == (RevocationStatus.DECIDED, CertificateStatus.REVOKED)
    # Decided: the producer now sees the revocation.
    producer = client_for(cast.producer1).get(
        reverse("certificates:revocation", args=[proposal.code])
    )
    assert producer.status_code == 200


def test_a_decision_without_a_number_is_refused_on_the_page(cast, cert, proposal, client_for):
    response = client_for(cast.approver).post(
        reverse("certificates:revocation_decide", args=[proposal.code]), {"decision_number": ""}
    )
    assert response.status_code == 422
    assert response.context["decide_form"].errors["decision_number"] == [
        vi("Give the number of the revocation decision.")
    ]
    cert.refresh_from_db()
    assert cert.status == CertificateStatus.VALID


def test_the_approver_rejects_from_the_page(cast, cert, proposal, client_for):
    response = client_for(cast.approver).post(
        reverse("certificates:revocation_reject", args=[proposal.code]),
        {"reason": "Đã khắc phục."},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decision_note) == (RevocationStatus.REJECTED, "Đã khắc phục.")


def test_deciding_a_second_time_says_it_is_decided(cast, cert, proposal, client_for):
    client = client_for(cast.approver)
    client.post(
        reverse("certificates:revocation_reject", args=[proposal.code]), {"reason": "Không."}
    )
    response = client.post(
        reverse("certificates:revocation_decide", args=[proposal.code]),
        {"decision_number": "1/QĐ"},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]][-1] == vi(
        "Revocation %(code)s is already %(status)s."
    ) % {"code": proposal.code, "status": vi(RevocationStatus.REJECTED.label)}


@pytest.mark.parametrize(
    "action", ["certificates:revocation_decide", "certificates:revocation_reject"]
)
def test_deciding_is_the_authoritys(cast, cert, proposal, client_for, action):
    url = reverse(action, args=[proposal.code])
    data = {"decision_number": "1/QĐ", "reason": "Không."}
    # Nobody but the officials sees a proposal: 404 (the producer too, before the decision).
    for name in [*LEAKERS, "producer1", "commune"]:
        assert client_for(getattr(cast, name)).post(url, data).status_code == 404
        page = client_for(getattr(cast, name)).get(
            reverse("certificates:revocation", args=[proposal.code])
        )
        assert page.status_code == 404
    # The office sees it but does not decide a provincial certificate: 403.
    assert client_for(cast.office).post(url, data).status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == RevocationStatus.PROPOSED


# --- inspections ------------------------------------------------------------------------------


def test_the_office_plans_from_the_page(cast, cert, client_for):
    response = client_for(cast.office).post(
        reverse("certificates:plan_inspection", args=[cert.code]),
        {
            "kind": "unannounced",
            "planned_on": TODAY.strftime("%d/%m/%Y"),
            "inspectors": "Đoàn kiểm tra liên ngành",
            "checks_criteria": "on",
        },
    )
    inspection = Inspection.objects.get()
    assert response.url == reverse("certificates:inspection", args=[inspection.code])
    assert (inspection.kind, inspection.checks_criteria, inspection.checks_mark_use) == (
        "unannounced",
        True,
        False,
    )


def test_planning_is_the_offices(cast, cert, client_for):
    url = reverse("certificates:plan_inspection", args=[cert.code])
    data = {"kind": "planned", "planned_on": TODAY.strftime("%d/%m/%Y"), "checks_criteria": "on"}
    for name in LEAKERS:
        assert client_for(getattr(cast, name)).post(url, data).status_code == 404
    for name in ("producer1", "commune", "approver"):
        assert client_for(getattr(cast, name)).post(url, data).status_code == 403
    assert Inspection.objects.count() == 0


def test_a_violation_leads_to_the_revocation_proposal_filled_in(cast, cert, inspection, client_for):
    client = client_for(cast.office)
    response = client.post(
        reverse("certificates:inspection_record", args=[inspection.code]),
        {
            "carried_out_on": TODAY.strftime("%d/%m/%Y"),
            "findings": "Sản phẩm không còn đáp ứng tiêu chí 1.5.",
            "outcome": InspectionOutcome.VIOLATION,
        },
    )
    detail = reverse("certificates:detail", args=[cert.code])
    assert response.url == f"{detail}?inspection={inspection.code}#revocation"
    page = client.get(detail, {"inspection": inspection.code})
    form = page.context["propose_form"]
    assert (form.initial["ground"], form.initial["inspection"], form.initial["concluded_on"]) == (
        RevocationGround.CRITERIA_NOT_MET,
        inspection.code,
        TODAY,
    )
    inspection_page = client.get(reverse("certificates:inspection", args=[inspection.code]))
    assert inspection_page.context["suggest_revocation"] is True


def test_a_result_without_outcome_is_refused_on_the_page(cast, cert, inspection, client_for):
    response = client_for(cast.office).post(
        reverse("certificates:inspection_record", args=[inspection.code]),
        {"carried_out_on": TODAY.strftime("%d/%m/%Y"), "findings": "Ổn.", "outcome": ""},
    )
    assert response.status_code == 422
    assert response.context["record_form"].errors["outcome"] == [
        vi("Choose the outcome of the inspection.")
    ]
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.PLANNED


def test_close_and_cancel_from_the_page(cast, cert, inspection, client_for):
    client = client_for(cast.office)
    other = plan_inspection(actor=cast.office, certificate=cert, kind="planned", planned_on=TODAY)
    response = client.post(
        reverse("certificates:inspection_cancel", args=[other.code]), {"reason": "Hoãn."}
    )
    assert response.status_code == 302
    record_inspection(
        actor=cast.office,
        inspection=inspection,
        carried_out_on=TODAY,
        findings="Cần bổ sung nhãn phụ.",
        outcome=InspectionOutcome.REMARKS,
        follow_up="Bổ sung nhãn phụ.",
    )
    response = client.post(reverse("certificates:inspection_close", args=[inspection.code]), {})
    assert response.status_code == 302
    inspection.refresh_from_db()
    other.refresh_from_db()
    assert (inspection.status, other.status) == (
        InspectionStatus.CLOSED,
        InspectionStatus.CANCELLED,
    )


@pytest.mark.parametrize(
    "action",
    [
        "certificates:inspection_record",
        "certificates:inspection_close",
        "certificates:inspection_cancel",
    ],
)
def test_inspection_actions_are_the_offices(cast, cert, inspection, client_for, action):
    url = reverse(action, args=[inspection.code])
    data = {"carried_out_on": TODAY.strftime("%d/%m/%Y"), "outcome": "compliant", "reason": "x"}
    for name in LEAKERS:
        assert client_for(getattr(cast, name)).post(url, data).status_code == 404
        page = client_for(getattr(cast, name)).get(
            reverse("certificates:inspection", args=[inspection.code])
        )
        assert page.status_code == 404
    # The producer sees a planned (announced) inspection but may not act on it.
    assert client_for(cast.producer1).post(url, data).status_code == 403
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.PLANNED
