"""Revocations (thu hồi giấy chứng nhận, QĐ 26/2026 Điều 8): every write.

The provincial OCOP office proposes, on a ground of Điều 8 (a–e) with its basis (the
inspection's or another authority's conclusion, with its number and date); the authority that
issued the certificate decides within 15 days of the conclusion (`REVOCATION_DAYS`, calendar
days): the Chairman of the provincial People's Committee (the approver) for 3★ and 4★ (and the
district's under QĐ 148), the Minister of Agriculture and Environment for 5★, whose decision the
office records here. Deciding revokes the certificate in the same transaction; the public
register no longer lists it and its verification page says why.

`change_revocation_status` is the one transition (`REVOCATION_TRANSITIONS`).
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
    REVOCATION_TRANSITIONS,
    Authority,
    CertificateStatus,
    InspectionStatus,
    RevocationGround,
    RevocationStatus,
)
from ocop.certificates.models import Certificate, Inspection, Revocation
from ocop.certificates.queries.certificates import can_manage_certificates
from ocop.certificates.queries.revocations import can_decide_revocation
from ocop.certificates.services.certificates import change_certificate_status
from ocop.certificates.services.people import (
    approver_users,
    office_users,
    site_language,
)
from ocop.core.services.activity import log_action, snapshot
from ocop.core.text import nfc, short_date
from ocop.evaluation.services.notifications import notify
from ocop.evaluation.services.refusals import NotAllowed, WrongState

REVOCATION_DAYS = 15  # Điều 8: decided within 15 days of the conclusion
BASIS_MAX = 300
NUMBER_MAX = 60
NOTE_MAX = 5000
# The last part of the activity-log action of each move of change_revocation_status.
REVOCATION_VERBS: dict[str, str] = {
    RevocationStatus.DECIDED: "decide",
    RevocationStatus.REJECTED: "reject",
}
PROPOSAL_FIELDS = ("certificate", "ground", "authority", "basis", "concluded_on", "due_on")
DECISION_FIELDS = ("status", "decision_number", "decided_on", "decided_by")


def revocation_url(revocation: Revocation) -> str:
    return reverse("certificates:revocation", kwargs={"code": revocation.code})


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


def deciders_of(revocation: Revocation) -> list[Any]:
    """Who is told that a proposal waits: the approvers, or the office that records the
    ministry's decision on a 5★ certificate."""
    if revocation.authority == Authority.CENTRAL:
        return office_users()
    return approver_users()


@transaction.atomic
def propose_revocation(
    *,
    actor: Any,
    certificate: Certificate,
    ground: str,
    basis: str,
    concluded_on: dt.date,
    inspection: Inspection | None = None,
    note: str = "",
) -> Revocation:
    """The office's proposal to revoke a valid certificate, on a ground of Điều 8 with its basis
    and the date of the conclusion; to be decided by `due_on` (the conclusion + 15 days). The
    deciders are told. Refused: no or an unknown ground, no basis, a conclusion dated in the
    future, an inspection of another certificate, a certificate that is not valid, a second open
    proposal."""
    if not can_manage_certificates(access_for(actor)):
        raise NotAllowed(_("Only the provincial OCOP office proposes to revoke a certificate."))
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if ground not in RevocationGround.values:
        errors["ground"] = _("Choose the ground of Điều 8.")
    basis = nfc(basis or "")
    if not basis:
        errors["basis"] = _(
            "Give the conclusion or document the revocation rests on, with its number and date."
        )
    elif len(basis) > BASIS_MAX:
        errors["basis"] = _("At most %(limit)s characters.") % {"limit": BASIS_MAX}
    concluded = _day(concluded_on, "concluded_on", errors, required=True)
    if concluded is not None and concluded > today:
        errors["concluded_on"] = _("The date of the conclusion cannot be in the future.")
    if inspection is not None and inspection.certificate_id != certificate.pk:
        errors["inspection"] = _("The inspection is not one of this certificate.")
    elif inspection is not None and inspection.status not in (
        InspectionStatus.DONE,
        InspectionStatus.CLOSED,
    ):
        errors["inspection"] = _("The inspection has not been carried out.")
    note = nfc(note or "")
    if len(note) > NOTE_MAX:
        errors["note"] = _("At most %(limit)s characters.") % {"limit": NOTE_MAX}
    if errors:
        raise ValidationError(errors)
    assert concluded is not None
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    # In force on the day of the conclusion (a conclusion recorded later still counts).
    if locked.status != CertificateStatus.VALID or locked.expires_on <= concluded:
        raise WrongState(
            _("Certificate %(number)s is not in force: only a valid certificate is revoked.")
            % {"number": locked.number}
        )
    open_one = locked.revocations.filter(status=RevocationStatus.PROPOSED).first()
    if open_one is not None:
        raise WrongState(
            _(
                "Certificate %(number)s already has a revocation proposal (%(code)s) waiting "
                "for a decision."
            )
            % {"number": locked.number, "code": open_one.code}
        )
    revocation = Revocation.objects.create(
        certificate=locked,
        ground=ground,
        authority=locked.authority,
        basis=basis,
        concluded_on=concluded,
        due_on=concluded + dt.timedelta(days=REVOCATION_DAYS),
        inspection=inspection,
        note=note,
        proposed_by=actor,
    )
    log_action(
        actor,
        "certificates.revocation.propose",
        revocation,
        new=snapshot(revocation, PROPOSAL_FIELDS),
        data={"inspection": inspection.code if inspection else None},
    )
    with site_language():
        message = _(
            "Revocation of certificate %(number)s (%(product)s) is proposed: %(ground)s. "
            "Decide by %(due)s."
        ) % {
            "number": locked.number,
            "product": locked.product_name,
            "ground": revocation.get_ground_display(),
            "due": short_date(revocation.due_on),
        }
    actor_id = getattr(actor, "pk", None)
    people = [user for user in deciders_of(revocation) if user.pk != actor_id]
    notify(people, message, url=revocation_url(revocation), email=True)
    return revocation


@transaction.atomic
def change_revocation_status(
    *,
    actor: Any,
    revocation: Revocation,
    to: str,
    decision_number: str = "",
    decided_on: dt.date | None = None,
    note: str = "",
) -> Revocation:
    """The one way a revocation's status changes (`REVOCATION_TRANSITIONS`: a proposal is
    decided or rejected, once). Decided: the certificate is revoked in the same transaction
    (its status changed on the decision's day)."""
    locked = Revocation.objects.select_for_update().get(pk=revocation.pk)
    if to not in REVOCATION_TRANSITIONS.get(locked.status, frozenset()):
        raise WrongState(
            _("Revocation %(code)s is already %(status)s.")
            % {"code": locked.code, "status": locked.get_status_display()}
        )
    old = snapshot(locked, DECISION_FIELDS)
    locked.status = to
    locked.decision_number = decision_number
    locked.decided_on = decided_on or timezone.localdate()
    locked.decided_by = actor
    locked.decision_note = note
    locked.save(
        update_fields=[*DECISION_FIELDS, "decision_note", "updated_at"],
    )
    log_action(
        actor,
        f"certificates.revocation.{REVOCATION_VERBS[to]}",
        locked,
        old=old,
        new=snapshot(locked, DECISION_FIELDS),
        data={"reason": note} if note else None,
    )
    if to == RevocationStatus.DECIDED:
        with site_language():
            reason = _("Decision %(number)s of %(date)s: %(ground)s.") % {
                "number": locked.decision_number,
                "date": short_date(locked.decided_on),
                "ground": locked.get_ground_display(),
            }
        change_certificate_status(
            actor=actor,
            certificate=locked.certificate,
            to=CertificateStatus.REVOKED,
            reason=reason,
            on=locked.decided_on,
        )
    revocation.status = locked.status
    return locked


def _require_decider(actor: Any, revocation: Revocation) -> None:
    if can_decide_revocation(access_for(actor), revocation):
        return
    if revocation.authority == Authority.CENTRAL:
        raise NotAllowed(
            _(
                "A 5★ certificate is revoked by the Minister of Agriculture and Environment: the "
                "provincial OCOP office records the ministry's decision."
            )
        )
    raise NotAllowed(
        _("Only the Chairman of the People's Committee (the approver) decides a revocation.")
    )


def _decision_day(value: Any, revocation: Revocation, errors: dict[str, str]) -> dt.date | None:
    day = _day(value, "decided_on", errors, required=False) or timezone.localdate()
    if day > timezone.localdate():
        errors["decided_on"] = _("The decision date cannot be in the future.")
    elif day < revocation.concluded_on:
        errors["decided_on"] = _("The decision cannot come before the conclusion it rests on.")
    return day


@transaction.atomic
def decide_revocation(
    *,
    actor: Any,
    revocation: Revocation,
    decision_number: str,
    decided_on: dt.date | None = None,
    note: str = "",
) -> Revocation:
    """Revoke: the proposal becomes DECIDED and the certificate REVOKED, in one transaction.
    By the approver for a provincial or district certificate; for a 5★ certificate the office
    records the ministry's decision. The decision's number is required."""
    _require_decider(actor, revocation)
    errors: dict[str, str] = {}
    number = nfc(decision_number or "")
    if not number:
        errors["decision_number"] = _("Give the number of the revocation decision.")
    elif len(number) > NUMBER_MAX:
        errors["decision_number"] = _("At most %(limit)s characters.") % {"limit": NUMBER_MAX}
    day = _decision_day(decided_on, revocation, errors)
    note = nfc(note or "")
    if len(note) > NOTE_MAX:
        errors["note"] = _("At most %(limit)s characters.") % {"limit": NOTE_MAX}
    if errors:
        raise ValidationError(errors)
    return change_revocation_status(
        actor=actor,
        revocation=revocation,
        to=RevocationStatus.DECIDED,
        decision_number=number,
        decided_on=day,
        note=note,
    )


@transaction.atomic
def reject_revocation(
    *,
    actor: Any,
    revocation: Revocation,
    reason: str,
    decided_on: dt.date | None = None,
) -> Revocation:
    """The authority does not revoke: the proposal becomes REJECTED with the reason; the
    certificate stays as it is. By whoever decides (see `decide_revocation`)."""
    _require_decider(actor, revocation)
    errors: dict[str, str] = {}
    reason = nfc(reason or "")
    if not reason:
        errors["reason"] = _("Say why the certificate is not revoked.")
    elif len(reason) > NOTE_MAX:
        errors["reason"] = _("At most %(limit)s characters.") % {"limit": NOTE_MAX}
    day = _decision_day(decided_on, revocation, errors)
    if errors:
        raise ValidationError(errors)
    result = change_revocation_status(
        actor=actor,
        revocation=revocation,
        to=RevocationStatus.REJECTED,
        decided_on=day,
        note=reason,
    )
    with site_language():
        message = _("Revocation %(code)s of certificate %(number)s is rejected: %(reason)s") % {
            "code": result.code,
            "number": result.certificate.number,
            "reason": reason,
        }
    actor_id = getattr(actor, "pk", None)
    people = [user for user in office_users() if user.pk != actor_id]
    notify(people, message, url=revocation_url(result), email=False)
    return result
