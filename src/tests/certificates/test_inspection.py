"""Post-certification checks (hậu kiểm, Điều 9): planned and unannounced inspections, their result,
follow-up and cancellation, by the office; an unannounced inspection is never shown to the
producer before it is carried out."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from ocop.certificates.enums import (
    CertificateStatus,
    InspectionKind,
    InspectionOutcome,
    InspectionStatus,
)
from ocop.certificates.models import Inspection
from ocop.certificates.queries.inspections import (
    access_inspection,
    inspections_visible_to,
    open_follow_ups,
    planned_inspections,
)
from ocop.certificates.services.inspections import (
    cancel_inspection,
    close_follow_up,
    plan_inspection,
    record_inspection,
)
from ocop.core.models import ActivityLog
from ocop.evaluation.models import Notification
from ocop.evaluation.services.refusals import NotAllowed, WrongState
from tests.certificates.manage_setup import certificate, vi

pytestmark = pytest.mark.django_db
PLANNED_ON = dt.date(2026, 10, 20)
DONE_ON = dt.date(2026, 10, 21)


@pytest.fixture
def cert(cast):
    return certificate(cast.product1)


def _plan(cast, cert, kind=InspectionKind.PLANNED, **overrides):
    values = {
        "actor": cast.office,
        "certificate": cert,
        "kind": kind,
        "planned_on": PLANNED_ON,
        "inspectors": "Nguyễn Văn An, Trần Thị Bình",
    }
    values.update(overrides)
    return plan_inspection(**values)


def _record(cast, inspection, **overrides):
    values = {
        "actor": cast.office,
        "inspection": inspection,
        "carried_out_on": DONE_ON,
        "findings": "Sản phẩm đúng hồ sơ; nhãn thiếu mã truy xuất.",
        "outcome": InspectionOutcome.REMARKS,
        "follow_up": "Bổ sung mã truy xuất trên nhãn.",
        "follow_up_due": dt.date(2026, 12, 31),
    }
    values.update(overrides)
    return record_inspection(**values)


def _state():
    return (
        list(Inspection.objects.order_by("pk").values()),
        ActivityLog.objects.count(),
        Notification.objects.count(),
    )


def test_a_planned_inspection_is_announced_to_the_producer(cast, cert):
    inspection = _plan(cast, cert)
    assert (inspection.status, inspection.kind, inspection.planned_on, inspection.created_by) == (
        InspectionStatus.PLANNED,
        InspectionKind.PLANNED,
        PLANNED_ON,
        cast.office,
    )
    assert (
        inspection.checks_criteria,
        inspection.checks_mark_use,
        inspection.checks_information,
    ) == (
        True,
        True,
        True,
    )
    assert list(
        Notification.objects.filter(user=cast.producer1).values_list("message", flat=True)
    ) == [
        vi("An inspection of certificate %(number)s (%(product)s) is planned for %(date)s.")
        % {"number": cert.number, "product": cert.product_name, "date": "20/10/2026"}
    ]
    assert access_inspection(cast.producer1, inspection.code) == inspection
    assert ActivityLog.objects.filter(action="certificates.inspection.plan").count() == 1


def test_an_unannounced_inspection_is_hidden_from_the_producer_until_it_is_carried_out(cast, cert):
    inspection = _plan(cast, cert, kind=InspectionKind.UNANNOUNCED)
    assert Notification.objects.filter(user__in=[cast.producer1, cast.producer1_staff]).count() == 0
    for name in ("producer1", "producer1_staff", "commune"):
        assert list(inspections_visible_to(getattr(cast, name))) == []
        with pytest.raises(Http404):
            access_inspection(getattr(cast, name), inspection.code)
    # The office and the approver see it.
    assert list(inspections_visible_to(cast.office)) == [inspection]
    assert list(inspections_visible_to(cast.approver)) == [inspection]
    _record(cast, inspection)
    assert access_inspection(cast.producer1, inspection.code) == inspection
    assert Notification.objects.filter(user=cast.producer1).count() == 1


def test_a_cancelled_unannounced_inspection_stays_hidden(cast, cert):
    inspection = _plan(cast, cert, kind=InspectionKind.UNANNOUNCED)
    cancel_inspection(actor=cast.office, inspection=inspection, reason="Trùng lịch kiểm tra.")
    assert list(inspections_visible_to(cast.producer1)) == []
    assert Notification.objects.filter(user=cast.producer1).count() == 0


def test_the_result_with_findings_outcome_and_follow_up(cast, cert):
    inspection = _record(cast, _plan(cast, cert))
    inspection.refresh_from_db()
    assert (
        inspection.status,
        inspection.carried_out_on,
        inspection.outcome,
        inspection.follow_up_due,
    ) == (InspectionStatus.DONE, DONE_ON, InspectionOutcome.REMARKS, dt.date(2026, 12, 31))
    message = vi(
        "Inspection %(code)s of certificate %(number)s (%(product)s) on %(date)s: %(outcome)s."
    ) % {
        "code": inspection.code,
        "number": cert.number,
        "product": cert.product_name,
        "date": "21/10/2026",
        "outcome": vi(InspectionOutcome.REMARKS.label),
    }
    assert Notification.objects.filter(user=cast.producer1).order_by("pk").last().message == message
    assert list(open_follow_ups(cast.office)) == [inspection]
    close_follow_up(actor=cast.office, inspection=inspection, closed_on=dt.date(2026, 11, 20))
    inspection.refresh_from_db()
    assert (inspection.status, inspection.closed_on) == (
        InspectionStatus.CLOSED,
        dt.date(2026, 11, 20),
    )
    assert list(open_follow_ups(cast.office)) == []
    actions = list(
        ActivityLog.objects.filter(object_id=str(inspection.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "certificates.inspection.plan",
        "certificates.inspection.record",
        "certificates.inspection.close",
    ]


@pytest.mark.parametrize(
    ("overrides", "field", "msgid"),
    [
        ({"outcome": ""}, "outcome", "Choose the outcome of the inspection."),
        ({"findings": " "}, "findings", "Write down what the inspection found."),
        ({"follow_up": ""}, "follow_up", "Say what the producer has to put right."),
        ({"carried_out_on": None}, "carried_out_on", "Give the date."),
        (
            {"carried_out_on": "tomorrow"},
            "carried_out_on",
            "An inspection is recorded once it has been carried out.",
        ),
        (
            {"follow_up_due": dt.date(2026, 10, 1)},
            "follow_up_due",
            "The follow-up cannot be due before the inspection.",
        ),
    ],
)
def test_a_result_without_outcome_is_refused_and_nothing_changes(
    cast, cert, overrides, field, msgid
):
    if overrides.get("carried_out_on") == "tomorrow":
        overrides = {"carried_out_on": timezone.localdate() + dt.timedelta(days=1)}
    inspection = _plan(cast, cert)
    before = _state()
    with pytest.raises(ValidationError) as info:
        _record(cast, inspection, **overrides)
    assert info.value.message_dict[field] == [vi(msgid)]
    assert _state() == before


@pytest.mark.parametrize("name", ["producer1", "commune", "approver", "member", "buyer"])
def test_only_the_office_plans_and_records(cast, cert, name):
    inspection = _plan(cast, cert)
    before = _state()
    actor = getattr(cast, name)
    with pytest.raises(NotAllowed):
        _plan(cast, cert, actor=actor)
    with pytest.raises(NotAllowed):
        _record(cast, inspection, actor=actor)
    with pytest.raises(NotAllowed):
        cancel_inspection(actor=actor, inspection=inspection, reason="x")
    assert _state() == before


def test_the_transitions_of_an_inspection(cast, cert):
    inspection = _plan(cast, cert)
    with pytest.raises(WrongState):
        close_follow_up(actor=cast.office, inspection=inspection)
    with pytest.raises(ValidationError) as info:
        cancel_inspection(actor=cast.office, inspection=inspection, reason="")
    assert info.value.message_dict == {"reason": [vi("Say why the inspection is cancelled.")]}
    cancel_inspection(actor=cast.office, inspection=inspection, reason="Cơ sở tạm dừng sản xuất.")
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.CANCELLED
    before = _state()
    with pytest.raises(WrongState):
        _record(cast, inspection)
    assert _state() == before
    entry = ActivityLog.objects.get(action="certificates.inspection.cancel")
    assert entry.data["reason"] == "Cơ sở tạm dừng sản xuất."


def test_planning_refusals(cast, cert):
    with pytest.raises(ValidationError) as info:
        _plan(cast, cert, kind="", planned_on=None)
    assert set(info.value.message_dict) == {"kind", "planned_on"}
    with pytest.raises(ValidationError) as info:
        _plan(cast, cert, checks_criteria=False, checks_mark_use=False, checks_information=False)
    assert info.value.message_dict == {
        "checks_criteria": [vi("Choose at least one thing to check.")]
    }
    revoked = certificate(cast.product2, status=CertificateStatus.REVOKED)
    with pytest.raises(WrongState):
        _plan(cast, revoked)
    assert Inspection.objects.count() == 0


def test_the_planned_list_comes_earliest_first(cast, cert):
    late = _plan(cast, cert, planned_on=dt.date(2026, 12, 1))
    early = _plan(cast, cert, planned_on=dt.date(2026, 11, 1))
    assert list(planned_inspections(cast.office)) == [early, late]
