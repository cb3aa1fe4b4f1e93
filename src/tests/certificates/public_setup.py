"""Certificates in each state for the tests of the public side (verification, PDF, register, API).

They are made with `CertificateFactory` (signed at creation); the states that the management
half reaches through its services are set here directly, as the rows would be after them: a
revocation DECIDED with its ground, date and number, a newer certificate that `replaces` the
old one.
"""

from __future__ import annotations

import datetime as dt
import html
import re

from django.urls import reverse
from django.utils import timezone, translation

from ocop.certificates.enums import Authority, CertificateStatus, RevocationGround, RevocationStatus
from ocop.certificates.models import Certificate, Revocation
from tests.factories.certificates import CertificateFactory
from tests.factories.products import ProductFactory

HONEY = "Mật ong hoa nhãn Đông Anh"


def today() -> dt.date:
    return timezone.localdate()


def vi(msgid: str) -> str:
    """The Vietnamese of a msgid (the msgid itself until the catalogue translates it)."""
    with translation.override("vi"):
        return translation.gettext(msgid)


def vi_context(context: str, msgid: str) -> str:
    with translation.override("vi"):
        return translation.pgettext(context, msgid)


def vi_plural(singular: str, plural: str, count: int) -> str:
    with translation.override("vi"):
        return translation.ngettext(singular, plural, count)


def short(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def text_of(response) -> str:
    """The visible text of a page, tags removed, entities decoded, spaces squeezed."""
    content = response.content.decode()
    content = re.sub(r"<[^>]+>", " ", content)
    return " ".join(html.unescape(content).split())


def certificate(producer=None, *, name: str = HONEY, **fields) -> Certificate:
    """A valid certificate of a new product (of `producer` when given)."""
    product = (
        ProductFactory(name=name)
        if producer is None
        else ProductFactory(producer=producer, name=name)
    )
    return CertificateFactory(product=product, **fields)


def valid_for(days: int, producer=None, **fields) -> Certificate:
    """A certificate that expires in `days` days from today (negative: expired that long ago)."""
    expires = today() + dt.timedelta(days=days)
    return certificate(
        producer, decided_on=expires - dt.timedelta(days=1095), expires_on=expires, **fields
    )


def revoke(
    cert: Certificate,
    actor,
    *,
    ground: str = RevocationGround.FOOD_SAFETY_LAW,
    decided_on: dt.date | None = None,
    number: str = "77/QĐ-UBND",
) -> Revocation:
    decided_on = decided_on or today() - dt.timedelta(days=3)
    cert.status = CertificateStatus.REVOKED
    cert.status_changed_on = decided_on
    cert.save(update_fields=["status", "status_changed_on", "updated_at"])
    return Revocation.objects.create(
        certificate=cert,
        ground=ground,
        authority=Authority.PROVINCE,
        basis="Kết luận thanh tra số 12/KL-TTr",
        concluded_on=decided_on - dt.timedelta(days=5),
        due_on=decided_on + dt.timedelta(days=10),
        status=RevocationStatus.DECIDED,
        proposed_by=actor,
        decided_by=actor,
        decision_number=number,
        decided_on=decided_on,
    )


def supersede(old: Certificate) -> Certificate:
    """A newer certificate of the same product that replaces `old` (an upgrade)."""
    old.status = CertificateStatus.SUPERSEDED
    old.status_changed_on = today()
    old.save(update_fields=["status", "status_changed_on", "updated_at"])
    return CertificateFactory(
        product=old.product,
        stars=5,
        replaces=old,
        decided_on=today() - dt.timedelta(days=1),
        expires_on=today() + dt.timedelta(days=1094),
    )


def verify_url(cert_or_code, *, vietnamese: bool = False) -> str:
    code = getattr(cert_or_code, "verification_code", cert_or_code)
    name = "verify:verify_vi" if vietnamese else "verify:verify"
    return reverse(name, kwargs={"code": code})


def forged_code(cert: Certificate) -> str:
    """The certificate's own code with a MAC that is well formed but wrong."""
    mac = cert.verification_code.split("-")[1]
    other = "A" if mac[0] != "A" else "B"
    return f"{cert.code}-{other}{mac[1:]}"
