from __future__ import annotations

from urllib.parse import quote

from django.http import FileResponse, Http404

from ocop.core.models import StoredFile
from ocop.core.services.uploads import private_storage


def stored_file_response(stored: StoredFile, *, inline: bool = True) -> FileResponse:
    """Stream a stored file. Call only after the owning object's permission loader passed."""
    storage = private_storage()
    if not storage.exists(stored.storage_name):
        raise Http404
    response = FileResponse(
        storage.open(stored.storage_name, "rb"), content_type=stored.content_type
    )
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = (
        f"{disposition}; filename*=UTF-8''{quote(stored.original_name)}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
