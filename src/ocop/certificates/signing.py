"""The verification code of a certificate: `<code>-<MAC>`.

The MAC is an HMAC-SHA256 (Django's `salted_hmac`, salt `ocop.certificates.v1`) over the
certificate's printed fields, keyed with `OCOP_CERTIFICATE_KEY` (defaults to SECRET_KEY; set it
on its own so that rotating SECRET_KEY does not invalidate printed certificates), cut to 80 bits
and written in base32 (16 letters and digits). Verification recomputes the MAC from the stored
fields and compares in constant time: a code typed wrong, a forged code, or a certificate whose
fields were changed after issue all fail.
"""

from __future__ import annotations

import base64
import hmac
import re
from typing import Any

from django.conf import settings
from django.utils.crypto import salted_hmac

SALT = "ocop.certificates.v1"
MAC_LENGTH = 16
# `C` + 8 code letters, a hyphen, 16 base32 characters. Lower case is accepted (typed by hand).
CODE_PATTERN = re.compile(r"^(C[A-Z0-9]{8})-([A-Z2-7]{16})$")


class MalformedCode(ValueError):
    """The text is not shaped like a verification code."""


def signed_fields(certificate: Any) -> list[str]:
    """The printed fields the MAC covers, in a fixed order."""
    return [
        certificate.code,
        certificate.number,
        certificate.product_name,
        certificate.producer_name,
        str(certificate.stars),
        certificate.criteria_code,
        certificate.decision_number,
        certificate.decided_on.isoformat(),
        certificate.issued_on.isoformat(),
        certificate.expires_on.isoformat(),
        str(certificate.authority),
    ]


def certificate_mac(certificate: Any) -> str:
    message = "\x1f".join(signed_fields(certificate))
    digest = salted_hmac(
        SALT, message, secret=settings.OCOP_CERTIFICATE_KEY, algorithm="sha256"
    ).digest()
    return base64.b32encode(digest[:10]).decode("ascii")[:MAC_LENGTH]


def verification_code(certificate: Any) -> str:
    return f"{certificate.code}-{certificate_mac(certificate)}"


def parse_code(text: str) -> tuple[str, str]:
    """(certificate code, MAC) from a typed or scanned code; MalformedCode when it cannot be one."""
    cleaned = (text or "").strip().upper()
    match = CODE_PATTERN.match(cleaned)
    if match is None:
        raise MalformedCode(text)
    return match.group(1), match.group(2)


def mac_matches(certificate: Any, mac: str) -> bool:
    return hmac.compare_digest(certificate_mac(certificate), mac)
