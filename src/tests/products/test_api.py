import json

import pytest
from django.test import Client

from ocop.core.queries.activity import history_for
from ocop.products.enums import ProductStatus
from ocop.products.models import Product, ProductPhoto
from tests.factories.products import (
    PDF_BYTES,
    ProductFactory,
    ProductPhotoFactory,
    png_bytes,
    upload,
)

pytestmark = pytest.mark.django_db

BASE = "/api/v1/products"
GTIN = "8934567890120"


@pytest.fixture
def api(api_token):
    """A client that speaks JSON with a user's bearer token."""

    class Api:
        def __init__(self, user):
            self.client = Client()
            self.headers = api_token(user)

        def get(self, path, **params):
            return self.client.get(BASE + path, params, **self.headers)

        def post(self, path, body):
            return self.client.post(
                BASE + path, json.dumps(body), content_type="application/json", **self.headers
            )

        def patch(self, path, body):
            return self.client.patch(
                BASE + path, json.dumps(body), content_type="application/json", **self.headers
            )

        def upload(self, path, file, caption=""):
            return self.client.post(BASE + path, {"file": file, "caption": caption}, **self.headers)

        def delete(self, path):
            return self.client.delete(BASE + path, **self.headers)

    return Api


def keys_everywhere(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys_everywhere(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys_everywhere(v)}
    return set()


# --- list -------------------------------------------------------------------------------------


def test_the_list_answers_codes_and_the_visible_products(cast, api):
    cast.product1.gtin = GTIN
    cast.product1.save()
    ProductPhotoFactory(product=cast.product1)
    response = api(cast.office).get("/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    first = body["items"][0]
    assert first == {
        "code": cast.product1.code,
        "name": "Bình gốm men lam",
        "description": "Sản phẩm thử nghiệm.",
        "gtin": GTIN,
        "producer_sku": "",
        "status": "active",
        "producer": {"code": cast.prod1.code, "name": "HTX Gốm Bát Tràng"},
        "classification": None,
        "photo_count": 1,
        "created_at": first["created_at"],
        "updated_at": first["updated_at"],
    }
    assert "id" not in keys_everywhere(body)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("producer1", ["Bình gốm men lam"]),
        ("commune2", ["Trà sen Tây Hồ"]),
        ("buyer", []),
        ("outsider", []),
    ],
)
def test_the_list_is_scoped_like_the_ui(cast, api, who, expected):
    body = api(getattr(cast, who)).get("/").json()
    assert [item["name"] for item in body["items"]] == expected


def test_the_list_filters_searches_and_paginates(cast, api):
    ProductFactory(producer=cast.prod1, name="Ấm chén cũ", status=ProductStatus.ARCHIVED)
    client = api(cast.office)

    def names(**params):
        return [item["name"] for item in client.get("/", **params).json()["items"]]

    assert names(status="archived") == ["Ấm chén cũ"]
    assert names(producer=cast.prod2.code) == ["Trà sen Tây Hồ"]
    assert names(commune=cast.commune_a.key) == ["Ấm chén cũ", "Bình gốm men lam"]
    assert names(q="binh gom") == ["Bình gốm men lam"]
    assert names(q="tra sen") == ["Trà sen Tây Hồ"]
    page = client.get("/", limit=1, offset=1).json()
    assert (page["count"], [item["name"] for item in page["items"]]) == (3, ["Bình gốm men lam"])


@pytest.mark.parametrize("extra", [0, 5])
def test_the_list_makes_the_same_number_of_queries_for_one_row_or_many(
    cast, api, django_assert_num_queries, extra
):
    ProductPhotoFactory(product=cast.product1)
    for product in ProductFactory.create_batch(extra, producer=cast.prod1):
        ProductPhotoFactory.create_batch(2, product=product)
    client = api(cast.producer1)
    client.get("/")  # the token's first use records its time
    # token, memberships, count, rows
    with django_assert_num_queries(4):
        response = client.get("/", q="a")
    assert len(response.json()["items"]) == 1 + extra


def test_the_api_needs_authentication(cast):
    response = Client().get(BASE + "/")
    assert (response.status_code, response["Content-Type"]) == (401, "application/problem+json")


def test_the_browser_session_works_too(cast, client_for):
    response = client_for(cast.producer1).get(BASE + "/")
    assert [item["name"] for item in response.json()["items"]] == ["Bình gốm men lam"]


# --- create, detail, update -------------------------------------------------------------------


def test_create_a_product(cast, api):
    response = api(cast.producer1).post(
        "/",
        {"producer": cast.prod1.code, "name": "Đĩa gốm", "gtin": "893 4567 89012 0"},
    )
    assert response.status_code == 201
    product = Product.objects.get(name="Đĩa gốm")
    assert response.json()["code"] == product.code
    assert (response.json()["gtin"], response.json()["photos"]) == (GTIN, [])
    assert (product.producer, history_for(product)[0].actor) == (cast.prod1, cast.producer1)


@pytest.mark.parametrize("who", ["producer1", "commune", "chair", "buyer", "outsider"])
def test_create_for_a_producer_the_caller_may_not_edit_is_404(cast, api, who):
    response = api(getattr(cast, who)).post("/", {"producer": cast.prod2.code, "name": "X"})
    assert (response.status_code, response["Content-Type"]) == (404, "application/problem+json")
    assert response.json()["type"] == "https://ocop.invalid/problems/not-found"
    assert not Product.objects.filter(name="X").exists()


def test_create_with_an_unknown_producer_is_404(cast, api):
    response = api(cast.admin).post("/", {"producer": "CTNOSUCH", "name": "X"})
    assert response.status_code == 404


def test_an_invalid_gtin_is_a_problem_with_the_field(cast, api):
    client = api(cast.producer1)
    client.headers["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.post(
        "/", {"producer": cast.prod1.code, "name": "Lọ", "gtin": "8934567890128"}
    )
    assert (response.status_code, response["Content-Type"]) == (422, "application/problem+json")
    body = response.json()
    assert (body["type"], body["status"]) == ("https://ocop.invalid/problems/validation", 422)
    assert body["errors"] == [
        {
            "field": "gtin",
            "message": "The check digit of this GTIN is wrong: with these digits it must be 0.",
        }
    ]
    assert not Product.objects.filter(name="Lọ").exists()


def test_a_missing_name_is_a_problem_with_the_field(cast, api):
    response = api(cast.producer1).post("/", {"producer": cast.prod1.code})
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["name"]


def test_detail_lists_the_photos_with_their_checked_urls(cast, api):
    photo = ProductPhotoFactory(product=cast.product1, caption="Mặt trước")
    body = api(cast.commune).get(f"/{cast.product1.code}").json()
    assert body["photo_count"] == 1
    assert body["photos"] == [
        {
            "code": photo.file.code,
            "caption": "Mặt trước",
            "file_name": "anh.png",
            "content_type": "image/png",
            "size": len(png_bytes()),
            "url": f"{BASE}/{cast.product1.code}/photos/{photo.file.code}",
        }
    ]
    assert "id" not in keys_everywhere(body)


def test_patch_changes_only_the_fields_sent(cast, api):
    response = api(cast.producer1_staff).patch(
        f"/{cast.product1.code}", {"gtin": GTIN, "producer_sku": "BG-01"}
    )
    assert response.status_code == 200
    cast.product1.refresh_from_db()
    assert (cast.product1.name, cast.product1.gtin, cast.product1.producer_sku) == (
        "Bình gốm men lam",
        GTIN,
        "BG-01",
    )
    assert history_for(cast.product1)[0].changes == [
        ("gtin", "", GTIN),
        ("producer_sku", "", "BG-01"),
    ]


def test_patch_with_a_bad_gtin_changes_nothing(cast, api):
    response = api(cast.producer1).patch(f"/{cast.product1.code}", {"name": "Khác", "gtin": "123"})
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["gtin"]
    cast.product1.refresh_from_db()
    assert cast.product1.name == "Bình gốm men lam"


def test_archive_and_restore(cast, api):
    client = api(cast.commune)
    response = client.post(f"/{cast.product1.code}/archive", {"reason": "Ngừng."})
    assert (response.status_code, response.json()["status"]) == (200, "archived")
    again = client.post(f"/{cast.product1.code}/archive", {})
    assert [error["field"] for error in again.json()["errors"]] == ["status"]
    response = client.post(f"/{cast.product1.code}/restore", {})
    assert response.json()["status"] == "active"


# --- photos -----------------------------------------------------------------------------------


def test_upload_download_and_remove_a_photo(cast, api, django_capture_on_commit_callbacks):
    client = api(cast.producer1)
    response = client.upload(f"/{cast.product1.code}/photos", upload("mat.png"), "Mặt")
    assert response.status_code == 201
    [photo] = ProductPhoto.objects.all()
    assert response.json()["code"] == photo.file.code
    assert response.json()["caption"] == "Mặt"

    download = client.get(f"/{cast.product1.code}/photos/{photo.file.code}")
    assert (download.status_code, download["Content-Type"]) == (200, "image/png")
    assert b"".join(download.streaming_content) == png_bytes()

    with django_capture_on_commit_callbacks(execute=True):
        removed = client.delete(f"/{cast.product1.code}/photos/{photo.file.code}")
    assert removed.status_code == 204
    assert ProductPhoto.objects.count() == 0


def test_a_pdf_is_not_a_photo(cast, api):
    response = api(cast.producer1).upload(
        f"/{cast.product1.code}/photos", upload("x.png", PDF_BYTES)
    )
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["file"]
    assert ProductPhoto.objects.count() == 0


def test_an_upload_without_a_file_is_a_problem(cast, api):
    response = api(cast.producer1).client.post(
        f"{BASE}/{cast.product1.code}/photos", {"caption": "x"}, **api(cast.producer1).headers
    )
    assert (response.status_code, response["Content-Type"]) == (422, "application/problem+json")
