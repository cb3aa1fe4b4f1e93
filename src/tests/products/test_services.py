import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from ocop.accounts.models import User
from ocop.core.models import ActivityLog, StoredFile
from ocop.core.queries.activity import history_for
from ocop.products.enums import ProductStatus
from ocop.products.models import Product, ProductPhoto
from ocop.products.services.products import (
    add_product_photo,
    archive_product,
    change_product_status,
    create_product,
    remove_product_photo,
    restore_product,
    update_product,
)
from tests.factories.products import (
    JPEG_BYTES,
    PDF_BYTES,
    WEBP_BYTES,
    ProductFactory,
    ProductPhotoFactory,
    stored_files,
    upload,
)

pytestmark = pytest.mark.django_db

GTIN = "8934567890120"  # 893 4567 89012, check digit 0 (8934567890128 is wrong)
UPC_A = "036000291452"


def codes(exc: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in exc.error_dict.items()}


# --- create_product ---------------------------------------------------------------------------


def test_create_product_normalises_text_and_logs_the_new_values(cast):
    decomposed = unicodedata.normalize("NFD", "  Chè Shan tuyết cổ thụ  ")
    product = create_product(
        actor=cast.producer1,
        producer=cast.prod1,
        data={
            "name": decomposed,
            "description": unicodedata.normalize("NFD", "Trà đặc sản\x00 Hà Giang"),
            "gtin": "893 4567 89012 0",
            "producer_sku": " CHE-01 ",
        },
    )
    product.refresh_from_db()
    assert (product.name, product.name_folded) == ("Chè Shan tuyết cổ thụ", "che shan tuyet co thu")
    assert product.description == "Trà đặc sản Hà Giang"
    assert (product.gtin, product.producer_sku) == (GTIN, "CHE-01")
    assert (product.producer, product.status) == (cast.prod1, ProductStatus.ACTIVE)
    [entry] = history_for(product)
    assert (entry.action, entry.actor) == ("products.product.create", cast.producer1)
    assert entry.data["new"] == {
        "producer": cast.prod1.code,
        "name": "Chè Shan tuyết cổ thụ",
        "description": "Trà đặc sản Hà Giang",
        "gtin": GTIN,
        "producer_sku": "CHE-01",
        "classification": None,
        "status": "active",
    }


def test_create_product_needs_only_a_name(cast):
    product = create_product(actor=cast.office, producer=cast.prod2, data={"name": "Trà sen"})
    assert (product.description, product.gtin, product.producer_sku) == ("", "", "")


def test_create_product_reports_every_bad_field_at_once_and_writes_nothing(cast):
    before = Product.objects.count()
    with pytest.raises(ValidationError) as caught:
        create_product(
            actor=cast.producer1,
            producer=cast.prod1,
            data={"name": "  ", "gtin": "8934567890127", "producer_sku": "X" * 51},
        )
    assert codes(caught.value) == {
        "name": [None],
        "gtin": ["gtin_check_digit"],
        "producer_sku": [None],
    }
    assert Product.objects.count() == before
    assert ActivityLog.objects.filter(action="products.product.create").count() == 0


@pytest.mark.parametrize("gtin", ["89345678901", "893456789012X"])
def test_create_product_refuses_a_malformed_gtin(cast, gtin):
    with pytest.raises(ValidationError) as caught:
        create_product(actor=cast.office, producer=cast.prod1, data={"name": "A", "gtin": gtin})
    assert list(caught.value.error_dict) == ["gtin"]


def test_a_gtin_belongs_to_one_product_whoever_registers_it(cast, english):
    create_product(actor=cast.office, producer=cast.prod1, data={"name": "A", "gtin": GTIN})
    with pytest.raises(ValidationError) as caught:
        create_product(actor=cast.office, producer=cast.prod2, data={"name": "B", "gtin": GTIN})
    assert caught.value.message_dict == {"gtin": ["Another product already has this GTIN."]}


def test_a_gtin_spelled_at_another_length_is_the_same_gtin(cast):
    create_product(actor=cast.office, producer=cast.prod1, data={"name": "A", "gtin": UPC_A})
    with pytest.raises(ValidationError) as caught:
        create_product(
            actor=cast.office, producer=cast.prod2, data={"name": "B", "gtin": "0" + UPC_A}
        )
    assert list(caught.value.error_dict) == ["gtin"]


def test_the_producers_own_code_is_unique_per_producer_only(cast, english):
    create_product(actor=cast.office, producer=cast.prod1, data={"name": "A", "producer_sku": "G1"})
    with pytest.raises(ValidationError) as caught:
        create_product(
            actor=cast.office, producer=cast.prod1, data={"name": "B", "producer_sku": "G1"}
        )
    assert caught.value.message_dict == {
        "producer_sku": ["Another product of this producer already has this code."]
    }
    other = create_product(
        actor=cast.office, producer=cast.prod2, data={"name": "C", "producer_sku": "G1"}
    )
    assert other.producer_sku == "G1"


def test_create_product_refuses_unknown_fields(cast):
    with pytest.raises(TypeError):
        create_product(actor=cast.office, producer=cast.prod1, data={"name": "A", "status": "x"})


# --- update_product ---------------------------------------------------------------------------


def test_update_product_saves_and_logs_only_what_changed(cast):
    product = cast.product1
    update_product(
        actor=cast.commune,
        product=product,
        data={"name": "Bình gốm men rạn", "description": product.description, "gtin": GTIN},
    )
    product.refresh_from_db()
    assert (product.name, product.name_folded, product.gtin) == (
        "Bình gốm men rạn",
        "binh gom men ran",
        GTIN,
    )
    [entry] = history_for(product)
    assert (entry.action, entry.actor) == ("products.product.update", cast.commune)
    assert entry.changes == [("gtin", "", GTIN), ("name", "Bình gốm men lam", "Bình gốm men rạn")]


def test_update_product_without_changes_logs_nothing(cast):
    update_product(actor=cast.office, product=cast.product1, data={"name": " Bình gốm men lam "})
    assert list(history_for(cast.product1)) == []


def test_a_product_keeps_its_own_gtin_and_may_drop_it(cast):
    product = ProductFactory(producer=cast.prod1, gtin=GTIN)
    update_product(actor=cast.office, product=product, data={"gtin": GTIN, "name": "Mới"})
    update_product(actor=cast.office, product=product, data={"gtin": ""})
    product.refresh_from_db()
    assert (product.name, product.gtin) == ("Mới", "")


def test_update_product_to_a_taken_gtin_changes_nothing(cast):
    ProductFactory(producer=cast.prod2, gtin=GTIN)
    with pytest.raises(ValidationError) as caught:
        update_product(
            actor=cast.office, product=cast.product1, data={"name": "Khác", "gtin": GTIN}
        )
    assert list(caught.value.error_dict) == ["gtin"]
    cast.product1.refresh_from_db()
    assert (cast.product1.name, cast.product1.gtin) == ("Bình gốm men lam", "")
    assert list(history_for(cast.product1)) == []


# --- status -----------------------------------------------------------------------------------


def test_archive_and_restore_go_through_the_transition_table_and_log_the_reason(cast):
    archive_product(actor=cast.producer1, product=cast.product1, reason="Ngừng sản xuất.")
    cast.product1.refresh_from_db()
    assert cast.product1.status == ProductStatus.ARCHIVED
    restore_product(actor=cast.office, product=cast.product1)
    cast.product1.refresh_from_db()
    assert cast.product1.status == ProductStatus.ACTIVE
    restored, archived = history_for(cast.product1)
    assert (archived.action, archived.actor, archived.data) == (
        "products.product.archive",
        cast.producer1,
        {"old": {"status": "active"}, "new": {"status": "archived"}, "reason": "Ngừng sản xuất."},
    )
    assert (restored.action, restored.changes) == (
        "products.product.restore",
        [("status", "archived", "active")],
    )


def test_a_move_outside_the_table_is_refused(cast, english):
    with pytest.raises(ValidationError) as caught:
        restore_product(actor=cast.office, product=cast.product1)
    assert caught.value.message_dict == {
        "status": ["A product that is active cannot become active."]
    }
    with pytest.raises(ValidationError) as caught:
        change_product_status(actor=cast.office, product=cast.product1, to="deleted")
    assert list(caught.value.error_dict) == ["status"]
    assert list(history_for(cast.product1)) == []


def test_the_status_as_stored_decides_not_a_stale_copy(cast):
    stale = Product.objects.get(pk=cast.product1.pk)
    archive_product(actor=cast.office, product=cast.product1)
    with pytest.raises(ValidationError):
        archive_product(actor=cast.office, product=stale)
    assert stale.status == ProductStatus.ARCHIVED
    assert len(history_for(cast.product1)) == 1


# --- photos -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "content_type"),
    [(None, "image/png"), (JPEG_BYTES, "image/jpeg"), (WEBP_BYTES, "image/webp")],
)
def test_add_product_photo_stores_an_image_and_logs_it(cast, content, content_type):
    photo = add_product_photo(
        actor=cast.producer1,
        product=cast.product1,
        upload=upload("../Ảnh bình.png", content),
        caption=unicodedata.normalize("NFD", "Mặt trước"),
    )
    stored = photo.file
    assert (stored.content_type, stored.original_name, stored.uploaded_by) == (
        content_type,
        "Ảnh bình.png",
        cast.producer1,
    )
    assert (photo.caption, photo.position) == ("Mặt trước", 1)
    assert stored_files() == [stored.storage_name]
    [entry] = history_for(cast.product1)
    assert (entry.action, entry.data) == (
        "products.product.add_photo",
        {"photo": stored.code, "file_name": "Ảnh bình.png", "caption": "Mặt trước"},
    )


def test_photos_are_numbered_in_the_order_they_came(cast):
    first = add_product_photo(actor=cast.office, product=cast.product1, upload=upload())
    second = add_product_photo(actor=cast.office, product=cast.product1, upload=upload())
    assert (first.position, second.position) == (1, 2)


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (PDF_BYTES, "bad_type"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "bad_type"),
        (b"", "empty"),
    ],
)
def test_add_product_photo_refuses_what_is_not_an_image_and_stores_nothing(cast, content, code):
    with pytest.raises(ValidationError) as caught:
        add_product_photo(
            actor=cast.office, product=cast.product1, upload=upload("anh.jpg", content)
        )
    assert codes(caught.value) == {"file": [code]}
    assert (StoredFile.objects.count(), ProductPhoto.objects.count(), stored_files()) == (0, 0, [])


def test_a_product_has_at_most_the_configured_number_of_photos(cast, settings, english):
    settings.PRODUCT_PHOTOS_MAX = 2
    for _ in range(2):
        add_product_photo(actor=cast.office, product=cast.product1, upload=upload())
    with pytest.raises(ValidationError) as caught:
        add_product_photo(actor=cast.office, product=cast.product1, upload=upload())
    assert caught.value.message_dict == {
        "file": ["A product has at most 2 photos; remove one first."]
    }
    assert len(stored_files()) == 2


def test_a_caption_longer_than_the_column_is_refused(cast):
    with pytest.raises(ValidationError) as caught:
        add_product_photo(
            actor=cast.office, product=cast.product1, upload=upload(), caption="x" * 201
        )
    assert list(caught.value.error_dict) == ["caption"]
    assert stored_files() == []


def test_when_the_database_write_fails_after_the_file_was_stored_no_file_is_left(cast):
    ghost = User(username="ghost")  # never saved: any row pointing to it cannot be written
    with pytest.raises(ValueError):
        add_product_photo(actor=ghost, product=cast.product1, upload=upload())
    assert (StoredFile.objects.count(), ProductPhoto.objects.count(), stored_files()) == (0, 0, [])
    assert list(history_for(cast.product1)) == []


def test_remove_product_photo_deletes_rows_now_and_the_file_on_commit(
    cast, django_capture_on_commit_callbacks
):
    photo = ProductPhotoFactory(product=cast.product1)
    name, code = photo.file.storage_name, photo.file.code
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        remove_product_photo(actor=cast.producer1, photo=photo)
    assert (StoredFile.objects.count(), ProductPhoto.objects.count()) == (0, 0)
    assert stored_files() == [name]  # not yet committed
    for callback in callbacks:
        callback()
    assert stored_files() == []
    [entry] = history_for(cast.product1)
    assert (entry.action, entry.data["photo"]) == ("products.product.remove_photo", code)


def test_a_removal_that_rolls_back_keeps_the_file(cast):
    photo = ProductPhotoFactory(product=cast.product1)
    pk, name = photo.pk, photo.file.storage_name
    with pytest.raises(RuntimeError), transaction.atomic():
        remove_product_photo(actor=cast.producer1, photo=photo)
        raise RuntimeError
    assert list(ProductPhoto.objects.values_list("pk", "file__storage_name")) == [(pk, name)]
    assert stored_files() == [name]
