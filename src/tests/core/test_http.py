from django.test import RequestFactory

from ocop.core.http import client_ip


def _request(**meta):
    return RequestFactory().get("/", **meta)


def test_client_ip_is_the_remote_address_by_default(settings):
    settings.BEHIND_PROXY = False
    request = _request(REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert client_ip(request) == "10.1.1.1"  # a forged header is ignored


def test_behind_the_proxy_it_is_the_hop_the_proxy_appended(settings):
    settings.BEHIND_PROXY = True
    forwarded = _request(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9 ")
    assert client_ip(forwarded) == "203.0.113.9"
    assert client_ip(_request(REMOTE_ADDR="127.0.0.1")) == "127.0.0.1"
