"""The core app's routes in the authorisation matrix (see tests/security/matrix.py), with the
framework routes mounted at the top level: the language switch, the JavaScript catalogue, and
the API's OpenAPI schema and docs page."""

from __future__ import annotations

from tests.security.matrix import EVERYONE, SIGNED_IN, E, Entry

ENTRIES: list[Entry] = [
    E("core:home", EVERYONE, note="the programme's public portal"),
    E(
        "core:dashboard",
        SIGNED_IN,
        note="every signed-in user has a dashboard; its figures are counted within the user's "
        "own scope (producers_visible_to / products_visible_to)",
    ),
    E("core:healthz", EVERYONE, note="the load balancers' liveness check: no data"),
    E(
        "set_language",
        EVERYONE,
        method="post",
        data={"language": "en", "next": "/"},
        note="choosing the interface language is for visitors too",
    ),
    E("javascript-catalog", EVERYONE, note="the translations the scripts use"),
    E(
        "api:openapi-json",
        EVERYONE,
        note="the API's description is public; every operation checks its caller",
    ),
    E("api:openapi-view", EVERYONE, note="Swagger UI over the public schema"),
]
