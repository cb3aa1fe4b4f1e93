"""The daily sweep, with the clock moved (`today=`) through the life of a certificate decided on
15/06/2026 (expiry 15/06/2029): the re-evaluation window opens (17/12/2028), the reminder a week
before it closes (08/02/2029), the notice 30 days before the expiry (16/05/2029), the expiry
(15/06/2029). Each step: the state, the notices (in-app and e-mail, in words, dd/mm/yyyy), and a
second sweep that sends nothing."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ocop.certificates.enums import CertificateStatus, NoticeKind, VerificationState
from ocop.certificates.models import CertificateNotice
from ocop.certificates.queries.certificates import valid_certificates
from ocop.certificates.services.lifecycle import sweep_certificates
from ocop.core.models import ActivityLog
from ocop.evaluation.enums import DossierKind, DossierStatus
from ocop.evaluation.models import Dossier, Notification, OutboxMessage
from tests.certificates.manage_setup import (
    CLOSING_REMINDER,
    EXPIRES,
    EXPIRY_NOTICE,
    QD1048,
    WINDOW_CLOSES,
    WINDOW_OPENS,
    certificate,
    vi,
)
from tests.factories.criteria import ScorecardFactory

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)

OPEN_MSG = (
    "Certificate %(number)s (%(product)s, %(stars)s★) expires on %(expires)s: file the "
    "re-evaluation dossier between %(opens)s and %(closes)s."
)
CLOSING_MSG = (
    "Certificate %(number)s (%(product)s): the re-evaluation window closes on %(closes)s and no "
    "re-evaluation dossier has been submitted yet."
)
EXPIRY_MSG = (
    "Certificate %(number)s (%(product)s, %(stars)s★) expires on %(expires)s. To stay an OCOP "
    "product, have it evaluated again."
)
EXPIRED_MSG = (
    "Certificate %(number)s (%(product)s, %(stars)s★) expired on %(date)s: the product is no "
    "longer recognised as an OCOP product until a new evaluation."
)
SUMMARY_MSG = (
    "Certificate sweep of %(date)s: %(notices)s notice(s) to producers, %(expired)s "
    "certificate(s) expired."
)


def _values(cert):
    return {
        "number": cert.number,
        "product": cert.product_name,
        "stars": cert.stars,
        "expires": "15/06/2029",
        "opens": "17/12/2028",
        "closes": "15/02/2029",
        "date": "15/06/2029",
    }


def _producer_notices(cast):
    """The producer's in-app notices, oldest first."""
    return list(
        Notification.objects.filter(user=cast.producer1)
        .order_by("pk")
        .values_list("message", flat=True)
    )


def _mails(cast):
    return list(
        OutboxMessage.objects.filter(to_email=cast.producer1.email)
        .order_by("pk")
        .values_list("body", flat=True)
    )


def _counts():
    return (
        Notification.objects.count(),
        OutboxMessage.objects.count(),
        CertificateNotice.objects.count(),
        ActivityLog.objects.count(),
    )


def _report(report):
    return (
        report.count(NoticeKind.WINDOW_OPEN),
        report.count(NoticeKind.WINDOW_CLOSING),
        report.count(NoticeKind.EXPIRY),
        report.count(NoticeKind.EXPIRED),
        report.expiries,
    )


def test_the_clock_moves_through_window_reminder_notice_and_expiry(cast, settings):
    settings.OCOP_CERTIFICATE_EXPIRING_DAYS = 30
    cert = certificate(cast.product1)
    values = _values(cert)

    # Before the window: nothing.
    report = sweep_certificates(today=WINDOW_OPENS - DAY)
    assert _report(report) == (0, 0, 0, 0, 0)
    assert _producer_notices(cast) == []
    assert cert.state_on(WINDOW_OPENS - DAY) == VerificationState.VALID

    # The window opens: the dates to file between, in words, in-app and by e-mail.
    report = sweep_certificates(today=WINDOW_OPENS)
    assert _report(report) == (1, 0, 0, 0, 0)
    assert _producer_notices(cast) == [vi(OPEN_MSG) % values]
    assert _mails(cast) == [
        f"{vi(OPEN_MSG) % values}\n\nhttp://127.0.0.1:8000/giay-chung-nhan/{cert.code}/#reevaluation"
    ]
    notice = CertificateNotice.objects.get(certificate=cert)
    assert (notice.kind, notice.sent_on) == (NoticeKind.WINDOW_OPEN, WINDOW_OPENS)
    # The office sees a summary.
    assert list(
        Notification.objects.filter(user=cast.office).values_list("message", flat=True)
    ) == [vi(SUMMARY_MSG) % {"date": "17/12/2028", "notices": 1, "expired": 0}]

    # The same day again, and the next days: nothing twice.
    before = _counts()
    assert _report(sweep_certificates(today=WINDOW_OPENS)) == (0, 0, 0, 0, 0)
    assert _report(sweep_certificates(today=WINDOW_OPENS + DAY)) == (0, 0, 0, 0, 0)
    assert _counts() == before

    # A week before the window closes, no re-evaluation submitted: the reminder.
    assert _report(sweep_certificates(today=CLOSING_REMINDER - DAY)) == (0, 0, 0, 0, 0)
    assert _report(sweep_certificates(today=CLOSING_REMINDER)) == (0, 1, 0, 0, 0)
    assert _producer_notices(cast)[-1] == vi(CLOSING_MSG) % values
    assert cert.state_on(CLOSING_REMINDER) == VerificationState.VALID

    # 30 days before the expiry: the notice; the certificate reads "expiring".
    assert _report(sweep_certificates(today=EXPIRY_NOTICE - DAY)) == (0, 0, 0, 0, 0)
    assert _report(sweep_certificates(today=EXPIRY_NOTICE)) == (0, 0, 1, 0, 0)
    assert _producer_notices(cast)[-1] == vi(EXPIRY_MSG) % values
    assert cert.state_on(EXPIRY_NOTICE) == VerificationState.EXPIRING
    assert list(valid_certificates(EXPIRY_NOTICE)) == [cert]

    # The day before the expiry: still valid, nothing new.
    before = _counts()
    assert _report(sweep_certificates(today=EXPIRES - DAY)) == (0, 0, 0, 0, 0)
    assert _counts() == before

    # The expiry day: expired (the one transition, the system as actor), the notice with it.
    assert list(valid_certificates(EXPIRES)) == []
    report = sweep_certificates(today=EXPIRES)
    assert _report(report) == (0, 0, 0, 1, 1)
    cert.refresh_from_db()
    assert (cert.status, cert.status_changed_on) == (CertificateStatus.EXPIRED, EXPIRES)
    assert cert.state_on(EXPIRES) == VerificationState.EXPIRED
    assert _producer_notices(cast)[-1] == vi(EXPIRED_MSG) % values
    entry = ActivityLog.objects.get(action="certificates.certificate.expire")
    assert (entry.actor, entry.data["new"]) == (
        None,
        {"status": "expired", "status_changed_on": "2029-06-15"},
    )
    assert sorted(CertificateNotice.objects.values_list("kind", flat=True)) == sorted(
        NoticeKind.values
    )
    # Four notices, each in-app to the owner and the staff and by e-mail: none twice.
    assert len(_producer_notices(cast)) == 4
    assert len(_mails(cast)) == 4
    assert Notification.objects.filter(user=cast.producer1_staff).count() == 4

    # Later sweeps: nothing.
    before = _counts()
    assert _report(sweep_certificates(today=EXPIRES)) == (0, 0, 0, 0, 0)
    assert _report(sweep_certificates(today=EXPIRES + 10 * DAY)) == (0, 0, 0, 0, 0)
    assert _counts() == before


def test_a_sweep_that_missed_days_still_sends_the_notice_late(cast):
    cert = certificate(cast.product1)
    # First sweep ten days before the expiry: the window is closed (no window notice), the notice
    # before the expiry goes late rather than never.
    report = sweep_certificates(today=EXPIRES - 10 * DAY)
    assert _report(report) == (0, 0, 1, 0, 0)
    assert _producer_notices(cast) == [vi(EXPIRY_MSG) % _values(cert)]


def test_a_sweep_after_the_expiry_day_expires_on_the_expiry_date(cast):
    cert = certificate(cast.product1)
    report = sweep_certificates(today=EXPIRES + 5 * DAY)
    assert _report(report) == (0, 0, 0, 1, 1)
    cert.refresh_from_db()
    assert (cert.status, cert.status_changed_on) == (CertificateStatus.EXPIRED, EXPIRES)


def test_a_submitted_re_evaluation_silences_the_reminder(cast):
    cert = certificate(cast.product1)
    sweep_certificates(today=WINDOW_OPENS)
    Dossier.objects.create(
        product=cast.product1,
        producer=cast.prod1,
        commune=cast.commune_a,
        kind=DossierKind.REEVALUATION,
        criteria_set=cert.criteria_set,
        scorecard=ScorecardFactory(criteria_set=cert.criteria_set),
        procedure_profile="qd26-2026-two-level",
        status=DossierStatus.SUBMITTED,
        level="commune",
    )
    assert _report(sweep_certificates(today=CLOSING_REMINDER)) == (0, 0, 0, 0, 0)
    # A draft would not have: it has not been submitted.


def test_a_draft_re_evaluation_does_not_silence_the_reminder(cast):
    cert = certificate(cast.product1)
    Dossier.objects.create(
        product=cast.product1,
        producer=cast.prod1,
        commune=cast.commune_a,
        kind=DossierKind.REEVALUATION,
        criteria_set=cert.criteria_set,
        scorecard=ScorecardFactory(criteria_set=cert.criteria_set),
        procedure_profile="qd26-2026-two-level",
        status=DossierStatus.DRAFT,
        level="commune",
    )
    assert _report(sweep_certificates(today=CLOSING_REMINDER)) == (1, 1, 0, 0, 0)


def test_the_window_closes_without_a_late_window_notice(cast):
    certificate(cast.product1)
    # First sweep after the window closed: no window notice, the certificate is not yet within
    # the 30 days.
    assert _report(sweep_certificates(today=WINDOW_CLOSES + DAY)) == (0, 0, 0, 0, 0)


def test_a_qd1048_certificate_gets_no_window_notice_but_the_30_day_notice(cast):
    cert = certificate(cast.product1, profile=QD1048)
    assert _report(sweep_certificates(today=WINDOW_OPENS)) == (0, 0, 0, 0, 0)
    assert _report(sweep_certificates(today=CLOSING_REMINDER)) == (0, 0, 0, 0, 0)
    assert _report(sweep_certificates(today=EXPIRY_NOTICE)) == (0, 0, 1, 0, 0)
    assert _producer_notices(cast) == [vi(EXPIRY_MSG) % _values(cert)]
    assert _report(sweep_certificates(today=EXPIRES)) == (0, 0, 0, 1, 1)


def test_a_notice_another_sweep_recorded_is_not_sent_again(cast):
    cert = certificate(cast.product1)
    # A concurrent sweep inserted the row first (the unique constraint decides who sends).
    CertificateNotice.objects.create(
        certificate=cert, kind=NoticeKind.WINDOW_OPEN, sent_on=WINDOW_OPENS
    )
    assert _report(sweep_certificates(today=WINDOW_OPENS)) == (0, 0, 0, 0, 0)
    assert _producer_notices(cast) == []


def test_only_valid_certificates_are_swept(cast):
    revoked = certificate(cast.product1, status=CertificateStatus.REVOKED)
    superseded = certificate(cast.product2, status=CertificateStatus.SUPERSEDED)
    assert _report(sweep_certificates(today=EXPIRES)) == (0, 0, 0, 0, 0)
    revoked.refresh_from_db()
    superseded.refresh_from_db()
    assert (revoked.status, superseded.status) == (
        CertificateStatus.REVOKED,
        CertificateStatus.SUPERSEDED,
    )


def test_several_certificates_in_one_sweep(cast):
    certificate(cast.product1)
    certificate(cast.product2, expires_on=dt.date(2029, 6, 20))
    report = sweep_certificates(today=EXPIRES)
    assert _report(report) == (0, 0, 1, 1, 1)
    assert list(
        Notification.objects.filter(user=cast.office).values_list("message", flat=True)
    ) == [vi(SUMMARY_MSG) % {"date": "15/06/2029", "notices": 2, "expired": 1}]


# --- the command ------------------------------------------------------------------------------


def test_the_command_prints_the_report(cast):
    certificate(cast.product1)
    out = StringIO()
    call_command("certificates-sweep", "--date", "2028-12-17", stdout=out)
    assert out.getvalue().splitlines() == [
        "sweep of 2028-12-17",
        "notice window_open: 1",
        "notice window_closing: 0",
        "notice expiry: 0",
        "notice expired: 0",
        "certificates expired: 0",
    ]
    out = StringIO()
    call_command("certificates-sweep", "--date", "2028-12-17", stdout=out)
    assert "notice window_open: 0" in out.getvalue().splitlines()


def test_the_command_refuses_a_bad_date(db):
    with pytest.raises(CommandError, match="not a YYYY-MM-DD date"):
        call_command("certificates-sweep", "--date", "17/12/2028")


def test_the_command_runs_today_by_default(cast):
    out = StringIO()
    call_command("certificates-sweep", stdout=out)
    assert out.getvalue().splitlines()[0].startswith("sweep of ")
