"""Public reads of certificates (no sign-in): the verification of a printed code, the register of
valid certificates and its open-data rows.

The verification code is the capability: a code whose MAC does not match the certificate's
fields reads exactly like a code that does not exist ("unknown"), so an attacker learns nothing
from trying codes, and a certificate whose fields were changed after signing (on paper or in the
database) no longer verifies.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ocop.certificates.enums import RevocationStatus, VerificationState
from ocop.certificates.models import Certificate, Revocation
from ocop.certificates.queries.certificates import valid_certificates
from ocop.certificates.signing import MalformedCode, mac_matches, parse_code
from ocop.core.text import fold, short_date

# Not a VerificationState: the text is not shaped like a code at all (the page answers 400).
MALFORMED = "malformed"
# The shape of a code, shown to whoever typed something else.
CODE_EXAMPLE = "CXXXXXXXX-XXXXXXXXXXXXXXXX"
# Longer input is not a code; it is cut before any work is done on it.
MAX_INPUT = 200


def _decoy() -> Certificate:
    """A certificate that does not exist: its MAC is computed for an unknown code, so that an
    unknown code costs about the same time as a known one with a wrong MAC."""
    day = dt.date(2000, 1, 1)
    return Certificate(code="C00000000", stars=0, decided_on=day, issued_on=day, expires_on=day)


# --- verification -----------------------------------------------------------------------------


def clean_code(text: str | None) -> str:
    """What a person typed or scanned, as a code: the last part of a pasted verification URL,
    without spaces, upper case. It may still be malformed (`parse_code` decides)."""
    text = (text or "")[:MAX_INPUT]
    parts = [part for part in text.strip().split("/") if part.strip()]
    last = parts[-1] if parts else ""
    return "".join(last.split()).upper()


def verification_url(certificate: Any) -> str:
    """The absolute address of the certificate's public verification page (printed as a QR)."""
    path = reverse("verify:verify", kwargs={"code": certificate.verification_code})
    return settings.SITE_URL + path


@dataclass(frozen=True)
class Verification:
    """What the verification of one code found: the state, and for a known code the certificate
    with its decided revocation (revoked) or the certificate that replaced it (superseded)."""

    state: str
    today: dt.date
    code: str = ""
    certificate: Certificate | None = None
    revocation: Revocation | None = None
    replaced_by: Certificate | None = None

    @property
    def known(self) -> bool:
        return self.certificate is not None

    @property
    def days_left(self) -> int | None:
        if self.certificate is None:
            return None
        return (self.certificate.expires_on - self.today).days

    @property
    def label(self) -> str:
        if self.state == MALFORMED:
            return _("not a verification code")
        return str(VerificationState(self.state).label)

    @property
    def message(self) -> str:
        """The state in plain words, in the active language."""
        cert = self.certificate
        if self.state == MALFORMED:
            return _(
                "This is not a verification code. A code looks like %(example)s: the letter C "
                "and 8 letters or digits, a hyphen, then 16 letters and digits."
            ) % {"example": CODE_EXAMPLE}
        if cert is None:
            return _(
                "No certificate was found with this code. The code may have been mistyped, or "
                "the certificate may be forged."
            )
        if self.state == VerificationState.VALID:
            return _("The certificate is valid until %(date)s.") % {
                "date": short_date(cert.valid_until)
            }
        if self.state == VerificationState.EXPIRING:
            days = self.days_left or 0
            return ngettext(
                "The certificate is valid until %(date)s: %(days)d day left.",
                "The certificate is valid until %(date)s: %(days)d days left.",
                days,
            ) % {"date": short_date(cert.valid_until), "days": days}
        if self.state == VerificationState.EXPIRED:
            return _("The certificate is no longer valid: it expired on %(date)s.") % {
                "date": short_date(cert.expires_on)
            }
        if self.state == VerificationState.REVOKED:
            revocation = self.revocation
            if revocation is None or revocation.decided_on is None:
                return _("The certificate has been revoked. It is no longer valid.")
            return _(
                "The certificate was revoked on %(date)s by decision %(number)s, on the ground: "
                "%(ground)s."
            ) % {
                "date": short_date(revocation.decided_on),
                "number": revocation.decision_number or "–",
                "ground": revocation.get_ground_display(),
            }
        # superseded
        if self.replaced_by is None:
            return _("The certificate was replaced by a newer certificate.")
        return _("The certificate was replaced by a newer certificate, number %(number)s.") % {
            "number": self.replaced_by.number
        }

    @property
    def http_status(self) -> int:
        if self.state == MALFORMED:
            return 400
        return 200 if self.known else 404


def _certificates() -> QuerySet[Certificate]:
    return Certificate.objects.select_related(
        "criteria_set", "product", "producer__commune", "province"
    )


def verify_code(text: str | None, *, today: dt.date | None = None) -> Verification:
    """The verification of a typed, scanned or linked code (see the module's docstring)."""
    today = today or timezone.localdate()
    cleaned = clean_code(text)
    try:
        code, mac = parse_code(cleaned)
    except MalformedCode:
        return Verification(state=MALFORMED, today=today)
    certificate = _certificates().filter(code=code).first()
    if certificate is None:
        mac_matches(_decoy(), mac)
        return Verification(state=VerificationState.UNKNOWN, today=today, code=cleaned)
    if not mac_matches(certificate, mac):
        return Verification(state=VerificationState.UNKNOWN, today=today, code=cleaned)
    state = certificate.state_on(today)
    revocation = replaced_by = None
    if state == VerificationState.REVOKED:
        revocation = (
            certificate.revocations.filter(status=RevocationStatus.DECIDED)
            .order_by("-decided_on", "-created_at")
            .first()
        )
    elif state == VerificationState.SUPERSEDED:
        replaced_by = (
            Certificate.objects.filter(replaces=certificate).order_by("-issued_on", "-pk").first()
        )
    return Verification(
        state=str(state),
        today=today,
        code=f"{code}-{mac}",
        certificate=certificate,
        revocation=revocation,
        replaced_by=replaced_by,
    )


# --- the register -----------------------------------------------------------------------------


def register_certificates(on: dt.date | None = None) -> QuerySet[Certificate]:
    """The valid certificates (`valid_certificates`, the management half's reading of "in
    force") with what a row of the register shows, newest decision first."""
    return (
        valid_certificates(on or timezone.localdate())
        .select_related("product__classification", "producer__commune")
        .order_by("-decided_on", "number")
    )


@dataclass(frozen=True)
class RegisterFilters:
    stars: int | None = None
    year: int | None = None
    commune: str = ""
    group: str = ""
    criteria_set: str = ""
    q: str = ""

    @classmethod
    def from_query(cls, params: Any) -> RegisterFilters:
        """From the query string of a page or an export; a value that cannot be one is ignored."""

        def number(name: str, low: int, high: int) -> int | None:
            raw = str(params.get(name, "") or "").strip()
            if not raw.isdigit():
                return None
            value = int(raw[:6])
            return value if low <= value <= high else None

        def text(name: str, limit: int) -> str:
            return str(params.get(name, "") or "").strip()[:limit]

        return cls(
            stars=number("stars", 3, 5),
            year=number("year", 2000, 2200),
            commune=text("commune", 40),
            group=text("group", 20),
            criteria_set=text("criteria_set", 40),
            q=text("q", 100),
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "stars": self.stars,
            "year": self.year,
            "commune": self.commune,
            "group": self.group,
            "criteria_set": self.criteria_set,
            "q": self.q,
        }


def filter_register(
    queryset: QuerySet[Certificate], filters: RegisterFilters
) -> QuerySet[Certificate]:
    """By stars, year of the decision, the producer's commune (its key), the product's group
    (classification code), the criteria set (code), and words of the product or producer name,
    without diacritics ("mat ong" finds "Mật ong"), or the certificate number."""
    if filters.stars is not None:
        queryset = queryset.filter(stars=filters.stars)
    if filters.year is not None:
        queryset = queryset.filter(decided_on__year=filters.year)
    if filters.commune:
        queryset = queryset.filter(producer__commune__key=filters.commune)
    if filters.group:
        queryset = queryset.filter(product__classification__code=filters.group)
    if filters.criteria_set:
        queryset = queryset.filter(criteria_code=filters.criteria_set)
    words = fold(filters.q).split()
    for word in words:
        queryset = queryset.filter(
            Q(product__name_folded__contains=word)
            | Q(producer__name_folded__contains=word)
            | Q(number__icontains=word)
        )
    return queryset


@dataclass(frozen=True)
class RegisterChoices:
    years: list[int]
    communes: list[tuple[str, str]]
    groups: list[tuple[str, str]]
    criteria_sets: list[tuple[str, str]]


def register_choices(queryset: QuerySet[Certificate]) -> RegisterChoices:
    """The values present among the valid certificates, for the filter form (four queries)."""
    base = queryset.order_by()
    years = sorted(
        {day.year for day in base.values_list("decided_on", flat=True).distinct()}, reverse=True
    )
    communes = base.values_list("producer__commune__key", "producer__commune__name").distinct()
    groups = (
        base.exclude(product__classification__isnull=True)
        .values_list("product__classification__code", "product__classification__name")
        .distinct()
    )
    sets = base.values_list("criteria_code", "criteria_name").distinct()
    return RegisterChoices(
        years=years,
        communes=sorted(communes, key=lambda pair: fold(pair[1])),
        groups=sorted(set(groups)),
        criteria_sets=sorted(sets),
    )


# The open-data columns, in order (CSV header and JSON keys).
OPEN_DATA_FIELDS = (
    "number",
    "verification_url",
    "product_code",
    "product_name",
    "producer_code",
    "producer_name",
    "commune_key",
    "commune_name",
    "stars",
    "criteria_set",
    "decision_number",
    "decision_date",
    "issued_on",
    "expires_on",
    "authority",
)
OPEN_DATA_LICENCE = "CC BY 4.0"


def open_data_record(certificate: Certificate) -> dict[str, Any]:
    """One certificate of the register as open data: codes and printed names, ISO dates."""
    commune = certificate.producer.commune
    return {
        "number": certificate.number,
        "verification_url": verification_url(certificate),
        "product_code": certificate.product.code,
        "product_name": certificate.product_name,
        "producer_code": certificate.producer.code,
        "producer_name": certificate.producer_name,
        "commune_key": commune.key,
        "commune_name": commune.name,
        "stars": certificate.stars,
        "criteria_set": certificate.criteria_code,
        "decision_number": certificate.decision_number,
        "decision_date": certificate.decided_on.isoformat(),
        "issued_on": certificate.issued_on.isoformat(),
        "expires_on": certificate.expires_on.isoformat(),
        "authority": certificate.authority_name,
    }
