"""The upload form of a spreadsheet import (the page checks the file again in the service)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ocop.core.forms import NFCForm
from ocop.reports.enums import ImportKind
from ocop.reports.imports import SUPPORTED_KINDS
from ocop.reports.imports.cells import grouped

XLSX_ACCEPT = ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def page_max_bytes() -> int:
    """The largest file the page takes: the import limit, and never more than any upload."""
    return min(int(settings.OCOP_IMPORT_MAX_BYTES), int(settings.UPLOAD_MAX_BYTES))


class ImportForm(NFCForm):
    kind = forms.ChoiceField(label=_("What the file holds"))
    file = forms.FileField(
        label=_("Spreadsheet (XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": XLSX_ACCEPT}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(ImportKind.choices)
        self.fields["kind"].choices = [(kind, labels[kind]) for kind in SUPPORTED_KINDS]
        self.fields["file"].help_text = _(
            "The template of the kind, filled in and saved as .xlsx; at most %(size)s MB and "
            "%(rows)s rows."
        ) % {
            "size": f"{page_max_bytes() / 1048576:g}",
            "rows": grouped(settings.OCOP_IMPORT_MAX_ROWS),
        }
