"""The geo app's routes in the authorisation matrix (see tests/security/matrix.py).

The administrative map is public (`unit_by_key`: "The map is public: no permission"): the
commune of producer A is read by every role, signed in or not."""

from __future__ import annotations

from tests.security.matrix import EVERYONE, E, Entry

ENTRIES: list[Entry] = [
    E("geo:units", EVERYONE, query="?q=bat+trang"),
    E("geo:sources", EVERYONE),
    E("geo:unit", EVERYONE, kwargs=lambda w: {"key": w.commune_a.key}),
    E("GET /api/v1/geo/units", EVERYONE, query="?current=true"),
    E("GET /api/v1/geo/units/{key}", EVERYONE, kwargs=lambda w: {"key": w.commune_a.key}),
]
