import re

import pytest
from django.test import Client
from django.urls import reverse

from ocop.core.models import StoredFile
from ocop.core.queries.activity import history_for
from ocop.products.enums import ProductStatus
from ocop.products.models import Product, ProductPhoto
from tests.factories.products import (
    PDF_BYTES,
    ProductFactory,
    ProductPhotoFactory,
    png_bytes,
    stored_files,
    upload,
)

pytestmark = pytest.mark.django_db

GTIN = "8934567890120"


def url(name, product=None, *args):
    return reverse(f"products:{name}", args=[product.code, *args] if product else args)


def names(response) -> list[str]:
    return [product.name for product in response.context["state"].items]


# --- list -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("admin", ["Bình gốm men lam", "Trà sen Tây Hồ"]),
        ("office", ["Bình gốm men lam", "Trà sen Tây Hồ"]),
        ("chair", ["Bình gốm men lam", "Trà sen Tây Hồ"]),
        ("commune", ["Bình gốm men lam"]),
        ("commune2", ["Trà sen Tây Hồ"]),
        ("producer1", ["Bình gốm men lam"]),
        ("producer1_staff", ["Bình gốm men lam"]),
        ("producer2", ["Trà sen Tây Hồ"]),
        ("buyer", []),
        ("outsider", []),
    ],
)
def test_the_list_shows_what_each_role_may_see(cast, client_for, who, expected):
    response = client_for(getattr(cast, who)).get(url("list"))
    assert response.status_code == 200
    assert names(response) == expected


def test_the_list_needs_a_signed_in_user(cast):
    response = Client().get(url("list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_list_shows_producer_gtin_status_and_photo_count(cast, client_for):
    cast.product1.gtin = GTIN
    cast.product1.save()
    ProductPhotoFactory.create_batch(2, product=cast.product1)
    response = client_for(cast.office).get(url("list"))
    rows = [
        (p.name, p.producer.name, p.gtin, p.status, p.photo_count)
        for p in response.context["state"].items
    ]
    assert rows == [
        ("Bình gốm men lam", "HTX Gốm Bát Tràng", GTIN, "active", 2),
        ("Trà sen Tây Hồ", "Công ty Trà Sen", "", "active", 0),
    ]
    content = response.content.decode()
    assert f'href="{url("detail", cast.product1)}"' in content
    assert f"<code>{GTIN}</code>" in content


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("binh gom", ["Bình gốm men lam"]),  # without diacritics
        ("BÌNH GỐM", ["Bình gốm men lam"]),
        ("tra sen", ["Trà sen Tây Hồ"]),
        ("bat trang", ["Bình gốm men lam"]),  # the producer's name
        ("893456", ["Bình gốm men lam"]),  # part of the GTIN
        ("nothing like it", []),
    ],
)
def test_the_list_searches_names_producers_and_gtins(cast, client_for, query, expected):
    cast.product1.gtin = GTIN
    cast.product1.save()
    response = client_for(cast.office).get(url("list"), {"q": query})
    assert names(response) == expected


def test_the_list_filters_by_status_producer_and_commune(cast, client_for):
    ProductFactory(producer=cast.prod1, name="Ấm chén cũ", status=ProductStatus.ARCHIVED)
    client = client_for(cast.office)
    assert names(client.get(url("list"), {"status": "archived"})) == ["Ấm chén cũ"]
    assert names(client.get(url("list"), {"producer": cast.prod2.code})) == ["Trà sen Tây Hồ"]
    assert names(client.get(url("list"), {"commune": cast.commune_a.key})) == [
        "Ấm chén cũ",
        "Bình gốm men lam",
    ]
    assert names(client.get(url("list"), {"producer": "CTNOSUCH"})) == []
    assert len(names(client.get(url("list"), {"status": "bogus"}))) == 3


def test_the_list_filter_choices_are_only_what_the_user_sees(cast, client_for):
    response = client_for(cast.commune).get(url("list"))
    assert response.context["producers"] == [(cast.prod1.code, "HTX Gốm Bát Tràng")]
    assert response.context["communes"] == [(cast.commune_a.key, "Xã Bát Tràng")]
    response = client_for(cast.office).get(url("list"))
    assert response.context["communes"] == [
        (cast.commune_b.key, "Phường Hoàn Kiếm"),
        (cast.commune_a.key, "Xã Bát Tràng"),
    ]


def test_the_list_sorts(cast, client_for):
    ProductPhotoFactory(product=cast.product2)
    client = client_for(cast.office)
    assert names(client.get(url("list"), {"sort": "producer"})) == [
        "Trà sen Tây Hồ",  # Công ty Trà Sen
        "Bình gốm men lam",  # HTX Gốm Bát Tràng
    ]
    assert names(client.get(url("list"), {"sort": "photos"})) == [
        "Trà sen Tây Hồ",
        "Bình gốm men lam",
    ]
    assert names(client.get(url("list"), {"sort": "nonsense"})) == [
        "Bình gốm men lam",
        "Trà sen Tây Hồ",
    ]


def test_the_list_paginates(cast, client_for):
    ProductFactory.create_batch(30, producer=cast.prod1)
    response = client_for(cast.producer1).get(url("list"), {"page": 2})
    page = response.context["state"].page
    assert (page.number, len(page.object_list), page.paginator.count) == (2, 6, 31)


@pytest.mark.parametrize("extra", [0, 5])
def test_the_list_makes_the_same_number_of_queries_for_one_row_or_many(
    cast, client_for, django_assert_num_queries, extra
):
    ProductPhotoFactory(product=cast.product1)
    for product in ProductFactory.create_batch(extra, producer=cast.prod1):
        ProductPhotoFactory.create_batch(2, product=product)
    client = client_for(cast.producer1)
    # session, user, memberships, count, rows, producer, commune and category choices, can-create
    with django_assert_num_queries(9):
        response = client.get(url("list"))
    assert len(response.context["state"].items) == 1 + extra


@pytest.mark.parametrize("extra", [0, 5])
def test_the_staff_list_makes_the_same_number_of_queries_for_one_row_or_many(
    cast, client_for, django_assert_num_queries, extra
):
    for product in ProductFactory.create_batch(extra, producer=cast.prod2):
        ProductPhotoFactory.create_batch(2, product=product)
    client = client_for(cast.office)
    with django_assert_num_queries(9):
        response = client.get(url("list"), {"q": "a", "status": "active"})
    assert len(response.context["state"].items) == 2 + extra


# --- detail and history -----------------------------------------------------------------------


def test_the_detail_shows_the_facts_and_the_photos_through_the_checked_view(cast, client_for):
    cast.product1.gtin = GTIN
    cast.product1.producer_sku = "BG-01"
    cast.product1.save()
    photo = ProductPhotoFactory(product=cast.product1, caption="Mặt trước")
    response = client_for(cast.producer1).get(url("detail", cast.product1))
    assert response.status_code == 200
    assert (response.context["product"], response.context["photos"]) == (cast.product1, [photo])
    content = response.content.decode()
    photo_url = url("photo", cast.product1, photo.file.code)
    assert f'<img src="{photo_url}" alt="Mặt trước"' in content
    assert photo.file.storage_name not in content
    for text in (GTIN, "BG-01", "HTX Gốm Bát Tràng", "Xã Bát Tràng", cast.product1.code):
        assert text in content
    assert url("edit", cast.product1) in content
    assert url("photo_add", cast.product1) in content
    assert url("photo_remove", cast.product1, photo.file.code) in content
    assert url("archive", cast.product1) in content
    assert 'enctype="multipart/form-data"' in content
    assert " style=" not in content and "<script" not in content


def test_a_reader_who_may_not_edit_sees_no_edit_actions(cast, client_for):
    photo = ProductPhotoFactory(product=cast.product1)
    response = client_for(cast.chair).get(url("detail", cast.product1))
    assert (response.status_code, response.context["can_edit"]) == (200, False)
    content = response.content.decode()
    for action in (
        url("edit", cast.product1),
        url("photo_add", cast.product1),
        url("photo_remove", cast.product1, photo.file.code),
        url("archive", cast.product1),
    ):
        assert action not in content
    assert url("photo", cast.product1, photo.file.code) in content


def test_the_detail_says_when_no_more_photos_fit(cast, client_for, settings):
    settings.PRODUCT_PHOTOS_MAX = 1
    ProductPhotoFactory(product=cast.product1)
    response = client_for(cast.producer1).get(url("detail", cast.product1))
    assert response.context["room_for_photos"] is False
    assert url("photo_add", cast.product1) not in response.content.decode()


def test_an_archived_product_offers_restore(cast, client_for):
    cast.product1.status = ProductStatus.ARCHIVED
    cast.product1.save()
    content = client_for(cast.producer1).get(url("detail", cast.product1)).content.decode()
    assert url("restore", cast.product1) in content
    assert url("archive", cast.product1) not in content


def test_the_history_tab_lists_the_log(cast, client_for):
    client = client_for(cast.producer1)
    client.post(url("edit", cast.product1), {"name": "Bình gốm men rạn"})
    response = client.get(url("history", cast.product1))
    assert response.status_code == 200
    assert [entry.action for entry in response.context["history"]] == ["products.product.update"]
    assert "Bình gốm men rạn" in response.content.decode()


# --- create -----------------------------------------------------------------------------------


def test_staff_pick_the_producer_from_those_they_may_edit(cast, client_for):
    client = client_for(cast.commune)
    response = client.get(url("create"))
    assert list(response.context["form"].fields["producer"].queryset) == [cast.prod1]
    response = client.post(
        url("create"),
        {"producer": cast.prod1.code, "name": "Đĩa gốm", "gtin": "8934567890120"},
    )
    product = Product.objects.get(name="Đĩa gốm")
    assert response.status_code == 302
    assert response["Location"] == url("detail", product)
    assert (product.producer, product.gtin) == (cast.prod1, GTIN)
    [entry] = history_for(product)
    assert (entry.action, entry.actor) == ("products.product.create", cast.commune)


def test_staff_cannot_pick_a_producer_outside_their_scope(cast, client_for):
    response = client_for(cast.commune).post(
        url("create"), {"producer": cast.prod2.code, "name": "Trà khác"}
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["producer"]
    assert not Product.objects.filter(name="Trà khác").exists()


def test_the_create_form_preselects_a_producer_from_the_query(cast, client_for):
    response = client_for(cast.office).get(url("create"), {"producer": cast.prod2.code})
    assert f'<option value="{cast.prod2.code}" selected>' in response.content.decode()


def test_a_producer_user_creates_for_their_own_producer_only(cast, client_for):
    client = client_for(cast.producer1_staff)
    form = client.get(url("create")).context["form"]
    assert ("producer" in form.fields, form.fixed_producer) == (False, cast.prod1)
    client.post(url("create"), {"producer": cast.prod2.code, "name": "Lọ hoa"})
    assert Product.objects.get(name="Lọ hoa").producer == cast.prod1


def test_an_invalid_gtin_is_a_field_error_and_nothing_is_written(cast, client_for):
    response = client_for(cast.producer1).post(
        url("create"), {"name": "Lọ hoa", "gtin": "8934567890128"}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()
    assert [(field, [e.code for e in errs]) for field, errs in errors.items()] == [
        ("gtin", ["gtin_check_digit"])
    ]
    assert 'id="id_gtin_error"' in response.content.decode()
    assert not Product.objects.filter(name="Lọ hoa").exists()


def test_a_duplicate_gtin_from_the_service_shows_on_the_field(cast, client_for):
    ProductFactory(producer=cast.prod2, gtin=GTIN)
    response = client_for(cast.producer1).post(url("create"), {"name": "Lọ hoa", "gtin": GTIN})
    assert list(response.context["form"].errors) == ["gtin"]
    assert not Product.objects.filter(name="Lọ hoa").exists()


# --- edit -------------------------------------------------------------------------------------


def test_edit_shows_the_current_values_and_saves_changes(cast, client_for):
    client = client_for(cast.producer1_staff)
    form = client.get(url("edit", cast.product1)).context["form"]
    assert (form["name"].value(), "producer" in form.fields) == ("Bình gốm men lam", False)
    response = client.post(
        url("edit", cast.product1),
        {"name": "Bình gốm men rạn", "description": "Men rạn cổ.", "producer_sku": "BG-02"},
    )
    assert response.status_code == 302
    cast.product1.refresh_from_db()
    assert (cast.product1.name, cast.product1.description, cast.product1.producer_sku) == (
        "Bình gốm men rạn",
        "Men rạn cổ.",
        "BG-02",
    )
    assert history_for(cast.product1)[0].actor == cast.producer1_staff


def test_edit_with_a_bad_gtin_changes_nothing(cast, client_for):
    response = client_for(cast.producer1).post(
        url("edit", cast.product1), {"name": "Khác", "gtin": "12345"}
    )
    assert list(response.context["form"].errors) == ["gtin"]
    cast.product1.refresh_from_db()
    assert cast.product1.name == "Bình gốm men lam"


# --- status -----------------------------------------------------------------------------------


def test_archive_and_restore(cast, client_for):
    client = client_for(cast.producer1)
    response = client.post(
        url("archive", cast.product1), {"reason": "Ngừng sản xuất."}, follow=True
    )
    assert response.redirect_chain == [(url("detail", cast.product1), 302)]
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    cast.product1.refresh_from_db()
    assert cast.product1.status == ProductStatus.ARCHIVED
    assert history_for(cast.product1)[0].data["reason"] == "Ngừng sản xuất."
    again = client.post(url("archive", cast.product1), follow=True)
    assert [m.level_tag for m in again.context["messages"]] == ["error"]
    client.post(url("restore", cast.product1))
    cast.product1.refresh_from_db()
    assert cast.product1.status == ProductStatus.ACTIVE


def test_status_changes_need_post(cast, client_for):
    client = client_for(cast.producer1)
    assert client.get(url("archive", cast.product1)).status_code == 405
    assert client.get(url("restore", cast.product1)).status_code == 405


def test_a_reason_that_is_too_long_is_refused(cast, client_for):
    response = client_for(cast.producer1).post(
        url("archive", cast.product1), {"reason": "x" * 501}, follow=True
    )
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    cast.product1.refresh_from_db()
    assert cast.product1.status == ProductStatus.ACTIVE


# --- photos -----------------------------------------------------------------------------------


def test_add_a_photo(cast, client_for):
    client = client_for(cast.producer1)
    assert client.get(url("photo_add", cast.product1)).status_code == 200
    response = client.post(
        url("photo_add", cast.product1), {"file": upload("mat-truoc.png"), "caption": "Mặt trước"}
    )
    assert response["Location"] == url("detail", cast.product1)
    [photo] = ProductPhoto.objects.all()
    assert (photo.product, photo.caption, photo.file.original_name) == (
        cast.product1,
        "Mặt trước",
        "mat-truoc.png",
    )


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("photo.jpg", PDF_BYTES, "bad_type"),
        ("photo.jpg", b"<html><script>alert(1)</script></html>", "bad_type"),
        ("big.png", png_bytes() + b"\x00" * 2048, "too_large"),
    ],
)
def test_a_bad_photo_is_a_field_error_and_nothing_is_stored(
    cast, client_for, settings, name, content, code
):
    settings.UPLOAD_MAX_BYTES = 1024
    response = client_for(cast.producer1).post(
        url("photo_add", cast.product1), {"file": upload(name, content)}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()
    assert {field: [e.code for e in errs] for field, errs in errors.items()} == {"file": [code]}
    assert (StoredFile.objects.count(), stored_files()) == (0, [])


def test_the_photo_limit_shows_on_the_file_field(cast, client_for, settings):
    settings.PRODUCT_PHOTOS_MAX = 1
    ProductPhotoFactory(product=cast.product1)
    response = client_for(cast.producer1).post(url("photo_add", cast.product1), {"file": upload()})
    assert list(response.context["form"].errors) == ["file"]
    assert ProductPhoto.objects.count() == 1


def test_download_a_photo(cast, client_for):
    photo = ProductPhotoFactory(product=cast.product1)
    response = client_for(cast.commune).get(url("photo", cast.product1, photo.file.code))
    assert (response.status_code, response["Content-Type"]) == (200, "image/png")
    assert b"".join(response.streaming_content) == png_bytes()


def test_remove_a_photo(cast, client_for, django_capture_on_commit_callbacks):
    photo = ProductPhotoFactory(product=cast.product1)
    client = client_for(cast.producer1)
    assert client.get(url("photo_remove", cast.product1, photo.file.code)).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("photo_remove", cast.product1, photo.file.code))
    assert response["Location"] == url("detail", cast.product1)
    assert (ProductPhoto.objects.count(), StoredFile.objects.count(), stored_files()) == (0, 0, [])


def test_pages_carry_no_inline_script_or_style(cast, client_for):
    client = client_for(cast.office)
    for page in (
        url("list"),
        url("create"),
        url("detail", cast.product1),
        url("edit", cast.product1),
        url("history", cast.product1),
        url("photo_add", cast.product1),
    ):
        content = client.get(page).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)", content), page
        assert " style=" not in content, page
