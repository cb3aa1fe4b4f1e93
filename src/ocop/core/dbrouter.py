"""Read replicas (issue 10, docs/developer/replicas.md).

`DATABASE_REPLICA_URLS` adds the aliases `replica1`, `replica2`, … (settings.DATABASE_REPLICAS).
`ReplicaRouter` sends a read to a replica ONLY while `ReplicaMiddleware` has marked the current
request as a public read: a GET or HEAD of a public page (`PUBLIC_VIEWS`) or of a public API
read (`PUBLIC_API_PREFIXES`), without an `Authorization` header, from a browser that has not
written in the last `OCOP_READ_YOUR_WRITES_SECONDS` (a short-lived cookie set on the answer to
every POST, PUT, PATCH and DELETE). Everything else reads the primary: the rest of the requests,
reads inside a transaction on the primary (a service's `@transaction.atomic`), streamed bodies
read after the view returned, background tasks and management commands (no request at all).
Every write goes to the primary; migrations run on the primary only.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse

# The cookie that keeps a browser on the primary after it wrote; its value is the Unix time until
# which it does (checked here, so a client that ignores Max-Age still gets its reads back).
RECENT_WRITE_COOKIE = "ocop_rw"
SAFE_METHODS = frozenset({"GET", "HEAD"})

# The public read-only pages (URL names): catalogue, product and producer pages, verification
# and the certificate register, the GS1 resolver (trace page), news, the points-of-sale
# directory, the administrative units, the criteria and the public results of the rounds.
PUBLIC_VIEWS = frozenset(
    {
        "core:home",
        "catalog:list",
        "catalog:export_csv",
        "catalog:export_json",
        "catalog:product",
        "catalog:photo",
        "catalog:producer",
        "verify:form",
        "verify:verify",
        "verify:verify_vi",
        "verify:certificate_pdf",
        "verify:certificate_pdf_vi",
        "verify:register",
        "verify:register_csv",
        "verify:register_json",
        "resolver:resolve",
        "resolver:description",
        "news:list",
        "news:rss",
        "news:atom",
        "news:detail",
        "points:directory",
        "points:detail",
        "geo:units",
        "geo:sources",
        "geo:unit",
        "criteria:sets",
        "criteria:set",
        "criteria:scorecard",
        "criteria:sheet",
        "results:rounds",
        "results:round",
    }
)
# The public reads of the API (its operations share URL names, so they are matched by path).
PUBLIC_API_PREFIXES = (
    "/api/v1/catalog/",
    "/api/v1/certificates/verify/",
    "/api/v1/certificates/register",
    "/api/v1/news",
    "/api/v1/points-of-sale",
    "/api/v1/geo/",
    "/api/v1/criteria/",
)


class _RequestState:
    __slots__ = ("public_read",)

    def __init__(self) -> None:
        self.public_read = False


# No request (a task, a command, a shell) means the default state: not a public read.
_state: ContextVar[_RequestState | None] = ContextVar("ocop_replica_state", default=None)
_round_robin = itertools.count()


def replica_aliases() -> list[str]:
    return list(getattr(settings, "DATABASE_REPLICAS", []))


def reads_from_replica() -> bool:
    """True when a read made now may be served by a replica."""
    state = _state.get()
    if state is None or not state.public_read:
        return False
    # Inside a transaction on the primary (a service), read what that transaction sees.
    return not connections[DEFAULT_DB_ALIAS].in_atomic_block


class ReplicaRouter:
    def db_for_read(self, model: type, **hints: Any) -> str | None:
        replicas = replica_aliases()
        if not replicas:
            return None  # Django's own choice: the primary, or the instance's database
        if not reads_from_replica():
            return DEFAULT_DB_ALIAS
        # A related object of a row read from a replica comes from the same replica.
        instance = hints.get("instance")
        db = getattr(getattr(instance, "_state", None), "db", None)
        if db in replicas:
            return db
        return replicas[next(_round_robin) % len(replicas)]

    def db_for_write(self, model: type, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # every alias holds the same data

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS


def wrote_recently(request: HttpRequest) -> bool:
    raw = request.COOKIES.get(RECENT_WRITE_COOKIE, "")
    try:
        until = float(raw)
    except ValueError:
        return False
    return until > time.time()


def is_public_read(request: HttpRequest) -> bool:
    if request.method not in SAFE_METHODS:
        return False
    if "HTTP_AUTHORIZATION" in request.META:  # API clients keep no cookie: always the primary
        return False
    if wrote_recently(request):
        return False
    match = request.resolver_match
    if match is not None and match.view_name in PUBLIC_VIEWS:
        return True
    return request.path_info.startswith(PUBLIC_API_PREFIXES)


class ReplicaMiddleware:
    """Marks public reads for `ReplicaRouter`; answers to writes carry the read-your-writes
    cookie. Installed whether or not replicas are configured (without them it only sets the
    cookie, so a browser keeps it across a change of configuration)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _state.set(_RequestState())
        try:
            response = self.get_response(request)
        finally:
            _state.reset(token)
        seconds = settings.OCOP_READ_YOUR_WRITES_SECONDS
        wrote = request.method not in SAFE_METHODS | {"OPTIONS"}
        # API clients (a bearer token) keep no cookie: they always read the primary.
        if wrote and seconds > 0 and "HTTP_AUTHORIZATION" not in request.META:
            response.set_cookie(
                RECENT_WRITE_COOKIE,
                f"{time.time() + seconds:.3f}",
                max_age=seconds,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def process_view(
        self, request: HttpRequest, view_func: Callable, view_args: Any, view_kwargs: Any
    ) -> None:
        state = _state.get()
        if state is not None and replica_aliases():
            state.public_read = is_public_read(request)
        return None
