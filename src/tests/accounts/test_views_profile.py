import pytest
from django.test import Client
from django.urls import reverse

from ocop.accounts.models import ApiToken
from ocop.accounts.services.tokens import authenticate_token, issue_api_token

pytestmark = pytest.mark.django_db


def test_profile_requires_sign_in(db):
    response = Client().get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_profile_shows_memberships_and_tokens(cast, client_for):
    token, _raw = issue_api_token(user=cast.commune, name="máy tính bảng")
    issue_api_token(user=cast.office, name="someone else's")
    response = client_for(cast.commune).get(reverse("accounts:profile"))
    assert response.status_code == 200
    assert [(m.role, m.organisation.name) for m in response.context["memberships"]] == [
        ("commune_officer", "UBND xã A")
    ]
    assert list(response.context["tokens"]) == [token]
    content = response.content.decode()
    assert "UBND xã A" in content
    assert f"{token.prefix}…" in content
    assert "máy tính bảng" in content


def test_issue_token_shows_the_new_token_once(cast, client_for):
    client = client_for(cast.office)
    response = client.post(reverse("accounts:issue_token"), {"name": "  script  "})
    assert response.status_code == 200
    raw = response.context["new_token"]
    assert raw in response.content.decode()
    assert authenticate_token(raw) == cast.office
    assert ApiToken.objects.get(user=cast.office).name == "script"
    assert raw not in client.get(reverse("accounts:profile")).content.decode()


def test_issue_token_is_a_post(cast, client_for):
    assert client_for(cast.office).get(reverse("accounts:issue_token")).status_code == 405


def test_revoke_one_token_by_its_prefix(cast, client_for):
    one, raw_one = issue_api_token(user=cast.office)
    _two, raw_two = issue_api_token(user=cast.office)
    response = client_for(cast.office).post(
        reverse("accounts:revoke_token"), {"prefix": one.prefix}
    )
    assert (response.status_code, response["Location"]) == (302, reverse("accounts:profile"))
    assert (authenticate_token(raw_one), authenticate_token(raw_two)) == (None, cast.office)


def test_revoke_all_tokens(cast, client_for):
    raws = [issue_api_token(user=cast.office)[1] for _ in range(2)]
    response = client_for(cast.office).post(reverse("accounts:revoke_token"), {"prefix": "*"})
    assert response.status_code == 302
    assert [authenticate_token(raw) for raw in raws] == [None, None]


def test_a_user_cannot_revoke_someone_elses_token(cast, client_for):
    token, raw = issue_api_token(user=cast.office)
    response = client_for(cast.commune).post(
        reverse("accounts:revoke_token"), {"prefix": token.prefix}
    )
    assert response.status_code == 404
    assert authenticate_token(raw) == cast.office
