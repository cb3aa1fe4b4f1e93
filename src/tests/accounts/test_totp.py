"""The TOTP second factor: set-up, wrong codes, the code step at sign-in, the throttle, the API
token door, the roles that must have it, turning it off. Codes are real: computed from the
device's key with django_otp.oath.totp, as an authenticator app does."""

import json

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from ocop.accounts.services.totp import (
    confirm_totp_device,
    has_second_factor,
    reset_totp,
    secret_of,
    start_totp_setup,
)
from ocop.accounts.throttle import failures
from ocop.core.models import ActivityLog
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
CODE = reverse("accounts:login_code")
SETUP = reverse("accounts:totp_setup")
DISABLE = reverse("accounts:totp_disable")
PROFILE = reverse("accounts:profile")
DASHBOARD = reverse("core:dashboard")
IP = "127.0.0.1"  # the test client's address


def code(device: TOTPDevice, step: int = 0) -> str:
    """The code an authenticator app shows now (`step` 1: the next one, for a second use in the
    same 30 seconds, since django-otp refuses a code already used)."""
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=step)
    return f"{value:06d}"


def wrong(device: TOTPDevice) -> str:
    return f"{(int(code(device)) + 500000) % 1000000:06d}"


def enabled_device(user) -> TOTPDevice:
    device = start_totp_setup(actor=user)
    return confirm_totp_device(actor=user, device=device, code=code(device))


def actions(user) -> list[str]:
    return list(
        ActivityLog.objects.filter(object_id=str(user.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


@pytest.fixture
def no_device_throttle(settings):
    """django-otp delays the next try after a wrong code by 1, 2, 4… seconds; tests that follow
    a wrong code with a right one turn that delay off (the sign-in throttle stays)."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def next_to(url: str) -> str:
    return urlencode({"next": url})


def sign_in(client: Client, user, next_url: str = ""):
    data = {"username": user.username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN, data)


# --- set-up -----------------------------------------------------------------------------------


def test_setup_shows_the_secret_and_a_qr_code_then_a_code_turns_it_on(cast, client_for):
    client = client_for(cast.producer1)
    page = client.get(SETUP)
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=cast.producer1)
    assert device.confirmed is False
    assert page.context["secret"] == secret_of(device)
    assert page.context["secret"].replace(" ", "") in device.config_url
    assert page.context["qr"].startswith("data:image/svg+xml")
    assert page.context["qr"] in page.content.decode()
    assert client.get(SETUP).context["secret"] == secret_of(device)  # the same device again

    done = client.post(SETUP, {"code": code(device)})
    assert (done.status_code, done["Location"]) == (302, PROFILE)
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id  # verified now
    assert has_second_factor(cast.producer1)
    assert actions(cast.producer1) == ["accounts.user.totp_start", "accounts.user.totp_enable"]
    assert client.get(PROFILE).context["second_factor"] is True
    assert client.get(SETUP)["Location"] == PROFILE  # nothing more to set up


def test_a_wrong_code_does_not_turn_it_on(cast, client_for, no_device_throttle):
    client = client_for(cast.producer1)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=cast.producer1)
    for bad in (wrong(device), "12345", "abcdef"):
        response = client.post(SETUP, {"code": bad})
        assert response.status_code == 200
        assert response.context["form"].errors["code"]
    device.refresh_from_db()
    assert (device.confirmed, has_second_factor(cast.producer1)) == (False, False)
    assert "accounts.user.totp_enable" not in actions(cast.producer1)
    with translation.override("vi"):
        expected = _("The code is not correct. Enter the 6 digits your app shows now.")
    assert client.post(SETUP, {"code": wrong(device)}).context["form"].errors["code"] == [expected]


def test_after_a_wrong_code_django_otp_makes_the_next_try_wait(cast, client_for):
    client = client_for(cast.producer1)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=cast.producer1)
    client.post(SETUP, {"code": wrong(device)})
    refused = client.post(SETUP, {"code": code(device)})  # right, but within the delay
    with translation.override("vi"):
        expected = _("Too many wrong codes. Wait a few seconds and try again.")
    assert refused.context["form"].errors["code"] == [expected]
    device.refresh_from_db()
    assert (device.confirmed, device.throttling_failure_count) == (False, 1)  # refused unread


def test_the_profile_offers_the_setup(cast, client_for):
    page = client_for(cast.producer1).get(PROFILE)
    assert page.context["second_factor"] is False
    assert SETUP in page.content.decode()


# --- sign-in ----------------------------------------------------------------------------------


def test_sign_in_asks_for_the_code_before_the_session_is_signed_in(cast, no_device_throttle):
    device = enabled_device(cast.producer1)
    client = Client()
    first = sign_in(client, cast.producer1, next_url=PROFILE)
    assert (first.status_code, first["Location"]) == (302, CODE)
    assert SESSION_KEY not in client.session  # not signed in yet
    assert client.get(PROFILE)["Location"].startswith(LOGIN)
    assert client.get(CODE).status_code == 200

    bad = client.post(CODE, {"code": wrong(device)})
    assert bad.status_code == 200 and bad.context["form"].errors["code"]
    assert SESSION_KEY not in client.session
    assert failures(cast.producer1.username, IP) == 1

    good = client.post(CODE, {"code": code(device, step=1)})
    assert (good.status_code, good["Location"]) == (302, PROFILE)
    assert client.session[SESSION_KEY] == str(cast.producer1.pk)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(PROFILE).status_code == 200
    assert failures(cast.producer1.username, IP) == 0
    assert client.get(CODE)["Location"] == DASHBOARD  # already verified


def test_a_used_code_cannot_be_used_again(cast):
    device = enabled_device(cast.producer1)  # used code(device) for the set-up
    client = Client()
    sign_in(client, cast.producer1)
    assert client.post(CODE, {"code": code(device)}).status_code == 200
    assert SESSION_KEY not in client.session


def test_the_code_step_without_a_password_goes_back_to_sign_in(cast):
    enabled_device(cast.producer1)
    response = Client().get(CODE)
    assert (response.status_code, response["Location"]) == (302, LOGIN)


def test_a_user_without_a_device_signs_in_with_the_password_alone(cast):
    client = Client()
    response = sign_in(client, cast.producer2)
    assert response.status_code == 302 and response["Location"] != CODE
    assert client.session[SESSION_KEY] == str(cast.producer2.pk)


def test_wrong_codes_count_toward_the_sign_in_throttle(cast, settings, no_device_throttle):
    settings.LOGIN_FAILURE_LIMIT = 3
    device = enabled_device(cast.producer1)
    client = Client()
    sign_in(client, cast.producer1)
    client.post(CODE, {"code": wrong(device)})
    # a right password again does not clear the count of a user with a second factor
    assert sign_in(client, cast.producer1)["Location"] == CODE
    client.post(CODE, {"code": wrong(device)})
    client.post(CODE, {"code": wrong(device)})
    assert failures(cast.producer1.username, IP) == 3
    locked = client.post(CODE, {"code": code(device, step=1)})
    assert locked.status_code == 429
    assert SESSION_KEY not in client.session
    assert sign_in(Client(), cast.producer1).status_code == 429  # the password door too
    api = Client().post(
        "/api/v1/auth/token",
        json.dumps({"username": cast.producer1.username, "password": PASSWORD}),
        content_type="application/json",
    )
    assert api.status_code == 429  # and the API's


def test_the_api_token_door_needs_the_code_too(cast, no_device_throttle):
    device = enabled_device(cast.producer1)

    def post(**extra):
        body = {"username": cast.producer1.username, "password": PASSWORD, **extra}
        return Client().post(
            "/api/v1/auth/token", json.dumps(body), content_type="application/json"
        )

    without = post()
    assert without.status_code == 401
    assert without.json()["type"] == "https://ocop.invalid/problems/second-factor-required"
    assert post(otp=wrong(device)).status_code == 401
    assert failures(cast.producer1.username, IP) == 2
    issued = post(otp=code(device, step=1))
    assert issued.status_code == 201
    assert failures(cast.producer1.username, IP) == 0
    me = Client().get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {issued.json()['token']}")
    assert me.json()["username"] == cast.producer1.username


def test_the_admin_sign_in_is_closed_to_accounts_with_a_second_factor(cast):
    cast.admin.is_staff = True
    cast.admin.save()
    enabled_device(cast.admin)
    client = Client()
    response = client.post(
        reverse("admin:login"), {"username": cast.admin.username, "password": PASSWORD}
    )
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].non_field_errors().as_data()] == [
        "second_factor"
    ]
    assert SESSION_KEY not in client.session


def test_the_admin_sign_in_is_throttled(cast, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    client = Client()
    for _attempt in range(2):
        client.post(reverse("admin:login"), {"username": "outsider", "password": "wrong"})
    refused = client.post(reverse("admin:login"), {"username": "outsider", "password": PASSWORD})
    assert [e.code for e in refused.context["form"].non_field_errors().as_data()] == ["throttled"]
    assert SESSION_KEY not in client.session


# --- roles that must have it ------------------------------------------------------------------


def test_a_required_role_is_sent_to_set_it_up_first(cast, client_for, settings, api_token):
    settings.OCOP_TOTP_REQUIRED_ROLES = ["province_officer", "council_chair", "approver"]
    client = client_for(cast.office)
    response = client.get(DASHBOARD)
    assert (response.status_code, response["Location"]) == (302, f"{SETUP}?{next_to(DASHBOARD)}")
    assert client.post(reverse("accounts:issue_token"))["Location"] == SETUP
    page = client.get(SETUP)
    assert page.context["required"] is True
    # the API does not take such a session; a bearer token is not affected
    assert client.get("/api/v1/auth/me").status_code == 401
    assert Client().get("/api/v1/auth/me", **api_token(cast.office)).status_code == 200

    device = TOTPDevice.objects.get(user=cast.office)
    done = client.post(f"{SETUP}?next={DASHBOARD}", {"code": code(device)})
    assert done["Location"] == DASHBOARD
    assert client.get(DASHBOARD).status_code == 200
    assert client.get("/api/v1/auth/me").status_code == 200


def test_a_required_role_with_a_device_but_an_unverified_session_gives_the_code(
    cast, client_for, settings
):
    settings.OCOP_TOTP_REQUIRED_ROLES = ["council_chair"]
    device = enabled_device(cast.chair)
    client = client_for(cast.chair)  # a session opened without the code
    response = client.get(PROFILE)
    assert response["Location"] == f"{CODE}?{next_to(PROFILE)}"
    done = client.post(f"{CODE}?next={PROFILE}", {"code": code(device, step=1)})
    assert done["Location"] == PROFILE
    assert client.get(PROFILE).status_code == 200


def test_a_producer_is_not_forced(cast, client_for, settings):
    settings.OCOP_TOTP_REQUIRED_ROLES = ["province_officer", "council_chair", "approver"]
    assert client_for(cast.producer1).get(PROFILE).status_code == 200
    assert client_for(cast.producer1).get(DASHBOARD).status_code == 200
    assert TOTPDevice.objects.count() == 0


def test_a_superuser_counts_as_admin(cast, client_for, settings):
    settings.OCOP_TOTP_REQUIRED_ROLES = ["admin"]
    assert client_for(cast.admin).get(PROFILE)["Location"].startswith(SETUP)


def test_an_unknown_role_stops_the_start(settings):
    settings.OCOP_TOTP_REQUIRED_ROLES = ["province_oficer"]
    with pytest.raises(SystemCheckError, match="province_oficer"):
        call_command("check")


# --- turning it off ---------------------------------------------------------------------------


def test_disable_needs_a_current_code(cast, client_for, no_device_throttle):
    device = enabled_device(cast.producer1)
    client = client_for(cast.producer1)
    assert client.get(DISABLE).status_code == 200
    refused = client.post(DISABLE, {"code": wrong(device)})
    assert refused.status_code == 200 and refused.context["form"].errors["code"]
    assert has_second_factor(cast.producer1)
    done = client.post(DISABLE, {"code": code(device, step=1)})
    assert (done.status_code, done["Location"]) == (302, PROFILE)
    assert TOTPDevice.objects.filter(user=cast.producer1).count() == 0
    assert actions(cast.producer1)[-1] == "accounts.user.totp_disable"
    assert client.get(DISABLE)["Location"] == PROFILE
    signed = Client()
    assert sign_in(signed, cast.producer1)["Location"] != CODE  # the password alone again


def test_an_administrator_resets_a_lost_device(cast):
    enabled_device(cast.producer1)
    assert reset_totp(actor=cast.admin, user=cast.producer1) == 1
    assert has_second_factor(cast.producer1) is False
    assert actions(cast.producer1)[-1] == "accounts.user.totp_reset"
    assert reset_totp(actor=cast.admin, user=cast.producer1) == 0
