"""Kinds and statuses of certificates, revocations and inspections, with their transition tables.

Each table has exactly one transition function in `services/` that checks it and writes the
activity row in the same transaction.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Authority(models.TextChoices):
    """Who issued the certificate: the level of the decision (QĐ 26/2026 Điều 4; the district
    certified 3★ under QĐ 148/2023)."""

    DISTRICT = "district", _("district People's Committee")
    PROVINCE = "province", _("provincial People's Committee")
    CENTRAL = "central", _("Ministry of Agriculture and Environment")


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("valid")
    EXPIRED = "expired", _("expired")
    REVOKED = "revoked", _("revoked")
    SUPERSEDED = "superseded", _("replaced by a newer certificate")


# change_certificate_status is the only way through this table. "Expiring" is not a status: it
# is a valid certificate close to its expiry date (see Certificate.state_on).
CERTIFICATE_TRANSITIONS: dict[str, frozenset[str]] = {
    CertificateStatus.VALID: frozenset(
        {CertificateStatus.EXPIRED, CertificateStatus.REVOKED, CertificateStatus.SUPERSEDED}
    ),
    CertificateStatus.EXPIRED: frozenset(),
    CertificateStatus.REVOKED: frozenset(),
    CertificateStatus.SUPERSEDED: frozenset(),
}


class VerificationState(models.TextChoices):
    """What the public verification page says (computed, never stored)."""

    VALID = "valid", _("valid")
    EXPIRING = "expiring", _("valid, expiring soon")
    EXPIRED = "expired", _("expired")
    REVOKED = "revoked", _("revoked")
    SUPERSEDED = "superseded", _("replaced by a newer certificate")
    UNKNOWN = "unknown", _("unknown")


class RevocationGround(models.TextChoices):
    """The grounds of QĐ 26/2026 Điều 8 (points a–e)."""

    FALSE_DOSSIER = "false_dossier", _("false information or forged dossier (Điều 8.a)")
    CRITERIA_NOT_MET = (
        "criteria_not_met",
        _("no longer meets the criteria, after an inspection (Điều 8.b)"),
    )
    QUALITY_LAW = "quality_law", _("violation of the law on product quality (Điều 8.c)")
    FOOD_SAFETY_LAW = "food_safety_law", _("violation of the law on food safety (Điều 8.c)")
    ENVIRONMENT_LAW = "environment_law", _("violation of the law on the environment (Điều 8.c)")
    IP_LAW = "ip_law", _("violation of the law on intellectual property (Điều 8.c)")
    LABELLING_LAW = "labelling_law", _("violation of the law on labelling (Điều 8.c)")
    MARK_MISUSE = "mark_misuse", _("misuse of the OCOP mark (Điều 8.d)")
    PRODUCTION_STOPPED = (
        "production_stopped",
        _("the producer no longer makes the product (Điều 8.đ)"),
    )
    OTHER_AUTHORITY = "other_authority", _("other conclusion of a competent authority (Điều 8.e)")


class RevocationStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    DECIDED = "decided", _("revoked")
    REJECTED = "rejected", _("not revoked")


REVOCATION_TRANSITIONS: dict[str, frozenset[str]] = {
    RevocationStatus.PROPOSED: frozenset({RevocationStatus.DECIDED, RevocationStatus.REJECTED}),
    RevocationStatus.DECIDED: frozenset(),
    RevocationStatus.REJECTED: frozenset(),
}


class InspectionKind(models.TextChoices):
    PLANNED = "planned", _("planned (định kỳ)")
    UNANNOUNCED = "unannounced", _("unannounced (đột xuất)")


class InspectionStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    DONE = "done", _("done")
    CLOSED = "closed", _("follow-up closed")
    CANCELLED = "cancelled", _("cancelled")


INSPECTION_TRANSITIONS: dict[str, frozenset[str]] = {
    InspectionStatus.PLANNED: frozenset({InspectionStatus.DONE, InspectionStatus.CANCELLED}),
    InspectionStatus.DONE: frozenset({InspectionStatus.CLOSED}),
    InspectionStatus.CLOSED: frozenset(),
    InspectionStatus.CANCELLED: frozenset(),
}


class InspectionOutcome(models.TextChoices):
    COMPLIANT = "compliant", _("compliant")
    REMARKS = "remarks", _("compliant with remarks to follow up")
    VIOLATION = "violation", _("violation found")


class NoticeKind(models.TextChoices):
    """The life-cycle notices the daily sweep sends, each once per certificate."""

    WINDOW_OPEN = "window_open", _("re-evaluation window opens")
    WINDOW_CLOSING = "window_closing", _("re-evaluation window closes soon")
    EXPIRY = "expiry", _("expiry in 30 days or less")
    EXPIRED = "expired", _("expired")
