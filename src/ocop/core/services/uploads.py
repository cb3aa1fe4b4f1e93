"""Uploads: a size limit, content sniffing, random stored names, never the client's path.

Images (JPEG, PNG, WebP) are decoded and re-encoded through Pillow before they are stored, in
the same format, with the EXIF orientation applied to the pixels: nothing else of the file
survives (EXIF with GPS position and camera serials, XMP, comments, PNG text chunks, whatever
was appended after the image). An image Pillow cannot decode, or larger than UPLOAD_MAX_PIXELS
(a decompression bomb), is refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import secrets
import struct
import time
import unicodedata
import warnings
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path, PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from ocop.core.models import StoredFile

# Magic numbers of the formats we accept. Whatever the client claims, these bytes decide.
SIGNATURES: dict[str, tuple[str, str]] = {
    "pdf": ("application/pdf", ".pdf"),
    "jpeg": ("image/jpeg", ".jpg"),
    "png": ("image/png", ".png"),
    "webp": ("image/webp", ".webp"),
    # A ZIP container: only spreadsheet imports accept it, after checking that it really is a
    # workbook (`ocop.reports.imports.workbook`).
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
}
IMAGE_KINDS = frozenset({"jpeg", "png", "webp"})
ALL_KINDS = frozenset({"pdf", *IMAGE_KINDS})  # documents and photos (evidence, attachments)
SPREADSHEET_KINDS = frozenset({"xlsx"})
# What store_upload names files: a 4-hex-digit folder, a random token, the sniffed extension
# (FileSystemStorage may add "_xxxxxxx" on a collision). The sweep touches nothing else.
STORED_NAME = re.compile(r"^[0-9a-f]{4}/[A-Za-z0-9_-]+\.(?:pdf|jpg|png|webp|xlsx)$")


def sniff(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    return None


def private_storage() -> FileSystemStorage:
    return FileSystemStorage(location=settings.MEDIA_ROOT, base_url=None)


def clean_filename(name: str) -> str:
    """The last path component only, NFC, no control characters; for display, never for storage."""
    base = PurePath(name.replace("\\", "/")).name
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    if base in {".", ".."}:
        base = ""
    return base[:200] or "file"


def _too_large(size: int, limit: int | None = None) -> ValidationError:
    limit = limit or settings.UPLOAD_MAX_BYTES
    return ValidationError(
        _("The file is too large: %(size)s MB, the limit is %(limit)s MB.")
        % {"size": f"{size / 1048576:.1f}", "limit": f"{limit / 1048576:g}"},
        code="too_large",
    )


class LimitedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Django's handler for large uploads, but it writes at most UPLOAD_MAX_BYTES of a file to
    the temporary folder: the rest of an oversized file is read and dropped, and the file keeps
    its true size, so that validate_upload refuses it with the right figure. (The reverse
    proxy's body limit is what stops the bytes arriving at all.)"""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.received += len(raw_data)
        if self.received <= settings.UPLOAD_MAX_BYTES:
            self.file.write(raw_data)


def validate_upload(
    upload: Any, allowed: frozenset[str] = ALL_KINDS, *, max_bytes: int | None = None
) -> str:
    """Return the sniffed kind, or raise ValidationError with a message for the user.
    `max_bytes`: another limit than UPLOAD_MAX_BYTES (spreadsheet imports)."""
    limit = max_bytes or settings.UPLOAD_MAX_BYTES
    if not upload.size:
        raise ValidationError(_("The file is empty."), code="empty")
    if upload.size > limit:
        raise _too_large(upload.size, limit)
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = sniff(head)
    if kind is None or kind not in allowed:
        names = ", ".join(sorted(k.upper() for k in allowed))
        raise ValidationError(
            _("This file type is not accepted. Accepted types: %(types)s.") % {"types": names},
            code="bad_type",
        )
    if kind in IMAGE_KINDS:
        clean_image(upload, kind)
    return kind


# The Pillow format of each image kind, and how it is written again.
PILLOW_FORMATS = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}
SAVE_OPTIONS: dict[str, dict[str, Any]] = {
    "jpeg": {"quality": 90, "optimize": True},
    "png": {},
    "webp": {"quality": 90},
}
_CLEANED = "_ocop_cleaned_image"  # the result, kept on the upload: validated once, stored once


def _not_an_image() -> ValidationError:
    return ValidationError(
        _("This image cannot be read. Save it again as JPEG, PNG or WebP and upload it."),
        code="bad_image",
    )


def _too_many_pixels(limit: int) -> ValidationError:
    return ValidationError(
        _("The image has too many pixels: the limit is %(limit)s megapixels.")
        % {"limit": f"{limit / 1e6:g}"},
        code="too_many_pixels",
    )


def clean_image(upload: Any, kind: str) -> bytes:
    """The image re-encoded without metadata, or ValidationError (undecodable, too many
    pixels). The result is kept on the upload object, so that validating then storing the
    same upload decodes it once."""
    cached = getattr(upload, _CLEANED, None)
    if cached is not None and cached[0] == kind:
        return bytes(cached[1])
    limit = settings.UPLOAD_MAX_PIXELS
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow's own bomb guard warns (or raises) above Image.MAX_IMAGE_PIXELS: refuse.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload, formats=[PILLOW_FORMATS[kind]]) as image:
                width, height = image.size
                if width * height > limit:
                    raise _too_many_pixels(limit)
                image.load()  # decodes everything: a truncated or corrupt file fails here
                upright = ImageOps.exif_transpose(image)  # a copy, orientation applied
                keep: dict[str, Any] = {}
                if image.info.get("icc_profile"):  # colours, not metadata about the person
                    keep["icc_profile"] = image.info["icc_profile"]
                if kind == "png" and "transparency" in image.info:
                    keep["transparency"] = image.info["transparency"]
            upright.info = {}  # EXIF, XMP, comments, text chunks: none travels on
            if kind == "webp" and upright.mode not in {"RGB", "RGBA"}:
                upright = upright.convert("RGBA" if "A" in upright.getbands() else "RGB")
            out = io.BytesIO()
            upright.save(out, PILLOW_FORMATS[kind], **SAVE_OPTIONS[kind], **keep)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels(limit) from exc
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        EOFError,
        IndexError,
        KeyError,
        struct.error,
        zlib.error,
    ) as exc:
        raise _not_an_image() from exc
    finally:
        upload.seek(0)
    cleaned = out.getvalue()
    setattr(upload, _CLEANED, (kind, cleaned))
    return cleaned


def store_upload(
    upload: Any,
    *,
    user: Any = None,
    allowed: frozenset[str] = ALL_KINDS,
    max_bytes: int | None = None,
) -> StoredFile:
    """Validate and store an uploaded file; call inside the service's transaction.

    The stored name is random and the extension comes from the sniffed content, never from the
    client. If the row cannot be written, the file is deleted again before the error goes up; a
    service that does more work after this call wraps it in `stored_upload` instead.
    """
    kind = validate_upload(upload, allowed, max_bytes=max_bytes)
    content_type, extension = SIGNATURES[kind]
    digest = hashlib.sha256()
    size = 0
    for chunk in upload.chunks():
        digest.update(chunk)
        size += len(chunk)
    upload.seek(0)
    if size > (max_bytes or settings.UPLOAD_MAX_BYTES):  # the bytes, not the declared size
        raise _too_large(size, max_bytes)
    content: Any = upload
    if kind in IMAGE_KINDS:  # what is stored is the re-encoded image, without metadata
        cleaned = clean_image(upload, kind)
        content = ContentFile(cleaned)
        digest, size = hashlib.sha256(cleaned), len(cleaned)
    random_name = f"{secrets.token_hex(2)}/{secrets.token_urlsafe(24)}{extension}"
    storage = private_storage()
    stored_name = storage.save(random_name, content)
    try:
        with transaction.atomic():
            return StoredFile.objects.create(
                original_name=clean_filename(getattr(upload, "name", "") or "file"),
                content_type=content_type,
                size=size,
                sha256=digest.hexdigest(),
                storage_name=stored_name,
                uploaded_by=user if getattr(user, "is_authenticated", False) else None,
            )
    except BaseException:
        storage.delete(stored_name)
        raise


@contextmanager
def stored_upload(
    upload: Any,
    *,
    user: Any = None,
    allowed: frozenset[str] = ALL_KINDS,
    max_bytes: int | None = None,
) -> Iterator[StoredFile]:
    """Store an upload for the work done in the block (the row that points to it, the log).

    If the block raises, the file is deleted at once and the error goes on up, so the service's
    transaction rolls the rows back and nothing is left half-written. A rollback that happens
    later, in a caller's outer transaction, or a crash, leaves an unreferenced file that
    `sweep_orphan_files` removes.
    """
    stored = store_upload(upload, user=user, allowed=allowed, max_bytes=max_bytes)
    try:
        yield stored
    except BaseException:
        private_storage().delete(stored.storage_name)
        raise


def delete_stored_file(stored: StoredFile) -> None:
    """Delete the row now and the file when the transaction commits (never on a rollback).

    Call inside the service's transaction, after the rows that point to it are gone.
    """
    name = stored.storage_name
    stored.delete()
    transaction.on_commit(partial(private_storage().delete, name))


def sweep_orphan_files(*, older_than: dt.timedelta) -> list[str]:
    """Delete stored files that no StoredFile row refers to and that are older than `older_than`
    (so that a transaction still running keeps its file). Returns the names deleted."""
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    cutoff = time.time() - older_than.total_seconds()
    candidates = [
        name
        for path in root.glob("*/*")
        if STORED_NAME.match(name := path.relative_to(root).as_posix())
        and path.is_file()
        and path.stat().st_mtime < cutoff
    ]
    storage = private_storage()
    removed: list[str] = []
    for start in range(0, len(candidates), 500):
        batch = candidates[start : start + 500]
        known = set(
            StoredFile.objects.filter(storage_name__in=batch).values_list("storage_name", flat=True)
        )
        for name in batch:
            if name not in known:
                storage.delete(name)
                removed.append(name)
    return sorted(removed)
