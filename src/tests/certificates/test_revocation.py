"""Revocation (QĐ 26/2026 Điều 8): the office proposes on a ground with its basis; the authority
decides within 15 days; deciding revokes the certificate at once (it leaves the register). Every
refusal leaves the data as they were."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ocop.certificates.enums import (
    Authority,
    CertificateStatus,
    InspectionOutcome,
    RevocationGround,
    RevocationStatus,
    VerificationState,
)
from ocop.certificates.models import Certificate, Revocation
from ocop.certificates.queries.certificates import valid_certificates
from ocop.certificates.queries.revocations import is_overdue
from ocop.certificates.services.inspections import plan_inspection, record_inspection
from ocop.certificates.services.revocations import (
    REVOCATION_DAYS,
    decide_revocation,
    propose_revocation,
    reject_revocation,
)
from ocop.core.models import ActivityLog
from ocop.evaluation.models import Notification
from ocop.evaluation.services.refusals import NotAllowed, WrongState
from tests.certificates.manage_setup import certificate, vi

pytestmark = pytest.mark.django_db
CONCLUDED = dt.date(2026, 11, 2)
BASIS = "Kết luận kiểm tra số 45/KL-ATTP ngày 02/11/2026 của Chi cục An toàn vệ sinh thực phẩm"


@pytest.fixture
def cert(cast):
    return certificate(cast.product1)


@pytest.fixture
def central(cast):
    return certificate(
        cast.product2,
        stars=5,
        authority=Authority.CENTRAL,
        authority_name="Bộ Nông nghiệp và Môi trường",
    )


def _propose(cast, cert, **overrides):
    values = {
        "actor": cast.office,
        "certificate": cert,
        "ground": RevocationGround.FOOD_SAFETY_LAW,
        "basis": BASIS,
        "concluded_on": CONCLUDED,
    }
    values.update(overrides)
    return propose_revocation(**values)


def _state():
    """Everything a refusal could have changed."""
    return (
        list(Revocation.objects.order_by("pk").values()),
        list(Certificate.objects.order_by("pk").values_list("pk", "status", "status_changed_on")),
        ActivityLog.objects.count(),
        Notification.objects.count(),
    )


def test_the_office_proposes_with_a_deadline_of_15_days(cast, cert):
    revocation = _propose(cast, cert, note="Sản phẩm bị thu hồi trên thị trường.")
    assert (
        revocation.status,
        revocation.ground,
        revocation.authority,
        revocation.basis,
        revocation.concluded_on,
        revocation.due_on,
        revocation.proposed_by,
    ) == (
        RevocationStatus.PROPOSED,
        RevocationGround.FOOD_SAFETY_LAW,
        Authority.PROVINCE,
        BASIS,
        CONCLUDED,
        dt.date(2026, 11, 17),
        cast.office,
    )
    assert REVOCATION_DAYS == 15
    cert.refresh_from_db()
    assert cert.status == CertificateStatus.VALID  # nothing changes before the decision
    # The approver (who decides) is told.
    notice = Notification.objects.get(user=cast.approver)
    assert notice.url == f"/giay-chung-nhan/thu-hoi/{revocation.code}/"
    assert notice.message == vi(
        "Revocation of certificate %(number)s (%(product)s) is proposed: %(ground)s. Decide by "
        "%(due)s."
    ) % {
        "number": cert.number,
        "product": cert.product_name,
        "ground": vi(RevocationGround.FOOD_SAFETY_LAW.label),
        "due": "17/11/2026",
    }
    assert is_overdue(revocation, dt.date(2026, 11, 17)) is False
    assert is_overdue(revocation, dt.date(2026, 11, 18)) is True


@pytest.mark.parametrize(
    ("overrides", "field", "msgid"),
    [
        ({"ground": ""}, "ground", "Choose the ground of Điều 8."),
        ({"ground": "rumours"}, "ground", "Choose the ground of Điều 8."),
        (
            {"basis": "  "},
            "basis",
            "Give the conclusion or document the revocation rests on, with its number and date.",
        ),
        ({"concluded_on": None}, "concluded_on", "Give the date."),
        (
            {"concluded_on": "tomorrow"},
            "concluded_on",
            "The date of the conclusion cannot be in the future.",
        ),
    ],
)
def test_a_proposal_without_ground_or_basis_is_refused_and_nothing_changes(
    cast, cert, overrides, field, msgid
):
    if overrides.get("concluded_on") == "tomorrow":
        overrides = {"concluded_on": timezone.localdate() + dt.timedelta(days=1)}
    before = _state()
    with pytest.raises(ValidationError) as info:
        _propose(cast, cert, **overrides)
    assert info.value.message_dict[field] == [vi(msgid)]
    assert _state() == before


@pytest.mark.parametrize(
    "name", ["producer1", "commune", "approver", "member", "buyer", "outsider"]
)
def test_only_the_office_proposes(cast, cert, name):
    before = _state()
    with pytest.raises(NotAllowed):
        _propose(cast, cert, actor=getattr(cast, name))
    assert _state() == before


@pytest.mark.parametrize(
    "status", [CertificateStatus.EXPIRED, CertificateStatus.REVOKED, CertificateStatus.SUPERSEDED]
)
def test_a_certificate_that_is_not_valid_is_not_revoked(cast, status):
    old = certificate(cast.product1, status=status)
    before = _state()
    with pytest.raises(WrongState):
        _propose(cast, old)
    assert _state() == before


def test_one_open_proposal_at_a_time(cast, cert):
    first = _propose(cast, cert)
    before = _state()
    with pytest.raises(WrongState) as info:
        _propose(cast, cert, ground=RevocationGround.MARK_MISUSE)
    assert first.code in info.value.text
    assert _state() == before


def test_the_approver_decides_and_the_certificate_is_revoked_at_once(cast, cert):
    revocation = _propose(cast, cert)
    assert list(valid_certificates(dt.date(2026, 11, 10))) == [cert]
    decide_revocation(
        actor=cast.approver,
        revocation=revocation,
        decision_number="2150/QĐ-UBND",
        decided_on=dt.date(2026, 11, 10),
    )
    revocation.refresh_from_db()
    cert.refresh_from_db()
    assert (
        revocation.status,
        revocation.decision_number,
        revocation.decided_on,
        revocation.decided_by,
    ) == (RevocationStatus.DECIDED, "2150/QĐ-UBND", dt.date(2026, 11, 10), cast.approver)
    assert (cert.status, cert.status_changed_on) == (
        CertificateStatus.REVOKED,
        dt.date(2026, 11, 10),
    )
    assert cert.state_on(dt.date(2026, 11, 10)) == VerificationState.REVOKED
    assert list(valid_certificates(dt.date(2026, 11, 10))) == []
    # Logged on both, in the same transaction; the producer is told why, in-app and by e-mail.
    actions = set(ActivityLog.objects.values_list("action", flat=True))
    assert {"certificates.revocation.decide", "certificates.certificate.revoke"} <= actions
    reason = vi("Decision %(number)s of %(date)s: %(ground)s.") % {
        "number": "2150/QĐ-UBND",
        "date": "10/11/2026",
        "ground": vi(RevocationGround.FOOD_SAFETY_LAW.label),
    }
    expected = (
        vi("Certificate %(number)s (%(product)s, %(stars)s★) was revoked on %(date)s.")
        % {"number": cert.number, "product": cert.product_name, "stars": 4, "date": "10/11/2026"}
        + " "
        + reason
    )
    assert list(
        Notification.objects.filter(user=cast.producer1).values_list("message", flat=True)
    ) == [expected]


@pytest.mark.parametrize("name", ["office", "admin", "producer1", "commune", "member", "buyer"])
def test_only_the_approver_decides_a_provincial_certificate(cast, cert, name):
    revocation = _propose(cast, cert)
    before = _state()
    with pytest.raises(NotAllowed):
        decide_revocation(
            actor=getattr(cast, name), revocation=revocation, decision_number="1/QĐ-UBND"
        )
    with pytest.raises(NotAllowed):
        reject_revocation(
            actor=getattr(cast, name), revocation=revocation, reason="Không đủ căn cứ"
        )
    assert _state() == before


def test_the_ministry_decides_a_5_star_certificate_and_the_office_records_it(cast, central):
    revocation = _propose(cast, central, ground=RevocationGround.MARK_MISUSE)
    assert revocation.authority == Authority.CENTRAL
    before = _state()
    with pytest.raises(NotAllowed) as info:
        decide_revocation(actor=cast.approver, revocation=revocation, decision_number="9/QĐ-BNNMT")
    assert info.value.text == vi(
        "A 5★ certificate is revoked by the Minister of Agriculture and Environment: the "
        "provincial OCOP office records the ministry's decision."
    )
    assert _state() == before
    decide_revocation(actor=cast.office, revocation=revocation, decision_number="9/QĐ-BNNMT")
    central.refresh_from_db()
    assert central.status == CertificateStatus.REVOKED


def test_a_decision_needs_its_number_and_a_sensible_date(cast, cert):
    revocation = _propose(cast, cert)
    before = _state()
    with pytest.raises(ValidationError) as info:
        decide_revocation(actor=cast.approver, revocation=revocation, decision_number=" ")
    assert info.value.message_dict == {
        "decision_number": [vi("Give the number of the revocation decision.")]
    }
    with pytest.raises(ValidationError) as info:
        decide_revocation(
            actor=cast.approver,
            revocation=revocation,
            decision_number="1/QĐ-UBND",
            decided_on=CONCLUDED - dt.timedelta(days=1),
        )
    assert list(info.value.message_dict) == ["decided_on"]
    assert _state() == before


def test_the_approver_rejects_with_a_reason_and_the_certificate_stays(cast, cert):
    revocation = _propose(cast, cert)
    with pytest.raises(ValidationError) as info:
        reject_revocation(actor=cast.approver, revocation=revocation, reason="")
    assert info.value.message_dict == {"reason": [vi("Say why the certificate is not revoked.")]}
    reject_revocation(
        actor=cast.approver, revocation=revocation, reason="Cơ sở đã khắc phục, đủ điều kiện."
    )
    revocation.refresh_from_db()
    cert.refresh_from_db()
    assert (revocation.status, revocation.decision_note, cert.status) == (
        RevocationStatus.REJECTED,
        "Cơ sở đã khắc phục, đủ điều kiện.",
        CertificateStatus.VALID,
    )
    # Decided once: neither a second rejection nor a revocation now.
    before = _state()
    with pytest.raises(WrongState):
        decide_revocation(actor=cast.approver, revocation=revocation, decision_number="1/QĐ")
    assert _state() == before
    # A new proposal may follow.
    assert _propose(cast, cert).status == RevocationStatus.PROPOSED


def test_a_revocation_linked_to_an_inspection(cast, cert):
    inspection = plan_inspection(
        actor=cast.office, certificate=cert, kind="unannounced", planned_on=dt.date(2026, 10, 1)
    )
    with pytest.raises(ValidationError) as info:
        _propose(cast, cert, inspection=inspection)
    assert list(info.value.message_dict) == ["inspection"]  # not carried out yet
    record_inspection(
        actor=cast.office,
        inspection=inspection,
        carried_out_on=dt.date(2026, 10, 2),
        findings="Nhãn không đúng công bố.",
        outcome=InspectionOutcome.VIOLATION,
    )
    revocation = _propose(
        cast, cert, ground=RevocationGround.CRITERIA_NOT_MET, inspection=inspection
    )
    assert revocation.inspection == inspection
    other = certificate(cast.product2)
    with pytest.raises(ValidationError) as info:
        _propose(cast, other, inspection=inspection)
    assert info.value.message_dict["inspection"] == [
        vi("The inspection is not one of this certificate.")
    ]


def test_a_conclusion_recorded_later_counts_on_its_own_day(cast):
    """A certificate that was in force on the day of the conclusion can still be revoked for it,
    even if its expiry has passed since (history being recorded)."""
    old = certificate(
        cast.product1, decided_on=dt.date(2022, 8, 15), expires_on=dt.date(2025, 8, 15)
    )
    revocation = _propose(cast, old, concluded_on=dt.date(2024, 4, 26))
    decide_revocation(
        actor=cast.approver,
        revocation=revocation,
        decision_number="2150/QĐ-UBND",
        decided_on=dt.date(2024, 5, 10),
    )
    old.refresh_from_db()
    assert (old.status, old.status_changed_on) == (CertificateStatus.REVOKED, dt.date(2024, 5, 10))
