"""Is it a real XLSX workbook, and what does its first sheet hold?

`check_workbook_file` looks at the bytes before anything parses them: not empty, not larger
than the limit, a ZIP archive (an old .xls, a CSV or a text file renamed .xlsx are named as
such), holding `[Content_Types].xml` and `xl/workbook.xml`, and not a ZIP bomb (the sizes the
archive declares, which Python's zipfile never exceeds, stay within bounds). `read_sheet` then
reads the data sheet with openpyxl in read-only mode (rows stream; the file is never loaded
whole), row 1 as the headings.
"""

from __future__ import annotations

import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

REQUIRED_MEMBERS = ("[Content_Types].xml", "xl/workbook.xml")
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and password-protected .xlsx
ZIP_SIGNATURE = b"PK\x03\x04"
MAX_MEMBERS = 5000
# What the archive may expand to, as a multiple of the file-size limit (real workbooks expand
# 5–15 times), and the largest expansion of one member bigger than 1 MB.
EXPANSION_LIMIT = 20
MEMBER_RATIO_LIMIT = 250
RATIO_CHECK_FROM = 1024 * 1024


def file_size(file: IO[bytes] | Any) -> int:
    size = getattr(file, "size", None)
    if isinstance(size, int):
        return size
    position = file.tell()
    file.seek(0, 2)
    end = int(file.tell())
    file.seek(position)
    return end


def _megabytes(size: int) -> str:
    return f"{size / 1048576:.1f}".rstrip("0").rstrip(".")


def check_workbook_file(file: IO[bytes] | Any, *, max_bytes: int) -> None:
    """Raise ValidationError (a message for the user, and a code) unless `file` looks like an
    XLSX workbook within the limits. Reads the archive's directory only."""
    size = file_size(file)
    if not size:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > max_bytes:
        raise ValidationError(
            _("The file is too large: %(size)s MB, the limit is %(limit)s MB.")
            % {"size": _megabytes(size), "limit": _megabytes(max_bytes)},
            code="too_large",
        )
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if head.startswith(OLE_SIGNATURE):
        raise ValidationError(
            _(
                "This is an old Excel 97–2003 file (.xls) or a workbook protected by a password. "
                "Open it in Excel or LibreOffice, remove any password and save it as “Excel "
                "Workbook (.xlsx)”."
            ),
            code="xls",
        )
    if not head.startswith(ZIP_SIGNATURE):
        raise ValidationError(
            _(
                "This is not an XLSX workbook (a CSV or text file renamed .xlsx is not one). "
                "Download the template, fill it in and save it as “Excel Workbook (.xlsx)”."
            ),
            code="not_xlsx",
        )
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise ValidationError(
            _("The file is damaged: it cannot be opened as an XLSX workbook."), code="damaged"
        ) from None
    finally:
        file.seek(0)
    names = {member.filename for member in members}
    if not all(name in names for name in REQUIRED_MEMBERS):
        raise ValidationError(
            _(
                "This file is not an XLSX workbook (it may be another kind of document). Save "
                "the spreadsheet as “Excel Workbook (.xlsx)”."
            ),
            code="not_xlsx",
        )
    expanded = sum(member.file_size for member in members)
    suspicious = len(members) > MAX_MEMBERS or expanded > EXPANSION_LIMIT * max_bytes
    for member in members:
        if member.flag_bits & 0x1:
            suspicious = True
        if member.file_size > RATIO_CHECK_FROM and member.file_size > MEMBER_RATIO_LIMIT * max(
            member.compress_size, 1
        ):
            suspicious = True
    if suspicious:
        raise ValidationError(
            _(
                "The file is refused: its contents expand far beyond what a spreadsheet of "
                "this size holds (a “ZIP bomb”), or it is encrypted."
            ),
            code="zip_bomb",
        )


class SheetError(Exception):
    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = str(message)


@contextmanager
def open_sheet(file: IO[bytes] | Any, *, title: str = "") -> Iterator[Iterator[tuple[Any, ...]]]:
    """The rows of the data sheet (the sheet called `title` if there is one, else the first),
    as tuples of read-only cells, row 1 first; the workbook is closed when the block ends.
    Raises SheetError when openpyxl cannot read the file."""
    from openpyxl import load_workbook

    file.seek(0)
    with warnings.catch_warnings():
        # openpyxl warns about parts it drops (data-validation extensions, unknown styles);
        # they do not matter for reading values.
        warnings.simplefilter("ignore")
        try:
            workbook = load_workbook(file, read_only=True, data_only=False, keep_links=False)
        except Exception:  # any parse failure means the same to the user
            raise SheetError(
                _("The file is damaged: it cannot be opened as an XLSX workbook.")
            ) from None
    try:
        sheets = workbook.worksheets
        if not sheets:
            raise SheetError(_("The workbook has no sheet."))
        sheet = next((s for s in sheets if s.title == title), sheets[0])
        if not hasattr(sheet, "reset_dimensions"):  # a chart sheet
            raise SheetError(_("The first sheet of the workbook holds no cells."))
        sheet.reset_dimensions()  # trust the cells, not the size the file declares
        yield _rows(sheet)
    finally:
        workbook.close()


def _rows(sheet: Any) -> Iterator[tuple[Any, ...]]:
    rows = sheet.iter_rows()
    while True:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                row = next(rows)
            except StopIteration:
                return
            except Exception:  # a broken sheet part
                raise SheetError(
                    _("The file is damaged: part of the sheet cannot be read. Save it again.")
                ) from None
        yield row
