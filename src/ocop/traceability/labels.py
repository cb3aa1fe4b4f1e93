"""Label sheets of stamps as PDF: `label_sheet_pdf(batch=…, stamps=…, size=…) -> bytes`.

Each label carries the QR code of the stamp's GS1 Digital Link (`identifiers.digital_link(gtin,
lot, serial).uri()`, segno, error correction M, exactly M: no boost), the short code people type
when they cannot scan, and the product's name (the lot too where the label is wide enough).

Label sizes are data (`LABEL_SIZES`): die-cut A4 sheets of 30 × 20, 40 × 30 and 50 × 30 mm, and
rolls of 50 × 30 and 40 × 30 mm for thermal label printers (one label per page of the label's
size). Add a size by adding a `LabelSize`.

The QR code is a 1-bit PNG of one pixel per module, drawn without smoothing
(`image-rendering: pixelated`), so it stays sharp at any printer resolution and the PDF renders
fast; one PDF holds at most `LABELS_PER_PDF` labels (the page offers the parts of a larger
batch). Rendered by WeasyPrint with the fonts of `ocop.core.pdf` (DejaVu: Vietnamese letters are
extracted as the stored NFC text) in Vietnamese, fetching nothing but `data:` URLs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import segno
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ocop.traceability.identifiers import DigitalLink
from ocop.traceability.models import Batch, Stamp

TEMPLATE = "traceability/labels/sheet.html"
STYLESHEET = "traceability/labels/sheet.css"
DOCUMENT_LANGUAGE = "vi"
LABELS_PER_PDF = 500  # ≈ 5 s of rendering (10 ms a label); a larger batch prints in parts
QUIET_ZONE = 2  # modules of white around the QR code (plus the label's padding)


@dataclass(frozen=True)
class LabelSize:
    """A label of `width` × `height` mm, `columns` × `rows` of them on a page of `page_width` ×
    `page_height` mm, the first at (`left`, `top`), spaced by the gaps (all in mm)."""

    key: str
    name: Any
    width: float
    height: float
    page_width: float
    page_height: float
    columns: int = 1
    rows: int = 1
    left: float = 0
    top: float = 0
    gap_x: float = 0
    gap_y: float = 0
    padding: float = 1.2
    name_pt: float = 5.5
    code_pt: float = 6.5
    shows_lot: bool = False

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    @property
    def qr_mm(self) -> float:
        """The QR code's side: the label's height within the padding, at most 56 % of its
        width (the rest is for the text)."""
        return round(min(self.height - 2 * self.padding, self.width * 0.56), 2)

    @property
    def qr_top(self) -> float:
        return round((self.height - self.qr_mm) / 2, 2)

    @property
    def text_left(self) -> float:
        return round(self.padding * 2 + self.qr_mm, 2)

    @property
    def is_roll(self) -> bool:
        return self.per_page == 1

    @property
    def label(self) -> Any:
        """The name people choose from (lazy: translated when shown), with the labels per sheet."""
        if self.is_roll:
            return self.name
        return format_lazy("{} ({})", self.name, self.per_page)

    def position(self, index: int) -> tuple[float, float]:
        """The top-left corner (mm) of the `index`-th label of a page."""
        column, row = index % self.columns, index // self.columns
        return (
            round(self.left + column * (self.width + self.gap_x), 2),
            round(self.top + row * (self.height + self.gap_y), 2),
        )


A4 = (210.0, 297.0)
LABEL_SIZES: dict[str, LabelSize] = {
    size.key: size
    for size in (
        LabelSize(
            "a4-30x20",
            _("30 × 20 mm, A4 sheet"),
            30,
            20,
            *A4,
            columns=6,
            rows=13,
            left=10,
            top=9.5,
            gap_x=2,
            gap_y=1.5,
            padding=1,
            name_pt=5,
            code_pt=5,
        ),
        LabelSize(
            "a4-40x30",
            _("40 × 30 mm, A4 sheet"),
            40,
            30,
            *A4,
            columns=4,
            rows=9,
            left=20.5,
            top=9.5,
            gap_x=3,
            gap_y=1,
            name_pt=6,
            code_pt=7,
            shows_lot=True,
        ),
        LabelSize(
            "a4-50x30",
            _("50 × 30 mm, A4 sheet"),
            50,
            30,
            *A4,
            columns=4,
            rows=9,
            left=5,
            top=13.5,
            name_pt=7,
            code_pt=8.5,
            shows_lot=True,
        ),
        LabelSize(
            "roll-50x30",
            _("50 × 30 mm, roll (one label per page)"),
            50,
            30,
            50,
            30,
            name_pt=7,
            code_pt=8.5,
            shows_lot=True,
        ),
        LabelSize(
            "roll-40x30",
            _("40 × 30 mm, roll (one label per page)"),
            40,
            30,
            40,
            30,
            name_pt=6,
            code_pt=7,
            shows_lot=True,
        ),
    )
}
DEFAULT_SIZE = "a4-40x30"


def stamp_link(stamp: Stamp, lot: str) -> str:
    """The Digital Link printed on a stamp: GTIN, lot, serial on the platform's domain."""
    return DigitalLink(stamp.gtin, lot, stamp.serial).uri()


def qr_png(uri: str) -> str:
    """The QR code (error correction M) as a PNG data URI, one pixel per module."""
    return segno.make(uri, error="m", boost_error=False).png_data_uri(scale=1, border=QUIET_ZONE)


def label_sheet_context(
    *, batch: Batch, stamps: Sequence[Stamp], size: LabelSize
) -> dict[str, Any]:
    pages: list[list[dict[str, Any]]] = []
    for index, stamp in enumerate(stamps):
        place = index % size.per_page
        if place == 0:
            pages.append([])
        x, y = size.position(place)
        link = stamp_link(stamp, batch.lot)
        pages[-1].append(
            {
                "x": x,
                "y": y,
                "qr": qr_png(link),
                "link": link,
                "code": stamp.short_code,
            }
        )
    return {
        "batch": batch,
        "product_name": batch.product.name,
        "size": size,
        "pages": pages,
    }


def label_sheet_pdf(*, batch: Batch, stamps: Sequence[Stamp], size: LabelSize) -> bytes:
    """The labels of `stamps` (of `batch`, at most LABELS_PER_PDF) on pages of `size`."""
    from weasyprint import CSS, HTML  # heavy import, only where documents are made
    from weasyprint.urls import URLFetcher

    if len(stamps) > LABELS_PER_PDF:
        raise ValueError(f"At most {LABELS_PER_PDF} labels in one PDF")
    fetcher = URLFetcher(allowed_protocols=["data"])
    context = label_sheet_context(batch=batch, stamps=stamps, size=size)
    with translation.override(DOCUMENT_LANGUAGE):
        html = render_to_string(TEMPLATE, context)
        css = render_to_string(STYLESHEET, {"size": size})
    document = HTML(string=html, base_url="data:,", url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[CSS(string=css, url_fetcher=fetcher)])


def parts_of(total: int) -> list[tuple[int, int, int]]:
    """(part number, first, last) — 1-based label numbers — of a batch's labels in PDFs."""
    return [
        (number + 1, start + 1, min(total, start + LABELS_PER_PDF))
        for number, start in enumerate(range(0, total, LABELS_PER_PDF))
    ]


def label_filename(batch: Batch, size: LabelSize, part: int, parts: int) -> str:
    suffix = f"-{part}" if parts > 1 else ""
    return f"tem-{batch.code}-{size.key}{suffix}.pdf"
