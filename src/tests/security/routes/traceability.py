"""The traceability app's routes in the authorisation matrix (see tests/security/matrix.py):
batches, places, stamps and steps (`traceability:`), scans (`scans:`), the EPCIS 2.0 bindings
(`epcis:`), the GS1 Digital Link resolver (`resolver:`) and their API.

Who sees and keeps a batch or a place (`queries/batches.py`): the office and the administrator
every producer's, the commune officer of the producer's commune, the producer's own people;
nobody else (council members and the approver included: traceability is not theirs), 404 on
every page, action and endpoint. The pages are for those roles only: the others get 404 even on
the lists. The API's lists answer an empty page instead (nothing to see, nothing revealed).

EPCIS (`views/epcis.py`) authenticates as the API does: a bearer token or the signed-in session
(the matrix's UI client); an anonymous caller gets 401 with `WWW-Authenticate` (the GS1
bindings' SecurityException), not a redirect to the sign-in page.

The resolver, the scan's "share my area" form and the public trace pages are public.
"""

from __future__ import annotations

from tests.security.matrix import (
    ADMIN,
    ANONYMOUS,
    APPROVER,
    COMMUNE_A,
    COMMUNE_B,
    DENIED,
    EVERYONE,
    NOBODY,
    OFFICE,
    PRODUCER_A,
    PRODUCER_B,
    SIGNED_IN,
    E,
    Entry,
)

# Producer A's batches and places: seen and kept by the same people.
KEEPS_A = frozenset({PRODUCER_A, COMMUNE_A, OFFICE, ADMIN})
# Whoever has traceability pages at all (may_see_any): their own scope each.
HAS_PAGES = frozenset({PRODUCER_A, PRODUCER_B, COMMUNE_A, COMMUNE_B, OFFICE, ADMIN})
# Scan statistics: the same, and the approver (province-wide figures).
HAS_STATISTICS = HAS_PAGES | {APPROVER}
# EPCIS capture: the office, the administrator and producers' people (for their producer).
CAPTURES = frozenset({PRODUCER_A, PRODUCER_B, OFFICE, ADMIN})

EPCIS_401 = {ANONYMOUS: "401"}
EPCIS_NOTE = "EPCIS answers an anonymous caller 401 (GS1 SecurityException), not a redirect"


def _batch(w):
    return {"code": w.trace_batch.code}


def _location(w):
    return {"code": w.trace_location.code}


def _batch_data(w):
    return {
        "product": w.product_a.pk,
        "lot": "MX-2026-77",
        "produced_on": "2026-11-01",
        "quantity": "10",
        "unit": "cái",
    }


def _input_data(w):
    return {
        "material": "Men lam",
        "supplier_name": "Hợp tác xã Men Gốm",
        "supplier_lot": "ML-09",
        "quantity": "5",
        "unit": "kg",
        "received_on": "2026-10-01",
    }


def _resolver_path(w):
    return {"__path__": f"/01/{w.trace_gtin}/10/{w.trace_batch.lot}"}


UI: list[Entry] = [
    E(
        "traceability:batches",
        HAS_PAGES,
        note="producers and commune officers see their own scope; no traceability pages for "
        "the council, the approver or buyers (404)",
    ),
    E(
        "traceability:batch_create",
        HAS_PAGES,
        method="post",
        data=_batch_data,
        note="producer A's product is not among the choices of producer B or commune B (the "
        "form refuses it, 422)",
    ),
    E("traceability:batch", KEEPS_A, kwargs=_batch),
    E("traceability:batch_history", KEEPS_A, kwargs=_batch),
    E("traceability:batch_recall", KEEPS_A, kwargs=_batch),
    E("traceability:batch_edit", KEEPS_A, kwargs=_batch, method="post", data=_batch_data),
    E(
        "traceability:batch_status",
        KEEPS_A,
        kwargs=_batch,
        method="post",
        data={"status": "closed"},
    ),
    E("traceability:input_add", KEEPS_A, kwargs=_batch, method="post", data=_input_data),
    E(
        "traceability:input_remove",
        KEEPS_A,
        kwargs=lambda w: {"code": w.trace_batch.code, "number": 1},
        method="post",
    ),
    E(
        "traceability:step",
        KEEPS_A,
        kwargs=_batch,
        method="post",
        data={"step": "packing", "date": "20/11/2026", "time": "09:00"},
    ),
    E("traceability:stamps", KEEPS_A, kwargs=_batch),
    E(
        "traceability:stamps_issue",
        KEEPS_A,
        kwargs=_batch,
        method="post",
        data={"count": "2"},
    ),
    E(
        "traceability:stamps_status",
        KEEPS_A,
        kwargs=_batch,
        method="post",
        data=lambda w: {"status": "void", "codes": w.trace_stamp.short_code, "reason": "Hỏng"},
    ),
    E(
        "traceability:stamp_labels",
        KEEPS_A,
        kwargs=_batch,
        query="?size=a4-30x20",
        note="the label sheet is printed by who keeps the batch only",
    ),
    E("traceability:locations", HAS_PAGES),
    E(
        "traceability:location_create",
        HAS_PAGES,
        method="post",
        data=lambda w: {"producer": w.producer_a.pk, "name": "Kho thành phẩm", "kind": "warehouse"},
        note="producer A is not among the choices of producer B or commune B (422)",
    ),
    E(
        "traceability:location_edit",
        KEEPS_A,
        kwargs=_location,
        method="post",
        data={"name": "Xưởng gốm số 2", "kind": "workshop"},
    ),
    # Scans.
    E(
        "scans:statistics",
        HAS_STATISTICS,
        note="each counts the scans of their scope; council members and buyers have none",
    ),
    E(
        "scans:place",
        EVERYONE,
        method="post",
        data=lambda w: {"token": "khong-co", "lat": "21.0", "lon": "105.8", "next": "/"},
        note="the trace page's form: public, the scan's token is the capability",
    ),
    # EPCIS 2.0 (the session signs in; no redirect).
    E("epcis:root", SIGNED_IN, expect=EPCIS_401, note=EPCIS_NOTE),
    E(
        "epcis:capture",
        CAPTURES,
        method="post",
        expect=EPCIS_401,
        note="producers' people and the office capture (a form body is refused as 415 once "
        "allowed); the others 403. " + EPCIS_NOTE,
    ),
    E(
        "epcis:capture_job",
        KEEPS_A,
        kwargs=lambda w: {"capture_id": str(w.trace_job.capture_id)},
        expect=EPCIS_401,
        note="producer A's capture job: as its batch, and the user who captured it. " + EPCIS_NOTE,
    ),
    E(
        "epcis:events",
        SIGNED_IN,
        expect=EPCIS_401,
        note="a query: empty for whoever sees no event. " + EPCIS_NOTE,
    ),
    E(
        "epcis:event",
        KEEPS_A,
        kwargs=lambda w: {"event_id": w.trace_event.event_id},
        expect=EPCIS_401,
        note=EPCIS_NOTE,
    ),
    E("epcis:batch_export", KEEPS_A, kwargs=_batch, expect=EPCIS_401, note=EPCIS_NOTE),
    E(
        "epcis:?epcis/^.*$",
        NOBODY,
        kwargs=lambda w: {"__path__": "/epcis/khong-co/"},
        anonymous=DENIED,
        hidden=False,
        note="the bindings' catch-all: a 404 problem for everyone",
    ),
    # The GS1 Digital Link resolver: public.
    E("resolver:resolve", EVERYONE, kwargs=_resolver_path, hidden=False),
    E("resolver:description", EVERYONE),
]

API: list[Entry] = [
    E("GET /api/v1/traceability/scans", HAS_STATISTICS),
    E("GET /api/v1/traceability/batches", SIGNED_IN, note="a list: empty for who sees none"),
    E(
        "POST /api/v1/traceability/batches",
        KEEPS_A,
        data=lambda w: {
            "product": w.product_a.code,
            "lot": "MX-2026-78",
            "produced_on": "2026-11-01",
            "quantity": "10",
            "unit": "cái",
        },
        hidden=True,
        note="the body names producer A's product: 404 for who does not keep it",
    ),
    E("GET /api/v1/traceability/batches/{code}", KEEPS_A, kwargs=_batch),
    E(
        "POST /api/v1/traceability/batches/{code}/status",
        KEEPS_A,
        kwargs=_batch,
        data={"status": "closed"},
    ),
    E(
        "POST /api/v1/traceability/batches/{code}/inputs",
        KEEPS_A,
        kwargs=_batch,
        data=_input_data,
    ),
    E("GET /api/v1/traceability/batches/{code}/stamps", KEEPS_A, kwargs=_batch),
    E(
        "POST /api/v1/traceability/batches/{code}/stamps",
        KEEPS_A,
        kwargs=_batch,
        data={"count": 2},
    ),
    E(
        "POST /api/v1/traceability/batches/{code}/stamps/activate",
        KEEPS_A,
        kwargs=_batch,
        data={"every_issued": True},
    ),
    E(
        "POST /api/v1/traceability/batches/{code}/stamps/void",
        KEEPS_A,
        kwargs=_batch,
        data=lambda w: {"codes": [w.trace_stamp.short_code], "reason": "Hỏng"},
    ),
    E(
        "POST /api/v1/traceability/batches/{code}/steps",
        KEEPS_A,
        kwargs=_batch,
        data={"step": "packing", "at": "2026-11-20T09:00:00+07:00"},
    ),
    E("GET /api/v1/traceability/locations", SIGNED_IN, note="a list: empty for who sees none"),
    E(
        "POST /api/v1/traceability/locations",
        KEEPS_A,
        data=lambda w: {"producer": w.producer_a.code, "name": "Kho", "kind": "warehouse"},
        hidden=True,
        note="the body names producer A: 404 for who does not keep it",
    ),
]

ENTRIES: list[Entry] = UI + API
