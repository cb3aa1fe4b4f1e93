import json

import pytest
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.test import RequestFactory
from django.utils import translation

from ocop.core.problems import django_errors, problem, problem_for_status

pytestmark = pytest.mark.django_db


def _body(response):
    return json.loads(response.content)


def test_problem_body_and_headers():
    request = RequestFactory().get("/api/v1/x?q=1")
    response = problem(
        request,
        409,
        "Xung đột.",
        kind="conflict",
        detail="Đã có.",
        errors=[{"field": "code", "message": "trùng"}],
        headers={"Retry-After": "5"},
    )
    assert (response.status_code, response["Content-Type"], response["Retry-After"]) == (
        409,
        "application/problem+json",
        "5",
    )
    assert _body(response) == {
        "type": "https://ocop.invalid/problems/conflict",
        "title": "Xung đột.",
        "status": 409,
        "instance": "/api/v1/x?q=1",
        "detail": "Đã có.",
        "errors": [{"field": "code", "message": "trùng"}],
    }
    assert "Xung đột" in response.content.decode()  # UTF-8, not \\u escapes


def test_problem_for_status_keeps_the_allow_header():
    request = RequestFactory().get("/api/v1/auth/token")
    with translation.override("en"):
        response = problem_for_status(request, HttpResponseNotAllowed(["POST"]))
    assert response["Allow"] == "POST"
    assert _body(response) == {
        "type": "https://ocop.invalid/problems/method-not-allowed",
        "title": "This method is not allowed here.",
        "status": 405,
        "instance": "/api/v1/auth/token",
    }


def test_problem_for_an_unlisted_status_uses_the_http_phrase():
    request = RequestFactory().get("/api/v1/teapot")
    response = problem_for_status(request, HttpResponse(status=418))
    assert _body(response)["type"] == "about:blank"
    assert _body(response)["title"] == "I'm a Teapot"


def test_django_errors_flattens_field_and_plain_errors():
    assert django_errors(ValidationError({"name": ["a", "b"], "code": "c"})) == [
        {"field": "name", "message": "a"},
        {"field": "name", "message": "b"},
        {"field": "code", "message": "c"},
    ]
    assert django_errors(ValidationError("whole")) == [{"field": None, "message": "whole"}]
