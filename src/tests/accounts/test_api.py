import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from ocop.accounts.models import ApiToken
from ocop.accounts.services.tokens import authenticate_token, issue_api_token
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token"
ME_URL = "/api/v1/auth/me"
TOKENS_URL = "/api/v1/auth/tokens"


def _post_token(client, username, password, **extra):
    return client.post(
        TOKEN_URL,
        json.dumps({"username": username, "password": password}),
        content_type="application/json",
        **extra,
    )


def _bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _assert_unauthenticated(response):
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"] == 'Bearer realm="ocop"'


def test_token_endpoint_gives_a_token_that_works(cast):
    client = Client()
    response = _post_token(client, cast.office.username, PASSWORD)
    assert response.status_code == 201
    body = response.json()
    assert sorted(body) == ["expires_at", "token", "token_type"]
    assert body["token_type"] == "Bearer"
    assert body["token"].startswith("ocop_")
    me = client.get(ME_URL, **_bearer(body["token"]))
    assert me.status_code == 200
    assert me.json()["username"] == cast.office.username
    assert ApiToken.objects.get(user=cast.office).name == "api"


def test_me_names_roles_and_organisations(cast, api_token):
    response = Client().get(ME_URL, **api_token(cast.producer1))
    organisation = cast.prod1.organisation
    assert response.json() == {
        "username": cast.producer1.username,
        "full_name": cast.producer1.full_name,
        "email": cast.producer1.email,
        "is_superuser": False,
        "roles": ["producer_owner"],
        "organisations": [
            {
                "code": organisation.code,
                "name": organisation.name,
                "kind": "producer",
                "roles": ["producer_owner"],
            }
        ],
    }


def test_me_costs_the_same_queries_for_one_or_many_organisations(
    cast, api_token, django_assert_num_queries
):
    from ocop.accounts.enums import OrganisationKind, Role
    from ocop.accounts.services.users import add_membership
    from tests.factories.accounts import OrganisationFactory

    def count(user):
        headers = api_token(user)
        client = Client()
        # the token, noting its first use, the memberships
        with django_assert_num_queries(3) as captured:
            assert client.get(ME_URL, **headers).status_code == 200
        return len(captured.captured_queries)

    one = count(cast.chair)
    for _ in range(3):
        council = OrganisationFactory(kind=OrganisationKind.COUNCIL)
        add_membership(actor=None, user=cast.chair, organisation=council, role=Role.COUNCIL_MEMBER)
    assert count(cast.chair) == one


def test_me_with_the_browser_session(cast, client_for):
    response = client_for(cast.commune).get(ME_URL)
    assert response.status_code == 200
    assert response.json()["roles"] == ["commune_officer"]
    assert [o["kind"] for o in response.json()["organisations"]] == ["commune_committee"]


def test_wrong_password_is_a_401_problem(cast):
    response = _post_token(Client(HTTP_ACCEPT_LANGUAGE="en"), cast.office.username, "wrong")
    _assert_unauthenticated(response)
    assert response.json() == {
        "type": "https://ocop.invalid/problems/invalid-credentials",
        "title": "The username or password is not correct.",
        "status": 401,
        "instance": TOKEN_URL,
    }
    assert ApiToken.objects.count() == 0


def test_a_missing_field_is_a_422_problem(db):
    response = Client().post(
        TOKEN_URL, json.dumps({"username": "office"}), content_type="application/json"
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == ["password"]


def test_token_endpoint_is_throttled(cast, settings):
    settings.LOGIN_FAILURE_LIMIT = 10
    settings.LOGIN_FAILURE_WINDOW_MINUTES = 15
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert [_post_token(client, cast.office.username, "wrong").status_code for _ in range(10)] == [
        401
    ] * 10
    response = _post_token(client, cast.office.username, PASSWORD)
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == "900"
    assert response.json()["title"] == (
        "Too many failed sign-in attempts. Wait 15 minutes and try again."
    )
    assert response.json()["type"] == "https://ocop.invalid/problems/too-many-attempts"
    # the login form shares the count: it is locked too
    form = client.post(
        "/tai-khoan/dang-nhap/", {"username": cast.office.username, "password": PASSWORD}
    )
    assert form.status_code == 429
    assert ApiToken.objects.count() == 0


def test_no_credentials_is_a_401_problem(db):
    _assert_unauthenticated(Client().get(ME_URL))


def test_expired_token_is_a_401_problem(cast):
    token, raw = issue_api_token(user=cast.office)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    _assert_unauthenticated(Client().get(ME_URL, **_bearer(raw)))


def test_revoked_token_is_a_401_problem_even_on_unsafe_methods(cast):
    _token, raw = issue_api_token(user=cast.office)
    client = Client()
    assert client.delete(TOKENS_URL, **_bearer(raw)).status_code == 204
    assert authenticate_token(raw) is None
    _assert_unauthenticated(client.get(ME_URL, **_bearer(raw)))
    _assert_unauthenticated(client.delete(TOKENS_URL, **_bearer(raw)))


def test_delete_tokens_revokes_only_the_callers(cast):
    _t, raw = issue_api_token(user=cast.office)
    _t2, raw2 = issue_api_token(user=cast.office)
    _t3, other = issue_api_token(user=cast.commune)
    response = Client().delete(TOKENS_URL, **_bearer(raw))
    assert (response.status_code, response.content) == (204, b"")
    assert [authenticate_token(r) for r in (raw, raw2, other)] == [None, None, cast.commune]


def test_a_malformed_authorization_header_is_a_401(db):
    _assert_unauthenticated(Client().get(ME_URL, HTTP_AUTHORIZATION="Token abc"))
    _assert_unauthenticated(Client().get(ME_URL, HTTP_AUTHORIZATION="Bearer ocop_nothing"))


def test_session_callers_need_csrf_on_unsafe_methods(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.office)
    response = client.delete(TOKENS_URL)
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"


def test_session_callers_with_the_csrf_header_may_delete(cast, api_token):
    raw = api_token(cast.office)["HTTP_AUTHORIZATION"].split()[1]
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.office)
    csrf = client.get("/tai-khoan/ho-so/").context["csrf_token"]
    response = client.delete(TOKENS_URL, HTTP_X_CSRFTOKEN=str(csrf))
    assert response.status_code == 204
    assert authenticate_token(raw) is None


def test_an_anonymous_unsafe_request_is_a_401_not_a_csrf_403(db):
    _assert_unauthenticated(Client(enforce_csrf_checks=True).delete(TOKENS_URL))
