"""The route × role matrix: who may read and who may change product1 (producer1's, commune A),
in the UI and the API. Whoever may not gets 404, never 403, and nothing changes."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from ocop.core.models import ActivityLog
from ocop.products.enums import ProductStatus
from ocop.products.models import Product, ProductPhoto
from tests.factories.products import ProductPhotoFactory, upload

pytestmark = pytest.mark.django_db

EDITORS = ["admin", "office", "commune", "producer1", "producer1_staff"]
READERS = ["chair", "member", "approver"]  # the whole province's registry, read-only
STRANGERS = ["producer2", "commune2", "buyer", "outsider"]


@pytest.fixture
def photo(cast):
    return ProductPhotoFactory(product=cast.product1)


def ui_requests(cast, photo):
    """(label, method, url, data, writes) for every UI URL of one product."""
    code, file_code = cast.product1.code, photo.file.code
    return [
        ("detail", "get", reverse("products:detail", args=[code]), None, False),
        ("history", "get", reverse("products:history", args=[code]), None, False),
        ("photo", "get", reverse("products:photo", args=[code, file_code]), None, False),
        ("edit form", "get", reverse("products:edit", args=[code]), None, True),
        ("edit", "form", reverse("products:edit", args=[code]), {"name": "Hacked"}, True),
        ("archive", "form", reverse("products:archive", args=[code]), {}, True),
        ("restore", "form", reverse("products:restore", args=[code]), {}, True),
        ("photo form", "get", reverse("products:photo_add", args=[code]), None, True),
        (
            "photo add",
            "form",
            reverse("products:photo_add", args=[code]),
            {"file": upload()},
            True,
        ),
        (
            "photo remove",
            "form",
            reverse("products:photo_remove", args=[code, file_code]),
            {},
            True,
        ),
    ]


def api_requests(cast, photo):
    code, file_code = cast.product1.code, photo.file.code
    base = f"/api/v1/products/{code}"
    return [
        ("detail", "get", base, None, False),
        ("photo", "get", f"{base}/photos/{file_code}", None, False),
        ("update", "json-patch", base, {"name": "Hacked"}, True),
        ("archive", "json-post", f"{base}/archive", {}, True),
        ("restore", "json-post", f"{base}/restore", {}, True),
        ("photo add", "form", f"{base}/photos", {"file": upload()}, True),
        ("photo remove", "delete", f"{base}/photos/{file_code}", None, True),
        (
            "create for its producer",
            "json-post",
            "/api/v1/products/",
            {"producer": cast.prod1.code, "name": "Hacked"},
            True,
        ),
    ]


def send(client, method, url, data=None, headers=None):
    """One request: get, delete, form (urlencoded or multipart) or json-post / json-patch."""
    headers = headers or {}
    if method in ("get", "delete"):
        response = getattr(client, method)(url, **headers)
    elif method == "form":
        response = client.post(url, data, **headers)
    else:
        verb = method.removeprefix("json-")
        response = getattr(client, verb)(
            url, json.dumps(data), content_type="application/json", **headers
        )
    if response.streaming:
        b"".join(response.streaming_content)  # reading to the end closes the file
    return response


def assert_untouched(cast, photo):
    product = Product.objects.get(pk=cast.product1.pk)
    assert (product.name, product.status) == ("Bình gốm men lam", ProductStatus.ACTIVE)
    assert list(ProductPhoto.objects.values_list("pk", flat=True)) == [photo.pk]
    assert not Product.objects.filter(name="Hacked").exists()
    assert ActivityLog.objects.filter(action__startswith="products.").count() == 0


@pytest.mark.parametrize("who", STRANGERS)
def test_strangers_get_404_on_every_ui_url(cast, client_for, photo, who):
    client = client_for(getattr(cast, who))
    answers = {
        label: send(client, m, u, d).status_code for label, m, u, d, _ in ui_requests(cast, photo)
    }
    assert answers == dict.fromkeys(answers, 404)
    assert_untouched(cast, photo)


@pytest.mark.parametrize("who", STRANGERS)
def test_strangers_get_404_on_every_api_url(cast, api_token, photo, who):
    headers = api_token(getattr(cast, who))
    client = Client()
    answers = {}
    for label, m, u, d, _ in api_requests(cast, photo):
        response = send(client, m, u, d, headers)
        answers[label] = (response.status_code, response["Content-Type"])
    assert answers == dict.fromkeys(answers, (404, "application/problem+json"))
    assert_untouched(cast, photo)


@pytest.mark.parametrize("who", READERS)
def test_readers_see_but_get_404_on_every_change(cast, client_for, api_token, photo, who):
    user = getattr(cast, who)
    ui = client_for(user)
    answers = {
        label: send(ui, m, u, d).status_code for label, m, u, d, _ in ui_requests(cast, photo)
    }
    assert answers == {
        label: 404 if writes else 200 for label, _m, _u, _d, writes in ui_requests(cast, photo)
    }
    headers = api_token(user)
    api = Client()
    answers = {
        label: send(api, m, u, d, headers).status_code
        for label, m, u, d, _ in api_requests(cast, photo)
    }
    assert answers == {
        label: 404 if writes else 200 for label, _m, _u, _d, writes in api_requests(cast, photo)
    }
    assert_untouched(cast, photo)


@pytest.mark.parametrize("who", EDITORS)
def test_editors_may_do_everything(
    cast, client_for, photo, who, django_capture_on_commit_callbacks
):
    client = client_for(getattr(cast, who))
    answers = {}
    with django_capture_on_commit_callbacks(execute=True):
        for label, m, u, d, _ in ui_requests(cast, photo):
            if label == "restore":
                continue  # the product is archived by the request before
            answers[label] = send(client, m, u, d).status_code
    assert answers == {
        "detail": 200,
        "history": 200,
        "photo": 200,
        "edit form": 200,
        "edit": 302,
        "archive": 302,
        "photo form": 200,
        "photo add": 302,
        "photo remove": 302,
    }
    product = Product.objects.get(pk=cast.product1.pk)
    assert (product.name, product.status) == ("Hacked", ProductStatus.ARCHIVED)


@pytest.mark.parametrize("who", EDITORS)
def test_editors_may_do_everything_in_the_api(cast, api_token, photo, who):
    headers = api_token(getattr(cast, who))
    client = Client()
    answers = {}
    for label, m, u, d, _ in api_requests(cast, photo):
        if label == "restore":
            continue
        answers[label] = send(client, m, u, d, headers).status_code
    assert answers == {
        "detail": 200,
        "photo": 200,
        "update": 200,
        "archive": 200,
        "photo add": 201,
        "photo remove": 204,
        "create for its producer": 201,
    }


def test_anonymous_visitors_are_sent_to_sign_in_or_get_401(cast, photo):
    client = Client()
    for _label, m, u, d, _ in ui_requests(cast, photo):
        response = send(client, m, u, d)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    for _label, m, u, d, _ in api_requests(cast, photo):
        response = send(client, m, u, d)
        assert (response.status_code, response["Content-Type"]) == (401, "application/problem+json")
    assert_untouched(cast, photo)


def test_a_photo_url_with_another_products_file_is_404_even_for_an_editor(cast, client_for):
    other = ProductPhotoFactory(product=cast.product2)
    client = client_for(cast.office)
    code = cast.product1.code
    assert (
        send(
            client, "get", reverse("products:photo", args=[code, other.file.code]), None
        ).status_code
        == 404
    )
    response = send(
        client, "post", reverse("products:photo_remove", args=[code, other.file.code]), {}
    )
    assert response.status_code == 404
    assert list(ProductPhoto.objects.all()) == [other]
