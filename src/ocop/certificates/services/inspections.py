"""Post-certification checks (hậu kiểm, QĐ 26/2026 Điều 9): every write, by the provincial OCOP
office.

"Hậu kiểm, kết hợp kiểm tra định kỳ và kiểm tra đột xuất": planned (announced to the producer)
and unannounced inspections (never shown to the producer before they are carried out) of a
certified product: whether it still meets the criteria of its dossier, the use of the OCOP mark,
its information and promotion. The result is recorded with its findings, outcome and follow-up;
a violation leads to a revocation proposal (ground Điều 8.b, linked to the inspection).

`change_inspection_status` is the one transition (`INSPECTION_TRANSITIONS`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.rules import access_for
from ocop.certificates.enums import (
    INSPECTION_TRANSITIONS,
    CertificateStatus,
    InspectionKind,
    InspectionOutcome,
    InspectionStatus,
)
from ocop.certificates.models import Certificate, Inspection
from ocop.certificates.queries.certificates import can_manage_certificates
from ocop.certificates.services.people import producer_users, site_language
from ocop.core.services.activity import log_action, snapshot
from ocop.core.text import nfc, short_date
from ocop.evaluation.services.notifications import notify
from ocop.evaluation.services.refusals import NotAllowed, WrongState

TEXT_MAX = 5000
INSPECTORS_MAX = 300
PLAN_FIELDS = (
    "certificate",
    "kind",
    "planned_on",
    "inspectors",
    "checks_criteria",
    "checks_mark_use",
    "checks_information",
)
RESULT_FIELDS = (
    "status",
    "carried_out_on",
    "findings",
    "outcome",
    "follow_up",
    "follow_up_due",
    "closed_on",
)
# The last part of the activity-log action of each move of change_inspection_status.
INSPECTION_VERBS: dict[str, str] = {
    InspectionStatus.DONE: "record",
    InspectionStatus.CLOSED: "close",
    InspectionStatus.CANCELLED: "cancel",
}


def inspection_url(inspection: Inspection) -> str:
    return reverse("certificates:inspection", kwargs={"code": inspection.code})


def _require_office(actor: Any) -> None:
    if not can_manage_certificates(access_for(actor)):
        raise NotAllowed(_("Only the provincial OCOP office plans and records inspections."))


def _day(value: Any, field: str, errors: dict[str, str], *, required: bool) -> dt.date | None:
    if value in (None, ""):
        if required:
            errors[field] = _("Give the date.")
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        errors[field] = _("Give the date as yyyy-mm-dd.")
        return None


def _text(value: Any, field: str, errors: dict[str, str], limit: int = TEXT_MAX) -> str:
    text = nfc(value or "")
    if len(text) > limit:
        errors[field] = _("At most %(limit)s characters.") % {"limit": limit}
    return text


def _tell_producer(inspection: Inspection, message: str) -> None:
    """The producer hears of a planned (announced) inspection, and of any inspection once it is
    carried out; never of an unannounced one before."""
    certificate = inspection.certificate
    notify(producer_users(certificate.producer), message, url=inspection_url(inspection))


@transaction.atomic
def plan_inspection(
    *,
    actor: Any,
    certificate: Certificate,
    kind: str,
    planned_on: dt.date,
    inspectors: str = "",
    checks_criteria: bool = True,
    checks_mark_use: bool = True,
    checks_information: bool = True,
) -> Inspection:
    """Plan an inspection of a valid certificate: planned (định kỳ, the producer is told) or
    unannounced (đột xuất, the producer is not). At least one of the three checks of Điều 9."""
    _require_office(actor)
    errors: dict[str, str] = {}
    if kind not in InspectionKind.values:
        errors["kind"] = _("Choose a planned or an unannounced inspection.")
    day = _day(planned_on, "planned_on", errors, required=True)
    inspectors = _text(inspectors, "inspectors", errors, INSPECTORS_MAX)
    if not (checks_criteria or checks_mark_use or checks_information):
        errors["checks_criteria"] = _("Choose at least one thing to check.")
    if errors:
        raise ValidationError(errors)
    assert day is not None
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if locked.status != CertificateStatus.VALID:
        raise WrongState(
            _("Certificate %(number)s is %(status)s: only a valid certificate is inspected.")
            % {"number": locked.number, "status": locked.get_status_display()}
        )
    inspection = Inspection.objects.create(
        certificate=locked,
        kind=kind,
        planned_on=day,
        inspectors=inspectors,
        checks_criteria=bool(checks_criteria),
        checks_mark_use=bool(checks_mark_use),
        checks_information=bool(checks_information),
        created_by=actor,
    )
    log_action(
        actor,
        "certificates.inspection.plan",
        inspection,
        new=snapshot(inspection, PLAN_FIELDS),
    )
    if kind == InspectionKind.PLANNED:
        with site_language():
            message = _(
                "An inspection of certificate %(number)s (%(product)s) is planned for %(date)s."
            ) % {
                "number": locked.number,
                "product": locked.product_name,
                "date": short_date(inspection.planned_on),
            }
        _tell_producer(inspection, message)
    return inspection


@transaction.atomic
def change_inspection_status(
    *, actor: Any, inspection: Inspection, to: str, reason: str = "", **changes: Any
) -> Inspection:
    """The one way an inspection's status changes (`INSPECTION_TRANSITIONS`: planned → done or
    cancelled, done → closed), with the fields of the move (`changes`)."""
    locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if to not in INSPECTION_TRANSITIONS.get(locked.status, frozenset()):
        raise WrongState(
            _("Inspection %(code)s is %(status)s: this cannot be done now.")
            % {"code": locked.code, "status": locked.get_status_display()}
        )
    old = snapshot(locked, RESULT_FIELDS)
    locked.status = to
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.save(update_fields=["status", *changes, "updated_at"])
    log_action(
        actor,
        f"certificates.inspection.{INSPECTION_VERBS[to]}",
        locked,
        old=old,
        new=snapshot(locked, RESULT_FIELDS),
        data={"reason": reason} if reason else None,
    )
    inspection.status = locked.status
    return locked


@transaction.atomic
def record_inspection(
    *,
    actor: Any,
    inspection: Inspection,
    carried_out_on: dt.date,
    findings: str,
    outcome: str,
    follow_up: str = "",
    follow_up_due: dt.date | None = None,
) -> Inspection:
    """The result of a planned inspection (PLANNED → DONE): the day, the findings, the outcome
    (required) and the follow-up (required when the outcome has remarks to follow up). The
    producer is told. A violation calls for a revocation proposal (ground Điều 8.b, linked to
    this inspection): the pages and the API suggest it."""
    _require_office(actor)
    errors: dict[str, str] = {}
    day = _day(carried_out_on, "carried_out_on", errors, required=True)
    if day is not None and day > timezone.localdate():
        errors["carried_out_on"] = _("An inspection is recorded once it has been carried out.")
    findings = _text(findings, "findings", errors)
    if not findings and "findings" not in errors:
        errors["findings"] = _("Write down what the inspection found.")
    if outcome not in InspectionOutcome.values:
        errors["outcome"] = _("Choose the outcome of the inspection.")
    follow_up = _text(follow_up, "follow_up", errors)
    if outcome == InspectionOutcome.REMARKS and not follow_up and "follow_up" not in errors:
        errors["follow_up"] = _("Say what the producer has to put right.")
    due = _day(follow_up_due, "follow_up_due", errors, required=False)
    if due is not None and day is not None and due < day:
        errors["follow_up_due"] = _("The follow-up cannot be due before the inspection.")
    if errors:
        raise ValidationError(errors)
    result = change_inspection_status(
        actor=actor,
        inspection=inspection,
        to=InspectionStatus.DONE,
        carried_out_on=day,
        findings=findings,
        outcome=outcome,
        follow_up=follow_up,
        follow_up_due=due,
    )
    with site_language():
        message = _(
            "Inspection %(code)s of certificate %(number)s (%(product)s) on %(date)s: %(outcome)s."
        ) % {
            "code": result.code,
            "number": result.certificate.number,
            "product": result.certificate.product_name,
            "date": short_date(result.carried_out_on),
            "outcome": result.get_outcome_display(),
        }
    _tell_producer(result, message)
    return result


@transaction.atomic
def close_follow_up(
    *, actor: Any, inspection: Inspection, closed_on: dt.date | None = None, note: str = ""
) -> Inspection:
    """The follow-up of a carried-out inspection is done (DONE → CLOSED)."""
    _require_office(actor)
    errors: dict[str, str] = {}
    day = _day(closed_on, "closed_on", errors, required=False) or timezone.localdate()
    if day > timezone.localdate():
        errors["closed_on"] = _("The date cannot be in the future.")
    note = _text(note, "note", errors)
    if errors:
        raise ValidationError(errors)
    return change_inspection_status(
        actor=actor, inspection=inspection, to=InspectionStatus.CLOSED, reason=note, closed_on=day
    )


@transaction.atomic
def cancel_inspection(*, actor: Any, inspection: Inspection, reason: str) -> Inspection:
    """A planned inspection that will not take place (PLANNED → CANCELLED), with the reason. The
    producer hears of it only if it was announced."""
    _require_office(actor)
    errors: dict[str, str] = {}
    reason = _text(reason, "reason", errors)
    if not reason and "reason" not in errors:
        errors["reason"] = _("Say why the inspection is cancelled.")
    if errors:
        raise ValidationError(errors)
    result = change_inspection_status(
        actor=actor, inspection=inspection, to=InspectionStatus.CANCELLED, reason=reason
    )
    if result.kind == InspectionKind.PLANNED:
        with site_language():
            message = _(
                "The inspection of certificate %(number)s planned for %(date)s is cancelled."
            ) % {
                "number": result.certificate.number,
                "date": short_date(result.planned_on),
            }
        _tell_producer(result, message)
    return result
