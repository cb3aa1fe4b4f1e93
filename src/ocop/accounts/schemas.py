from __future__ import annotations

import datetime as dt

from ninja import Schema


class TokenIn(Schema):
    username: str
    password: str
    name: str = ""
    otp: str = ""  # the 6-digit code of an account with two-step verification


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"  # noqa: S105 - the scheme name
    expires_at: dt.datetime | None


class MyOrganisationOut(Schema):
    code: str
    name: str
    kind: str
    roles: list[str]


class MeOut(Schema):
    username: str
    full_name: str
    email: str
    is_superuser: bool
    roles: list[str]
    organisations: list[MyOrganisationOut]
