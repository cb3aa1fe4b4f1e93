"""The certificate as PDF: the Vietnamese text survives copy-paste (extracted with pypdf), the
QR code printed on it decodes (rendered with pypdfium2, read with zxing-cpp) to exactly the
verification address, the stars are drawn by the platform, and a certificate no longer in
force carries a stamp. The PDF is public to whoever holds a code with a matching MAC."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata

import pypdfium2
import pytest
import zxingcpp
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from ocop.certificates.enums import Authority
from ocop.certificates.pdf import certificate_context, certificate_pdf

from .public_setup import (
    HONEY,
    certificate,
    forged_code,
    revoke,
    short,
    supersede,
    text_of,
    valid_for,
    vi,
)

pytestmark = pytest.mark.django_db
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
UNKNOWN = (
    "No certificate was found with this code. The code may have been mistyped, or the "
    "certificate may be forged."
)


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(unicodedata.normalize("NFC", text).split())


def qr_codes(content: bytes, dpi: int = 200) -> list[str]:
    document = pypdfium2.PdfDocument(content)
    try:
        image = document[0].render(scale=dpi / 72).to_pil()
    finally:
        document.close()
    return [found.text for found in zxingcpp.read_barcodes(image)]


def pdf_url(cert, *, vietnamese: bool = True, code: str | None = None) -> str:
    name = "verify:certificate_pdf_vi" if vietnamese else "verify:certificate_pdf"
    return reverse(name, kwargs={"code": code or cert.verification_code})


def test_the_vietnamese_words_are_intact_in_the_text_of_the_pdf(cast):
    cert = valid_for(400, cast.prod1)
    text = pdf_text(certificate_pdf(cert))
    for expected in (
        NATION,
        MOTTO,
        "ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI",
        "GIẤY CHỨNG NHẬN",
        "SẢN PHẨM OCOP ĐẠT HẠNG 4 SAO",
        HONEY,
        "HTX Gốm Bát Tràng",
        "Xã Bát Tràng, Thành phố Hà Nội",
        "Hà Nội",
        f"Số {cert.decision_number} ngày {short(cert.decided_on)} của Ủy ban nhân dân thành phố Hà Nội",
        cert.criteria_name,
        f"Số giấy chứng nhận: {cert.number}",
        f"Ngày cấp: {short(cert.issued_on)}",
        f"Có giá trị đến hết ngày {short(cert.valid_until)}",
        cert.verification_code,
        f"Kiểm tra tại {settings.SITE_URL}/xac-minh/",
        f"Hà Nội, ngày {cert.issued_on:%d} tháng {cert.issued_on:%m} năm {cert.issued_on:%Y}",
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
    ):
        assert expected in text, expected
    for stamp in ("ĐÃ THU HỒI", "HẾT HIỆU LỰC", "ĐÃ ĐƯỢC THAY THẾ"):
        assert stamp not in text


def test_the_qr_code_decodes_to_exactly_the_verification_address(cast):
    cert = valid_for(400, cast.prod1)
    expected = settings.SITE_URL + reverse("verify:verify", kwargs={"code": cert.verification_code})
    assert qr_codes(certificate_pdf(cert)) == [expected]


def test_the_qr_code_follows_the_site_address(cast, settings):
    settings.SITE_URL = "https://ocop.hanoi.gov.vn"
    cert = valid_for(400, cast.prod1)
    content = certificate_pdf(cert)
    assert qr_codes(content) == [f"https://ocop.hanoi.gov.vn/verify/{cert.verification_code}/"]
    assert "Kiểm tra tại https://ocop.hanoi.gov.vn/xac-minh/" in pdf_text(content)


def test_the_stars_are_drawn_by_the_platform(cast):
    for stars in (3, 4, 5):
        cert = valid_for(400, cast.prod1, stars=stars)
        html = render_to_string("certificates/pdf/certificate.html", certificate_context(cert))
        assert html.count("<polygon") == stars
        assert "<img" in html and html.count("<img") == 1  # the QR code, nothing else
        assert 'src="data:image/svg+xml' in html


def test_a_revoked_certificate_is_stamped_with_its_decision(cast):
    cert = valid_for(400, cast.prod1)
    revoke(cert, cast.office, decided_on=dt.date(2026, 10, 2), number="88/QĐ-UBND")
    text = pdf_text(certificate_pdf(cert))
    assert "ĐÃ THU HỒI" in text
    assert "Quyết định số 88/QĐ-UBND ngày 02/10/2026" in text
    assert HONEY in text


def test_an_expired_certificate_is_stamped(cast):
    cert = valid_for(-3, cast.prod1)
    text = pdf_text(certificate_pdf(cert))
    assert "HẾT HIỆU LỰC" in text
    assert f"từ ngày {short(cert.expires_on)}" in text


def test_the_stamp_follows_the_day_it_is_printed(cast):
    cert = valid_for(400, cast.prod1)
    later = cert.expires_on + dt.timedelta(days=1)
    assert "HẾT HIỆU LỰC" in pdf_text(certificate_pdf(cert, today=later))


def test_a_superseded_certificate_is_stamped(cast):
    old = certificate(cast.prod1)
    supersede(old)
    assert "ĐÃ ĐƯỢC THAY THẾ" in pdf_text(certificate_pdf(old))


def test_a_five_star_certificate_is_signed_by_the_minister(cast):
    cert = valid_for(
        400,
        cast.prod1,
        stars=5,
        authority=Authority.CENTRAL,
        authority_name="Bộ Nông nghiệp và Môi trường",
    )
    text = pdf_text(certificate_pdf(cert))
    assert "BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG" in text
    assert "SẢN PHẨM OCOP ĐẠT HẠNG 5 SAO" in text
    assert "BỘ TRƯỞNG" in text and "TM. ỦY BAN NHÂN DÂN" not in text


# --- the public view ------------------------------------------------------------------------


@pytest.mark.parametrize("vietnamese", [True, False])
def test_whoever_holds_the_code_downloads_the_pdf(cast, vietnamese):
    cert = valid_for(400, cast.prod1)
    response = Client().get(pdf_url(cert, vietnamese=vietnamese))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="giay-chung-nhan-{cert.code}.pdf"'
    assert response["Cache-Control"] == "no-store"
    assert response["X-Robots-Tag"] == "noindex"
    assert HONEY in pdf_text(response.content)


def test_the_pdf_is_vietnamese_whatever_the_page_language(cast):
    cert = valid_for(400, cast.prod1)
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = pdf_text(client.get(pdf_url(cert)).content)
    assert (
        "GIẤY CHỨNG NHẬN" in text and f"Có giá trị đến hết ngày {short(cert.valid_until)}" in text
    )


def test_a_revoked_certificate_is_still_served_with_its_stamp(cast):
    cert = valid_for(400, cast.prod1)
    revoke(cert, cast.office)
    response = Client().get(pdf_url(cert))
    assert response.status_code == 200
    assert "ĐÃ THU HỒI" in pdf_text(response.content)


@pytest.mark.parametrize(
    "code",
    ["forged", "borrowed", "unknown", "malformed"],
)
def test_no_pdf_without_a_matching_code(cast, code):
    cert = valid_for(400, cast.prod1)
    other = valid_for(400, cast.prod2, name="Trà sen Tây Hồ")
    typed = {
        "forged": forged_code(cert),
        "borrowed": f"{cert.code}-{other.verification_code.split('-')[1]}",
        "unknown": "CAAAAAAAA-AAAAAAAAAAAAAAAA",
        "malformed": "C123",
    }[code]
    response = Client().get(pdf_url(cert, code=typed))
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert response["Cache-Control"] == "no-store"
    text = text_of(response)
    assert HONEY not in text and "Trà sen Tây Hồ" not in text
    if code != "malformed":
        assert vi(UNKNOWN) in text


def test_a_certificate_altered_after_signing_has_no_pdf(cast):
    cert = valid_for(400, cast.prod1)
    type(cert).objects.filter(pk=cert.pk).update(product_name="Mật ong giả")
    assert Client().get(pdf_url(cert)).status_code == 404
