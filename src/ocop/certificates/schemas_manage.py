"""Schemas of the certificate API for officials and producers (`ocop.certificates.api_manage`):
certificates, revocations, inspections. Codes only, never database ids; dates ISO.

Inputs take plain strings for the choices (ground, kind, outcome) so that a missing or unknown
value is refused by the service with its own message (422 problem details naming the field)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from ninja import Schema
from pydantic import Field

from ocop.certificates.enums import (
    CertificateStatus,
    InspectionOutcome,
    RevocationGround,
    RevocationStatus,
)
from ocop.certificates.models import Certificate, Inspection, Revocation


class CertificateNamedRef(Schema):
    code: str
    name: str


class CertificateFiltersIn(Schema):
    status: str = Field(
        default="", max_length=20, description="valid | expiring | expired | revoked | superseded"
    )
    stars: int | None = Field(default=None, ge=3, le=5)
    year: int | None = Field(default=None, ge=2000, le=2200, description="Year of the decision")
    q: str = Field(
        default="",
        max_length=100,
        description="Product or producer name (no accents needed), number or code",
    )


class CertificateRowOut(Schema):
    """A certificate as the list shows it; `state` is read today (valid, expiring, expired,
    revoked, superseded)."""

    code: str
    number: str
    verification_code: str
    product: CertificateNamedRef
    producer: CertificateNamedRef
    stars: int
    criteria_set: str
    decision_number: str
    decided_on: dt.date
    issued_on: dt.date
    expires_on: dt.date
    authority: str
    authority_name: str
    status: str
    state: str
    url: str

    @staticmethod
    def resolve_product(obj: Certificate) -> dict[str, str]:
        return {"code": obj.product.code, "name": obj.product_name}

    @staticmethod
    def resolve_producer(obj: Certificate) -> dict[str, str]:
        return {"code": obj.producer.code, "name": obj.producer_name}

    @staticmethod
    def resolve_criteria_set(obj: Certificate) -> str:
        return obj.criteria_code

    @staticmethod
    def resolve_state(obj: Certificate) -> str:
        return obj.state_on(timezone.localdate())

    @staticmethod
    def resolve_url(obj: Certificate) -> str:
        return reverse("certificates:detail", kwargs={"code": obj.code})


class ReevaluationWindowOut(Schema):
    """QĐ 26/2026 Điều 7.6 (and 12): when the re-evaluation is filed."""

    opens_on: dt.date
    closes_on: dt.date
    decision_within_days: int
    written_consultation: bool
    kept_until: dt.date = Field(
        description="A late filing keeps the certificate at most until this day (Điều 12)."
    )


class CertificateRevocationOut(Schema):
    code: str
    certificate: str
    ground: str
    ground_label: str
    authority: str
    basis: str
    concluded_on: dt.date
    due_on: dt.date
    overdue: bool
    inspection: str | None
    status: str
    note: str
    decision_number: str
    decided_on: dt.date | None
    decision_note: str

    @staticmethod
    def resolve_certificate(obj: Revocation) -> str:
        return obj.certificate.code

    @staticmethod
    def resolve_ground_label(obj: Revocation) -> str:
        return str(obj.get_ground_display())

    @staticmethod
    def resolve_overdue(obj: Revocation) -> bool:
        return obj.status == RevocationStatus.PROPOSED and timezone.localdate() > obj.due_on

    @staticmethod
    def resolve_inspection(obj: Revocation) -> str | None:
        return obj.inspection.code if obj.inspection_id else None


class SuggestedRevocationOut(Schema):
    """What a violation found by an inspection suggests: a proposal on ground Điều 8.b."""

    ground: str
    inspection: str
    concluded_on: dt.date | None


class CertificateInspectionOut(Schema):
    code: str
    certificate: str
    kind: str
    status: str
    planned_on: dt.date
    carried_out_on: dt.date | None
    inspectors: str
    checks_criteria: bool
    checks_mark_use: bool
    checks_information: bool
    findings: str
    outcome: str
    follow_up: str
    follow_up_due: dt.date | None
    closed_on: dt.date | None
    suggested_revocation: SuggestedRevocationOut | None

    @staticmethod
    def resolve_certificate(obj: Inspection) -> str:
        return obj.certificate.code

    @staticmethod
    def resolve_suggested_revocation(obj: Inspection) -> dict[str, object] | None:
        if obj.outcome != InspectionOutcome.VIOLATION:
            return None
        if obj.certificate.status != CertificateStatus.VALID:
            return None
        return {
            "ground": RevocationGround.CRITERIA_NOT_MET.value,
            "inspection": obj.code,
            "concluded_on": obj.carried_out_on,
        }


class CertificateDetailOut(CertificateRowOut):
    mean_total: float | None
    unit_name: str
    criteria_name: str
    status_changed_on: dt.date | None
    replaces: str | None
    replaced_by: list[str]
    expiry_notice_from: dt.date
    reevaluation_window: ReevaluationWindowOut | None
    revocations: list[CertificateRevocationOut]
    inspections: list[CertificateInspectionOut]
    actions: list[str] = Field(
        description="What the caller may do now: reevaluation, upgrade, propose_revocation, "
        "plan_inspection"
    )

    @staticmethod
    def resolve_mean_total(obj: Certificate) -> float | None:
        return None if obj.mean_total is None else float(obj.mean_total)

    @staticmethod
    def resolve_replaces(obj: Certificate) -> str | None:
        return obj.replaces.code if obj.replaces_id else None

    @staticmethod
    def resolve_replaced_by(obj: Certificate) -> list[str]:
        return [newer.code for newer in obj.replaced_by.order_by("-issued_on", "-pk")]

    # The rest is read by the endpoint for the caller (`api_manage._detail`).
    @staticmethod
    def resolve_expiry_notice_from(obj: Certificate) -> dt.date:
        return obj.detail_notice_from  # type: ignore[attr-defined]

    @staticmethod
    def resolve_reevaluation_window(obj: Certificate) -> object:
        return obj.detail_window  # type: ignore[attr-defined]

    @staticmethod
    def resolve_revocations(obj: Certificate) -> list[Revocation]:
        return obj.detail_revocations  # type: ignore[attr-defined]

    @staticmethod
    def resolve_inspections(obj: Certificate) -> list[Inspection]:
        return obj.detail_inspections  # type: ignore[attr-defined]

    @staticmethod
    def resolve_actions(obj: Certificate) -> list[str]:
        return obj.detail_actions  # type: ignore[attr-defined]


class RevocationProposalIn(Schema):
    ground: str = Field(default="", max_length=40, description="A ground of Điều 8")
    basis: str = Field(default="", max_length=300)
    concluded_on: dt.date | None = None
    inspection: str = Field(default="", max_length=20, description="Code of the inspection")
    note: str = Field(default="", max_length=5000)


class RevocationDecisionIn(Schema):
    decision_number: str = Field(default="", max_length=60)
    decided_on: dt.date | None = Field(default=None, description="Empty: today")
    note: str = Field(default="", max_length=5000)


class RevocationRejectIn(Schema):
    reason: str = Field(default="", max_length=5000)
    decided_on: dt.date | None = Field(default=None, description="Empty: today")


class InspectionPlanIn(Schema):
    kind: str = Field(default="", max_length=20, description="planned | unannounced")
    planned_on: dt.date | None = None
    inspectors: str = Field(default="", max_length=300)
    checks_criteria: bool = True
    checks_mark_use: bool = True
    checks_information: bool = True


class InspectionResultIn(Schema):
    carried_out_on: dt.date | None = None
    findings: str = Field(default="", max_length=5000)
    outcome: str = Field(default="", max_length=20, description="compliant | remarks | violation")
    follow_up: str = Field(default="", max_length=5000)
    follow_up_due: dt.date | None = None


class InspectionCloseIn(Schema):
    closed_on: dt.date | None = Field(default=None, description="Empty: today")
    note: str = Field(default="", max_length=5000)


class InspectionCancelIn(Schema):
    reason: str = Field(default="", max_length=5000)


class DossierStartedOut(Schema):
    """The dossier a re-evaluation or an upgrade started (pre-filled from the last one)."""

    dossier: str
    kind: str
    url: str
    late: bool = Field(
        default=False, description="Filed after the re-evaluation window closed (Điều 12)."
    )
