"""The cached public pages (ocop.core.pagecache): a second anonymous visit reads nothing from the
database, and every change made through the services shows on the very next visit, with the
local-memory cache and with Redis (db 13)."""

from __future__ import annotations

import datetime as dt
import os
import uuid

import pytest
import redis
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ocop.certificates.services.revocations import decide_revocation, propose_revocation
from ocop.core import pagecache
from ocop.producers.services.producers import update_producer
from ocop.products.services.products import (
    add_product_photo,
    archive_product,
    remove_product_photo,
    update_product,
)
from tests.factories.catalog import listed_product
from tests.factories.products import upload

pytestmark = pytest.mark.django_db
REDIS_TEST_URL = "redis://127.0.0.1:6379/13"


def _redis_up() -> bool:
    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        return False
    return True


def _flush(prefix: str) -> None:
    client = redis.Redis.from_url(REDIS_TEST_URL)
    for key in client.scan_iter(match=f"{prefix}*"):
        client.delete(key)


@pytest.fixture(params=["locmem", "redis"])
def page_cache(request, settings):
    """PAGE_CACHE on, with the local-memory cache or Redis db 13. The Redis keys carry a prefix
    of this test (parallel workers share the database) and are flushed before and after."""
    prefix = f"test-pagecache-{uuid.uuid4().hex}"
    if request.param == "redis":
        if not _redis_up():
            if os.environ.get("CI") == "true":
                pytest.fail("Redis unreachable on 127.0.0.1:6379 under CI")
            pytest.skip("Redis unreachable")
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": REDIS_TEST_URL,
                "KEY_PREFIX": prefix,
            }
        }
        _flush(prefix)
    else:
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.PAGE_CACHE = True
    yield request.param
    if request.param == "redis":
        _flush(prefix)


@pytest.fixture
def tea(cast):
    return listed_product(producer=cast.prod2, name="Trà ướp sen Tây Hồ", photo=True)


def visitor() -> Client:
    client = Client()
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def pages(entry) -> dict[str, str]:
    return {
        "product": reverse("catalog:product", kwargs={"code": entry.product.code}),
        "producer": reverse("catalog:producer", kwargs={"code": entry.producer.code}),
        "catalogue": reverse("catalog:list"),
        "verify": reverse("verify:verify_vi", kwargs={"code": entry.certificate.verification_code}),
    }


def test_a_second_anonymous_visit_reads_nothing(page_cache, tea, django_assert_num_queries):
    for name, path in pages(tea).items():
        client = visitor()
        first = client.get(path)
        assert first.status_code == 200, name
        with django_assert_num_queries(0):
            second = visitor().get(path)
        assert second.status_code == 200, name
        assert "Trà ướp sen Tây Hồ" in second.content.decode(), name
        for header in ("Content-Language", "Content-Security-Policy", "Vary", "Cache-Control"):
            assert second.get(header) == first.get(header), (name, header)


def test_the_cached_body_keeps_no_csrf_token(page_cache, tea):
    path = pages(tea)["product"]
    visitor().get(path)
    client = visitor()
    second = client.get(path)
    body = second.content.decode()
    assert pagecache.CSRF_MARKER not in body
    token = body.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert len(token) == 64
    # The token works: the language form posts with it.
    client.handler.enforce_csrf_checks = True
    answer = client.post(
        reverse("set_language"), {"language": "vi", "next": path, "csrfmiddlewaretoken": token}
    )
    assert answer.status_code == 302


def test_signed_in_and_queried_visits_are_rendered(page_cache, cast, tea, client_for):
    path = pages(tea)["producer"]
    visitor().get(path)
    assert pagecache.cacheable(visitor().get(path).wsgi_request)
    assert not pagecache.cacheable(visitor().get(path + "?page=1").wsgi_request)
    signed_in = client_for(cast.office).get(path)
    assert not pagecache.cacheable(signed_in.wsgi_request)
    assert signed_in.status_code == 200


def test_on_by_default_and_off_in_the_rest_of_the_suite(settings, tea, django_assert_num_queries):
    from ocop import settings as ocop_settings

    assert ocop_settings.PAGE_CACHE is True  # the default without PAGE_CACHE in the environment
    assert settings.PAGE_CACHE is False  # tests/conftest.py
    path = pages(tea)["product"]
    visitor().get(path)
    with django_assert_num_queries(6, exact=False):
        visitor().get(path)


def _warm(entry) -> None:
    for path in pages(entry).values():
        visitor().get(path)
        visitor().get(path)


def test_a_rename_shows_at_once(page_cache, cast, tea, django_capture_on_commit_callbacks):
    _warm(tea)
    with django_capture_on_commit_callbacks(execute=True):
        update_product(actor=cast.office, product=tea.product, data={"name": "Trà sen Quảng Bá"})
    for name in ("product", "producer", "catalogue"):
        body = visitor().get(pages(tea)[name]).content.decode()
        assert "Trà sen Quảng Bá" in body, name


def test_a_new_or_removed_photo_shows_at_once(
    page_cache, cast, tea, django_capture_on_commit_callbacks
):
    _warm(tea)
    path = pages(tea)["product"]
    before = visitor().get(path).content.decode().count("/anh/")
    with django_capture_on_commit_callbacks(execute=True):
        photo = add_product_photo(actor=cast.office, product=tea.product, upload=upload())
    assert visitor().get(path).content.decode().count("/anh/") > before
    assert photo.file.code in visitor().get(path).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        remove_product_photo(actor=cast.office, photo=photo)
    assert photo.file.code not in visitor().get(path).content.decode()


def test_a_revocation_shows_at_once(page_cache, cast, tea, django_capture_on_commit_callbacks):
    _warm(tea)
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        revocation = propose_revocation(
            actor=cast.office,
            certificate=tea.certificate,
            ground="food_safety_law",
            basis="Kết luận kiểm tra số 1/KL-ATTP",
            concluded_on=today - dt.timedelta(days=1),
        )
    with django_capture_on_commit_callbacks(execute=True):
        decide_revocation(
            actor=cast.approver,
            revocation=revocation,
            decision_number="9/QĐ-UBND",
            decided_on=today,
        )
    paths = pages(tea)
    assert visitor().get(paths["product"]).status_code == 404
    assert visitor().get(paths["producer"]).status_code == 404
    assert "Trà ướp sen Tây Hồ" not in visitor().get(paths["catalogue"]).content.decode()
    verify = visitor().get(paths["verify"])
    assert "9/QĐ-UBND" in verify.content.decode()


def test_unlisting_shows_at_once(page_cache, cast, tea, django_capture_on_commit_callbacks):
    _warm(tea)
    with django_capture_on_commit_callbacks(execute=True):
        archive_product(actor=cast.office, product=tea.product, reason="Ngừng sản xuất")
    assert visitor().get(pages(tea)["product"]).status_code == 404
    assert "Trà ướp sen Tây Hồ" not in visitor().get(pages(tea)["catalogue"]).content.decode()


def test_a_producer_edit_shows_at_once(page_cache, cast, tea, django_capture_on_commit_callbacks):
    _warm(tea)
    with django_capture_on_commit_callbacks(execute=True):
        update_producer(actor=cast.office, producer=tea.producer, data={"name": "HTX Sen Tây Hồ"})
    for name in ("product", "producer"):
        assert "HTX Sen Tây Hồ" in visitor().get(pages(tea)[name]).content.decode(), name


def test_a_rebuild_moves_every_page(page_cache, tea, django_capture_on_commit_callbacks):
    from ocop.catalog.services.index import rebuild_catalog

    before = pagecache.page_key(visitor().get("/").wsgi_request, "x", [])
    with django_capture_on_commit_callbacks(execute=True):
        rebuild_catalog()
    assert pagecache.page_key(visitor().get("/").wsgi_request, "x", []) != before
