"""Uploads, hardened (issue 9, item 5): photos lose their metadata (EXIF with GPS, XMP, comments,
PNG text) and keep their orientation and format; undecodable images and decompression bombs are
refused; the client's file name never reaches the disk; private files are not served to others;
MEDIA_ROOT is outside the static tree and has no URL."""

import hashlib
import io
import struct
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, PngImagePlugin

from ocop.core.models import StoredFile
from ocop.core.services.uploads import STORED_NAME, clean_image, store_upload, validate_upload
from ocop.products.models import ProductPhoto
from tests.factories.products import ProductPhotoFactory, png_bytes, stored_files, upload

pytestmark = pytest.mark.django_db

GREEN = (10, 200, 10)


def gps_exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "PhoneCo"
    exif[ExifTags.Base.BodySerialNumber] = "SN-123456"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (21.0, 1.0, 30.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (105.0, 51.0, 0.0),
    }
    return exif


def encode(image: Image.Image, kind: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, kind, **options)
    return out.getvalue()


def read(content: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(content))
    image.load()
    return image


def stored_bytes(stored: StoredFile) -> bytes:
    return (Path(settings.MEDIA_ROOT) / stored.storage_name).read_bytes()


def png_chunks(content: bytes) -> list[bytes]:
    chunks, at = [], 8
    while at < len(content):
        (length,) = struct.unpack(">I", content[at : at + 4])
        chunks.append(content[at + 4 : at + 8])
        at += 12 + length
    return chunks


# --- metadata -------------------------------------------------------------------------------


def test_a_jpeg_with_gps_uploaded_as_a_product_photo_comes_back_without_metadata(cast, client_for):
    # 8×4 pixels stored sideways: orientation 6 means "turn 90° clockwise to view".
    original = encode(
        Image.new("RGB", (8, 4), GREEN),
        "JPEG",
        exif=gps_exif(orientation=6),
        comment=b"taken at home, 12 Hang Bac",
        xmp=b"<x:xmpmeta><GPSLatitude>21.025</GPSLatitude></x:xmpmeta>",
    )
    assert read(original).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the input really has it
    client = client_for(cast.producer1)
    response = client.post(
        reverse("products:photo_add", args=[cast.product1.code]),
        {"file": upload("IMG_0001.JPG", original, "image/jpeg"), "caption": "Bình gốm"},
    )
    assert response.status_code == 302
    photo = ProductPhoto.objects.get(product=cast.product1)
    download = client.get(reverse("products:photo", args=[cast.product1.code, photo.file.code]))
    served = b"".join(download.streaming_content)
    assert served == stored_bytes(photo.file)
    image = read(served)
    assert image.format == "JPEG"
    assert image.size == (4, 8)  # the orientation was applied to the pixels
    assert dict(image.getexif()) == {}
    assert image.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
    assert {"exif", "xmp", "comment"} & set(image.info) == set()
    assert b"PhoneCo" not in served and b"SN-123456" not in served and b"Hang Bac" not in served
    assert b"Exif\x00\x00" not in served and b"xmpmeta" not in served
    assert photo.file.size == len(served)
    assert photo.file.content_type == "image/jpeg"
    assert image.getpixel((2, 4))[1] > 150  # still green


def test_a_png_with_text_chunks_and_exif_is_cleaned():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "GPS 21.0285 N, 105.8542 E")
    info.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>secret</x:xmpmeta>")
    original = encode(
        Image.new("RGBA", (5, 3), (*GREEN, 128)), "PNG", pnginfo=info, exif=gps_exif()
    )
    assert {b"tEXt", b"iTXt", b"eXIf"} <= set(png_chunks(original))
    stored = store_upload(upload("ban-do.png", original))
    content = stored_bytes(stored)
    assert png_chunks(content) == [b"IHDR", b"IDAT", b"IEND"]
    image = read(content)
    assert (image.format, image.mode, image.size) == ("PNG", "RGBA", (5, 3))
    assert image.getpixel((0, 0)) == (*GREEN, 128)
    assert stored.sha256 == hashlib.sha256(content).hexdigest()


def test_a_palette_png_keeps_its_transparency():
    image = Image.new("P", (4, 4), 1)
    image.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    original = encode(image, "PNG", transparency=0)
    cleaned = read(clean_image(upload("p.png", original), "png"))
    assert (cleaned.mode, cleaned.info.get("transparency")) == ("P", 0)


def test_a_webp_with_exif_and_xmp_is_cleaned():
    original = encode(
        Image.new("RGB", (6, 6), GREEN), "WEBP", exif=gps_exif(), xmp=b"<x:xmpmeta>x</x:xmpmeta>"
    )
    assert "exif" in read(original).info
    stored = store_upload(upload("a.webp", original, "image/webp"))
    content = stored_bytes(stored)
    image = read(content)
    assert (image.format, image.size) == ("WEBP", (6, 6))
    assert {"exif", "xmp"} & set(image.info) == set()
    assert b"EXIF" not in content and b"XMP " not in content and b"PhoneCo" not in content


def test_bytes_appended_after_an_image_are_not_stored():
    """A polyglot (an image with HTML or a ZIP after its end) is reduced to the image."""
    tail = b"<html><script>alert(1)</script></html>"
    stored = store_upload(upload("p.png", png_bytes() + tail))
    assert stored_bytes(stored) == png_bytes()


def test_the_image_is_decoded_once_for_validation_and_storing():
    incoming = upload("p.png", png_bytes())
    assert validate_upload(incoming) == "png"
    incoming.seek(0)
    incoming.file = io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"changed")  # the decoded result is kept
    incoming.size = len(png_bytes())
    stored = store_upload(incoming)
    assert stored_bytes(stored) == png_bytes()


# --- refused images ---------------------------------------------------------------------------


def bomb_png(width: int, height: int) -> bytes:
    """A PNG header announcing a huge image over a few bytes of data."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(tag + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + chunk(b"IEND", b"")
    )


def test_a_decompression_bomb_is_refused_before_decoding(cast, client_for):
    client = client_for(cast.producer1)
    response = client.post(
        reverse("products:photo_add", args=[cast.product1.code]),
        {"file": upload("bom.png", bomb_png(60000, 60000))},
    )
    [error] = response.context["form"].errors.as_data()["file"]
    assert error.code == "too_many_pixels"
    with translation.override("vi"):  # the page's language; the lead translates the msgid
        expected = _("The image has too many pixels: the limit is %(limit)s megapixels.") % {
            "limit": "40"
        }
    assert response.context["form"].errors["file"] == [expected]
    assert (StoredFile.objects.count(), stored_files()) == (0, [])


def test_a_bomb_under_pillows_own_limit_but_over_ours_is_refused():
    with pytest.raises(ValidationError) as caught:
        validate_upload(upload("bom.png", bomb_png(8000, 6000)))  # 48 megapixels
    assert caught.value.code == "too_many_pixels"


def test_the_pixel_limit_comes_from_the_settings(settings):
    settings.UPLOAD_MAX_PIXELS = 15
    with pytest.raises(ValidationError) as caught:
        store_upload(upload("p.png", png_bytes()))  # 4 × 4 = 16 pixels
    assert caught.value.code == "too_many_pixels"
    settings.UPLOAD_MAX_PIXELS = 16
    assert store_upload(upload("p.png", png_bytes())).content_type == "image/png"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("cut.png", png_bytes()[:40]),  # truncated in the middle of the data
        ("junk.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 200),  # a JPEG signature, nothing behind
        ("junk.webp", b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x01" * 60),
        ("no-data.png", png_bytes()[:33] + png_bytes()[-12:]),  # IHDR and IEND, no IDAT
    ],
)
def test_an_image_pillow_cannot_decode_is_refused(name, content, cast, client_for):
    response = client_for(cast.producer1).post(
        reverse("products:photo_add", args=[cast.product1.code]), {"file": upload(name, content)}
    )
    errors = response.context["form"].errors
    assert [e.code for e in errors.as_data()["file"]] == ["bad_image"]
    assert StoredFile.objects.count() == 0


# --- names and paths --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd",
        "..\\x.png",
        "..\\..\\..\\windows\\system32\\x.png",
        "a\x00b.png",
        "/etc/passwd",
        "....//....//x.png",
        "%2e%2e%2fx.png",
    ],
)
def test_path_traversal_names_never_reach_the_disk(name, tmp_path):
    root = Path(settings.MEDIA_ROOT).resolve()
    stored = store_upload(upload(name, png_bytes()))
    assert STORED_NAME.match(stored.storage_name)
    path = (root / stored.storage_name).resolve()
    assert path.parent.parent == root and path.is_file()
    assert stored_files() == [stored.storage_name]
    assert "\x00" not in stored.original_name and "/" not in stored.original_name
    assert "\\" not in stored.original_name and ".." not in stored.storage_name


@pytest.mark.parametrize("name", ["../../etc/passwd.png", "..\\x.png", "a\x00b.png"])
def test_path_traversal_names_through_the_form(name, cast, client_for):
    client = client_for(cast.producer1)
    response = client.post(
        reverse("products:photo_add", args=[cast.product1.code]),
        {"file": upload(name, png_bytes())},
    )
    assert response.status_code == 302
    [stored] = StoredFile.objects.all()
    assert STORED_NAME.match(stored.storage_name)
    assert stored_files() == [stored.storage_name]
    assert "/" not in stored.original_name and "\\" not in stored.original_name


# --- serving ----------------------------------------------------------------------------------


def test_a_private_photo_is_404_for_a_stranger(cast, client_for):
    photo = ProductPhotoFactory(product=cast.product1)
    url = reverse("products:photo", args=[cast.product1.code, photo.file.code])
    own = client_for(cast.producer1).get(url)
    assert (own.status_code, b"".join(own.streaming_content)) == (200, png_bytes())
    for stranger in (cast.producer2, cast.buyer, cast.outsider, cast.commune2):
        assert client_for(stranger).get(url).status_code == 404, stranger
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("accounts:login"))


def test_media_root_is_outside_the_static_tree_and_has_no_url():
    from ocop import settings as project

    media = Path(project.MEDIA_ROOT).resolve()
    for static in [Path(project.STATIC_ROOT), *map(Path, project.STATICFILES_DIRS)]:
        static = static.resolve()
        assert not media.is_relative_to(static) and not static.is_relative_to(media)
    assert not media.is_relative_to(project.BASE_DIR.resolve())  # not inside the code
    for url in (project.MEDIA_URL + "ab12/x.png", "/media/ab12/x.png"):
        with pytest.raises(Resolver404):
            resolve(url)
