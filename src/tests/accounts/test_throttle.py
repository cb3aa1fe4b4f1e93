import pytest
from django.test import RequestFactory
from django.utils import translation

from ocop.accounts.throttle import (
    LoginThrottled,
    authenticate_limited,
    failures,
    record_failure,
)
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _request(ip="10.0.0.1", forwarded=None):
    extra = {"REMOTE_ADDR": ip}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/", **extra)


def test_failures_are_counted_per_username_and_address(cast):
    request = _request()
    assert authenticate_limited(request, "outsider", "wrong") is None
    assert authenticate_limited(request, "OUTSIDER", "wrong") is None  # same person
    assert failures("outsider", "10.0.0.1") == 2
    assert failures("outsider", "10.0.0.2") == 0
    assert failures(cast.office.username, "10.0.0.1") == 0


def test_a_success_clears_the_count(cast):
    request = _request()
    authenticate_limited(request, "outsider", "wrong")
    assert authenticate_limited(request, "outsider", PASSWORD) == cast.outsider
    assert failures("outsider", "10.0.0.1") == 0


def test_after_the_limit_even_the_right_password_is_refused(cast, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_FAILURE_WINDOW_MINUTES = 15
    request = _request()
    for _ in range(3):
        assert authenticate_limited(request, "outsider", "wrong") is None
    with pytest.raises(LoginThrottled) as caught:
        authenticate_limited(request, "outsider", PASSWORD)
    assert caught.value.retry_after == 900
    assert caught.value.message == (
        "Đăng nhập sai quá nhiều lần. Vui lòng chờ 15 phút rồi thử lại."
    )
    # another address, or another username, is not locked
    assert authenticate_limited(_request("10.0.0.9"), "outsider", PASSWORD) == cast.outsider
    assert authenticate_limited(request, cast.office.username, PASSWORD) == cast.office


def test_the_window_starts_at_the_first_failure(db, settings):
    settings.LOGIN_FAILURE_WINDOW_MINUTES = 15
    assert [record_failure("lan", "10.0.0.1") for _ in range(3)] == [1, 2, 3]


def test_behind_a_proxy_the_address_is_the_last_forwarded_hop(cast, settings):
    settings.BEHIND_PROXY = True
    request = _request("127.0.0.1", forwarded="1.2.3.4, 203.0.113.7")
    authenticate_limited(request, "outsider", "wrong")
    assert failures("outsider", "203.0.113.7") == 1
    assert failures("outsider", "127.0.0.1") == 0


def test_the_message_counts_minutes():
    with translation.override("en"):
        assert LoginThrottled(60).message == (
            "Too many failed sign-in attempts. Wait 1 minute and try again."
        )
    with translation.override("en"):
        assert LoginThrottled(1800).message == (
            "Too many failed sign-in attempts. Wait 30 minutes and try again."
        )
