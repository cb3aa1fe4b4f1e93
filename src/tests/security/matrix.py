"""The authorisation matrix: every route of the platform (UI and API) × every role → the answer.

Each app lists its routes in `tests/security/routes/<app>.py` as `ENTRIES`: the URL name (UI) or
"METHOD /api/v1/path/{param}" (API), how to fill the URL from the world, and which roles may
reach it. `test_matrix.py` walks the URL configuration and the OpenAPI schema: a route without an
entry fails, an entry without a route fails, and every entry is requested as every role.

Answers are classified, not compared verbatim, since an allowed POST with an empty form may
answer 200 (the form again), 302 (done) or 400/422 (refused as invalid):

- ``OK``: the view ran for this user (2xx, a redirect that is not to a sign-in page, 400, 409,
  410, 422);
- ``LOGIN``: sign in first (a redirect to the sign-in page; 401 from the API);
- ``DENIED``: 403 or 404. For an object that exists (``hidden=True``, the default for routes
  with an object in the URL) only 404 is accepted: denial must not reveal that it exists;
- anything else (5xx, 405, 429…) is always a failure.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

# The roles of issue #9, each a user of the world (`tests/security/world.py`).
ANONYMOUS = "anonymous"
PRODUCER_A = "producer_a"  # owner of producer A (commune A), whose objects the world holds
PRODUCER_B = "producer_b"  # owner of another producer, in commune B
BUYER = "buyer"
COMMUNE_A = "commune_a"  # commune officer of commune A (producer A's commune)
COMMUNE_B = "commune_b"  # commune officer of another commune
MEMBER_IN = "member_in"  # council member seated on the world's council and session
MEMBER_OUT = "member_out"  # council member of another council only
CHAIR = "chair"  # chair of the world's council
OFFICE = "office"  # province OCOP office officer
APPROVER = "approver"  # the province committee's approver
ADMIN = "admin"  # superuser

ROLES: tuple[str, ...] = (
    ANONYMOUS,
    PRODUCER_A,
    PRODUCER_B,
    BUYER,
    COMMUNE_A,
    COMMUNE_B,
    MEMBER_IN,
    MEMBER_OUT,
    CHAIR,
    OFFICE,
    APPROVER,
    ADMIN,
)

# Sets the entries are written with.
EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {ANONYMOUS}
COUNCIL = frozenset({MEMBER_IN, MEMBER_OUT, CHAIR})  # any council role
# Access.sees_whole_province: admin, province officer, council roles, approver.
PROVINCE = frozenset({OFFICE, APPROVER, ADMIN}) | COUNCIL
STAFF = PROVINCE | {COMMUNE_A, COMMUNE_B}  # Access.is_staff_user
MANAGERS = frozenset({OFFICE, ADMIN})  # the programme's office and the administrator
OWNER_A = frozenset({PRODUCER_A})
NOBODY: frozenset[str] = frozenset()

OK = "ok"
LOGIN = "login"
DENIED = "denied"
# Exactly 403, for `expect`: a role that may see the object but not do this to it (the API's
# documented "403 when the caller may see but not do"); 403 reveals nothing it cannot see.
FORBIDDEN = "forbidden"


@dataclass(frozen=True)
class Entry:
    """One route and who may reach it.

    `key`: a URL name ("producers:detail") or an API operation ("GET /api/v1/products/{code}").
    `kwargs`: the URL's arguments from the world (UI), or the path's parameters (API).
    `ok`: the roles that reach the view. Everybody else is denied, except the anonymous visitor,
    who is sent to sign in (`anonymous=LOGIN`, the default unless ANONYMOUS is in `ok`) or
    denied (`anonymous=DENIED`).
    `method`: "get", "post" (a form; `data`), or for the API any verb with a JSON `data` body.
    `others`: what the signed-in roles outside `ok` get (DENIED; LOGIN for the admin site,
    which sends every non-staff user to its own sign-in page).
    `expect`: a role's answer where it differs from what `ok` implies (rare; say why in `note`).
    `hidden`: denial must be 404 (an object in the URL exists; default: the URL has arguments).
    `query`: a query string to add ("?year=2026").
    `note`: why the rule is what it is, where it is not obvious.
    """

    key: str
    ok: frozenset[str]
    kwargs: Callable[[Any], Mapping[str, Any]] | None = None
    method: str = "get"
    data: Callable[[Any], Any] | Any = None
    anonymous: str | None = None
    hidden: bool | None = None
    query: str = ""
    others: str = DENIED
    expect: Mapping[str, str] = field(default_factory=dict)  # per-role exceptions
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_api(self) -> bool:
        return " " in self.key

    def expected(self, role: str) -> str:
        if role in self.expect:
            return self.expect[role]
        if role in self.ok:
            return OK
        if role == ANONYMOUS:
            return self.anonymous or LOGIN
        return self.others


def E(key: str, ok: Iterable[str], **options: Any) -> Entry:  # reads as a table row
    return Entry(key=key, ok=frozenset(ok), **options)


def classify(response: Any, *, api: bool, login_paths: tuple[str, ...]) -> str:
    """OK, LOGIN, DENIED (403/404: the caller checks which), or the status as text."""
    status = response.status_code
    if status >= 500 or status in (405, 429):
        return str(status)
    if status == 401 and api:
        return LOGIN
    if status in (301, 302, 303, 307, 308):
        location = response.get("Location", "")
        path = location.split("://", 1)[-1]
        path = path[path.find("/") :] if "://" in location else location
        if path.startswith(login_paths):
            return LOGIN
        return OK
    if status in (403, 404):
        return DENIED
    if status == 401:
        return str(status)
    return OK


def body_of(data: Any) -> str:
    return json.dumps(data if data is not None else {})
