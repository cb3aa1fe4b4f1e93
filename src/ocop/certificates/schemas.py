"""Schemas of the public certificate endpoints: the verification of a code and the register of
valid certificates (`ocop.certificates.api`). Codes and keys only, never database ids; dates ISO."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from ocop.certificates.models import Certificate
from ocop.certificates.queries.public import Verification, verification_url


class CodeName(Schema):
    code: str
    name: str


class UnitRef(Schema):
    key: str
    name: str


class DecisionRef(Schema):
    number: str
    date: dt.date


class CriteriaSetRef(Schema):
    code: str
    name: str
    legal_reference: str


class RevocationOut(Schema):
    date: dt.date | None
    ground: str
    ground_label: str
    decision_number: str


def _product(cert: Certificate) -> dict[str, str]:
    return {"code": cert.product.code, "name": cert.product_name}


def _producer(cert: Certificate) -> dict[str, str]:
    return {"code": cert.producer.code, "name": cert.producer_name}


def _unit(cert: Certificate) -> dict[str, str]:
    commune = cert.producer.commune
    return {"key": commune.key, "name": commune.name}


def _criteria_set(cert: Certificate) -> dict[str, str]:
    found = cert.criteria_set
    reference = found.legal_reference if found is not None else ""
    return {"code": cert.criteria_code, "name": cert.criteria_name, "legal_reference": reference}


def _decision(cert: Certificate) -> dict[str, object]:
    return {"number": cert.decision_number, "date": cert.decided_on}


class VerificationOut(Schema):
    """The verification of a known code (valid, expiring, expired, revoked or superseded)."""

    state: str = Field(description="valid | expiring | expired | revoked | superseded")
    message: str = Field(description="The state in plain words, in the caller's language.")
    verification_code: str
    verification_url: str
    number: str
    product: CodeName
    producer: CodeName
    administrative_unit: UnitRef
    stars: int
    criteria_set: CriteriaSetRef
    decision: DecisionRef
    issued_on: dt.date
    expires_on: dt.date
    days_left: int
    authority: str
    revocation: RevocationOut | None = None
    replaced_by: str | None = Field(
        default=None, description="The verification address of the newer certificate."
    )

    @staticmethod
    def from_result(result: Verification) -> VerificationOut:
        cert = result.certificate
        if cert is None:
            raise ValueError("only a known code has a certificate to describe")
        revocation = None
        if result.revocation is not None:
            found = result.revocation
            revocation = {
                "date": found.decided_on,
                "ground": found.ground,
                "ground_label": found.get_ground_display(),
                "decision_number": found.decision_number,
            }
        return VerificationOut.model_validate(
            {
                "state": result.state,
                "message": result.message,
                "verification_code": cert.verification_code,
                "verification_url": verification_url(cert),
                "number": cert.number,
                "product": _product(cert),
                "producer": _producer(cert),
                "administrative_unit": _unit(cert),
                "stars": cert.stars,
                "criteria_set": _criteria_set(cert),
                "decision": _decision(cert),
                "issued_on": cert.issued_on,
                "expires_on": cert.expires_on,
                "days_left": max(result.days_left or 0, 0),
                "authority": cert.authority_name,
                "revocation": revocation,
                "replaced_by": None
                if result.replaced_by is None
                else verification_url(result.replaced_by),
            }
        )


class RegisterFiltersIn(Schema):
    stars: int | None = Field(default=None, ge=3, le=5)
    year: int | None = Field(default=None, ge=2000, le=2200, description="Year of the decision")
    commune: str = Field(default="", max_length=40, description="Key of the producer's commune")
    group: str = Field(default="", max_length=20, description="Code of the product group")
    criteria_set: str = Field(default="", max_length=40, description="Code of the criteria set")
    q: str = Field(
        default="",
        max_length=100,
        description="Words of the product or producer name (no accents needed)",
    )


class RegisterRowOut(Schema):
    """One valid certificate of the register."""

    number: str
    verification_url: str
    product: CodeName
    producer: CodeName
    administrative_unit: UnitRef
    stars: int
    criteria_set: str
    decision: DecisionRef
    issued_on: dt.date
    expires_on: dt.date
    authority: str

    @staticmethod
    def resolve_verification_url(obj: Certificate) -> str:
        return verification_url(obj)

    @staticmethod
    def resolve_product(obj: Certificate) -> dict[str, str]:
        return _product(obj)

    @staticmethod
    def resolve_producer(obj: Certificate) -> dict[str, str]:
        return _producer(obj)

    @staticmethod
    def resolve_administrative_unit(obj: Certificate) -> dict[str, str]:
        return _unit(obj)

    @staticmethod
    def resolve_criteria_set(obj: Certificate) -> str:
        return obj.criteria_code

    @staticmethod
    def resolve_decision(obj: Certificate) -> dict[str, object]:
        return _decision(obj)

    @staticmethod
    def resolve_authority(obj: Certificate) -> str:
        return obj.authority_name
