"""The life cycle of certificates: the daily sweep, and the start of a re-evaluation or an upgrade.

`sweep_certificates` is a plain function (the `ocop certificates-sweep` command calls it; any
scheduler can): for each valid certificate, by the rules of its criteria set's procedure profile,

- WINDOW_OPEN, once the re-evaluation window has opened (QĐ 26/2026 Điều 7.6: file no earlier
  than 180 and no later than 120 days before the expiry) while it is open: the window's dates;
- WINDOW_CLOSING, a week before the window closes, when no re-evaluation dossier has been
  submitted;
- EXPIRY, from `expiry_notice_days` (30) before the expiry ("at least 30 days": a sweep that
  missed days sends it late rather than never);
- on the expiry day or after: the certificate expires (the one transition) and the EXPIRED
  notice goes with it.

Each notice is a `CertificateNotice` row, unique per certificate and kind, inserted before the
notice is sent: a second sweep, or two sweeps at once, send nothing twice. The office gets an
in-app summary of what a sweep sent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.rules import access_for
from ocop.certificates.dates import (
    certificate_rules,
    expiry_notice_from,
    reevaluation_dates,
    window_of,
)
from ocop.certificates.enums import CertificateStatus, NoticeKind
from ocop.certificates.models import Certificate, CertificateNotice
from ocop.certificates.queries.certificates import (
    can_manage_certificates,
    is_certificate_producer,
    top_stars,
)
from ocop.certificates.services.certificates import certificate_url, change_certificate_status
from ocop.certificates.services.people import (
    office_users,
    producer_users,
    site_language,
)
from ocop.core.services.activity import log_action
from ocop.core.text import short_date
from ocop.evaluation.enums import DossierKind, DossierStatus
from ocop.evaluation.models import Dossier
from ocop.evaluation.services.dossiers import create_dossier
from ocop.evaluation.services.notifications import notify
from ocop.evaluation.services.refusals import NotAllowed, WrongState

# How far ahead the sweep looks: the earliest notice of any profile (the window opens 180 days
# before the expiry under QĐ 26/2026; the notice before the expiry is 30 days).
LOOKAHEAD_DAYS = 366


@dataclass
class SweepReport:
    """What one sweep did: notices sent per kind, certificates expired."""

    day: dt.date
    notices: dict[str, int] = field(default_factory=lambda: dict.fromkeys(NoticeKind.values, 0))
    expiries: int = 0

    @property
    def sent(self) -> int:
        return sum(self.notices.values())

    def count(self, kind: str) -> int:
        return self.notices.get(kind, 0)

    def lines(self) -> list[str]:
        """Plain text for the command's output (one line per kind)."""
        rows = [f"notice {kind}: {self.notices[kind]}" for kind in NoticeKind.values]
        return [
            f"sweep of {self.day.isoformat()}",
            *rows,
            f"certificates expired: {self.expiries}",
        ]


def _record_notice(certificate: Certificate, kind: str, today: dt.date) -> bool:
    """Insert the notice row; False when it exists already (sent by an earlier or a concurrent
    sweep). The savepoint keeps the caller's transaction usable after a duplicate."""
    try:
        with transaction.atomic():
            CertificateNotice.objects.create(certificate=certificate, kind=kind, sent_on=today)
    except IntegrityError:
        return False
    return True


def _submitted_reevaluation(certificate: Certificate) -> bool:
    """A re-evaluation dossier of the product, made after the certificate, has been submitted
    (it is past the draft and not withdrawn)."""
    return (
        Dossier.objects.filter(
            product_id=certificate.product_id,
            kind=DossierKind.REEVALUATION,
            created_at__gte=certificate.created_at,
        )
        .exclude(status__in=(DossierStatus.DRAFT, DossierStatus.WITHDRAWN))
        .exists()
    )


def _message(certificate: Certificate, kind: str) -> str:
    """The producer's notice of `kind`, in words with its dates (dd/mm/yyyy)."""
    values: dict[str, Any] = {
        "number": certificate.number,
        "product": certificate.product_name,
        "stars": certificate.stars,
        "expires": short_date(certificate.expires_on),
    }
    window = window_of(certificate)
    if window is not None:
        values.update(opens=short_date(window.opens_on), closes=short_date(window.closes_on))
    if kind == NoticeKind.WINDOW_OPEN:
        return (
            _(
                "Certificate %(number)s (%(product)s, %(stars)s★) expires on %(expires)s: file "
                "the re-evaluation dossier between %(opens)s and %(closes)s."
            )
            % values
        )
    if kind == NoticeKind.WINDOW_CLOSING:
        return (
            _(
                "Certificate %(number)s (%(product)s): the re-evaluation window closes on "
                "%(closes)s and no re-evaluation dossier has been submitted yet."
            )
            % values
        )
    return (
        _(
            "Certificate %(number)s (%(product)s, %(stars)s★) expires on %(expires)s. To stay "
            "an OCOP product, have it evaluated again."
        )
        % values
    )


def _send(certificate: Certificate, kind: str, today: dt.date) -> bool:
    """One notice of `kind`, once: the row, the activity log, the producer's notice and e-mail."""
    if not _record_notice(certificate, kind, today):
        return False
    log_action(None, "certificates.certificate.notice", certificate, data={"notice": kind})
    with site_language():
        message = _message(certificate, kind)
    url = certificate_url(certificate)
    if kind != NoticeKind.EXPIRY:
        url = f"{url}#reevaluation"
    notify(producer_users(certificate.producer), message, url=url, kind="certificate")
    return True


def _due_notices(certificate: Certificate, today: dt.date) -> list[str]:
    """The notices (other than the expiry itself) due today by the certificate's rules."""
    if today >= certificate.expires_on:
        return []
    rules = certificate_rules(certificate.criteria_set)
    due: list[str] = []
    window = reevaluation_dates(certificate.expires_on, rules)
    if window is not None and window.is_open(today):
        due.append(NoticeKind.WINDOW_OPEN)
        if today >= window.closing_reminder_from() and not _submitted_reevaluation(certificate):
            due.append(NoticeKind.WINDOW_CLOSING)
    if today >= expiry_notice_from(certificate.expires_on, rules):
        due.append(NoticeKind.EXPIRY)
    return due


def _expire(certificate: Certificate, today: dt.date) -> bool:
    """Expire the certificate (and record its EXPIRED notice) unless another sweep did."""
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if locked.status != CertificateStatus.VALID:
        return False
    if not _record_notice(locked, NoticeKind.EXPIRED, today):
        return False
    # The transition tells the producer (in-app and e-mail): that is the EXPIRED notice.
    change_certificate_status(
        actor=None, certificate=locked, to=CertificateStatus.EXPIRED, on=locked.expires_on
    )
    return True


def _summary(report: SweepReport) -> None:
    if not report.sent:
        return
    with site_language():
        message = _(
            "Certificate sweep of %(date)s: %(notices)s notice(s) to producers, %(expired)s "
            "certificate(s) expired."
        ) % {
            "date": short_date(report.day),
            "notices": report.sent,
            "expired": report.expiries,
        }
    notify(office_users(), message, url=reverse("certificates:worklist"), email=False)


def sweep_certificates(*, today: dt.date | None = None) -> SweepReport:
    """Send the life-cycle notices due on `today` (the local date by default) and expire the
    certificates whose day has come. Idempotent: run it daily, run it twice, nothing is sent
    twice. Each certificate is handled in its own transaction."""
    day = today or timezone.localdate()
    report = SweepReport(day=day)
    horizon = day + dt.timedelta(days=LOOKAHEAD_DAYS)
    candidates = (
        Certificate.objects.filter(status=CertificateStatus.VALID, expires_on__lte=horizon)
        .select_related("criteria_set", "producer")
        .prefetch_related("notices")
        .order_by("expires_on", "pk")
    )
    for certificate in candidates:
        sent = {notice.kind for notice in certificate.notices.all()}
        with transaction.atomic():
            if day >= certificate.expires_on:
                if _expire(certificate, day):
                    report.expiries += 1
                    report.notices[NoticeKind.EXPIRED] += 1
                continue
            for kind in _due_notices(certificate, day):
                if kind not in sent and _send(certificate, kind, day):
                    report.notices[kind] += 1
    with transaction.atomic():
        _summary(report)
    return report


# --- re-evaluation and upgrade --------------------------------------------------------------


def _require_producer_or_office(actor: Any, certificate: Certificate) -> None:
    access = access_for(actor)
    if can_manage_certificates(access):
        return
    if is_certificate_producer(access, certificate):
        return
    raise NotAllowed(
        _("Only the producer of the certificate or the provincial OCOP office may start this.")
    )


def _require_in_force(certificate: Certificate, day: dt.date) -> None:
    if certificate.status != CertificateStatus.VALID:
        raise WrongState(
            _("Certificate %(number)s is no longer in force (%(status)s).")
            % {"number": certificate.number, "status": certificate.get_status_display()}
        )
    if day >= certificate.expires_on:
        raise WrongState(
            _("Certificate %(number)s expired on %(date)s.")
            % {"number": certificate.number, "date": short_date(certificate.expires_on)}
        )


@transaction.atomic
def start_reevaluation(
    *, actor: Any, certificate: Certificate, on: dt.date | None = None
) -> Dossier:
    """A re-evaluation dossier (đánh giá, phân hạng lại) of the certificate's product, pre-filled
    from its last dossier (Mẫu 01, the evidence still valid, the self-assessment), by the
    producer or the office. Refused before the window opens (Điều 7.6: no earlier than 180 days
    before the expiry; the message gives the opening day); after the window's last day it is
    still allowed, late (the page warns; Điều 12). A certificate no longer in force is refused."""
    _require_producer_or_office(actor, certificate)
    day = on or timezone.localdate()
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    _require_in_force(locked, day)
    window = window_of(locked)
    if window is not None and not window.has_opened(day):
        raise WrongState(
            _(
                "The re-evaluation of certificate %(number)s can be filed from %(opens)s (no "
                "earlier than %(days)s days before its expiry on %(expires)s)."
            )
            % {
                "number": locked.number,
                "opens": short_date(window.opens_on),
                "days": (locked.expires_on - window.opens_on).days,
                "expires": short_date(locked.expires_on),
            }
        )
    dossier = create_dossier(
        actor=actor,
        product=locked.product,
        kind=DossierKind.REEVALUATION,
        current_stars=locked.stars,
        on=on,
    )
    late = window is not None and window.is_late(day)
    log_action(
        actor,
        "certificates.certificate.start_reevaluation",
        locked,
        data={"dossier": dossier.code, "late": late},
    )
    return dossier


@transaction.atomic
def start_upgrade(*, actor: Any, certificate: Certificate) -> Dossier:
    """An upgrade dossier (nâng hạng, Điều 7.5) of the certificate's product, pre-filled from its
    last dossier, by the producer or the office. Refused for the top level (5★) and for a
    certificate no longer in force. A successful upgrade issues a new certificate that replaces
    this one."""
    _require_producer_or_office(actor, certificate)
    day = timezone.localdate()
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    _require_in_force(locked, day)
    if locked.stars >= top_stars(locked):
        raise WrongState(
            _("A %(stars)s★ certificate is the highest level: there is nothing to upgrade to.")
            % {"stars": locked.stars}
        )
    dossier = create_dossier(
        actor=actor,
        product=locked.product,
        kind=DossierKind.UPGRADE,
        current_stars=locked.stars,
    )
    log_action(
        actor, "certificates.certificate.start_upgrade", locked, data={"dossier": dossier.code}
    )
    return dossier
