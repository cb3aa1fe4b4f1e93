import pytest
from django.urls import reverse

from ocop.accounts.enums import OrganisationKind
from ocop.accounts.models import ApiToken, Membership
from ocop.accounts.services.tokens import authenticate_token, issue_api_token
from tests.factories.accounts import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_user_admin_pages_open(cast, client_for):
    client = client_for(cast.admin)
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200
    response = client.get(reverse("admin:accounts_user_change", args=[cast.commune.pk]))
    assert response.status_code == 200
    assert "UBND xã A" in response.content.decode()  # the membership inline
    assert client.get(reverse("admin:accounts_organisation_changelist")).status_code == 200


def test_the_membership_inline_refuses_a_role_that_does_not_fit(cast, client_for):
    buyer_org = OrganisationFactory(kind=OrganisationKind.BUYER)
    user = cast.outsider
    url = reverse("admin:accounts_user_change", args=[user.pk])
    client = client_for(cast.admin)
    client.cookies["ocop_language"] = "en"
    page = client.get(url)
    data = {
        key: value
        for key, value in page.context["adminform"].form.initial.items()
        if value is not None and key not in {"groups", "user_permissions", "password"}
    }
    data.update(
        {
            "date_joined_0": "01/01/2026",
            "date_joined_1": "08:00:00",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-organisation": str(buyer_org.pk),
            "memberships-0-role": "province_officer",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200  # the form comes back with the error
    assert response.context["adminform"].form.errors == {}
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.errors == [{"role": ["This role does not belong in this kind of organisation."]}]
    assert Membership.objects.filter(user=user).count() == 0


def test_api_tokens_can_only_be_read_and_revoked(cast, client_for):
    token, raw = issue_api_token(user=cast.office)
    client = client_for(cast.admin)
    assert client.get(reverse("admin:accounts_apitoken_add")).status_code == 403
    detail = client.get(reverse("admin:accounts_apitoken_change", args=[token.pk]))
    assert detail.status_code == 200
    assert token.key_hash not in detail.content.decode()
    response = client.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [str(token.pk)]},
    )
    assert response.status_code == 302
    assert authenticate_token(raw) is None
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
