"""Certificates (giấy chứng nhận sản phẩm OCOP): every write.

- `issue_certificates_for_decision`: one certificate per recognised item of 3★ or more of an
  approved decision (QĐ 26/2026 Điều 4.1.a: none for 1★ and 2★), each once (idempotent: the
  decision's approval calls it, and a second call issues nothing new).
- `record_certificate`: a certificate issued on paper before the platform (Điều 12: it stays
  valid to its own expiry), by the office.
- `change_certificate_status`: the one transition (`CERTIFICATE_TRANSITIONS`): expiry (the daily
  sweep), revocation (`services/revocations.py`), replacement by a newer certificate (an upgrade
  or a re-evaluation ends this way).

Numbers run per province and year (`NUMBER_FORMAT`), allocated under a row lock on the
province, so two approvals at once never share a number. The expiry is `validity_months` of the
procedure profile after the decision (`ocop.certificates.dates.expiry_date`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.rules import access_for
from ocop.certificates.dates import certificate_rules, expiry_date
from ocop.certificates.enums import CERTIFICATE_TRANSITIONS, Authority, CertificateStatus
from ocop.certificates.models import Certificate
from ocop.certificates.queries.certificates import can_manage_certificates, current_certificate_of
from ocop.certificates.services.people import producer_users, site_language
from ocop.certificates.signing import verification_code
from ocop.core.codes import unique_code
from ocop.core.services.activity import log_action, snapshot
from ocop.core.text import nfc, short_date
from ocop.evaluation.enums import DecisionStatus, Level
from ocop.evaluation.models import Decision, DecisionItem
from ocop.evaluation.services.notifications import notify
from ocop.evaluation.services.refusals import NotAllowed, WrongState
from ocop.geo.enums import KIND_WORDS, UnitKind, UnitLevel
from ocop.geo.models import AdministrativeUnit

# The printed number: sequence in the province and year, the year, the kind of document. The
# number is unique across the platform, so it carries the province's official code (`{province}`,
# "01" for Hà Nội): "001/2026/GCN-OCOP-01".
NUMBER_FORMAT = "{sequence:03d}/{year}/GCN-OCOP-{province}"
MIN_STARS = 3  # Điều 4.1.a: no decision and no certificate for 1★ and 2★
MAX_STARS = 5
COMMITTEE = "Ủy ban nhân dân"
MINISTRY = "Bộ Nông nghiệp và Môi trường"
DISTRICT_COMMITTEE = "Ủy ban nhân dân cấp huyện"  # when the old district is not known
# The word a unit's name starts with, by kind, where the name does not already carry it.
KIND_PREFIX: dict[str, str] = {
    UnitKind.CITY: "thành phố",
    UnitKind.PROVINCE: "tỉnh",
    UnitKind.URBAN_DISTRICT: "quận",
    UnitKind.RURAL_DISTRICT: "huyện",
    UnitKind.TOWN: "thị xã",
    UnitKind.PROVINCIAL_CITY: "thành phố",
}
# The level of the decision → the issuing authority.
LEVEL_AUTHORITY: dict[str, str] = {
    Level.DISTRICT: Authority.DISTRICT,
    Level.PROVINCE: Authority.PROVINCE,
    Level.CENTRAL: Authority.CENTRAL,
}
# The last part of the activity-log action of each move of change_certificate_status.
CERTIFICATE_VERBS: dict[str, str] = {
    CertificateStatus.EXPIRED: "expire",
    CertificateStatus.REVOKED: "revoke",
    CertificateStatus.SUPERSEDED: "supersede",
}
ISSUE_FIELDS = (
    "number",
    "product",
    "producer",
    "stars",
    "criteria_set",
    "criteria_code",
    "decision_number",
    "decided_on",
    "issued_on",
    "expires_on",
    "authority",
    "status",
)
STATUS_FIELDS = ("status", "status_changed_on")
NUMBER_MAX = 60
NOTE_MAX = 2000
CRITERIA_CODE_MAX = 40
CRITERIA_NAME_MAX = 255


# --- helpers --------------------------------------------------------------------------------


def _author(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def unit_title(unit: AdministrativeUnit) -> str:
    """The unit's name as it follows "Ủy ban nhân dân": its kind word in lower case ("Thành phố
    Hà Nội" → "thành phố Hà Nội"), or the kind word added where the name lacks it."""
    name = nfc(unit.name)
    lowered = name.lower()
    for word in sorted(KIND_WORDS, key=len, reverse=True):
        if lowered.startswith(f"{word} "):
            return word + name[len(word) :]
    prefix = KIND_PREFIX.get(unit.kind, "")
    return f"{prefix} {name}" if prefix else name


def province_of(producer: Any) -> AdministrativeUnit:
    """The province whose numbering a producer's certificates follow: its commune's."""
    commune = producer.commune
    province = commune.province or (
        commune.parent if commune.parent and commune.parent.level == UnitLevel.PROVINCE else None
    )
    if province is None:
        raise ValidationError(
            {
                "producer": _(
                    "The commune %(commune)s of the producer belongs to no province: the "
                    "certificate cannot be numbered."
                )
                % {"commune": commune.name}
            }
        )
    return province


def authority_name(authority: str, producer: Any) -> str:
    """The issuing authority as the certificate prints it."""
    if authority == Authority.CENTRAL:
        return MINISTRY
    if authority == Authority.DISTRICT:
        parent = producer.commune.parent
        if parent is not None and parent.level == UnitLevel.DISTRICT:
            return f"{COMMITTEE} {unit_title(parent)}"
        return DISTRICT_COMMITTEE
    return f"{COMMITTEE} {unit_title(province_of(producer))}"


def _allocate_number(province: AdministrativeUnit, year: int) -> tuple[int, str]:
    """The next number of the province and year. The province's row is locked until the
    transaction ends (PostgreSQL), so a concurrent approval waits for this one's numbers; the
    unique constraint (province, year, sequence) is the last guard."""
    AdministrativeUnit.objects.select_for_update().filter(pk=province.pk).values_list("pk").first()
    last = Certificate.objects.filter(province=province, year=year).aggregate(last=Max("sequence"))
    sequence = (last["last"] or 0) + 1
    return sequence, NUMBER_FORMAT.format(sequence=sequence, year=year, province=province.code)


def _save_new(certificate: Certificate) -> Certificate:
    """Give the certificate its code, sign it, insert it."""
    certificate.code = unique_code(Certificate, Certificate.CODE_PREFIX, Certificate.CODE_LENGTH)
    certificate.verification_code = verification_code(certificate)
    certificate.save()
    return certificate


def certificate_url(certificate: Certificate) -> str:
    return reverse("certificates:detail", kwargs={"code": certificate.code})


def _values(certificate: Certificate) -> dict[str, Any]:
    return {
        "number": certificate.number,
        "product": certificate.product_name,
        "stars": certificate.stars,
        "expires": short_date(certificate.valid_until),
    }


def _supersede_older(actor: Any, certificate: Certificate) -> None:
    """Every other certificate of the product still in force is replaced by `certificate`."""
    older = (
        Certificate.objects.filter(
            product_id=certificate.product_id, status=CertificateStatus.VALID
        )
        .exclude(pk=certificate.pk)
        .order_by("decided_on", "pk")
    )
    for old in older:
        change_certificate_status(
            actor=actor,
            certificate=old,
            to=CertificateStatus.SUPERSEDED,
            reason=_("Replaced by certificate %(number)s.") % {"number": certificate.number},
            on=certificate.issued_on,
        )


# --- issuing --------------------------------------------------------------------------------


def _issue_one(actor: Any, decision: Decision, item: DecisionItem, authority: str) -> Certificate:
    dossier = item.dossier
    producer = dossier.producer
    product = dossier.product
    province = province_of(producer)
    decided_on = decision.signed_on
    assert decided_on is not None  # an approved decision is signed
    sequence, number = _allocate_number(province, decided_on.year)
    previous = current_certificate_of(product)
    certificate = _save_new(
        Certificate(
            number=number,
            year=decided_on.year,
            sequence=sequence,
            province=province,
            product=product,
            producer=producer,
            product_name=product.name,
            producer_name=producer.name,
            unit_name=producer.commune.name,
            stars=int(item.stars or 0),
            mean_total=item.mean_total,
            criteria_set=dossier.criteria_set,
            criteria_code=dossier.criteria_set.code,
            criteria_name=dossier.criteria_set.name,
            decision=decision,
            decision_item=item,
            decision_number=decision.number,
            decided_on=decided_on,
            authority=authority,
            authority_name=authority_name(authority, producer),
            issued_on=decided_on,
            expires_on=expiry_date(decided_on, certificate_rules(dossier)),
            status=CertificateStatus.VALID,
            replaces=previous,
            issued_by=_author(actor),
        )
    )
    log_action(
        actor,
        "certificates.certificate.issue",
        certificate,
        new=snapshot(certificate, ISSUE_FIELDS),
        data={"decision": decision.code, "replaces": previous.code if previous else None},
    )
    _supersede_older(actor, certificate)
    with site_language():
        message = _(
            "Certificate %(number)s has been issued: %(product)s, %(stars)s★, valid until %(expires)s."
        ) % _values(certificate)
    # In-app only: the decision's result e-mail already went to the producer.
    notify(producer_users(producer), message, url=certificate_url(certificate), email=False)
    return certificate


@transaction.atomic
def issue_certificates_for_decision(*, actor: Any, decision: Decision) -> list[Certificate]:
    """A certificate for each recognised item of 3★ or more of the approved `decision` that has
    none yet; returns those issued now (none on a second call). A decision that is not approved
    is refused (WrongState) and nothing is written.

    Each certificate: the next number of the producer's province in the decision's year; decided
    and issued on the decision's signing day; expires `validity_months` later (36); the authority
    of the decision's level. A product that already holds a valid certificate gets the new one in
    its place (the old one is replaced: an upgrade, a re-evaluation)."""
    locked = Decision.objects.select_for_update().get(pk=decision.pk)
    if locked.status != DecisionStatus.APPROVED or locked.signed_on is None:
        raise WrongState(
            _(
                "Decision %(decision)s is not approved: certificates are issued only from an "
                "approved decision."
            )
            % {"decision": locked.number or locked.code}
        )
    authority = LEVEL_AUTHORITY.get(locked.level)
    if authority is None:
        raise WrongState(
            _("A decision of the %(level)s issues no certificate.")
            % {"level": Level(locked.level).label}
        )
    items = (
        DecisionItem.objects.filter(
            decision=locked, recognised=True, stars__gte=MIN_STARS, certificate__isnull=True
        )
        .select_related(
            "dossier__product",
            "dossier__producer__commune__province",
            "dossier__producer__commune__parent",
            "dossier__criteria_set",
        )
        .order_by("-mean_total", "pk")
    )
    kept = _kept_by_correction(locked)
    return [
        _issue_one(actor, locked, item, authority)
        for item in items
        if (item.dossier_id, item.stars) not in kept
    ]


def _kept_by_correction(decision: Decision) -> set[tuple[int, int | None]]:
    """A correcting decision (`replaces`) re-issues only what it changes: a dossier whose
    certificate from the corrected decision is still valid at the same stars keeps it (its dates
    and number do not move); a changed star level gets a new certificate in its place."""
    ancestors: list[int] = []
    current = decision.replaces_id
    while current is not None and current not in ancestors:  # the chain of corrections
        ancestors.append(current)
        current = Decision.objects.filter(pk=current).values_list("replaces_id", flat=True).first()
    if not ancestors:
        return set()
    return set(
        Certificate.objects.filter(
            decision_id__in=ancestors, status=CertificateStatus.VALID
        ).values_list("decision_item__dossier_id", "stars")
    )


# --- certificates issued before the platform ------------------------------------------------


def _stars(value: Any, errors: dict[str, str]) -> int:
    try:
        stars = int(value)
    except (TypeError, ValueError):
        stars = 0
    if isinstance(value, bool) or not MIN_STARS <= stars <= MAX_STARS:
        errors["stars"] = _(
            "A certificate is issued only for 3★, 4★ or 5★ (no certificate for 1★ or 2★)."
        )
    return stars


def _day(value: Any, field: str, errors: dict[str, str], required: bool = True) -> dt.date | None:
    if value in (None, ""):
        if required:
            errors[field] = _("Give the date.")
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        errors[field] = _("Give the date as yyyy-mm-dd.")
        return None


def _mean(value: Any, errors: dict[str, str]) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        mean = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        mean = Decimal(-1)
    if not Decimal(0) <= mean <= Decimal(100):
        errors["mean_total"] = _("The mean score is a number of points from 0 to 100.")
        return None
    return mean


@transaction.atomic
def record_certificate(
    *,
    actor: Any,
    product: Any,
    stars: int,
    criteria_set: Any,
    decision_number: str,
    decided_on: dt.date,
    authority: str,
    mean_total: Any = None,
    issued_on: dt.date | None = None,
    note: str = "",
    criteria_code: str = "",
    criteria_name: str = "",
) -> Certificate:
    """A certificate issued on paper before the platform (the office or the administrator).

    `criteria_set` is the platform's criteria set it was evaluated under; for a period whose
    criteria the platform does not hold (QĐ 148/2023) give None with `criteria_code` and
    `criteria_name` as printed. Numbered and dated like an issued one (expiry:
    `validity_months` of the criteria set's procedure after `decided_on`; 36 months without a
    criteria set). One whose expiry has passed is recorded as expired (history; no notice is
    sent about it). Refused: under 3★, a decision date in the future, no decision number, an
    unknown authority, no criteria, or an older certificate over one in force."""
    if not can_manage_certificates(access_for(actor)):
        raise NotAllowed(
            _("Only the provincial OCOP office records certificates issued before the platform.")
        )
    today = timezone.localdate()
    errors: dict[str, str] = {}
    star_value = _stars(stars, errors)
    number = nfc(decision_number or "")
    if not number:
        errors["decision_number"] = _("Give the number of the decision (e.g. 1147/QĐ-UBND).")
    elif len(number) > NUMBER_MAX:
        errors["decision_number"] = _("At most %(limit)s characters.") % {"limit": NUMBER_MAX}
    decided = _day(decided_on, "decided_on", errors)
    if decided is not None and decided > today:
        errors["decided_on"] = _("The decision date cannot be in the future.")
    issued = _day(issued_on, "issued_on", errors, required=False) or decided
    if issued is not None and decided is not None and issued < decided:
        errors["issued_on"] = _("A certificate cannot be issued before its decision.")
    elif issued is not None and issued > today:
        errors["issued_on"] = _("The issue date cannot be in the future.")
    if authority not in Authority.values:
        errors["authority"] = _("Choose the authority that issued the certificate.")
    if criteria_set is not None:
        criteria_code, criteria_name = criteria_set.code, criteria_set.name
    criteria_code, criteria_name = nfc(criteria_code or ""), nfc(criteria_name or "")
    if not criteria_code or not criteria_name:
        errors["criteria_set"] = _("Choose the criteria set the product was evaluated under.")
    elif len(criteria_code) > CRITERIA_CODE_MAX or len(criteria_name) > CRITERIA_NAME_MAX:
        errors["criteria_set"] = _("The criteria's code or name is too long.")
    mean = _mean(mean_total, errors)
    note = nfc(note or "")
    if len(note) > NOTE_MAX:
        errors["note"] = _("At most %(limit)s characters.") % {"limit": NOTE_MAX}
    if product is None:
        errors["product"] = _("Choose the product.")
    if errors:
        raise ValidationError(errors)
    assert decided is not None and issued is not None
    expires_on = expiry_date(decided, certificate_rules(criteria_set))
    in_force = expires_on > today
    previous = current_certificate_of(product) if in_force else None
    if previous is not None and previous.decided_on >= decided:
        raise WrongState(
            _(
                "The product already holds certificate %(number)s of a decision of %(date)s: an "
                "older certificate cannot replace it."
            )
            % {"number": previous.number, "date": short_date(previous.decided_on)}
        )
    producer = product.producer
    province = province_of(producer)
    sequence, number_text = _allocate_number(province, decided.year)
    certificate = _save_new(
        Certificate(
            number=number_text,
            year=decided.year,
            sequence=sequence,
            province=province,
            product=product,
            producer=producer,
            product_name=product.name,
            producer_name=producer.name,
            unit_name=producer.commune.name,
            stars=star_value,
            mean_total=mean,
            criteria_set=criteria_set,
            criteria_code=criteria_code,
            criteria_name=criteria_name,
            decision_number=number,
            decided_on=decided,
            authority=authority,
            authority_name=authority_name(authority, producer),
            issued_on=issued,
            expires_on=expires_on,
            status=CertificateStatus.VALID if in_force else CertificateStatus.EXPIRED,
            status_changed_on=None if in_force else expires_on,
            replaces=previous,
            issued_by=_author(actor),
        )
    )
    log_action(
        actor,
        "certificates.certificate.record",
        certificate,
        new=snapshot(certificate, ISSUE_FIELDS),
        data={"note": note} if note else None,
    )
    if in_force:
        _supersede_older(actor, certificate)
    return certificate


# --- the one transition ---------------------------------------------------------------------


def _status_message(certificate: Certificate, to: str, reason: str) -> tuple[str, bool]:
    """The producer's notice of a move, and whether it is also e-mailed."""
    values = {**_values(certificate), "date": short_date(certificate.status_changed_on)}
    if to == CertificateStatus.EXPIRED:
        message = (
            _(
                "Certificate %(number)s (%(product)s, %(stars)s★) expired on %(date)s: the "
                "product is no longer recognised as an OCOP product until a new evaluation."
            )
            % values
        )
        return message, True
    if to == CertificateStatus.REVOKED:
        message = (
            _("Certificate %(number)s (%(product)s, %(stars)s★) was revoked on %(date)s.") % values
        )
        if reason:
            message = f"{message} {reason}"
        return message, True
    message = (
        _("Certificate %(number)s (%(product)s, %(stars)s★) is replaced by a newer certificate.")
        % values
    )
    return message, False  # the new certificate's own notice says the rest


@transaction.atomic
def change_certificate_status(
    *,
    actor: Any,
    certificate: Certificate,
    to: str,
    reason: str = "",
    on: dt.date | None = None,
) -> Certificate:
    """The one way a certificate's status changes (`CERTIFICATE_TRANSITIONS`: a valid
    certificate expires, is revoked or is replaced; nothing comes back). `on` is the day of the
    change (today by default), kept as `status_changed_on`. Writes the activity log and tells the
    producer's people (in-app, and by e-mail for an expiry or a revocation). `actor` None is the
    system (the daily sweep)."""
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if to not in CERTIFICATE_TRANSITIONS.get(locked.status, frozenset()):
        new = CertificateStatus(to).label if to in CertificateStatus.values else to
        raise WrongState(
            _("Certificate %(number)s is %(status)s: it cannot become “%(new)s”.")
            % {"number": locked.number, "status": locked.get_status_display(), "new": new}
        )
    reason = nfc(reason or "")[:NOTE_MAX]
    old = snapshot(locked, STATUS_FIELDS)
    locked.status = to
    locked.status_changed_on = on or timezone.localdate()
    locked.save(update_fields=["status", "status_changed_on", "updated_at"])
    log_action(
        actor,
        f"certificates.certificate.{CERTIFICATE_VERBS[to]}",
        locked,
        old=old,
        new=snapshot(locked, STATUS_FIELDS),
        data={"reason": reason} if reason else None,
    )
    with site_language():
        message, email = _status_message(locked, to, reason)
    producer = locked.producer
    notify(producer_users(producer), message, url=certificate_url(locked), email=email)
    certificate.status = locked.status
    certificate.status_changed_on = locked.status_changed_on
    return locked
