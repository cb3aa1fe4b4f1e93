"""Label sheets as PDF: the product's name (with its diacritics) and the short codes survive
text extraction (pypdf), the QR codes decode (rendered with pypdfium2, read with zxing-cpp) to
exactly the stamps' Digital Links, each size fills its pages as its data says, and a large batch
prints in parts."""

from __future__ import annotations

import io
import unicodedata

import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader

from ocop.traceability.enums import StampStatus
from ocop.traceability.identifiers import digital_link
from ocop.traceability.labels import (
    LABEL_SIZES,
    LABELS_PER_PDF,
    label_filename,
    label_sheet_pdf,
    parts_of,
    stamp_link,
)
from ocop.traceability.queries.stamps import printable_stamps
from tests.factories.products import ProductFactory
from tests.factories.traceability import BatchFactory, StampFactory

pytestmark = pytest.mark.django_db
NAME = "Trà ướp sen Tây Hồ"


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(unicodedata.normalize("NFC", text).split())


def page_count(content: bytes) -> int:
    return len(PdfReader(io.BytesIO(content)).pages)


def qr_codes(content: bytes, page: int = 0, dpi: int = 300) -> list[str]:
    document = pypdfium2.PdfDocument(content)
    try:
        image = document[page].render(scale=dpi / 72).to_pil()
    finally:
        document.close()
    return [found.text for found in zxingcpp.read_barcodes(image)]


@pytest.fixture
def batch(cast):
    product = ProductFactory(producer=cast.prod2, name=NAME, gtin="8931234567897")
    return BatchFactory(product=product, lot="SEN-2026/10")


@pytest.mark.parametrize("key", sorted(LABEL_SIZES))
def test_every_size_prints_names_codes_and_readable_qr_codes(batch, key):
    size = LABEL_SIZES[key]
    count = min(size.per_page, 8) + 1  # one more than a page for the rolls
    stamps = [StampFactory(batch=batch) for _ in range(count)]
    content = label_sheet_pdf(batch=batch, stamps=stamps, size=size)
    assert content.startswith(b"%PDF-")
    assert page_count(content) == -(-count // size.per_page)
    text = pdf_text(content)
    assert text.replace(" ", "").count(NAME.replace(" ", "")) == count
    for stamp in stamps:
        assert stamp.short_code in text
    first = stamp_link(stamps[0], batch.lot)
    assert first == digital_link("08931234567897", "SEN-2026/10", stamps[0].serial).uri()
    assert first.endswith(f"/01/08931234567897/10/SEN-2026%2F10/21/{stamps[0].serial}")
    assert first in qr_codes(content)


def test_a_full_a4_sheet_of_small_labels_reads_entirely(batch):
    size = LABEL_SIZES["a4-30x20"]
    stamps = [StampFactory(batch=batch) for _ in range(size.per_page)]
    content = label_sheet_pdf(batch=batch, stamps=stamps, size=size)
    assert page_count(content) == 1
    assert sorted(qr_codes(content)) == sorted(stamp_link(s, batch.lot) for s in stamps)


def test_the_sizes_are_data():
    assert {key: (s.width, s.height, s.per_page) for key, s in LABEL_SIZES.items()} == {
        "a4-30x20": (30, 20, 78),
        "a4-40x30": (40, 30, 36),
        "a4-50x30": (50, 30, 36),
        "roll-50x30": (50, 30, 1),
        "roll-40x30": (40, 30, 1),
    }
    for size in LABEL_SIZES.values():
        right, bottom = size.position(size.per_page - 1)
        assert right + size.width <= size.page_width
        assert bottom + size.height <= size.page_height
        assert size.qr_mm < size.width and size.text_left < size.width


def test_parts_and_file_names(batch):
    assert parts_of(0) == []
    assert parts_of(LABELS_PER_PDF) == [(1, 1, LABELS_PER_PDF)]
    assert parts_of(LABELS_PER_PDF * 2 + 3) == [
        (1, 1, LABELS_PER_PDF),
        (2, LABELS_PER_PDF + 1, 2 * LABELS_PER_PDF),
        (3, 2 * LABELS_PER_PDF + 1, 2 * LABELS_PER_PDF + 3),
    ]
    size = LABEL_SIZES["a4-50x30"]
    assert label_filename(batch, size, 1, 1) == f"tem-{batch.code}-a4-50x30.pdf"
    assert label_filename(batch, size, 2, 3) == f"tem-{batch.code}-a4-50x30-2.pdf"
    with pytest.raises(ValueError, match="At most"):
        label_sheet_pdf(batch=batch, stamps=[None] * (LABELS_PER_PDF + 1), size=size)  # type: ignore[list-item]


def test_void_stamps_are_never_printed(batch):
    kept = [StampFactory(batch=batch), StampFactory(batch=batch, status=StampStatus.ACTIVE)]
    StampFactory(batch=batch, status=StampStatus.VOID)
    assert list(printable_stamps(batch)) == kept
    assert list(printable_stamps(batch, StampStatus.ACTIVE)) == kept[1:]
