"""Schemas of /api/v1/results (public) and /api/v1/decisions (the office and the approver)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from ninja import Schema
from pydantic import Field

from ocop.evaluation.models import Decision, DecisionItem
from ocop.evaluation.queries.decisions import ProposalRow


def json_number(value: object) -> int | float:
    """An integer when whole, otherwise a number with two decimals (as the engine prints)."""
    number = float(str(value))
    return int(number) if number.is_integer() else round(number, 2)


class CodeName(Schema):
    code: str
    name: str


class UnitRef(Schema):
    key: str
    name: str


class DecisionRef(Schema):
    code: str
    number: str
    signed_on: dt.date | None


class ResultFilters(Schema):
    year: int | None = Field(default=None, ge=2000, le=2200)


class ResultRowOut(Schema):
    """One recognised product of an effective decision."""

    code: str
    name: str
    producer: CodeName
    administrative_unit: UnitRef
    group: CodeName | None
    criteria_set: str
    mean_score: int | float
    stars: int
    decision: DecisionRef

    @staticmethod
    def resolve_code(obj: DecisionItem) -> str:
        return obj.dossier.product.code

    @staticmethod
    def resolve_name(obj: DecisionItem) -> str:
        return obj.dossier.product.name

    @staticmethod
    def resolve_producer(obj: DecisionItem) -> dict[str, str]:
        producer = obj.dossier.producer
        return {"code": producer.code, "name": producer.name}

    @staticmethod
    def resolve_administrative_unit(obj: DecisionItem) -> dict[str, str]:
        unit = obj.dossier.producer.commune
        return {"key": unit.key, "name": unit.name}

    @staticmethod
    def resolve_group(obj: DecisionItem) -> dict[str, str] | None:
        node = obj.dossier.product.classification
        return None if node is None else {"code": node.code, "name": node.name}

    @staticmethod
    def resolve_criteria_set(obj: DecisionItem) -> str:
        return obj.dossier.criteria_set.code

    @staticmethod
    def resolve_mean_score(obj: DecisionItem) -> int | float:
        return json_number(obj.mean_total)

    @staticmethod
    def resolve_stars(obj: DecisionItem) -> int:
        return int(obj.stars or 0)

    @staticmethod
    def resolve_decision(obj: DecisionItem) -> dict[str, object]:
        decision = obj.decision
        return {"code": decision.code, "number": decision.number, "signed_on": decision.signed_on}


# --- decisions -----------------------------------------------------------------------------


class DecisionItemOut(Schema):
    dossier: str
    product: CodeName
    producer: CodeName
    mean_score: int | float
    stars: int | None
    recognised: bool
    proposed_central: bool
    forwarded: bool = Field(
        description="Three-level procedures (QĐ 1048, 148): sent up to the provincial council."
    )

    @staticmethod
    def resolve_dossier(obj: DecisionItem) -> str:
        return obj.dossier.code

    @staticmethod
    def resolve_product(obj: DecisionItem) -> dict[str, str]:
        return {"code": obj.dossier.product.code, "name": obj.dossier.product.name}

    @staticmethod
    def resolve_producer(obj: DecisionItem) -> dict[str, str]:
        return {"code": obj.dossier.producer.code, "name": obj.dossier.producer.name}

    @staticmethod
    def resolve_mean_score(obj: DecisionItem) -> int | float:
        return json_number(obj.mean_total)


class DecisionOut(Schema):
    code: str
    round: str
    level: str
    number: str
    title: str
    status: str
    signed_on: dt.date | None
    replaces: str | None
    note: str
    items: list[DecisionItemOut]

    @staticmethod
    def resolve_round(obj: Decision) -> str:
        return obj.round.code

    @staticmethod
    def resolve_replaces(obj: Decision) -> str | None:
        return obj.replaces.code if obj.replaces_id else None

    @staticmethod
    def resolve_items(obj: Decision) -> list[DecisionItem]:
        from ocop.evaluation.queries.decisions import items_of

        return list(items_of(obj))


class DecisionSummaryOut(Schema):
    code: str
    round: str
    level: str
    number: str
    title: str
    status: str
    signed_on: dt.date | None
    replaces: str | None

    @staticmethod
    def resolve_round(obj: Decision) -> str:
        return obj.round.code

    @staticmethod
    def resolve_replaces(obj: Decision) -> str | None:
        return obj.replaces.code if obj.replaces_id else None


class DecisionIn(Schema):
    round: str = Field(min_length=1, max_length=20, description="The round's code.")
    title: str = Field(min_length=1, max_length=300)
    number: str = Field(default="", max_length=60)
    note: str = Field(default="", max_length=5000)
    from_central_result: bool = Field(
        default=False,
        description="Recognise 3★/4★ from the ministry's results (the round is the province's).",
    )


class DecisionPatch(Schema):
    title: str | None = Field(default=None, max_length=300)
    number: str | None = Field(default=None, max_length=60)
    note: str | None = Field(default=None, max_length=5000)
    remove: list[str] = Field(default_factory=list, max_length=500, description="Dossier codes.")


class ApproveIn(Schema):
    signed_on: dt.date | None = None


class StarsChange(Schema):
    stars: int = Field(ge=0, le=5)


class CorrectionIn(Schema):
    reason: str = Field(min_length=1, max_length=5000)
    title: str = Field(default="", max_length=300)
    number: str = Field(default="", max_length=60)
    note: str = Field(default="", max_length=5000)
    remove: list[str] = Field(default_factory=list, max_length=500)
    changes: dict[str, StarsChange] = Field(default_factory=dict)


class ProposalDocuments(Schema):
    minutes: str
    commune_report: str
    result: str
    round_summary: str


class ProposalRowOut(Schema):
    dossier: str
    product: CodeName
    producer: CodeName
    mean_score: int | float
    stars: int | None
    spread: int | float | None
    members: int
    documents: ProposalDocuments

    @staticmethod
    def resolve_dossier(obj: ProposalRow) -> str:
        return obj.item.dossier.code

    @staticmethod
    def resolve_product(obj: ProposalRow) -> dict[str, str]:
        return {"code": obj.item.dossier.product.code, "name": obj.item.dossier.product.name}

    @staticmethod
    def resolve_producer(obj: ProposalRow) -> dict[str, str]:
        return {"code": obj.item.dossier.producer.code, "name": obj.item.dossier.producer.name}

    @staticmethod
    def resolve_mean_score(obj: ProposalRow) -> int | float:
        return json_number(obj.item.mean_total)

    @staticmethod
    def resolve_stars(obj: ProposalRow) -> int | None:
        return obj.item.stars

    @staticmethod
    def resolve_documents(obj: ProposalRow) -> dict[str, str]:
        code = obj.item.dossier.code
        return {
            "minutes": reverse("evaluation:minutes_pdf", kwargs={"session": obj.session_code}),
            "commune_report": reverse("evaluation:commune_report_pdf", kwargs={"code": code}),
            "result": reverse("evaluation:dossier_result", kwargs={"code": code}),
            "round_summary": reverse(
                "evaluation:round_summary_pdf", kwargs={"code": obj.item.decision.round.code}
            ),
        }
