"""The dates of a certificate's life, as rules read from the procedure profile of its criteria set
(`evaluation/data/procedures.json`, key `certificate`): the expiry (36 months after the decision,
QĐ 26/2026 Điều 4.3), the notice before it (at least 30 days), and the re-evaluation window of
QĐ 26/2026 Điều 7.6 (file no earlier than 180 and no later than 120 days before the expiry; the
decision within 45 days). Pure functions: the services, the pages and the API read them alike.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

from ocop.evaluation.services.procedures import CertificateRules, UnknownProcedure, profile_for

# Điều 12 of QĐ 26/2026: a product whose re-evaluation is filed outside the window keeps its
# certificate until the authority's result, but no more than 180 days after the expiry.
LATE_KEPT_DAYS = 180
# The second reminder: this many days before the window closes, when no re-evaluation dossier
# has been submitted yet.
WINDOW_CLOSING_DAYS = 7


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus whole calendar months; a day the target month lacks is clamped to its last day
    (29/02/2028 + 36 months = 28/02/2031; 31/05 + 1 month = 30/06)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def certificate_rules(criteria_set_or_dossier: Any) -> CertificateRules:
    """The certificate rules of the procedure profile of a criteria set (or of the profile a
    dossier was lodged under). A profile the procedures file does not define falls back to the
    rules every decision shares (36 months, notice 30 days before, no window); so does a
    certificate recorded without a criteria set of the platform (None)."""
    if criteria_set_or_dossier is None:
        return CertificateRules()
    try:
        return profile_for(criteria_set_or_dossier).certificate
    except UnknownProcedure:
        return CertificateRules()


def expiry_date(decided_on: dt.date, rules: CertificateRules) -> dt.date:
    """The one rule of the expiry: `validity_months` after the decision (Điều 4.3: "36 tháng kể
    từ ngày cơ quan có thẩm quyền ban hành")."""
    return add_months(decided_on, rules.validity_months)


def expiry_notice_from(expires_on: dt.date, rules: CertificateRules) -> dt.date:
    """The first day of the notice before the expiry (at least `expiry_notice_days` before)."""
    return expires_on - dt.timedelta(days=rules.expiry_notice_days)


@dataclass(frozen=True)
class ReevaluationDates:
    """The re-evaluation window of one certificate (QĐ 26/2026 Điều 7.6 and 12)."""

    opens_on: dt.date  # the earliest day to file
    closes_on: dt.date  # the latest day to file
    decision_within_days: int
    written_consultation: bool
    kept_until: dt.date  # a late filing keeps the certificate at most until this day

    def has_opened(self, day: dt.date) -> bool:
        return day >= self.opens_on

    def is_open(self, day: dt.date) -> bool:
        return self.opens_on <= day <= self.closes_on

    def is_late(self, day: dt.date) -> bool:
        return day > self.closes_on

    def closing_reminder_from(self) -> dt.date:
        return self.closes_on - dt.timedelta(days=WINDOW_CLOSING_DAYS)


def reevaluation_dates(expires_on: dt.date, rules: CertificateRules) -> ReevaluationDates | None:
    """The window for a certificate expiring on `expires_on`; None when its profile has none
    (QĐ 1048, 148 and 1489: only the notice before the expiry)."""
    window = rules.reevaluation_window
    if window is None:
        return None
    return ReevaluationDates(
        opens_on=expires_on - dt.timedelta(days=window.earliest_days_before_expiry),
        closes_on=expires_on - dt.timedelta(days=window.latest_days_before_expiry),
        decision_within_days=window.decision_within_days,
        written_consultation=window.written_consultation,
        kept_until=expires_on + dt.timedelta(days=LATE_KEPT_DAYS),
    )


def window_of(certificate: Any) -> ReevaluationDates | None:
    """The re-evaluation window of a certificate, from its criteria set's profile."""
    return reevaluation_dates(certificate.expires_on, certificate_rules(certificate.criteria_set))
