"""Certificate API for officials and producers: certificates, revocations, inspections. Its
endpoints are added to the router of `ocop.certificates.api` (see there), after the public ones.

The same loaders and services as the pages: 404 to whoever may not see the object (existence
never leaks); 403 (`forbidden`) to someone who sees it but may not do this (a producer proposing a
revocation, the approver deciding on a 5★ certificate); 409 (`conflict`) when the state does not
allow it (a certificate no longer valid, a proposal already decided, a window not open yet); 422
for bad input (`errors` name the fields). Every error is RFC 9457 problem details.

- `GET /certificates`: the certificates the caller sees (filters `status`, `stars`, `year`, `q`;
  `limit`, `offset`).
- `GET /certificates/{code}`: one certificate, its window, revocations, inspections and actions.
- `POST /certificates/{code}/reevaluation`, `POST /certificates/{code}/upgrade`: start the
  dossier (201, its code).
- `POST /certificates/{code}/revocations`; `GET /certificates/revocations/{code}`;
  `POST /certificates/revocations/{code}/decide`, `…/reject`.
- `POST /certificates/{code}/inspections`; `GET /certificates/inspections/{code}`;
  `POST /certificates/inspections/{code}/record`, `…/close`, `…/cancel`.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Status
from ninja.pagination import LimitOffsetPagination, paginate

from ocop.accounts.rules import access_for
from ocop.certificates.api import router
from ocop.certificates.dates import certificate_rules, expiry_notice_from, window_of
from ocop.certificates.models import Certificate, Inspection, Revocation
from ocop.certificates.queries.certificates import (
    access_certificate,
    certificate_actions,
    certificates_visible_to,
    filter_certificates,
    with_list_columns,
)
from ocop.certificates.queries.inspections import access_inspection, inspections_of
from ocop.certificates.queries.revocations import access_revocation, revocations_of
from ocop.certificates.schemas_manage import (
    CertificateDetailOut,
    CertificateFiltersIn,
    CertificateInspectionOut,
    CertificateRevocationOut,
    CertificateRowOut,
    DossierStartedOut,
    InspectionCancelIn,
    InspectionCloseIn,
    InspectionPlanIn,
    InspectionResultIn,
    RevocationDecisionIn,
    RevocationProposalIn,
    RevocationRejectIn,
)
from ocop.certificates.services.inspections import (
    cancel_inspection,
    close_follow_up,
    plan_inspection,
    record_inspection,
)
from ocop.certificates.services.lifecycle import start_reevaluation, start_upgrade
from ocop.certificates.services.revocations import (
    decide_revocation,
    propose_revocation,
    reject_revocation,
)
from ocop.core.problems import Problem
from ocop.evaluation.services.refusals import Refusal

__all__ = ["router"]


@contextmanager
def refusals_as_problems() -> Iterator[None]:
    """A refusal of the services answers its own status: 403 not allowed, 409 wrong state."""
    try:
        yield
    except Refusal as exc:
        raise Problem(exc.status, exc.text, kind=exc.kind) from None


def _detail(request: HttpRequest, code: str) -> Certificate:
    """The certificate as the caller sees it now, with what it may do."""
    access = access_for(request.auth)
    certificate = access_certificate(access, code)
    today = timezone.localdate()
    certificate.detail_notice_from = expiry_notice_from(  # type: ignore[attr-defined]
        certificate.expires_on, certificate_rules(certificate.criteria_set)
    )
    certificate.detail_window = window_of(certificate)  # type: ignore[attr-defined]
    certificate.detail_revocations = list(  # type: ignore[attr-defined]
        revocations_of(access, certificate)
    )
    certificate.detail_inspections = list(  # type: ignore[attr-defined]
        inspections_of(access, certificate).select_related("certificate")
    )
    certificate.detail_actions = sorted(  # type: ignore[attr-defined]
        certificate_actions(access, certificate, today)
    )
    return certificate


# --- certificates ---------------------------------------------------------------------------


@router.get(
    "", response=list[CertificateRowOut], summary="List the certificates the caller may see"
)
@paginate(LimitOffsetPagination)
def list_certificates(
    request: HttpRequest, filters: Query[CertificateFiltersIn]
) -> QuerySet[Certificate]:
    """Newest first. `status` is the state today: valid, expiring, expired, revoked or
    superseded."""
    queryset = filter_certificates(
        certificates_visible_to(request.auth), on=timezone.localdate(), **filters.dict()
    )
    return with_list_columns(queryset).select_related("product", "producer")


@router.get("/{code}", response=CertificateDetailOut, summary="One certificate")
def certificate_detail(request: HttpRequest, code: str) -> Certificate:
    return _detail(request, code)


def _started(dossier: object, *, late: bool = False) -> Status:
    code = dossier.code  # type: ignore[attr-defined]
    return Status(
        201,
        {
            "dossier": code,
            "kind": dossier.kind,  # type: ignore[attr-defined]
            "url": reverse("evaluation:dossier", kwargs={"code": code}),
            "late": late,
        },
    )


@router.post(
    "/{code}/reevaluation",
    response={201: DossierStartedOut},
    summary="Start the re-evaluation dossier (pre-filled from the last one)",
)
def reevaluation(request: HttpRequest, code: str) -> Status:
    """409 before the window opens (the message gives the opening day); after its last day the
    dossier is still started, with `late: true` (Điều 12)."""
    certificate = access_certificate(request.auth, code)
    with refusals_as_problems():
        dossier = start_reevaluation(actor=request.auth, certificate=certificate)
    window = window_of(certificate)
    return _started(dossier, late=bool(window and window.is_late(timezone.localdate())))


@router.post(
    "/{code}/upgrade",
    response={201: DossierStartedOut},
    summary="Start an upgrade dossier (pre-filled from the last one)",
)
def upgrade(request: HttpRequest, code: str) -> Status:
    certificate = access_certificate(request.auth, code)
    with refusals_as_problems():
        dossier = start_upgrade(actor=request.auth, certificate=certificate)
    return _started(dossier)


# --- revocations ----------------------------------------------------------------------------


def _inspection_of(certificate: Certificate, code: str) -> Inspection | None:
    if not code:
        return None
    found = Inspection.objects.filter(certificate=certificate, code=code).first()
    if found is None:
        raise ValidationError(
            {
                "inspection": _("There is no inspection %(code)s of this certificate.")
                % {"code": code}
            }
        )
    return found


@router.post(
    "/{code}/revocations",
    response={201: CertificateRevocationOut},
    summary="Propose to revoke the certificate (the office)",
)
def propose(request: HttpRequest, code: str, payload: RevocationProposalIn) -> Status:
    certificate = access_certificate(request.auth, code)
    with refusals_as_problems():
        revocation = propose_revocation(
            actor=request.auth,
            certificate=certificate,
            ground=payload.ground,
            basis=payload.basis,
            concluded_on=payload.concluded_on,  # type: ignore[arg-type]
            inspection=_inspection_of(certificate, payload.inspection),
            note=payload.note,
        )
    return Status(201, access_revocation(request.auth, revocation.code))


@router.get("/revocations/{code}", response=CertificateRevocationOut, summary="One revocation")
def revocation_detail(request: HttpRequest, code: str) -> Revocation:
    return access_revocation(request.auth, code)


@router.post(
    "/revocations/{code}/decide",
    response=CertificateRevocationOut,
    summary="Revoke (the approver; the office records the ministry's decision on 5★)",
)
def decide(request: HttpRequest, code: str, payload: RevocationDecisionIn) -> Revocation:
    revocation = access_revocation(request.auth, code)
    with refusals_as_problems():
        decide_revocation(
            actor=request.auth,
            revocation=revocation,
            decision_number=payload.decision_number,
            decided_on=payload.decided_on,
            note=payload.note,
        )
    return access_revocation(request.auth, code)


@router.post(
    "/revocations/{code}/reject",
    response=CertificateRevocationOut,
    summary="Do not revoke, with the reason (whoever decides)",
)
def reject(request: HttpRequest, code: str, payload: RevocationRejectIn) -> Revocation:
    revocation = access_revocation(request.auth, code)
    with refusals_as_problems():
        reject_revocation(
            actor=request.auth,
            revocation=revocation,
            reason=payload.reason,
            decided_on=payload.decided_on,
        )
    return access_revocation(request.auth, code)


# --- inspections ----------------------------------------------------------------------------


def _inspection(request: HttpRequest, code: str) -> Inspection:
    return access_inspection(request.auth, code)


@router.post(
    "/{code}/inspections",
    response={201: CertificateInspectionOut},
    summary="Plan an inspection (the office)",
)
def plan(request: HttpRequest, code: str, payload: InspectionPlanIn) -> Status:
    """`kind`: planned (the producer is told) or unannounced (never shown to the producer
    before it is carried out)."""
    certificate = access_certificate(request.auth, code)
    with refusals_as_problems():
        inspection = plan_inspection(
            actor=request.auth,
            certificate=certificate,
            kind=payload.kind,
            planned_on=payload.planned_on,  # type: ignore[arg-type]
            inspectors=payload.inspectors,
            checks_criteria=payload.checks_criteria,
            checks_mark_use=payload.checks_mark_use,
            checks_information=payload.checks_information,
        )
    return Status(201, _inspection(request, inspection.code))


@router.get("/inspections/{code}", response=CertificateInspectionOut, summary="One inspection")
def inspection_detail(request: HttpRequest, code: str) -> Inspection:
    return _inspection(request, code)


@router.post(
    "/inspections/{code}/record",
    response=CertificateInspectionOut,
    summary="Record the result of an inspection (the office)",
)
def record(request: HttpRequest, code: str, payload: InspectionResultIn) -> Inspection:
    """A violation answers `suggested_revocation` (ground criteria_not_met, this inspection):
    post it to `/certificates/{code}/revocations`."""
    inspection = _inspection(request, code)
    with refusals_as_problems():
        record_inspection(
            actor=request.auth,
            inspection=inspection,
            carried_out_on=payload.carried_out_on,  # type: ignore[arg-type]
            findings=payload.findings,
            outcome=payload.outcome,
            follow_up=payload.follow_up,
            follow_up_due=payload.follow_up_due,
        )
    return _inspection(request, code)


@router.post(
    "/inspections/{code}/close",
    response=CertificateInspectionOut,
    summary="Close the follow-up of an inspection (the office)",
)
def close(request: HttpRequest, code: str, payload: InspectionCloseIn) -> Inspection:
    inspection = _inspection(request, code)
    with refusals_as_problems():
        close_follow_up(
            actor=request.auth,
            inspection=inspection,
            closed_on=payload.closed_on,
            note=payload.note,
        )
    return _inspection(request, code)


@router.post(
    "/inspections/{code}/cancel",
    response=CertificateInspectionOut,
    summary="Cancel a planned inspection (the office)",
)
def cancel(request: HttpRequest, code: str, payload: InspectionCancelIn) -> Inspection:
    inspection = _inspection(request, code)
    with refusals_as_problems():
        cancel_inspection(actor=request.auth, inspection=inspection, reason=payload.reason)
    return _inspection(request, code)
