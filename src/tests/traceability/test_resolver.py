"""The GS1 Digital Link resolver at the site root, rule by rule (GS1-Conformant resolver standard,
reference §2.6): the four path forms and a trailing slash; the trace page by default (200, no
redirect) with a `Link` header to the linkset; the linkset by `?linkType=linkset` and by
`Accept: application/linkset+json` (never a redirect); 307 to a link type, 404 when the thing has
none; 400 for a malformed identifier (a page in words, or problem+json), 404 for an unknown one;
HEAD, OPTIONS and CORS on every answer; the description file at /.well-known/gs1resolver."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import Client

from ocop.core.models import ActivityLog
from ocop.producers.enums import ProducerStatus
from ocop.traceability.enums import StampStatus
from ocop.traceability.identifiers import DigitalLink, check_digit
from ocop.traceability.models import Scan
from tests.factories.certificates import CertificateFactory
from tests.factories.traceability import BatchFactory, StampFactory, gtin14, vn_gtin

pytestmark = pytest.mark.django_db

HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
LINKSET = "application/linkset+json"
VOC = "https://ref.gs1.org/voc/"


@pytest.fixture
def stamp(cast):
    batch = BatchFactory(product=cast.product1, lot="L2026-07")
    return StampFactory(batch=batch, serial="A7K2M9Q4XZ", status=StampStatus.ACTIVE)


def paths(stamp) -> dict[str, str]:
    gtin = stamp.gtin
    lot = stamp.batch.lot
    return {
        "gtin": f"/01/{gtin}",
        "lot": f"/01/{gtin}/10/{lot}",
        "serial": f"/01/{gtin}/21/{stamp.serial}",
        "lot+serial": f"/01/{gtin}/10/{lot}/21/{stamp.serial}",
    }


def browser() -> Client:
    return Client(HTTP_ACCEPT=HTML, HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 14)")


def linkset_of(response) -> dict:
    assert response.status_code == 200
    assert response["Content-Type"] == LINKSET
    return json.loads(response.content)


# --- the four forms, the trailing slash, the default answer ----------------------------------


@pytest.mark.parametrize("form", ["gtin", "lot", "serial", "lot+serial"])
@pytest.mark.parametrize("slash", ["", "/"])
def test_each_form_answers_the_trace_page_without_a_redirect(stamp, form, slash):
    path = paths(stamp)[form] + slash
    response = browser().get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert stamp.batch.product.name in response.content.decode()
    anchor = settings.SITE_URL + paths(stamp)[form]
    assert response["Link"] == f'<{anchor}?linkType=linkset>; rel="linkset"; type="{LINKSET}"'
    assert response["Access-Control-Allow-Origin"] == "*"


def test_the_most_specific_thing_known_is_shown(stamp):
    page = {form: browser().get(path).content.decode() for form, path in paths(stamp).items()}
    assert stamp.serial not in page["gtin"] and stamp.batch.lot not in page["gtin"]
    assert stamp.batch.lot in page["lot"] and stamp.serial not in page["lot"]
    assert stamp.serial in page["serial"] and stamp.batch.lot in page["serial"]
    assert stamp.serial in page["lot+serial"]


def test_a_gtin_is_found_whatever_length_the_product_keeps(cast):
    gtin13 = vn_gtin(4242)
    cast.product1.gtin = gtin13
    cast.product1.save(update_fields=["gtin"])
    for written in (gtin13, "0" + gtin13):
        assert browser().get(f"/01/{written}").status_code == 200
    cast.product1.gtin = "0" + gtin13
    cast.product1.save(update_fields=["gtin"])
    assert browser().get(f"/01/{gtin13}").status_code == 200


def test_a_lot_with_characters_to_escape_resolves(cast):
    batch = BatchFactory(product=cast.product1, lot="A/B%C")
    link = DigitalLink(gtin14(cast.product1), batch.lot)
    assert link.path().endswith("/10/A%2FB%25C")
    # gunicorn hands the path as written (RAW_URI); other servers only the decoded one.
    response = browser().get(link.path(), RAW_URI=link.path())
    assert response.status_code == 200
    assert "A/B%C" in response.content.decode()


# --- the linkset -------------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["gtin", "lot", "serial", "lot+serial"])
def test_the_linkset_by_query_parameter_is_never_a_redirect(stamp, form):
    path = paths(stamp)[form]
    body = linkset_of(browser().get(path, {"linkType": "linkset"}))
    (entry,) = body["linkset"]
    assert entry["anchor"] == settings.SITE_URL + path
    page = {
        "href": settings.SITE_URL + path,
        "title": entry[VOC + "pip"][0]["title"],
        "type": "text/html",
        "hreflang": ["vi", "en"],
    }
    assert entry[VOC + "pip"] == [page]
    assert entry[VOC + "defaultLink"] == [page]
    traceability = entry[VOC + "traceability"]
    assert traceability[0]["href"] == settings.SITE_URL + path
    if form != "gtin":  # the serial's or the lot's events on the EPCIS query interface
        parameter = "MATCH_anyEPC" if "serial" in form else "MATCH_anyEPCClass"
        assert traceability[1]["type"] == "application/json"
        assert traceability[1]["href"] == (
            f"{settings.SITE_URL}/epcis/events?{urlencode({parameter: settings.SITE_URL + path})}"
        )
    else:
        assert len(traceability) == 1
    assert VOC + "certificationInfo" not in entry
    for links in (value for key, value in entry.items() if key.startswith(VOC)):
        for link in links:
            assert set(link) == {"href", "title", "type", "hreflang"}
            assert link["hreflang"] == ["vi", "en"]


def test_the_linkset_by_accept_header(stamp):
    path = paths(stamp)["serial"]
    for accept in (LINKSET, "application/json", f"{LINKSET}, text/html;q=0.5"):
        body = linkset_of(Client(HTTP_ACCEPT=accept).get(path))
        assert body["linkset"][0]["anchor"] == settings.SITE_URL + path
    # all, deprecated in resolver 1.0, answers the linkset too
    assert linkset_of(browser().get(path, {"linkType": "all"}))["linkset"]


def test_the_linkset_describes_the_item_and_links_its_certificate(stamp, cast):
    certificate = CertificateFactory(product=cast.product1)
    path = paths(stamp)["lot+serial"]
    response = browser().get(path, {"linkType": "linkset"})
    entry = linkset_of(response)["linkset"][0]
    assert cast.product1.name in entry["itemDescription"]
    assert stamp.serial in entry["itemDescription"]
    verification = f"{settings.SITE_URL}/xac-minh/{certificate.verification_code}/"
    assert [link["href"] for link in entry[VOC + "certificationInfo"]] == [verification]
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "json-ld#context" in response["Link"]


def test_asking_for_the_linkset_records_no_scan(stamp):
    browser().get(paths(stamp)["serial"], {"linkType": "linkset"})
    Client(HTTP_ACCEPT=LINKSET).get(paths(stamp)["serial"])
    assert Scan.objects.count() == 0


# --- one link type -----------------------------------------------------------------------------


@pytest.mark.parametrize("link_type", ["gs1:pip", f"{VOC}pip", "https://gs1.org/voc/pip"])
def test_a_link_type_redirects_with_307(stamp, link_type):
    path = paths(stamp)["lot"]
    response = browser().get(path, {"linkType": link_type, "17": "271005"})
    assert response.status_code == 307
    assert response["Location"] == f"{settings.SITE_URL}{path}?17=271005"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert 'rel="linkset"' in response["Link"]


def test_the_certification_link_redirects_to_the_verification_page(stamp, cast):
    certificate = CertificateFactory(product=cast.product1)
    response = browser().get(paths(stamp)["gtin"], {"linkType": "gs1:certificationInfo"})
    assert response.status_code == 307
    assert response["Location"] == (
        f"{settings.SITE_URL}/xac-minh/{certificate.verification_code}/"
    )


@pytest.mark.parametrize("link_type", ["gs1:certificationInfo", "gs1:recyclingInfo", "nonsense"])
def test_a_link_type_the_thing_lacks_is_404(stamp, link_type):
    response = browser().get(paths(stamp)["gtin"], {"linkType": link_type})
    assert response.status_code == 404
    assert "Location" not in response
    assert response["Access-Control-Allow-Origin"] == "*"
    problem = Client(HTTP_ACCEPT="application/json").get(
        paths(stamp)["gtin"], {"linkType": link_type}
    )
    assert problem.status_code == 404
    assert problem["Content-Type"] == "application/problem+json"


# --- 400 and 404 -------------------------------------------------------------------------------

BAD = {
    "letters": "/01/89312345ABCDE",
    "length": "/01/893123456789",
    "check digit": "/01/8931234567890",
    "lot characters": "/01/08931234567897/10/Lô-1",
    "lot too long": "/01/08931234567897/10/" + "L" * 21,
    "qualifier order": "/01/08931234567897/21/S1/10/L1",
    "empty": "/01/",
    "unknown qualifier": "/01/08931234567897/22/ABC",
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_malformed_identifier_is_a_400_page_in_words(case):
    response = browser().get(BAD[case])
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "<h1>" in response.content.decode()


def test_the_400_says_why(cast):
    page = browser().get("/01/8931234567890").content.decode()
    assert "8931234567897"[-1] in page and "8931234567890" in page
    problem = Client(HTTP_ACCEPT="application/json").get("/01/8931234567890")
    assert problem.status_code == 400
    assert problem["Content-Type"] == "application/problem+json"
    body = problem.json()
    assert body["status"] == 400
    assert body["type"].endswith("/invalid-identifier")
    assert "8931234567890" in body["detail"]
    assert problem["Access-Control-Allow-Origin"] == "*"


def test_an_unknown_gtin_lot_or_serial_is_404(stamp):
    unknown_gtin = "8931234599990"[:-1] + check_digit("893123459999")
    gtin = stamp.gtin
    for path in (
        f"/01/{unknown_gtin}",
        f"/01/{gtin}/10/NOPE",
        f"/01/{gtin}/21/NOPE",
        f"/01/{gtin}/10/NOPE/21/{stamp.serial}",  # the serial exists, but not in this lot
        f"/01/{unknown_gtin}/21/{stamp.serial}",
    ):
        response = browser().get(path)
        assert response.status_code == 404, path
        assert response["Access-Control-Allow-Origin"] == "*"
    assert Scan.objects.count() == 0


def test_an_unknown_serial_of_a_known_product_warns_of_a_counterfeit(stamp):
    response = browser().get(f"/01/{stamp.gtin}/21/NOPE")
    page = response.content.decode()
    assert stamp.batch.product.name in page
    assert response.status_code == 404


def test_a_producer_not_approved_has_no_public_page(stamp):
    producer = stamp.batch.producer
    producer.status = ProducerStatus.PENDING
    producer.save(update_fields=["status"])
    for path in paths(stamp).values():
        assert browser().get(path).status_code == 404


# --- methods and CORS --------------------------------------------------------------------------


def test_head_answers_the_headers_of_get_without_a_body(stamp):
    path = paths(stamp)["serial"]
    got = browser().get(path)
    head = browser().head(path)
    assert head.status_code == 200
    assert head.content == b""
    for name in ("Content-Type", "Link", "Access-Control-Allow-Origin", "Cache-Control"):
        assert head[name] == got[name]
    assert int(head["Content-Length"]) > 1000
    # HEAD of the linkset and of an error, too
    assert browser().head(path, {"linkType": "linkset"})["Content-Type"] == LINKSET
    assert browser().head("/01/123").status_code == 400
    # the GET counted one scan; HEAD counts none
    assert Scan.objects.count() == 1


def test_options_answers_allow_and_the_cors_preflight(stamp):
    response = Client().options(
        paths(stamp)["serial"],
        HTTP_ORIGIN="https://app.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert response.status_code in (200, 204)
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response["Access-Control-Allow-Methods"]
    assert "Accept" in response["Access-Control-Allow-Headers"]


def test_other_methods_are_405(stamp):
    response = Client().post(paths(stamp)["serial"])
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert Scan.objects.count() == 0


def test_the_resolver_writes_no_activity(stamp):
    for path in paths(stamp).values():
        browser().get(path)
    assert ActivityLog.objects.count() == 0


# --- the description file ----------------------------------------------------------------------


def test_the_resolver_description_file():
    response = Client().get("/.well-known/gs1resolver")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Access-Control-Allow-Origin"] == "*"
    body = response.json()
    assert body["resolverRoot"] == settings.SITE_URL
    assert body["supportedPrimaryKeys"] == ["01"]
    assert body["linkTypeDefaultCanBeLinkset"] is False
    assert body["supportedLinkType"] == [{"namespace": VOC, "prefix": "gs1:"}]
    assert body["name"] and body["contact"]["fn"]
    assert body["jsonLdContextLocation"].startswith("https://ref.gs1.org/")
    assert Client().head("/.well-known/gs1resolver").content == b""
    assert Client().options("/.well-known/gs1resolver")["Allow"] == "GET, HEAD, OPTIONS"
