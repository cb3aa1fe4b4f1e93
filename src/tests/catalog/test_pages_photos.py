"""The public photos of a listed product `/san-pham-ocop/<code>/anh/<file_code>/`: served to
anyone while the product is listed, with its content type, `nosniff`, a day in any cache and an
ETag; 404 for a product that is not listed and for a file that is not one of its photos."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories.catalog import listed_product
from tests.factories.products import ProductPhotoFactory, png_bytes

pytestmark = pytest.mark.django_db


def photo_url(product, photo) -> str:
    return reverse("catalog:photo", kwargs={"code": product.code, "file_code": photo.file.code})


@pytest.fixture
def listed(cast):
    entry = listed_product(producer=cast.prod1, photo=True)
    return entry.product, entry.product.photos.get()


def test_anyone_gets_a_listed_products_photo_cacheable_for_a_day(listed):
    product, photo = listed
    response = Client().get(photo_url(product, photo))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "public, max-age=86400"
    assert response["ETag"] == f'"{photo.file.sha256[:32]}"'
    assert b"".join(response.streaming_content) == png_bytes()


def test_a_cached_copy_is_confirmed_without_the_file(listed):
    product, photo = listed
    first = Client().get(photo_url(product, photo))
    assert b"".join(first.streaming_content)  # reading to the end closes the file
    again = Client().get(photo_url(product, photo), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]
    assert again["Cache-Control"] == "public, max-age=86400"


def test_head_but_no_post(listed):
    product, photo = listed
    response = Client().head(photo_url(product, photo))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b""  # no body; closes the file
    assert Client().post(photo_url(product, photo)).status_code == 405


def test_the_photo_of_an_unlisted_product_is_404(cast, listed):
    unlisted = ProductPhotoFactory(product=cast.product2)
    assert Client().get(photo_url(cast.product2, unlisted)).status_code == 404


def test_a_file_that_is_not_a_photo_of_this_product_is_404(cast, listed):
    product, _photo = listed
    other = listed_product(producer=cast.prod2, photo=True)
    foreign = other.product.photos.get()
    # Another listed product's photo under this product's code: 404.
    assert Client().get(photo_url(product, foreign)).status_code == 404
    unknown = reverse("catalog:photo", kwargs={"code": product.code, "file_code": "F000000000000"})
    assert Client().get(unknown).status_code == 404


def test_a_photo_whose_file_is_gone_is_404(listed, settings):
    import shutil

    product, photo = listed
    shutil.rmtree(settings.MEDIA_ROOT)
    assert Client().get(photo_url(product, photo)).status_code == 404
