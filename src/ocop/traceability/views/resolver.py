"""The GS1 Digital Link resolver on the platform's own domain, and the public trace page it
answers by default (issue 6, items 2, 7 and 8; docs/developer/traceability-resolver.md).

`GET /01/{gtin}[/10/{lot}][/21/{serial}][/]`:

- by default the human trace page (HTML, 200, no redirect) of the most specific thing known:
  a serial's stamp and batch, a lot's batch, a GTIN's product; a `Link` header points to the
  linkset (`rel="linkset"`);
- `?linkType=linkset` (or the deprecated `all`), or `Accept: application/linkset+json` (or
  `application/json`): the linkset (RFC 9264, `application/linkset+json`), never a redirect;
- `?linkType=gs1:pip` (or the full URI of any link type the linkset has): 307 to that link,
  404 when the thing has no link of that type;
- 400 for a malformed identifier or a wrong check digit (a page in words, or problem+json for a
  client that asks for JSON), 404 for an unknown GTIN, lot or serial (an unknown serial of a
  known GTIN is 404 too, never the GTIN's page: a serial nobody issued is how a copied stamp
  shows itself);
- HEAD answers the headers of GET without a body (and records no scan), OPTIONS the allowed
  methods and the CORS preflight; every answer has `Access-Control-Allow-Origin: *`.

A page view of a stamp's or a batch's link by a person (a request that accepts text/html and is
not a known robot or a prefetch) records a scan. `/.well-known/gs1resolver` is the resolver's
description file.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, localize
from django.utils.functional import SimpleLazyObject
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from ocop.certificates.enums import VerificationState
from ocop.core.json import dumps
from ocop.core.problems import PROBLEM_CONTENT_TYPE, problem
from ocop.core.text import short_date
from ocop.traceability.identifiers import IdentifierError, parse_path
from ocop.traceability.queries.trace import (
    GTIN,
    LINKSET_CONTEXT,
    SERIAL,
    Trace,
    TraceNotFound,
    address_of,
    certificate_text,
    find_trace,
    journey_html,
    journey_of,
    links_of,
    linkset,
    normalise_link_type,
    schema_org,
    stars_svg,
    warning_text,
)
from ocop.traceability.services import scan_buffer
from ocop.traceability.services.scans import (
    ScanOutcome,
    is_scan_token,
    record_scan,
    record_visit,
    stamp_warnings,
)

ALLOW = "GET, HEAD, OPTIONS"
LINKSET_TYPE = "application/linkset+json"
HTML = "text/html"
# Known robots and link previews (chat apps unfurling a link) are not people scanning a code.
ROBOTS = re.compile(
    r"bot|crawl|spider|slurp|preview|facebookexternalhit|embedly|whatsapp|zalo|curl|wget|python",
    re.IGNORECASE,
)
PREFETCH = ("prefetch", "preview")
PAGE: Any = SimpleLazyObject(lambda: get_template("traceability/trace/page.html"))
# Where the parts of each visit go in the page's cached parts: markers no data can hold (NUL,
# and a random word of this process).
_NONCE = secrets.token_hex(8)
SLOTS = ("head_extra", "alert", "scans", "csrf_token", "next_path")
MARKERS = {name: f"\x00{_NONCE}:{name}\x00" for name in SLOTS}
_SLOT_OF = {marker: name for name, marker in MARKERS.items()}
_MARKER_RE = re.compile("|".join(re.escape(marker) for marker in MARKERS.values()))
# The page's cached parts are kept this long at most (their key names the day anyway).
PARTS_TIMEOUT = 24 * 3600


def _addresses() -> dict[str, str]:
    return {
        "home": reverse("core:home"),
        "set_language": reverse("set_language"),
        "verify_form": reverse("verify:form"),
        "register": reverse("verify:register"),
        "place": reverse("scans:place"),
        "favicon": static("img/favicon.svg"),
        "css": static("traceability/trace.css"),
        "js": static("traceability/trace.js"),
    }


# The fixed addresses of the trace pages, looked up once (the page is the platform's hottest).
ADDRESSES: Any = SimpleLazyObject(_addresses)


# --- HTTP plumbing ----------------------------------------------------------------------------


def _cors(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = "Link, Location"
    return response


def _raw_path(request: HttpRequest) -> str:
    """The path as the client wrote it, percent escapes kept (a lot may hold an escaped "/"):
    gunicorn's RAW_URI, else the decoded path escaped again."""
    raw = request.META.get("RAW_URI") or request.META.get("REQUEST_URI") or ""
    if raw:
        path = urlsplit(raw).path
        script = request.META.get("SCRIPT_NAME", "")
        if script and path.startswith(script):
            path = path[len(script) :]
        return path
    return quote(request.path_info, safe="/")


def _preferred(request: HttpRequest, *types: str) -> str | None:
    """The media type the client prefers among `types`, remembered per Accept header (phones
    send a handful of them; parsing it cost as much as the page's scan)."""
    key = (request.headers.get("Accept", ""), types)
    found = _PREFERRED.get(key, _UNKNOWN)
    if found is _UNKNOWN:
        if len(_PREFERRED) > PREFERRED_KEPT:  # any client may send any header: keep it small
            _PREFERRED.clear()
        found = _PREFERRED[key] = request.get_preferred_type(list(types))
    return found  # type: ignore[return-value]


_PREFERRED: dict[tuple[str, tuple[str, ...]], str | None] = {}
_UNKNOWN = object()
PREFERRED_KEPT = 500


def wants_linkset(request: HttpRequest) -> bool:
    preferred = _preferred(request, HTML, LINKSET_TYPE, "application/json")
    return preferred in (LINKSET_TYPE, "application/json")


def wants_json(request: HttpRequest) -> bool:
    preferred = _preferred(request, HTML, PROBLEM_CONTENT_TYPE, "application/json", LINKSET_TYPE)
    return preferred not in (None, HTML)


def is_person(request: HttpRequest) -> bool:
    """A person's page view, cheaply told: asks for HTML by name, no robot's user agent, not a
    browser's prefetch."""
    if HTML not in request.headers.get("Accept", ""):
        return False
    if ROBOTS.search(request.headers.get("User-Agent", "")):
        return False
    purpose = (request.headers.get("Sec-Purpose") or request.headers.get("Purpose") or "").lower()
    return not any(word in purpose for word in PREFETCH)


def linkset_header(uri: str) -> str:
    return f'<{uri}?linkType=linkset>; rel="linkset"; type="{LINKSET_TYPE}"'


def _headless(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """HEAD: the headers of GET (Content-Length included), no body."""
    if request.method == "HEAD" and not response.streaming:
        response["Content-Length"] = str(len(response.content))
        response.content = b""
    return response


# --- errors -----------------------------------------------------------------------------------


def _error(
    request: HttpRequest,
    status: int,
    *,
    title: str,
    detail: str,
    kind: str,
    product: Any = None,
) -> HttpResponse:
    if wants_json(request):
        response = problem(request, status, title, kind=kind, detail=detail)
    else:
        response = render(
            request,
            "traceability/trace/problem.html",
            {
                "status": status,
                "title": title,
                "detail": detail,
                "product": product,
                "next_path": request.path,
                "addresses": ADDRESSES,
            },
            status=status,
        )
    response["Cache-Control"] = "no-store"
    return _headless(request, _cors(response))


def bad_identifier(request: HttpRequest, exc: IdentifierError) -> HttpResponse:
    return _error(
        request,
        400,
        title=_("This code is not a valid product code."),
        detail=str(exc),
        kind="invalid-identifier",
    )


def unknown(request: HttpRequest, exc: TraceNotFound) -> HttpResponse:
    if exc.product is not None and exc.link.serial is not None:
        detail = _(
            "No stamp with this serial number was issued for %(product)s. The product may be "
            "counterfeit: ask the seller, or contact the producer."
        ) % {"product": exc.product.name}
    elif exc.product is not None:
        detail = _(
            "No batch with this lot number is registered for %(product)s. Check the code, or "
            "contact the producer."
        ) % {"product": exc.product.name}
    else:
        detail = _(
            "No product with this code is registered on the platform. The code may have been "
            "mistyped, or the product may not come from a producer of the OCOP programme."
        )
    return _error(
        request,
        404,
        title=_("Unknown product code."),
        detail=detail,
        kind="not-found",
        product=exc.product,
    )


# --- the resolver -----------------------------------------------------------------------------


def _options() -> HttpResponse:
    response = HttpResponse(status=204)
    response["Allow"] = ALLOW
    response["Access-Control-Allow-Methods"] = ALLOW
    response["Access-Control-Allow-Headers"] = "Accept, Accept-Language, Content-Type"
    response["Access-Control-Max-Age"] = "86400"
    return _cors(response)


def _not_allowed() -> HttpResponse:
    response = HttpResponse(status=405)
    response["Allow"] = ALLOW
    return _cors(response)


def _linkset_response(request: HttpRequest, trace: Trace) -> HttpResponse:
    response = HttpResponse(dumps(linkset(trace)), content_type=LINKSET_TYPE)
    response["Link"] = (
        f'<{LINKSET_CONTEXT}>; rel="http://www.w3.org/ns/json-ld#context"; '
        'type="application/ld+json"'
    )
    response["Vary"] = "Accept"
    return _headless(request, _cors(response))


def _redirect(request: HttpRequest, trace: Trace, link_type: str) -> HttpResponse:
    """307 to the first link of the type (the one for the client's media type if there are
    several), the request's other query parameters passed on; 404 if there is none."""
    candidates = links_of(trace).get(normalise_link_type(link_type), [])
    if not candidates:
        return _error(
            request,
            404,
            title=_("No such link for this product."),
            detail=_("This product has no link of the type “%(type)s”.")
            % {"type": link_type[:100]},
            kind="link-type-not-found",
        )
    preferred = _preferred(request, *(link["type"] for link in candidates))
    target = next((link for link in candidates if link["type"] == preferred), candidates[0])
    query = [(key, value) for key, value in request.GET.items() if key != "linkType"]
    href = target["href"]
    if query:
        href += ("&" if "?" in href else "?") + urlencode(query)
    response = HttpResponseRedirect(href, status=307)
    response["Link"] = linkset_header(trace.uri)
    return _headless(request, _cors(response))


@csrf_exempt
def resolve(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Every path under /01/ (see the module's docstring)."""
    if request.method == "OPTIONS":
        return _options()
    if request.method not in ("GET", "HEAD"):
        return _not_allowed()
    try:
        link = parse_path(_raw_path(request))
    except IdentifierError as exc:
        return bad_identifier(request, exc)
    link_type = request.GET.get("linkType", "").strip()
    try:
        if _is_scan(request, link, link_type):
            # A person's visit: the trace and its scan (with REDIS_URL, from the process's
            # copy of the trace and one Redis round trip when nothing changed).
            trace, outcome = record_visit(link=link)
            return trace_page(request, trace, scanned=outcome)
        trace = find_trace(link)
    except TraceNotFound as exc:
        return unknown(request, exc)
    if link_type in ("linkset", "all") or (not link_type and wants_linkset(request)):
        return _linkset_response(request, trace)
    if link_type:
        return _redirect(request, trace, link_type)
    return trace_page(request, trace)


def _is_scan(request: HttpRequest, link: Any, link_type: str) -> bool:
    """The page of a stamp or a batch asked by a person (not back from sharing the place): a
    visit that records a scan."""
    return (
        not link_type
        and (link.serial is not None or link.lot is not None)
        and request.method == "GET"
        and not request.GET.get("scan")
        and is_person(request)
        and not wants_linkset(request)
    )


def trace_page(
    request: HttpRequest, trace: Trace, *, scanned: ScanOutcome | None = None
) -> HttpResponse:
    """The page a consumer's phone opens: product, producer, OCOP stars and certificate, batch,
    journey, the scan block and its warnings.

    What is the same for every visit (all but the warnings, the scan block and the forms'
    tokens) is rendered once and kept in the cache (`_page_parts`), under a key made of the
    digest of the row `find_trace` read (`Trace.version`: the stamp, batch, product, producer,
    certificate, and the counts and last changes of the batch's events and the producer's
    places), the language and the day: any change shows on the next visit. A visit costs the
    stamp's query and the scan (insert and counters: one statement on PostgreSQL, two
    elsewhere); the journey's query (one more) only when the parts are made. With REDIS_URL a
    person's visit (`scanned`, from `record_visit`) costs one Redis round trip and, when the
    process kept the trace and nothing changed since, no query at all."""
    today = timezone.localdate()
    outcome = scanned
    shared = False
    if outcome is None and trace.level != GTIN:
        token = request.GET.get("scan", "")
        if token and is_scan_token(token):
            # Back from "share my approximate area": this visit was counted already.
            shared = request.GET.get("shared") == "1"
            outcome = _counted(trace)
        elif request.method == "GET" and is_person(request):
            outcome = record_scan(
                product=trace.product,
                batch=trace.batch,
                stamp=trace.stamp,
                flagged_far=trace.flagged_far,
            )
        elif trace.stamp is not None:
            outcome = _counted(trace)
    parts = _page_parts(trace, today)
    csrf_token = get_token(request)
    values = {
        "head_extra": f'<script src="{escape(ADDRESSES["js"])}" defer></script>'
        if trace.stamp is not None and outcome is not None and outcome.token
        else "",
        "alert": _alert_html(trace, outcome),
        "scans": _scans_html(trace, outcome, shared=shared, path=request.path, csrf=csrf_token),
        "csrf_token": csrf_token,
        "next_path": escape(_next_path(request, outcome)),
    }
    body = "".join(values[part] if index % 2 else part for index, part in enumerate(parts))
    response = HttpResponse(body)
    response["Link"] = linkset_header(trace.uri)
    response["Vary"] = "Accept"
    if trace.level != GTIN:
        response["Cache-Control"] = "no-store"
        # The page's button asks the phone for its approximate area (static/traceability/trace.js).
        response["Permissions-Policy"] = "camera=(self), geolocation=(self), microphone=()"
    if trace.level == SERIAL:
        response["X-Robots-Tag"] = "noindex"
    return _headless(request, _cors(response))


def _alert_html(trace: Trace, outcome: ScanOutcome | None) -> str:
    """The warnings of this visit (the batch recalled, the stamp's scan warnings), written here
    rather than in a template: the page is the platform's hottest (see `journey_html`)."""
    warnings = outcome.warnings if outcome else ()
    if not warnings and not trace.is_recalled:
        return ""
    lines = [
        '<section class="t-alert" role="alert" aria-labelledby="t-warn">',
        f'<h2 id="t-warn">{escape(_("Warning"))}</h2>',
    ]
    if trace.is_recalled:
        recalled = _(
            "This batch has been recalled by the producer. Do not use the product: return it "
            "to the seller, or contact the producer."
        )
        lines.append(f"<p>{escape(recalled)}</p>")
    count = outcome.count if outcome else 0
    lines.extend(
        f'<p class="t-warn-{escape(warning)}">{escape(warning_text(warning, count=count))}</p>'
        for warning in warnings
    )
    lines.append("</section>")
    return "\n".join(lines)


def _scans_html(
    trace: Trace, outcome: ScanOutcome | None, *, shared: bool, path: str, csrf: str
) -> str:
    """The scan block of this visit: how many times the code was scanned, since when, and the
    form that shares the phone's approximate area (static/traceability/trace.js)."""
    if outcome is None or trace.stamp is None:
        return ""
    count = outcome.count
    if count == 0:
        said = escape(_("This code has not been scanned yet."))
    elif count == 1:
        said = escape(_("This is the first time this code has been scanned."))
    else:
        first = outcome.first_at
        if first is not None and timezone.is_aware(first):
            first = timezone.localtime(first)
        said = ngettext(
            "This code has been scanned %(count)s time, the first time on %(date)s.",
            "This code has been scanned %(count)s times, the first time on %(date)s.",
            count,
        ) % {
            "count": escape(localize(count)),
            "date": escape(date_format(first, "SHORT_DATE_FORMAT") if first else ""),
        }
    lines = [
        '<section class="t-scans" aria-labelledby="t-scans">',
        f'<h2 id="t-scans">{escape(_("Scans of this code"))}</h2>',
        f"<p>{said}</p>",
    ]
    if shared:
        thanks = _("Thank you: the approximate area of your scan has been recorded.")
        lines.append(f'<p class="t-muted">{escape(thanks)}</p>')
    elif outcome.token:
        share = _("Share my approximate area")
        only = _(
            "Only the area (about 10 km) is kept, never your position: it helps detect copied "
            "stamps."
        )
        lines.append(
            f'<form method="post" action="{escape(ADDRESSES["place"])}" class="t-place" hidden>'
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(csrf)}">'
            f'<input type="hidden" name="token" value="{escape(outcome.token)}">'
            f'<input type="hidden" name="next" value="{escape(path)}">'
            '<input type="hidden" name="lat" value=""><input type="hidden" name="lon" value="">'
            f'<button type="submit">{escape(share)}</button> '
            f'<span class="t-muted">{escape(only)}</span></form>'
        )
    lines.append("</section>")
    return "\n".join(lines)


def _page_parts(trace: Trace, today: Any) -> list[str]:
    """The page with the parts of each visit left out: a list of text, slot name, text, slot
    name, …, text. From the cache, else rendered (with the batch's journey: one query) and kept
    there. The key: the thing and what the page shows of it (`Trace.version`), the address
    it was asked under, the language and the day (the certificate's state and the batch's expiry
    depend on it)."""
    digest = hashlib.blake2b(f"{trace.version}|{trace.uri}".encode(), digest_size=16).hexdigest()
    key = f"ocop:trace-page:1:{trace.level}:{get_language() or ''}:{today.isoformat()}:{digest}"
    # With a shared cache (Redis) a copy is kept in the process too: the key names what the
    # page shows, so a copy is never stale, and a visit saves a round trip and an unpickling.
    local = settings.CACHES["default"]["BACKEND"] != LOCAL_CACHE
    if local:
        parts = _LOCAL_PARTS.get(key)
        if parts is not None:
            return parts
    parts = cache.get(key)
    if parts is not None:
        if local:
            _keep_local(key, parts)
        return parts
    html = _render_static(trace, today)
    parts = []
    position = 0
    for found in _MARKER_RE.finditer(html):
        parts.append(html[position : found.start()])
        parts.append(_SLOT_OF[found.group()])
        position = found.end()
    parts.append(html[position:])
    cache.set(key, parts, PARTS_TIMEOUT)
    if local:
        _keep_local(key, parts)
    return parts


LOCAL_CACHE = "django.core.cache.backends.locmem.LocMemCache"
_LOCAL_PARTS: dict[str, list[str]] = {}
LOCAL_PARTS_KEPT = 500


def _keep_local(key: str, parts: list[str]) -> None:
    if len(_LOCAL_PARTS) >= LOCAL_PARTS_KEPT:  # pages of yesterday, old versions: start again
        _LOCAL_PARTS.clear()
    _LOCAL_PARTS[key] = parts


def _render_static(trace: Trace, today: Any) -> str:
    """The page as every visit sees it, with markers in place of the parts of each visit."""
    if trace.level != GTIN and trace.batch is not None:
        trace.journey = journey_of(trace.batch)
    certificate = trace.certificate
    certificate_state = certificate.state_on(today) if certificate else None
    batch = trace.batch
    context = {
        "trace": trace,
        "product": trace.product,
        "producer": trace.product.producer,
        "batch": batch,
        "stamp": trace.stamp,
        "certificate": certificate,
        "certificate_state": certificate_state,
        "certificate_text": certificate_text(certificate, certificate_state),
        "stars": stars_svg(certificate.stars)
        if certificate_state in (VerificationState.VALID, VerificationState.EXPIRING)
        else "",
        "address": address_of(trace.product.producer),
        "gtin": trace.product.gtin or trace.link.gtin,
        "produced_on": short_date(batch.produced_on) if batch else "",
        "expires_on": short_date(batch.expires_on) if batch and batch.expires_on else "",
        "expired": bool(batch and batch.expires_on and batch.expires_on < today),
        "journey": journey_html(trace.journey),
        "schema_org": schema_org(trace),
        "addresses": ADDRESSES,
        # Rendered without the context processors (the site's menu is not on this page).
        **{name: mark_safe(marker) for name, marker in MARKERS.items()},  # noqa: S308
    }
    return PAGE.render(context)


def _counted(trace: Trace) -> ScanOutcome | None:
    """The scan block of a visit that records no scan (HEAD, a robot, back from sharing)."""
    stamp = trace.stamp
    if stamp is None:
        return None
    count, first = stamp.scan_count, stamp.first_scanned_at
    if scan_buffer.enabled():  # the stored counters lag by the flush interval
        buffered = scan_buffer.buffered_counts(stamp)
        if buffered is not None:
            count, first = buffered
    return ScanOutcome(
        scan_id=None,
        count=count,
        first_at=first,
        warnings=stamp_warnings(stamp, count=count, flagged_far=trace.flagged_far),
    )


def _next_path(request: HttpRequest, outcome: ScanOutcome | None) -> str:
    """Where the language switch returns: the same page, not counted again."""
    token = outcome.token if outcome is not None else request.GET.get("scan", "")
    return f"{request.path}?{urlencode({'scan': token})}" if token else request.path


# --- the description file ---------------------------------------------------------------------


def description_file(request: HttpRequest) -> HttpResponse:
    """`/.well-known/gs1resolver` (GS1-Conformant resolver standard, resolver description file)."""
    if request.method == "OPTIONS":
        return _options()
    if request.method not in ("GET", "HEAD"):
        return _not_allowed()
    body = {
        "name": _("OCOP Platform: GS1 Digital Link resolver"),
        "resolverRoot": settings.SITE_URL,
        "supportedPrimaryKeys": ["01"],
        "supportedLinkType": [{"namespace": "https://ref.gs1.org/voc/", "prefix": "gs1:"}],
        "linkTypeDefaultCanBeLinkset": False,
        "jsonLdContextLocation": LINKSET_CONTEXT,
        "contact": {"fn": _("OCOP Platform"), "url": settings.SITE_URL},
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "public, max-age=3600"
    return _headless(request, _cors(response))
