"""API fuzzing (issue #9, item 2): schemathesis drives every operation of /api/v1/openapi.json
in-process and the EPCIS capture endpoint with fuzzed bodies.

Each operation runs as two real users with bearer tokens (the province office, wide access; a
producer owner, narrow) over the cast of `tests/conftest.py` plus a few objects of each kind, so
that paths carrying a code reach real rows as well as unknown ones. Every example is checked for:
no 5xx (`not_a_server_error`), a documented status code, the declared content type and the
declared response schema. Examples run in a savepoint rolled back afterwards, so one example's
writes never meet the next. The figures (examples run, 5xx seen) go to the test reports'
`user_properties` and are summed at the end of the run (`pytest_terminal_summary` in
`tests/conftest.py`): "schemathesis: N examples run, 0 5xx seen".
"""

from __future__ import annotations

import json
from typing import Any

import hypothesis
import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ocop.accounts.enums import OrganisationKind, Role
from ocop.accounts.services.tokens import issue_api_token
from ocop.api import api
from ocop.traceability.models import Event
from tests.factories.accounts import MembershipFactory, OrganisationFactory
from tests.factories.certificates import CertificateFactory
from tests.factories.geo import CommuneFactory
from tests.factories.points import PointOfSaleFactory
from tests.factories.producers import ProducerFactory
from tests.factories.products import ProductFactory
from tests.factories.reports import PlanFactory, TrainingCourseFactory
from tests.factories.traceability import BatchFactory, LocationFactory
from tests.factories.trade import DemandFactory, OfferFactory, buyer_for

# Examples of each operation: (user, generation mode, how many). Positive cases follow the
# schema (and reach the services, with real codes in the paths half of the time); negative ones
# break it (wrong types, missing fields, out-of-range values) and must be refused with a 4xx.
PLAN = [
    ("office", GenerationMode.POSITIVE, 3),
    ("producer", GenerationMode.POSITIVE, 3),
    ("office", GenerationMode.NEGATIVE, 2),
]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
SETTINGS = hypothesis.settings(
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure reports its first case
    suppress_health_check=list(HealthCheck),
    print_blob=False,
)

SCHEMA = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix=reverse("api:api-root")))
OPERATIONS = {
    f"{result.ok().method.upper()} {result.ok().path}": result.ok()
    for result in SCHEMA.get_all_operations()
}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Users, tokens and objects of each kind the paths name, made once for the module in a
    transaction rolled back at its end (each test runs in a savepoint within it)."""
    with django_db_blocker.unblock(), transaction.atomic():
        commune_a, commune_b = CommuneFactory(), CommuneFactory()
        office_org = OrganisationFactory(kind=OrganisationKind.PROVINCE_OFFICE)
        prod1 = ProducerFactory(commune=commune_a)
        prod2 = ProducerFactory(commune=commune_b)
        office = MembershipFactory(role=Role.PROVINCE_OFFICER, organisation=office_org).user
        owner = MembershipFactory(role=Role.PRODUCER_OWNER, organisation=prod1.organisation).user
        buyer_user = MembershipFactory(
            role=Role.BUYER, organisation=OrganisationFactory(kind=OrganisationKind.BUYER)
        ).user
        product1 = ProductFactory(producer=prod1)
        product2 = ProductFactory(producer=prod2)
        location = LocationFactory(producer=prod1)
        batch = BatchFactory(product=product1)
        demand = DemandFactory(buyer=buyer_for(buyer_user))
        offer = OfferFactory(product=product1)
        certificate = CertificateFactory(product=product1)
        point = PointOfSaleFactory(commune=commune_a)
        course = TrainingCourseFactory()
        plan = PlanFactory(unit=commune_a)
        codes = {
            "producers": [prod1.code, prod2.code],
            "products": [product1.code, product2.code],
            "catalog/products": [product1.code],
            "traceability/batches": [batch.code],
            "traceability/locations": [location.code],
            "trade/demands": [demand.code],
            "trade/offers": [offer.code],
            "certificates": [certificate.code],
            "certificates/verify": [certificate.verification_code],
            "points-of-sale": [point.code],
            "reports/training/courses": [course.code],
            "geo/units": [commune_a.key, commune_b.key],
        }
        headers = {
            role: {"Authorization": f"Bearer {issue_api_token(user=user, name='fuzz')[1]}"}
            for role, user in (("office", office), ("producer", owner))
        }
        yield {
            "codes": codes,
            "plan": {"year": plan.year, "unit_code": commune_a.key},
            "headers": headers,
            "producer": prod1,
        }
        transaction.set_rollback(True)


@pytest.fixture
def wsgi_app():
    """Django's WSGI handler without the per-request connection reset (the test client's way):
    the test's transaction must survive the requests."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _real_path_parameters(path: str, world: dict[str, Any]) -> dict[str, Any] | None:
    """Strategies for the path parameters that name real objects, or None (no such object)."""
    rest = path.removeprefix("/api/v1/")
    if rest.startswith("reports/plans/"):
        return {name: st.just(value) for name, value in world["plan"].items()}
    best = None
    for prefix, codes in world["codes"].items():
        if rest.startswith(prefix + "/{") and (best is None or len(prefix) > len(best[0])):
            best = (prefix, codes)
    if best is None:
        return None
    name = rest[len(best[0]) + 2 :].split("}", 1)[0]
    return {name: st.sampled_from(best[1])}


def _strategy(operation, mode: GenerationMode, world: dict[str, Any]):
    fuzzed = operation.as_strategy(generation_mode=mode)
    real = _real_path_parameters(operation.path, world)
    if real is None or mode is GenerationMode.NEGATIVE:
        return fuzzed
    with_real = st.fixed_dictionaries(real).flatmap(
        lambda params: operation.as_strategy(path_parameters=params)
    )
    return st.one_of(with_real, fuzzed)


def _fuzz_leg(operation, mode, examples, headers, world, app, counts: dict[str, int]) -> None:
    @hypothesis.settings(SETTINGS, max_examples=examples)
    @given(case=_strategy(operation, mode, world))
    def example(case) -> None:
        counts["examples"] += 1
        with transaction.atomic():
            response = case.call(app=app, headers=headers)
            transaction.set_rollback(True)
        if response.status_code >= 500:
            counts["5xx"] += 1
        case.validate_response(response, checks=CHECKS, headers=headers)

    try:
        example()
    except hypothesis.errors.Unsatisfiable:
        # Nothing to break: the operation takes no input the schema constrains (no body,
        # no query, free-text path codes), so every request is a valid one.
        assert mode is GenerationMode.NEGATIVE


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_api_operation(label, world, db, wsgi_app, record_property):
    """Every operation, as the office and as a producer, positive and negative: no 5xx, and
    each answer is one the schema documents (status, content type, body)."""
    counts = {"examples": 0, "5xx": 0}
    try:
        for role, mode, examples in PLAN:
            headers = world["headers"][role]
            _fuzz_leg(OPERATIONS[label], mode, examples, headers, world, wsgi_app, counts)
    finally:
        record_property("fuzz_examples", counts["examples"])
        record_property("fuzz_5xx", counts["5xx"])
    assert counts["5xx"] == 0
    assert counts["examples"] >= 2  # an operation without input has one case per user


# --- EPCIS 2.0 (/epcis/, outside the NinjaAPI schema) ------------------------------------------

JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)
EVENT_KEYS = [
    "type",
    "eventTime",
    "eventTimeZoneOffset",
    "epcList",
    "action",
    "bizStep",
    "disposition",
    "readPoint",
    "bizLocation",
    "eventID",
    "quantityList",
]


def _epcis_documents():
    """A document shaped like EPCIS 2.0 with fuzzed values, or any JSON at all."""
    event = st.fixed_dictionaries(
        {},
        optional=dict.fromkeys(EVENT_KEYS, JSON_VALUES)
        | {"type": st.sampled_from(["ObjectEvent", "AggregationEvent", "TransformationEvent", 7])},
    )
    document = st.fixed_dictionaries(
        {
            "@context": st.sampled_from(
                ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", None, []]
            ),
            "type": st.sampled_from(["EPCISDocument", "EPCISQueryDocument", "", 1]),
            "schemaVersion": st.sampled_from(["2.0", "1.2", 2.0]),
            "creationDate": st.sampled_from(["2026-10-05T08:00:00+07:00", "31/02/2026", ""]),
            "epcisBody": st.fixed_dictionaries({"eventList": st.lists(event, max_size=3)})
            | JSON_VALUES,
        }
    )
    return document | JSON_VALUES


EPCIS_SETTINGS = hypothesis.settings(SETTINGS, max_examples=25)
EPCIS_ERRORS = {400, 401, 403, 404, 406, 413, 415, 422}


def _epcis_client(world) -> Client:
    return Client(HTTP_AUTHORIZATION=world["headers"]["producer"]["Authorization"])


def _assert_epcis_answer(response, counts, *, ok: int) -> None:
    counts["examples"] += 1
    if response.status_code >= 500:
        counts["5xx"] += 1
    assert response.status_code in {ok} | EPCIS_ERRORS, response.content[:500]
    if response.status_code != ok:
        assert response["Content-Type"] == "application/problem+json"
        assert json.loads(response.content)["status"] == response.status_code


def test_epcis_capture_fuzzed_documents(world, db, record_property):
    """POST /epcis/capture with fuzzed JSON (EPCIS-shaped or not, and bytes that are not JSON):
    202 or a problem, never a 5xx; a refused document stores no event."""
    client = _epcis_client(world)
    counts = {"examples": 0, "5xx": 0}

    @EPCIS_SETTINGS
    @given(document=_epcis_documents(), raw=st.none() | st.binary(max_size=64))
    def example(document, raw) -> None:
        body = raw if raw is not None else json.dumps(document, allow_nan=True)
        with transaction.atomic():
            events = Event.objects.count()
            response = client.post("/epcis/capture", body, content_type="application/json")
            if response.status_code != 202:
                assert Event.objects.count() == events
            transaction.set_rollback(True)
        _assert_epcis_answer(response, counts, ok=202)

    try:
        example()
    finally:
        record_property("fuzz_examples", counts["examples"])
        record_property("fuzz_5xx", counts["5xx"])
    assert counts["5xx"] == 0


QUERY_NAMES = [
    "eventType",
    "GE_eventTime",
    "LT_eventTime",
    "MATCH_epc",
    "EQ_bizStep",
    "perPage",
    "nextPageToken",
    "EQ_action",
    "GE_recordTime",
]


def test_epcis_reads_fuzzed(world, db, record_property):
    """GET /epcis/events with fuzzed query parameters, /epcis/events/<id>,
    /epcis/capture/<id> and /epcis/batches/<code>/events with fuzzed identifiers."""
    client = _epcis_client(world)
    counts = {"examples": 0, "5xx": 0}
    texts = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=30)

    @EPCIS_SETTINGS
    @given(
        query=st.dictionaries(st.sampled_from(QUERY_NAMES) | texts, texts, max_size=4),
        identifier=texts.filter(lambda t: t.strip("/") != ""),
    )
    def example(query, identifier) -> None:
        from urllib.parse import quote

        _assert_epcis_answer(client.get("/epcis/events", query), counts, ok=200)
        for path in ("/epcis/events/", "/epcis/capture/", "/epcis/batches/"):
            suffix = "/events" if path == "/epcis/batches/" else ""
            response = client.get(path + quote(identifier, safe="") + suffix)
            _assert_epcis_answer(response, counts, ok=200)

    try:
        example()
    finally:
        record_property("fuzz_examples", counts["examples"])
        record_property("fuzz_5xx", counts["5xx"])
    assert counts["5xx"] == 0
