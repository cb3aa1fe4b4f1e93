"""Reads of spreadsheet imports: who sees which, and the permission loader."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from ocop.accounts.rules import as_access
from ocop.reports.models import ImportJob
from ocop.reports.rules import can_import


def imports_visible_to(user_or_access: Any) -> QuerySet[ImportJob]:
    """Every import for those who may import (the provincial office, administrators); none for
    anyone else."""
    if not can_import(as_access(user_or_access)):
        return ImportJob.objects.none()
    return ImportJob.objects.select_related("created_by", "file")


def access_import(user_or_access: Any, code: str) -> ImportJob:
    """The import `code` if the user may see it; otherwise 404 (existence does not leak)."""
    job = imports_visible_to(user_or_access).filter(code=code).first()
    if job is None:
        raise Http404
    return job
