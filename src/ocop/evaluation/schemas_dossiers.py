"""The request and response bodies of /api/v1/dossiers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.urls import reverse
from ninja import Schema
from pydantic import ConfigDict, Field

from ocop.core.schemas import AttachedFileOut
from ocop.evaluation.enums import CommuneConclusion, DossierKind
from ocop.evaluation.models import Dossier, DossierEvent, Evidence
from ocop.evaluation.queries.dossiers import is_overdue

Number = int | float


class DossierFilters(Schema):
    status: str | None = None
    product: str | None = None  # product code
    round: str | None = None  # round code
    commune: str | None = None  # administrative unit key of the dossier's commune
    overdue: bool | None = None  # only the dossiers past their step's deadline


class Ref(Schema):
    code: str
    name: str


class UnitRef(Schema):
    key: str
    name: str


class DossierOut(Schema):
    code: str
    product: Ref
    producer: Ref
    commune: UnitRef
    kind: str
    status: str
    level: str
    criteria_set: str
    scorecard: int
    procedure_profile: str
    round: str | None
    due_on: dt.date | None
    overdue: bool
    submitted_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_criteria_set(obj: Dossier) -> str:
        return obj.criteria_set.code

    @staticmethod
    def resolve_scorecard(obj: Dossier) -> int:
        return obj.scorecard.number

    @staticmethod
    def resolve_round(obj: Dossier) -> str | None:
        return obj.round.code if obj.round is not None else None

    @staticmethod
    def resolve_overdue(obj: Dossier) -> bool:
        return is_overdue(obj)


class EventOut(Schema):
    at: dt.datetime
    from_status: str
    to_status: str
    level: str
    actor: str | None
    reason: str
    due_on: dt.date | None

    @staticmethod
    def resolve_at(obj: DossierEvent) -> dt.datetime:
        return obj.created_at

    @staticmethod
    def resolve_actor(obj: DossierEvent) -> str | None:
        return str(obj.actor) if obj.actor is not None else None


class EvidenceOut(AttachedFileOut):
    category: str
    title: str
    issued_on: dt.date | None
    expires_on: dt.date | None
    carried_over: bool
    url: str

    @staticmethod
    def resolve_url(obj: Evidence) -> str:
        return reverse(
            "api:dossier_evidence_file",
            kwargs={"code": obj.dossier.code, "file_code": obj.file.code},
        )


class SelfAssessmentRef(Schema):
    code: str
    status: str
    total: Number
    predicted_stars: int


class DossierDetailOut(DossierOut):
    registration: dict[str, Any]
    samples_count: int
    current_stars: int | None
    previous: str | None
    self_assessment: SelfAssessmentRef | None
    missing: list[str]
    timeline: list[EventOut]
    evidence: list[EvidenceOut]
    actions: list[str]

    @staticmethod
    def resolve_evidence(obj: Dossier) -> list[Evidence]:
        """The list the endpoint loaded (each item knows its dossier: no query per row)."""
        return list(obj.evidence_list)  # type: ignore[attr-defined]

    @staticmethod
    def resolve_previous(obj: Dossier) -> str | None:
        return obj.previous.code if obj.previous is not None else None

    @staticmethod
    def resolve_self_assessment(obj: Dossier) -> dict[str, Any] | None:
        assessment = obj.self_assessment
        if assessment is None:
            return None
        total = assessment.total
        return {
            "code": assessment.code,
            "status": assessment.status,
            "total": int(total) if total == total.to_integral_value() else float(total),
            "predicted_stars": assessment.predicted_stars,
        }


class DossierIn(Schema):
    product: str = Field(min_length=1, max_length=20, description="The product's code.")
    kind: DossierKind = DossierKind.FIRST
    current_stars: int | None = Field(
        default=None, description="For an upgrade or a re-evaluation: the stars held now."
    )


class RegistrationPatch(Schema):
    """Mẫu 01: only the answers sent change; "" or null clears one. The product group comes
    from the classification and is not sent."""

    model_config = ConfigDict(extra="forbid")

    product_name: str | None = None
    description: str | None = None
    raw_material_source: str | None = None
    capacity_per_year: Decimal | None = None
    capacity_unit: str | None = None
    market_domestic: str | None = None
    market_export: str | None = None
    price: int | None = None
    packaging: str | None = None
    brand_status: str | None = None
    samples_count: int | None = None


class AttachIn(Schema):
    self_assessment: str = Field(min_length=1, max_length=20)


class CommuneAssessmentIn(Schema):
    local_materials: str = ""
    local_materials_met: bool = False
    local_labour: str = ""
    local_labour_met: bool = False
    idea_origin: str = ""
    idea_origin_met: bool = False
    local_identity: str = ""
    local_identity_met: bool = False
    completeness_ok: bool = False
    conclusion: CommuneConclusion
    report: str = ""
    reasons: str = ""


class AcceptIn(Schema):
    round: str = Field(min_length=1, max_length=20, description="The round's code.")


class ReasonsIn(Schema):
    reasons: str = Field(max_length=5000)


class NoteIn(Schema):
    note: str = Field(default="", max_length=5000)
