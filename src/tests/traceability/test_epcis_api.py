"""The EPCIS 2.0 REST bindings under /epcis: capture, capture jobs, the event query and its
paging, one event, a batch's export; headers, problem details, permissions and leaks."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from ocop.accounts.enums import Role
from ocop.traceability.models import CaptureJob, Event
from ocop.traceability.services.epcis import STANDARD_CONTEXT, _validator, capture_document
from tests.factories.accounts import MembershipFactory
from tests.factories.traceability import BatchFactory, vn_gtin


@pytest.fixture(autouse=True)
def _english(settings):
    """The messages are asserted in English (the msgids); Vietnamese is the default."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


CAPTURE = "/epcis/capture"
EVENTS = "/epcis/events"


def document(*events: dict[str, Any], context: list[Any] | None = None) -> dict[str, Any]:
    return {
        "@context": [STANDARD_CONTEXT, *(context or [])],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-10-20T08:00:00+07:00",
        "epcisBody": {"eventList": list(events)},
    }


def event(number: int = 1, **fields: Any) -> dict[str, Any]:
    data = {
        "type": "ObjectEvent",
        "eventTime": f"2026-10-{10 + number % 20:02d}T08:{number % 60:02d}:00+07:00",
        "eventTimeZoneOffset": "+07:00",
        "action": "OBSERVE",
        "bizStep": "shipping",
        "epcList": [f"urn:epc:id:sgtin:8931234.056789.A{number}"],
        "bizLocation": {"id": "urn:epc:id:sgln:8931234.00001.0"},
    }
    data.update(fields)
    return data


def post(client: Client, data: Any, **extra: Any) -> Any:
    body = data if isinstance(data, bytes) else json.dumps(data)
    return client.post(CAPTURE, body, content_type="application/json", **extra)


def found(answer: Any) -> list[dict[str, Any]]:
    assert answer.status_code == 200, answer.content
    return answer.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]


def batch_of(product: Any, number: int, lot: str) -> Any:
    product.gtin = vn_gtin(number)
    product.save(update_fields=["gtin"])
    return BatchFactory(product=product, lot=lot)


# --- capture -----------------------------------------------------------------------------------


def test_capture_answers_202_with_the_job_and_the_epcis_headers(cast, api_token):
    client = Client()

    answer = post(client, document(event(1), event(2)), **api_token(cast.producer1))

    assert answer.status_code == 202, answer.content
    job = CaptureJob.objects.get()
    assert answer["Location"] == f"/epcis/capture/{job.capture_id}"
    assert answer["GS1-EPCIS-Version"] == "2.0.0"
    assert answer["GS1-CBV-Version"] == "2.0.0"
    assert answer.has_header("GS1-Extensions")
    body = answer.json()
    assert body["captureID"] == str(job.capture_id)
    assert (body["running"], body["success"], body["errors"]) == (False, True, [])
    assert (body["eventCount"], body["storedCount"]) == (2, 2)
    assert (job.captured_by, job.producer) == (cast.producer1, cast.prod1)
    assert set(Event.objects.values_list("producer", flat=True)) == {cast.prod1.pk}

    again = client.get(answer["Location"], **api_token(cast.producer1))

    assert again.status_code == 200
    assert again.json()["captureID"] == str(job.capture_id)


def test_capture_of_the_same_document_twice_stores_nothing_new(cast, client_for):
    client = client_for(cast.office)
    post(client, document(event(1)))

    answer = post(client, document(event(1)))

    assert answer.status_code == 202
    assert (answer.json()["success"], answer.json()["storedCount"]) == (True, 0)
    assert Event.objects.count() == 1


def test_a_refused_document_is_a_problem_naming_events_and_fields(cast, client_for):
    client = client_for(cast.producer1)
    data = document(
        event(1), event(2, bizStep="tea time"), event(3, eventTime="2026-10-20T08:00:00")
    )

    answer = post(client, data)

    assert answer.status_code == 400
    assert answer["Content-Type"] == "application/problem+json"
    assert answer["GS1-EPCIS-Version"] == "2.0.0"
    body = answer.json()
    assert body["type"] == "epcisException:ValidationException"
    assert body["status"] == 400
    assert body["detail"] == "2 errors were found; no event was stored."
    assert [(e["event"], e["field"]) for e in body["errors"]] == [
        (1, "/epcisBody/eventList/1/bizStep"),
        (2, "/epcisBody/eventList/2/eventTime"),
    ]
    assert "tea time" in body["errors"][0]["message"]
    assert "has no time zone" in body["errors"][1]["message"]
    assert Event.objects.count() == 0
    # The failed job is readable with its errors, as the bindings expect.
    job = client.get(answer["Location"]).json()
    assert job["captureID"] == body["captureID"]
    assert (job["running"], job["success"]) == (False, False)
    assert [e["field"] for e in job["errors"]] == [
        "/epcisBody/eventList/1/bizStep",
        "/epcisBody/eventList/2/eventTime",
    ]
    assert job["errors"][0]["type"] == "epcisException:ValidationException"


def test_malformed_json_is_a_400_problem(cast, client_for):
    answer = post(client_for(cast.office), b'{"type": "EPCISDocument", ')

    assert answer.status_code == 400
    assert answer.json()["errors"][0]["message"].startswith("The document is not valid JSON")


def test_a_document_over_the_limit_is_a_413_problem(cast, client_for, settings):
    settings.OCOP_EPCIS_MAX_MB = 0.001

    answer = post(client_for(cast.office), document(*[event(n) for n in range(1, 6)]))

    assert answer.status_code == 413
    assert answer.json()["type"] == "epcisException:CaptureLimitExceededException"
    assert answer["GS1-EPCIS-Capture-File-Size-Limit"] == "1048"
    assert Event.objects.count() == 0


def test_capture_wants_json(cast, client_for):
    answer = client_for(cast.office).post(CAPTURE, "x", content_type="text/plain")

    assert answer.status_code == 415
    assert answer.json()["type"] == "epcisException:UnsupportedMediaTypeException"


def test_capture_is_all_or_nothing_only(cast, client_for):
    answer = post(
        client_for(cast.office), document(event(1)), HTTP_GS1_CAPTURE_ERROR_BEHAVIOUR="proceed"
    )

    assert answer.status_code == 400
    assert Event.objects.count() == 0


def test_a_producer_cannot_capture_for_another_producers_batch(cast, client_for):
    batch_of(cast.product2, 21, "L21")
    data = document(
        event(1, epcList=[], quantityList=[{"epcClass": "urn:epc:class:lgtin:8931234.000021.L21"}])
    )

    answer = post(client_for(cast.producer1), data)

    assert answer.status_code == 400
    assert "another producer" in answer.json()["errors"][0]["message"]


def test_someone_working_for_two_producers_says_which(cast, client_for):
    MembershipFactory(
        user=cast.producer1, organisation=cast.prod2.organisation, role=Role.PRODUCER_STAFF
    )
    client = client_for(cast.producer1)

    unsure = post(client, document(event(1)))
    chosen = client.post(
        f"{CAPTURE}?producer={cast.prod2.code}",
        json.dumps(document(event(1))),
        content_type="application/json",
    )

    assert unsure.status_code == 400
    assert chosen.status_code == 202
    assert CaptureJob.objects.get(status="succeeded").producer == cast.prod2


def test_anonymous_capture_is_401(cast):
    answer = post(Client(), document(event(1)))

    assert answer.status_code == 401
    assert answer["WWW-Authenticate"].startswith("Bearer")
    assert answer.json()["type"] == "epcisException:SecurityException"
    assert CaptureJob.objects.count() == 0


@pytest.mark.parametrize("who", ["buyer", "outsider", "member", "approver", "commune"])
def test_capture_is_for_producers_and_the_office(cast, client_for, who):
    answer = post(client_for(getattr(cast, who)), document(event(1)))

    assert answer.status_code == 403
    assert CaptureJob.objects.count() == 0


@pytest.mark.parametrize("who", ["buyer", "approver", "commune"])
def test_a_caller_who_may_not_capture_gets_403_whatever_the_body(cast, client_for, who):
    # The refusal comes before the checks of the body (media type, error behaviour), so the
    # answer does not depend on what is sent (the authorisation matrix posts a form).
    client = client_for(getattr(cast, who))

    as_form = client.post(CAPTURE, {"document": "x"})
    as_text = client.post(CAPTURE, "x", content_type="text/plain")

    assert (as_form.status_code, as_text.status_code) == (403, 403)
    assert as_form.json()["type"] == "epcisException:SecurityException"
    assert CaptureJob.objects.count() == 0


def test_a_producer_sending_a_form_gets_415(cast, client_for):
    answer = client_for(cast.producer1).post(CAPTURE, {"document": "x"})

    assert answer.status_code == 415
    assert CaptureJob.objects.count() == 0


def test_a_session_post_needs_its_csrf_token(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.office)

    answer = post(client, document(event(1)))

    assert answer.status_code == 403
    assert Event.objects.count() == 0


# --- discovery and errors ----------------------------------------------------------------------


def test_options_discovers_versions_and_capture_limits(settings):
    answer = Client().options(CAPTURE)

    assert answer.status_code == 204
    assert answer["Allow"] == "OPTIONS, GET, POST"
    assert answer["GS1-EPCIS-Min"] == answer["GS1-EPCIS-Max"] == "2.0.0"
    assert answer["GS1-CBV-Version"] == "2.0.0"
    assert answer["GS1-Capture-Error-Behaviour"] == "rollback"
    assert answer["GS1-EPCIS-Capture-File-Size-Limit"] == str(
        settings.OCOP_EPCIS_MAX_MB * 1024 * 1024
    )


def test_top_level_resources(cast, client_for):
    answer = client_for(cast.office).get("/epcis/")

    assert answer.json() == ["capture", "events"]


def test_a_wrong_method_is_a_405_problem(cast, client_for):
    answer = client_for(cast.office).put(EVENTS)

    assert answer.status_code == 405
    assert answer["Allow"] == "OPTIONS, GET"
    assert answer["Content-Type"] == "application/problem+json"


def test_an_unknown_path_is_a_404_problem(cast, client_for):
    answer = client_for(cast.office).get("/epcis/subscriptions")

    assert answer.status_code == 404
    assert answer.json()["type"] == "epcisException:NoSuchResourceException"


def test_a_trailing_slash_is_tolerated(cast, client_for):
    assert client_for(cast.office).get(EVENTS + "/").status_code == 200


# --- the event query ---------------------------------------------------------------------------


@pytest.fixture
def stored(cast):
    """Four events: two shipped (one in the early morning), one received, one aggregation."""
    capture_document(
        actor=cast.office,
        document=document(
            event(1, eventTime="2026-10-01T06:00:00+07:00"),
            event(2, eventTime="2026-10-02T08:00:00+07:00"),
            event(
                3, bizStep="receiving", bizLocation={"id": "https://id.gs1.org/414/8931234000028"}
            ),
            {
                "type": "AggregationEvent",
                "eventTime": "2026-10-05T08:00:00+07:00",
                "eventTimeZoneOffset": "+07:00",
                "action": "ADD",
                "bizStep": "packing",
                "parentID": "urn:epc:id:sscc:8931234.0000000001",
                "childEPCs": ["urn:epc:id:sgtin:8931234.056789.A9"],
                "childQuantityList": [{"epcClass": "urn:epc:class:lgtin:8931234.056789.L9"}],
            },
        ),
    )


def steps(answer: Any) -> list[str]:
    return [item["bizStep"] for item in found(answer)]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["shipping", "shipping", "packing", "receiving"]),
        ({"EQ_bizStep": "shipping"}, ["shipping", "shipping"]),
        ({"EQ_bizStep": "receiving|packing"}, ["packing", "receiving"]),
        ({"EQ_bizStep": "https://ref.gs1.org/cbv/BizStep-packing"}, ["packing"]),
        ({"MATCH_epc": "urn:epc:id:sgtin:8931234.056789.A2"}, ["shipping"]),
        ({"MATCH_epc": "https://example.vn/01/08931234567897/21/A9"}, ["packing"]),
        ({"MATCH_anyEPC": "https://id.gs1.org/00/089312340000000011"}, ["packing"]),
        (
            {"MATCH_epc": "urn:epc:idpat:sgtin:8931234.056789.*"},
            ["shipping", "shipping", "packing", "receiving"],
        ),
        ({"MATCH_anyEPCClass": "https://trace.example.vn/01/08931234567897/10/L9"}, ["packing"]),
        ({"MATCH_epcClass": "urn:epc:idpat:sgtin:8931234.056789.*"}, ["packing"]),
        ({"GE_eventTime": "2026-10-02T00:00:00+07:00"}, ["shipping", "packing", "receiving"]),
        ({"LT_eventTime": "2026-10-01T00:00:00Z"}, ["shipping"]),
        ({"EQ_bizLocation": "https://x.vn/414/8931234000028"}, ["receiving"]),
        ({"EQ_bizLocation": "urn:epc:id:sgln:8931234.00001.0"}, ["shipping", "shipping"]),
        ({"eventType": "AggregationEvent"}, ["packing"]),
        ({"EQ_bizStep": "shipping", "GE_eventTime": "2026-10-02T00:00:00+07:00"}, ["shipping"]),
    ],
)
def test_query_parameters(cast, client_for, stored, params, expected):
    answer = client_for(cast.office).get(EVENTS, params)

    assert sorted(steps(answer)) == sorted(expected)


def test_results_are_oldest_first_in_an_epcis_query_document(cast, client_for, stored):
    answer = client_for(cast.office).get(EVENTS)

    body = answer.json()
    assert body["type"] == "EPCISQueryDocument"
    assert body["epcisBody"]["queryResults"]["queryName"] == "SimpleEventQuery"
    times = [item["eventTime"] for item in found(answer)]
    assert times[0] == "2026-10-01T06:00:00+07:00"
    assert list(_validator().iter_errors(body)) == []
    assert answer["GS1-EPCIS-Version"] == "2.0.0"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"EQ_colour": "red"}, "EQ_colour"),
        ({"GE_eventTime": "2026-10-02"}, "GE_eventTime"),
        ({"GE_eventTime": "2026-10-02T00:00:00"}, "GE_eventTime"),
        ({"MATCH_epc": "urn:epc:id:sgtin:1"}, "MATCH_epc"),
        ({"perPage": "many"}, "perPage"),
        ({"perPage": "0"}, "perPage"),
        ({"nextPageToken": "made-up"}, "nextPageToken"),
    ],
)
def test_a_bad_query_is_a_400_problem_naming_the_parameter(cast, client_for, params, field):
    answer = client_for(cast.office).get(EVENTS, params)

    assert answer.status_code == 400
    body = answer.json()
    assert body["type"] == "epcisException:QueryParameterException"
    assert [error["field"] for error in body["errors"]] == [field]


def test_paging_follows_the_link_header_to_the_end(cast, client_for):
    capture_document(actor=cast.office, document=document(*[event(n) for n in range(1, 8)]))
    client = client_for(cast.office)
    seen: list[str] = []
    url = f"{EVENTS}?perPage=3&EQ_bizStep=shipping"
    pages = 0
    while url:
        answer = client.get(url)
        seen += [item["eventID"] for item in found(answer)]
        pages += 1
        link = answer.get("Link")
        if link is None:
            break
        assert link.endswith('>; rel="next"')
        target = urlsplit(link[1 : link.index(">")])
        assert "EQ_bizStep=shipping" in target.query
        url = f"{target.path}?{target.query}"

    assert pages == 3
    ordered = list(Event.objects.order_by("event_time", "pk").values_list("event_id", flat=True))
    assert seen == ordered


def test_the_event_list_costs_the_same_queries_for_1_and_50_events(cast, client_for):
    client = client_for(cast.producer1)
    capture_document(actor=cast.producer1, document=document(event(1)), producer=cast.prod1)
    client.get(EVENTS)  # the session is warm
    with CaptureQueriesContext(connection) as one:
        assert len(found(client.get(EVENTS, {"perPage": 100}))) == 1
    capture_document(
        actor=cast.producer1,
        document=document(*[event(n) for n in range(2, 51)]),
        producer=cast.prod1,
    )

    with CaptureQueriesContext(connection) as many:
        assert len(found(client.get(EVENTS, {"perPage": 100}))) == 50

    assert len(many) == len(one)


def test_the_capture_job_list_costs_the_same_queries_for_1_and_20_jobs(cast, client_for):
    client = client_for(cast.office)
    capture_document(actor=cast.office, document=document(event(1)))
    client.get(CAPTURE)
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(CAPTURE).json()) == 1
    for number in range(2, 21):
        capture_document(actor=cast.office, document=document(event(number)))

    with CaptureQueriesContext(connection) as many:
        assert len(client.get(CAPTURE, {"perPage": 50}).json()) == 20

    assert len(many) == len(one)


def test_capture_jobs_are_paged_newest_first(cast, client_for):
    for number in range(1, 4):
        capture_document(actor=cast.office, document=document(event(number)))
    client = client_for(cast.office)

    first = client.get(CAPTURE, {"perPage": 2})
    target = urlsplit(first["Link"][1 : first["Link"].index(">")])
    second = client.get(f"{target.path}?{target.query}")

    ids = [job["captureID"] for job in first.json() + second.json()]
    expected = [str(j.capture_id) for j in CaptureJob.objects.order_by("-created_at", "-pk")]
    assert ids == expected
    assert not second.has_header("Link")


# --- who sees what -----------------------------------------------------------------------------


@pytest.fixture
def two_producers(cast):
    """producer1 captured one event; the office captured one of prod2's batch."""
    capture_document(actor=cast.producer1, document=document(event(1)), producer=cast.prod1)
    batch_of(cast.product2, 31, "L31")
    capture_document(
        actor=cast.office,
        document=document(
            event(
                2, epcList=[], quantityList=[{"epcClass": "urn:epc:class:lgtin:8931234.000031.L31"}]
            )
        ),
    )


@pytest.mark.parametrize(
    ("who", "count"),
    [
        ("office", 2),
        ("admin", 2),
        ("producer1", 1),
        ("producer1_staff", 1),
        ("producer2", 1),
        ("commune", 1),
        ("commune2", 1),
        ("buyer", 0),
        ("outsider", 0),
        ("member", 0),
    ],
)
def test_who_sees_which_events(cast, client_for, two_producers, who, count):
    assert len(found(client_for(getattr(cast, who)).get(EVENTS))) == count


def test_anonymous_queries_are_401(cast):
    answer = Client().get(EVENTS)

    assert answer.status_code == 401
    assert answer["Content-Type"] == "application/problem+json"


def test_queries_take_a_bearer_token(cast, api_token, two_producers):
    answer = Client().get(EVENTS, **api_token(cast.producer2))

    assert [item["epcList"] for item in found(answer)] == [[]]


LEAKERS = ["producer2", "commune2", "buyer", "outsider", "member"]
SEERS = ["producer1", "producer1_staff", "commune", "office", "admin"]


@pytest.fixture
def producer1_job(cast):
    return capture_document(actor=cast.producer1, document=document(event(1)), producer=cast.prod1)


@pytest.mark.parametrize("who", LEAKERS)
def test_a_capture_job_does_not_leak(cast, client_for, producer1_job, who):
    answer = client_for(getattr(cast, who)).get(f"/epcis/capture/{producer1_job.capture_id}")

    assert answer.status_code == 404
    assert answer["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("who", SEERS)
def test_a_capture_job_is_seen_by_its_producer_and_officials(cast, client_for, producer1_job, who):
    answer = client_for(getattr(cast, who)).get(f"/epcis/capture/{producer1_job.capture_id}")

    assert answer.status_code == 200


def test_an_unknown_capture_id_is_404(cast, client_for):
    client = client_for(cast.office)

    assert client.get("/epcis/capture/not-a-uuid").status_code == 404
    assert client.get("/epcis/capture/3b2c8f0e-1111-4222-8333-944455556666").status_code == 404


@pytest.mark.parametrize("who", LEAKERS)
def test_an_event_does_not_leak(cast, client_for, producer1_job, who):
    stored = Event.objects.get()

    answer = client_for(getattr(cast, who)).get(
        reverse("epcis:event", kwargs={"event_id": stored.event_id})
    )

    assert answer.status_code == 404


@pytest.mark.parametrize("who", SEERS)
def test_an_event_is_found_by_its_event_id(cast, client_for, producer1_job, who):
    stored = Event.objects.get()

    answer = client_for(getattr(cast, who)).get(
        reverse("epcis:event", kwargs={"event_id": stored.event_id})
    )

    assert [item["eventID"] for item in found(answer)] == [stored.event_id]


def test_an_event_with_a_uuid_event_id(cast, client_for):
    event_id = "urn:uuid:3b2c8f0e-1111-4222-8333-944455556666"
    capture_document(actor=cast.office, document=document(event(1, eventID=event_id)))

    answer = client_for(cast.office).get(f"/epcis/events/{event_id}")

    assert [item["eventID"] for item in found(answer)] == [event_id]


# --- a batch's export --------------------------------------------------------------------------


@pytest.fixture
def exported_batch(cast):
    batch = batch_of(cast.product1, 41, "L41")
    capture_document(
        actor=cast.producer1,
        document=document(
            event(
                1, epcList=[], quantityList=[{"epcClass": "urn:epc:class:lgtin:8931234.000041.L41"}]
            ),
            event(2),
        ),
        producer=cast.prod1,
    )
    return batch


@pytest.mark.parametrize("who", ["producer1", "producer1_staff", "office", "commune"])
def test_the_batch_export_is_an_epcis_document_of_its_events(cast, client_for, exported_batch, who):
    answer = client_for(getattr(cast, who)).get(
        reverse("epcis:batch_export", kwargs={"code": exported_batch.code})
    )

    assert answer.status_code == 200
    assert (
        answer["Content-Disposition"]
        == f'attachment; filename="{exported_batch.code}-epcis.jsonld"'
    )
    body = answer.json()
    assert body["type"] == "EPCISDocument"
    assert len(body["epcisBody"]["eventList"]) == 1
    assert list(_validator().iter_errors(body)) == []


@pytest.mark.parametrize("who", LEAKERS)
def test_the_batch_export_does_not_leak(cast, client_for, exported_batch, who):
    answer = client_for(getattr(cast, who)).get(
        reverse("epcis:batch_export", kwargs={"code": exported_batch.code})
    )

    assert answer.status_code == 404


def test_the_batch_export_needs_a_sign_in(exported_batch):
    answer = Client().get(reverse("epcis:batch_export", kwargs={"code": exported_batch.code}))

    assert answer.status_code == 401


def test_extensions_are_announced(cast, client_for):
    capture_document(
        actor=cast.office,
        document=document(
            event(1, **{"ocop:grade": "A"}), context=[{"ocop": "https://ocop.example.vn/voc/"}]
        ),
    )

    answer = client_for(cast.office).get(EVENTS)

    assert answer["GS1-Extensions"] == "ocop=https://ocop.example.vn/voc/"
    assert answer.json()["@context"][1] == {"ocop": "https://ocop.example.vn/voc/"}
