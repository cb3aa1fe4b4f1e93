import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse

from ocop.accounts.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Gốm-Bát-Tràng-2026!"


def test_login_page_is_vietnamese(db):
    response = Client().get(reverse("accounts:login"))
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="vi">' in content
    assert "Mật khẩu" in content  # Django's own Vietnamese catalogue labels the field


def test_login_signs_in_and_goes_to_the_dashboard(cast):
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": "outsider", "password": PASSWORD}
    )
    assert (response.status_code, response["Location"]) == (302, reverse("core:dashboard"))
    assert client.session[SESSION_KEY] == str(cast.outsider.pk)


def test_login_with_a_wrong_password_shows_the_form_again(cast):
    client = Client()
    client.cookies["ocop_language"] = "en"  # the language switch's cookie
    response = client.post(reverse("accounts:login"), {"username": "outsider", "password": "x"})
    assert response.status_code == 200
    assert (
        response.context["form"]
        .errors["__all__"][0]
        .startswith("Please enter a correct username and password.")
    )
    assert SESSION_KEY not in client.session


def test_login_is_throttled_after_ten_failures(cast, settings):
    settings.LOGIN_FAILURE_LIMIT = 10
    settings.LOGIN_FAILURE_WINDOW_MINUTES = 15
    client = Client()
    client.cookies["ocop_language"] = "en"
    url = reverse("accounts:login")
    statuses = [
        client.post(url, {"username": "outsider", "password": "wrong"}).status_code
        for _ in range(10)
    ]
    assert statuses == [200] * 10
    response = client.post(url, {"username": "outsider", "password": PASSWORD})
    assert response.status_code == 429
    assert response.context["form"].errors["__all__"] == [
        "Too many failed sign-in attempts. Wait 15 minutes and try again."
    ]
    assert SESSION_KEY not in client.session
    # the same address may still sign in as someone else
    other = client.post(url, {"username": cast.office.username, "password": PASSWORD})
    assert other.status_code == 302


def test_logout_is_a_post(cast, client_for):
    client = client_for(cast.office)
    response = client.post(reverse("accounts:logout"))
    assert (response.status_code, response["Location"]) == (302, reverse("core:home"))
    assert SESSION_KEY not in client.session
    assert client_for(cast.office).get(reverse("accounts:logout")).status_code == 405


def test_password_reset_sends_a_working_link(cast, settings, django_capture_on_commit_callbacks):
    # the mail is a background task (send_mail_task), run here at once
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": cast.outsider.email})
    assert (response.status_code, response["Location"]) == (
        302,
        reverse("accounts:password_reset_done"),
    )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [cast.outsider.email]
    link = re.search(r"http://testserver(/\S+/)", message.body).group(1)
    # the confirm view moves the token into the session and redirects to a set-password URL
    response = client.get(link)
    assert response.status_code == 302
    form_url = response["Location"]
    page = client.get(form_url)
    assert page.context["validlink"] is True
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert (response.status_code, response["Location"]) == (
        302,
        reverse("accounts:password_reset_complete"),
    )
    assert User.objects.get(pk=cast.outsider.pk).check_password(NEW_PASSWORD) is True
    # the link works once
    assert client.get(link, follow=True).context["validlink"] is False
    assert client.get(reverse("accounts:password_reset_complete")).status_code == 200


def test_password_reset_for_an_unknown_address_sends_nothing(db):
    response = Client().post(reverse("accounts:password_reset"), {"email": "ai@dau.vn"})
    assert response.status_code == 302
    assert mail.outbox == []
    assert Client().get(reverse("accounts:password_reset_done")).status_code == 200


def test_password_change(cast, client_for):
    client = client_for(cast.office)
    assert client.get(reverse("accounts:password_change")).status_code == 200
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert (response.status_code, response["Location"]) == (302, reverse("accounts:profile"))
    assert User.objects.get(pk=cast.office.pk).check_password(NEW_PASSWORD) is True


def test_password_change_needs_the_old_password(cast, client_for):
    response = client_for(cast.office).post(
        reverse("accounts:password_change"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["old_password"]
    assert User.objects.get(pk=cast.office.pk).check_password(PASSWORD) is True


def test_password_change_requires_sign_in(db):
    response = Client().get(reverse("accounts:password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
