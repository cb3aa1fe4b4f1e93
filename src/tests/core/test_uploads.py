"""The upload mechanism: size limit, content sniffing, random names inside MEDIA_ROOT, cleaned
display names, nothing orphaned, downloads only through an owner's permission-checked view."""

import datetime as dt
import hashlib
import os
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.http import Http404
from django.urls import URLPattern, get_resolver, reverse
from django.urls.converters import PathConverter

from ocop.core.models import StoredFile
from ocop.core.services.uploads import (
    ALL_KINDS,
    IMAGE_KINDS,
    STORED_NAME,
    LimitedTemporaryFileUploadHandler,
    clean_filename,
    delete_stored_file,
    store_upload,
    stored_upload,
    sweep_orphan_files,
    validate_upload,
)
from ocop.core.views.files import stored_file_response
from tests.factories.products import (
    JPEG_BYTES,
    PDF_BYTES,
    WEBP_BYTES,
    ProductPhotoFactory,
    png_bytes,
    stored_files,
    upload,
)

pytestmark = pytest.mark.django_db

HTML = b"<!doctype html><html><script>alert(1)</script></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48


def age(name: str, minutes: int) -> None:
    path = Path(settings.MEDIA_ROOT) / name
    past = time.time() - minutes * 60
    os.utime(path, (past, past))


# --- validation -------------------------------------------------------------------------------


def test_the_size_limit_comes_from_the_settings(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    padded = png_bytes() + b"\x00" * 2048
    assert validate_upload(upload(content=padded[:1024])) == "png"
    with pytest.raises(ValidationError) as caught:
        validate_upload(upload(content=padded[:1025]))
    assert caught.value.code == "too_large"
    with pytest.raises(ValidationError):
        store_upload(upload(content=padded[:1025]))
    assert (StoredFile.objects.count(), stored_files()) == (0, [])


def test_the_bytes_count_not_the_size_the_client_declared(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    liar = upload(content=png_bytes() + b"\x00" * 4096)
    liar.size = 100
    with pytest.raises(ValidationError) as caught:
        store_upload(liar)
    assert caught.value.code == "too_large"
    assert (StoredFile.objects.count(), stored_files()) == (0, [])


def test_a_large_upload_never_puts_more_than_the_limit_on_disk(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    content = png_bytes() + b"\x00" * 5000
    handler = LimitedTemporaryFileUploadHandler()
    handler.new_file("file", "big.png", "image/png", len(content))
    for start in range(0, len(content), 512):
        handler.receive_data_chunk(content[start : start + 512], start)
    received = handler.file_complete(len(content))
    with pytest.raises(ValidationError) as caught:
        validate_upload(received)
    assert caught.value.code == "too_large"
    assert (received.size, len(received.read())) == (len(content), 1024)
    received.close()


def test_uploads_through_a_temporary_file_are_limited_and_stored_whole(cast, client_for, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 100  # every upload goes through the limited handler
    settings.UPLOAD_MAX_BYTES = 2048
    client = client_for(cast.producer1)
    target = reverse("products:photo_add", args=[cast.product1.code])
    big = client.post(target, {"file": upload(content=png_bytes() + b"\x00" * 5000)})
    errors = big.context["form"].errors.as_data()
    assert [e.code for e in errors["file"]] == ["too_large"]
    assert stored_files() == []
    content = png_bytes() + b"\x00" * 500
    client.post(target, {"file": upload(content=content)})
    [stored] = StoredFile.objects.all()
    # read whole from the temporary file and re-encoded: the image, without what was appended
    assert (Path(settings.MEDIA_ROOT) / stored.storage_name).read_bytes() == png_bytes()


def test_the_default_limit_is_ten_megabytes():
    from ocop import settings as project_settings

    assert project_settings.UPLOAD_MAX_BYTES == 10 * 1024 * 1024


@pytest.mark.parametrize(
    ("content", "kind"),
    [(PDF_BYTES, "pdf"), (JPEG_BYTES, "jpeg"), (png_bytes(), "png"), (WEBP_BYTES, "webp")],
)
def test_the_four_accepted_kinds_are_recognised_by_content(content, kind):
    assert validate_upload(upload("whatever.bin", content, "application/octet-stream")) == kind


@pytest.mark.parametrize("content", [HTML, SVG, EXE, b"RIFF\x00\x00\x00\x00WAVEfmt ", b"GIF89a"])
def test_anything_else_named_like_a_photo_is_refused(content):
    with pytest.raises(ValidationError) as caught:
        store_upload(upload("photo.jpg", content, "image/jpeg"))
    assert caught.value.code == "bad_type"
    assert (StoredFile.objects.count(), stored_files()) == (0, [])


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError) as caught:
        store_upload(upload("photo.png", b""))
    assert caught.value.code == "empty"


def test_a_pdf_is_refused_where_only_images_are_allowed():
    with pytest.raises(ValidationError) as caught:
        validate_upload(upload("a.pdf", PDF_BYTES), IMAGE_KINDS)
    assert caught.value.code == "bad_type"
    assert validate_upload(upload("a.pdf", PDF_BYTES), ALL_KINDS) == "pdf"


# --- storing ----------------------------------------------------------------------------------


def test_a_png_named_pdf_is_stored_as_a_png(cast):
    content = png_bytes()
    stored = store_upload(upload("bao-cao.pdf", content, "application/pdf"), user=cast.office)
    assert (stored.content_type, stored.original_name, stored.size, stored.uploaded_by) == (
        "image/png",
        "bao-cao.pdf",
        len(content),
        cast.office,
    )
    assert stored.storage_name.endswith(".png")
    assert stored.sha256 == hashlib.sha256(content).hexdigest()


def test_stored_names_are_random_and_inside_media_root():
    first = store_upload(upload("ảnh.png"))
    second = store_upload(upload("ảnh.png"))
    assert first.storage_name != second.storage_name
    root = Path(settings.MEDIA_ROOT).resolve()
    for stored in (first, second):
        assert STORED_NAME.match(stored.storage_name)
        assert "ảnh" not in stored.storage_name
        assert (root / stored.storage_name).resolve().parent.parent == root
    assert stored_files() == sorted([first.storage_name, second.storage_name])
    assert settings.MEDIA_ROOT != settings.STATIC_ROOT
    assert not str(root).startswith(str(Path(settings.STATIC_ROOT).resolve()))


@pytest.mark.parametrize(
    ("name", "clean"),
    [
        ("../../etc/passwd.png", "passwd.png"),
        ("..\\..\\windows\\win.ini.png", "win.ini.png"),
        ("C:\\Users\\Lan\\Ảnh sản phẩm.png", "Ảnh sản phẩm.png"),
        ("/var/www/x.png", "x.png"),
        ("a\x00b\r\n.png", "ab.png"),
        ("..", "file"),
        ("", "file"),
        ("Tra\u0300 sen.png", "Trà sen.png"),  # decomposed → NFC
    ],
)
def test_the_client_name_is_cleaned_of_path_parts(name, clean):
    assert clean_filename(name) == clean


def test_the_cleaned_name_is_what_is_kept():
    stored = store_upload(upload("../../etc/passwd.png"))
    assert stored.original_name == "passwd.png"
    assert "passwd" not in stored.storage_name


# --- nothing orphaned -------------------------------------------------------------------------


def test_a_failure_inside_the_block_deletes_the_file_and_rolls_back_the_row():
    with pytest.raises(RuntimeError), transaction.atomic(), stored_upload(upload()) as stored:
        assert stored_files() == [stored.storage_name]
        raise RuntimeError("the next write failed")
    assert (StoredFile.objects.count(), stored_files()) == (0, [])


def test_delete_stored_file_removes_the_file_only_on_commit(django_capture_on_commit_callbacks):
    stored = store_upload(upload())
    with django_capture_on_commit_callbacks(execute=True):
        delete_stored_file(stored)
    assert (StoredFile.objects.count(), stored_files()) == (0, [])


def test_a_later_rollback_leaves_a_file_that_the_sweep_removes():
    keep = store_upload(upload())
    with pytest.raises(RuntimeError), transaction.atomic():
        lost = store_upload(upload())
        raise RuntimeError("the caller's transaction rolled back")
    assert stored_files() == sorted([keep.storage_name, lost.storage_name])
    fresh = store_upload(upload())
    with pytest.raises(RuntimeError), transaction.atomic():
        running = store_upload(upload())  # stands for an upload still in its transaction
        raise RuntimeError
    for name in (keep.storage_name, lost.storage_name):
        age(name, 90)
    foreign = Path(settings.MEDIA_ROOT) / "README.txt"
    foreign.write_text("not ours")
    age("README.txt", 90)

    assert sweep_orphan_files(older_than=dt.timedelta(hours=1)) == [lost.storage_name]
    assert stored_files() == sorted(
        [keep.storage_name, fresh.storage_name, running.storage_name, "README.txt"]
    )


def test_the_sweep_command(capsys):
    with pytest.raises(RuntimeError), transaction.atomic():
        lost = store_upload(upload())
        raise RuntimeError
    age(lost.storage_name, 30)
    call_command("sweep-uploads", "--older-than-minutes", "20")
    assert capsys.readouterr().out == f"deleted {lost.storage_name}\n1 orphan file(s) deleted.\n"
    assert stored_files() == []


def test_the_sweep_without_a_media_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "nowhere"
    assert sweep_orphan_files(older_than=dt.timedelta(0)) == []


# --- serving ----------------------------------------------------------------------------------


def test_stored_file_response_streams_with_safe_headers():
    stored = store_upload(upload("Ảnh bình gốm.png"))
    response = stored_file_response(stored)
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == (
        "inline; filename*=UTF-8''%E1%BA%A2nh%20b%C3%ACnh%20g%E1%BB%91m.png"
    )
    assert b"".join(response.streaming_content) == png_bytes()
    response.file_to_stream.close()  # response.close() would also signal the end of a request


def test_stored_file_response_of_a_missing_file_is_404():
    stored = store_upload(upload())
    (Path(settings.MEDIA_ROOT) / stored.storage_name).unlink()
    with pytest.raises(Http404):
        stored_file_response(stored)


def test_a_download_view_never_serves_a_file_of_another_product(cast, client_for, api_token):
    own = ProductPhotoFactory(product=cast.product1)
    other = ProductPhotoFactory(product=cast.product2)
    client = client_for(cast.admin)  # sees both products
    ui = reverse("products:photo", args=[cast.product1.code, other.file.code])
    api = f"/api/v1/products/{cast.product1.code}/photos/{other.file.code}"
    assert client.get(ui).status_code == 404
    assert client.get(api, **api_token(cast.admin)).status_code == 404
    right = client.get(reverse("products:photo", args=[cast.product1.code, own.file.code]))
    assert (right.status_code, b"".join(right.streaming_content)) == (200, png_bytes())


def _patterns(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.pattern.converters
        else:
            yield from _patterns(entry, prefix + str(entry.pattern))


def test_no_url_of_the_platform_takes_a_path():
    """Django's admin takes <path:object_id> for its own URLs; nothing of ours does."""
    offenders = [
        route
        for route, converters in _patterns(get_resolver())
        if any(isinstance(c, PathConverter) for c in converters.values())
        and not route.startswith("quan-tri/")
    ]
    assert offenders == []


def test_stored_files_are_not_reachable_by_their_names(cast, client_for):
    photo = ProductPhotoFactory(product=cast.product1)
    client = client_for(cast.admin)
    name = photo.file.storage_name
    for url in (
        f"{settings.MEDIA_URL}{name}",
        f"/media/{name}",
        f"/static/{name}",
        f"/san-pham/{cast.product1.code}/anh/{name}",
        f"/san-pham/{cast.product1.code}/anh/..%2F..%2F{name}/",
        f"/san-pham/{cast.product1.code}/anh/%2E%2E/%2E%2E/{name}/",
    ):
        assert client.get(url).status_code == 404, url
