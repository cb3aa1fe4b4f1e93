"""Uploads: a size limit, content sniffing, random stored names, never the client's path."""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.utils.translation import gettext as _

from ocop.core.models import StoredFile

# Magic numbers of the formats we accept. Whatever the client claims, these bytes decide.
SIGNATURES: dict[str, tuple[str, str]] = {
    "pdf": ("application/pdf", ".pdf"),
    "jpeg": ("image/jpeg", ".jpg"),
    "png": ("image/png", ".png"),
    "webp": ("image/webp", ".webp"),
}
IMAGE_KINDS = frozenset({"jpeg", "png", "webp"})
ALL_KINDS = frozenset(SIGNATURES)


def sniff(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def private_storage() -> FileSystemStorage:
    return FileSystemStorage(location=settings.MEDIA_ROOT, base_url=None)


def clean_filename(name: str) -> str:
    """The last path component only, NFC, no control characters; for display, never for storage."""
    base = PurePath(name.replace("\\", "/")).name
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    return base[:200] or "file"


def validate_upload(upload: Any, allowed: frozenset[str] = ALL_KINDS) -> str:
    """Return the sniffed kind, or raise ValidationError with a message for the user."""
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size is None or upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if upload.size > limit:
        raise ValidationError(
            _("The file is too large: %(size)s MB, the limit is %(limit)s MB.")
            % {"size": f"{upload.size / 1048576:.1f}", "limit": f"{limit / 1048576:g}"},
            code="too_large",
        )
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
    return kind


def store_upload(
    upload: Any, *, user: Any = None, allowed: frozenset[str] = ALL_KINDS
) -> StoredFile:
    """Validate and store an uploaded file; call inside the service's transaction."""
    kind = validate_upload(upload, allowed)
    content_type, extension = SIGNATURES[kind]
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    random_name = f"{secrets.token_hex(2)}/{secrets.token_urlsafe(24)}{extension}"
    stored_name = private_storage().save(random_name, upload)
    return StoredFile.objects.create(
        original_name=clean_filename(getattr(upload, "name", "") or "file"),
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        storage_name=stored_name,
        uploaded_by=user if getattr(user, "is_authenticated", False) else None,
    )
