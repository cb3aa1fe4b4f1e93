"""The rendered public pages kept in the cache, and their precise invalidation
(docs/developer/caching.md).

A page that everybody sees alike (the catalogue, a product's or a producer's page, a
certificate's verification page) is rendered once and its HTML kept in the default cache
(Redis with `REDIS_URL`, the process's memory otherwise), under a key naming:

- the page (its name and path), the active language and today's date (the pages show what is in
  force today);
- the **generations** it depends on: one cache key per object (`product:<code>`,
  `producer:<code>`, `certificate:<verification code>`, `catalogue`) plus `all`, each holding a
  random token. A write that changes what a page shows puts new tokens in the keys of what it
  touched (`bump`, after its commit), so the next visit misses and renders the page again, in
  any process. Tokens never repeat; a lost generation reads as a new one (a miss).

Nothing is kept unless `settings.PAGE_CACHE` (env `PAGE_CACHE`) is on; the generations move
either way. Only anonymous visits are served and stored: a GET with no query string, no session cookie and
no messages cookie. The rendered body keeps no CSRF token: the token of the language form is
replaced by a marker and filled in for each visit (`get_token`, which sets the CSRF cookie on
that visit's response as a render would). Only a 200 that sets no cookie of its own is kept;
the headers set by the view are kept with it, those of the middleware (CSP, Content-Language,
Vary) are added to every response as usual.

The generations are read BEFORE the page's data: a page rendered from data older than a bump is
stored under the old generations, a key nobody reads again.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

PREFIX = "ocop:page:"
GENERATION = PREFIX + "gen:"
EVERYTHING = "all"
CATALOGUE = "catalogue"
# A page is kept a day at most (its key names the day anyway); generations a month (a lost one
# only costs a miss).
PAGE_SECONDS = 24 * 3600
GENERATION_SECONDS = 30 * 24 * 3600
MESSAGES_COOKIE = "messages"

_CSRF_INPUT = re.compile(r'(<input type="hidden" name="csrfmiddlewaretoken" value=")[^"]*(")')
_NONCE = secrets.token_hex(8)
CSRF_MARKER = f"\x00{_NONCE}:csrf\x00"
# Headers the view sets that are not kept (the middleware and the handler set them again).
_NOT_KEPT = {"content-length", "set-cookie", "vary"}


def product(code: str) -> str:
    return f"product:{code}"


def producer(code: str) -> str:
    return f"producer:{code}"


def certificate(verification_code: str) -> str:
    return f"certificate:{verification_code}"


def _token() -> str:
    return secrets.token_hex(12)


def cacheable(request: HttpRequest) -> bool:
    """An anonymous GET without a query string (the page everybody sees alike), with
    `settings.PAGE_CACHE` on."""
    return (
        getattr(settings, "PAGE_CACHE", True)
        and request.method == "GET"
        and not request.META.get("QUERY_STRING")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and MESSAGES_COOKIE not in request.COOKIES
    )


def generations(names: Iterable[str]) -> list[str]:
    """The tokens of the generations `names` (and of `all`), giving a new one to each missing."""
    keys = [GENERATION + name for name in (*names, EVERYTHING)]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, _token(), GENERATION_SECONDS)
    if len(found) < len(keys):
        found = cache.get_many(keys)
    return [f"{key}={found.get(key, '')}" for key in keys]


def page_key(request: HttpRequest, page: str, names: Iterable[str]) -> str:
    parts = [page, request.path, get_language() or "", timezone.localdate().isoformat()]
    parts += generations(names)
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"{PREFIX}{page}:{digest}"


def cached_page(
    request: HttpRequest,
    page: str,
    render: Callable[[], HttpResponse],
    *,
    depends: Iterable[str] = (),
) -> HttpResponse:
    """The page `page` of `request` from the cache, or `render()` (and kept for the next anonymous
    visit when it may be). `depends`: the generations the page shows (its key names them)."""
    if not cacheable(request):
        return render()
    try:
        key = page_key(request, page, depends)
        kept = cache.get(key)
    except Exception as exc:  # the cache is an optimisation: never fail the page for it
        logger.warning("page cache unavailable (%s); page rendered", exc)
        return render()
    if kept is not None:
        return _replay(request, kept)
    response = render()
    if response.status_code == 200 and not response.streaming and not response.cookies:
        body = response.content.decode(response.charset)
        stored = _CSRF_INPUT.sub(lambda m: m.group(1) + CSRF_MARKER + m.group(2), body)
        headers = [(k, v) for k, v in response.items() if k.lower() not in _NOT_KEPT]
        try:
            cache.set(key, {"body": stored, "headers": headers}, PAGE_SECONDS)
        except Exception as exc:
            logger.warning("page cache unavailable (%s); page not kept", exc)
    return response


def _replay(request: HttpRequest, kept: dict) -> HttpResponse:
    body: str = kept["body"]
    if CSRF_MARKER in body:
        body = body.replace(CSRF_MARKER, get_token(request))
    response = HttpResponse(body)
    for name, value in kept["headers"]:
        response[name] = value
    return response


def bump(names: Iterable[str]) -> None:
    """After the current transaction commits (at once outside one), give the generations
    `names` new tokens: the pages that name them are rendered again on their next visit."""
    keys = sorted({GENERATION + name for name in names})
    if not keys:
        return

    def move() -> None:
        try:
            cache.set_many(dict.fromkeys(keys, _token()), GENERATION_SECONDS)
        except Exception as exc:
            logger.warning("page cache unavailable (%s); pages expire by themselves", exc)

    transaction.on_commit(move, robust=True)


def bump_everything() -> None:
    bump([EVERYTHING])
