import re

import pytest
from django.test import Client

from ocop.core.middleware import CSP

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def test_openapi_schema_is_served(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "OCOP Platform API"
    assert {"/api/v1/auth/token", "/api/v1/auth/tokens", "/api/v1/auth/me"} <= set(schema["paths"])
    assert schema["components"]["securitySchemes"]["BearerToken"] == {
        "type": "http",
        "scheme": "bearer",
    }
    token_responses = schema["paths"]["/api/v1/auth/token"]["post"]["responses"]
    assert sorted(token_responses) == ["201", "400", "401", "422", "429"]


def test_docs_page_loads_swagger_from_our_own_static_files(db):
    client = Client()
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    content = response.content.decode()
    assert response["Content-Security-Policy"] == CSP
    assert "unsafe-inline" not in CSP and "unsafe-eval" not in CSP
    scripts = re.findall(r'<script[^>]*\ssrc="([^"]+)"', content)
    styles = re.findall(r'<link[^>]*\shref="([^"]+)"', content)
    assert scripts == ["/static/ninja/swagger-ui-bundle.js", "/static/ninja/swagger-ui-init.js"]
    assert "/static/ninja/swagger-ui.css" in styles
    # no CDN, no outside address at all (the outside validator badge is switched off)
    # (the random CSRF token may spell "cdn": look at the addresses the page loads, not at it)
    assert not [url for url in scripts + styles if "cdn" in url.lower()]
    assert "http://" not in content
    assert "https://" not in content
    assert '"validatorUrl": null' in content
    assert '"url": "/api/v1/openapi.json"' in content
    # no inline script: the only <script> without src is the JSON settings block
    inline = re.findall(r"<script(?![^>]*\ssrc=)([^>]*)>", content)
    assert inline == [' type="application/json" id="swagger-settings"']
    for url in [*scripts, "/static/ninja/swagger-ui.css"]:
        static = client.get(url)
        assert static.status_code == 200, url
        # reading to the end closes the file (response.close() would end the test's connection)
        assert b"".join(static.streaming_content) != b"", url


def test_an_unknown_api_path_is_a_404_problem(db):
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/no/such/thing")
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert response.json() == {
        "type": "https://ocop.invalid/problems/not-found",
        "title": "Not found.",
        "status": 404,
        "instance": "/api/v1/no/such/thing",
    }


def test_an_unknown_api_path_is_a_problem_for_unsafe_methods_too(db):
    response = Client(enforce_csrf_checks=True).post("/api/v1/no/such/thing", {})
    assert (response.status_code, response["Content-Type"]) == (404, PROBLEM)


def test_a_wrong_method_is_a_405_problem_that_names_the_allowed_ones(db):
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/auth/token")
    assert response.status_code == 405
    assert response["Content-Type"] == PROBLEM
    assert response["Allow"] == "POST"
    assert response.json()["title"] == "This method is not allowed here."


@pytest.mark.urls("tests.core.api_urls")
def test_a_crash_in_the_api_is_a_500_problem(db):
    response = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/boom")
    assert response.status_code == 500
    assert response["Content-Type"] == PROBLEM
    assert response.json() == {
        "type": "https://ocop.invalid/problems/server-error",
        "title": "The server could not complete the request.",
        "status": 500,
        "instance": "/api/v1/boom",
    }


@pytest.mark.urls("tests.core.api_urls")
def test_a_crash_is_a_problem_without_the_traceback_in_debug_too(db, settings):
    settings.DEBUG = True
    response = Client(raise_request_exception=False).get("/api/v1/boom")
    assert (response.status_code, response["Content-Type"]) == (500, PROBLEM)
    assert "Traceback" not in response.content.decode()


def test_html_errors_outside_the_api_stay_html(db):
    response = Client().get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_the_epcis_bindings_honour_accept_language_like_the_api(db):
    """/epcis/ is a machine interface: its problem details follow Accept-Language, not the
    Vietnamese-first rule of the pages."""
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get("/epcis/events")
    assert (english.status_code, english.json()["title"]) == (401, "Authentication is required.")
    vietnamese = Client(HTTP_ACCEPT_LANGUAGE="vi").get("/epcis/events")
    assert vietnamese.json()["title"] != english.json()["title"]
