"""The certificate as a printable Vietnamese state paper: `certificate_pdf(certificate) -> bytes`.

A4 landscape, rendered by `ocop.core.pdf.render_pdf` (DejaVu fonts, every Vietnamese letter
precomposed, so the text copied out of the PDF is the stored NFC text; nothing fetched but `data:`
URLs). The wording is the fixed Vietnamese of the paper, never translated. The stars are drawn
by the platform (SVG polygons, `certificates/public/stars.html`); the QR code (segno, error
correction M) holds the absolute address of the public verification page, and the verification
code is printed in full under it. A certificate that is no longer in force on the day it is
printed carries a stamp across the page ("ĐÃ THU HỒI", "HẾT HIỆU LỰC", "ĐÃ ĐƯỢC THAY THẾ").
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from ocop.certificates.enums import Authority, RevocationStatus, VerificationState
from ocop.certificates.models import Certificate
from ocop.certificates.queries.public import verification_url
from ocop.core.pdf import render_pdf
from ocop.evaluation.queries.documents import short_province

TEMPLATE = "certificates/pdf/certificate.html"
# The stamp across a certificate that is no longer in force, by its state on the printing day.
STAMPS: dict[str, str] = {
    VerificationState.REVOKED: "ĐÃ THU HỒI",
    VerificationState.EXPIRED: "HẾT HIỆU LỰC",
    VerificationState.SUPERSEDED: "ĐÃ ĐƯỢC THAY THẾ",
}
# Who signs, by the level of the issuing authority (Điều 4: the chair of the People's Committee
# for 3★ and 4★, the minister for 5★).
SIGNERS: dict[str, tuple[str, str]] = {
    Authority.PROVINCE: ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
    Authority.DISTRICT: ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
    Authority.CENTRAL: ("", "BỘ TRƯỞNG"),
}


def qr_data_uri(url: str) -> str:
    """The QR code of `url` as an SVG data URI (vector: sharp at any print size)."""
    return segno.make(url, error="m").svg_data_uri(scale=1, border=4)


def _vn_date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _stamp_note(certificate: Certificate, state: str) -> str:
    if state == VerificationState.EXPIRED:
        return f"từ ngày {_vn_date(certificate.expires_on)}"
    if state == VerificationState.REVOKED:
        revocation = (
            certificate.revocations.filter(status=RevocationStatus.DECIDED)
            .order_by("-decided_on", "-created_at")
            .first()
        )
        if revocation is not None and revocation.decided_on is not None:
            number = (
                f"Quyết định số {revocation.decision_number} " if revocation.decision_number else ""
            )
            return f"{number}ngày {_vn_date(revocation.decided_on)}"
    return ""


def certificate_context(
    certificate: Certificate, *, today: dt.date | None = None
) -> dict[str, Any]:
    today = today or timezone.localdate()
    state = certificate.state_on(today)
    url = verification_url(certificate)
    signer_line, signer_title = SIGNERS.get(certificate.authority, ("", ""))
    province = certificate.province
    return {
        "certificate": certificate,
        "authority_upper": certificate.authority_name.upper(),
        "place": short_province(province),
        "address": ", ".join(part for part in (certificate.unit_name, province.name) if part),
        "verification_url": url,
        "verify_form_url": settings.SITE_URL + reverse("verify:form"),
        "qr": qr_data_uri(url),
        "stamp": STAMPS.get(state, ""),
        "stamp_note": _stamp_note(certificate, state) if state in STAMPS else "",
        "signer_line": signer_line,
        "signer_title": signer_title,
    }


def certificate_pdf(certificate: Certificate, *, today: dt.date | None = None) -> bytes:
    """The certificate as an A4 landscape PDF, in Vietnamese, with its state on `today`
    (the local date by default) stamped across it when it is no longer in force."""
    return render_pdf(TEMPLATE, certificate_context(certificate, today=today))


def certificate_filename(certificate: Certificate) -> str:
    return f"giay-chung-nhan-{certificate.code}.pdf"
