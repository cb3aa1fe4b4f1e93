"""Schemas shared by the apps' APIs."""

from __future__ import annotations

from typing import Any

from ninja import Schema


class AttachedFileOut(Schema):
    """The public fields of a StoredFile attached to an object as `.file` (a photo, evidence)."""

    code: str
    file_name: str
    content_type: str
    size: int

    @staticmethod
    def resolve_code(obj: Any) -> str:
        return obj.file.code

    @staticmethod
    def resolve_file_name(obj: Any) -> str:
        return obj.file.original_name

    @staticmethod
    def resolve_content_type(obj: Any) -> str:
        return obj.file.content_type

    @staticmethod
    def resolve_size(obj: Any) -> int:
        return obj.file.size
