"""API shapes of the producers registry. Public identifiers only: the producer's code, the
commune's key. Dates are ISO 8601 (yyyy-mm-dd). Field checks are the services' (so the UI and the
API give the same errors); the schemas only fix the types."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from ocop.producers.enums import ProducerKind, ProducerStatus, Sex


class CommuneOut(Schema):
    key: str
    name: str


class ProducerOut(Schema):
    code: str
    kind: ProducerKind
    name: str
    tax_code: str
    registration_number: str
    registration_date: dt.date | None
    founded_on: dt.date | None
    address: str
    commune: CommuneOut
    phone: str
    email: str
    website: str
    representative_name: str
    representative_sex: Sex
    representative_ethnicity: str
    representative_is_ethnic_minority: bool
    representative_disability: bool
    workforce_total: int
    workforce_local: int
    status: ProducerStatus
    status_reason: str
    approved_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime


class ProducerFilters(Schema):
    status: ProducerStatus | None = None
    kind: ProducerKind | None = None
    commune: str | None = Field(None, description="The commune's key, e.g. c00004.")
    q: str | None = Field(
        None, max_length=100, description="Name (with or without diacritics), MST or number."
    )


class ProducerIn(Schema):
    """A new producer. Staff may name an existing account as its `owner` (username); anyone else
    registers their own producer and becomes its owner."""

    kind: str
    name: str
    tax_code: str = ""
    registration_number: str = ""
    registration_date: dt.date | None = None
    founded_on: dt.date | None = None
    address: str
    commune: str = Field(..., description="The commune's key, e.g. c00004.")
    phone: str = ""
    email: str = ""
    website: str = ""
    representative_name: str
    representative_sex: str
    representative_ethnicity: str = "Kinh"
    representative_disability: bool = False
    workforce_total: int = 0
    workforce_local: int = 0
    owner: str | None = Field(None, description="Staff only: the owner's username.")


class ProducerPatch(Schema):
    """Only the fields sent are changed. `resubmit: true` sends a rejected record back to the
    commune for approval."""

    kind: str | None = None
    name: str | None = None
    tax_code: str | None = None
    registration_number: str | None = None
    registration_date: dt.date | None = None
    founded_on: dt.date | None = None
    address: str | None = None
    commune: str | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    representative_name: str | None = None
    representative_sex: str | None = None
    representative_ethnicity: str | None = None
    representative_disability: bool | None = None
    workforce_total: int | None = None
    workforce_local: int | None = None
    resubmit: bool = False


class ReasonIn(Schema):
    reason: str = ""
