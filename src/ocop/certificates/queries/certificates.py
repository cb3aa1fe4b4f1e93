"""Reads of certificates and their permission loader.

Who sees a certificate here (the management pages and API; the public verification and register
are `views/public.py`):

- the provincial OCOP office, the administrator and the approver: every certificate;
- a commune officer: the certificates of the producers of their commune(s) (and, for an old
  district's office, of its communes);
- the producer's owner and staff: their own producer's certificates;
- nobody else (council members, buyers, anyone signed in without a role): 404.

Who acts (the services refuse the others with `NotAllowed`, 403 where the user sees the object):
the office (or the administrator) proposes revocations, plans and records inspections, records
certificates issued before the platform; the approver decides the revocation of a provincial (or
district) certificate, the office records the ministry's decision on a 5★ one; the producer (or
the office) starts a re-evaluation or an upgrade.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from ocop.accounts.enums import PRODUCER_ROLES
from ocop.accounts.rules import Access, as_access
from ocop.certificates.dates import window_of
from ocop.certificates.enums import CertificateStatus, RevocationStatus, VerificationState
from ocop.certificates.models import Certificate
from ocop.core.text import fold

# The states a list can be filtered by (computed from the status and the dates, as
# `Certificate.state_on` reads them).
STATE_FILTERS = (
    VerificationState.VALID,
    VerificationState.EXPIRING,
    VerificationState.EXPIRED,
    VerificationState.REVOKED,
    VerificationState.SUPERSEDED,
)


def can_manage_certificates(access: Access) -> bool:
    """The provincial OCOP office (and the administrator): revocation proposals, inspections,
    certificates issued before the platform."""
    if access.is_admin:
        return True
    return access.is_province_officer


def sees_all_certificates(access: Access) -> bool:
    if can_manage_certificates(access):
        return True
    return access.is_approver


def is_certificate_producer(access: Access, certificate: Certificate) -> bool:
    """The owner or staff of the certificate's producer."""
    own = access.organisations_with(*PRODUCER_ROLES)
    return certificate.producer.organisation_id in own


def may_see_any(user_or_access: Any) -> bool:
    """Whether the management list is for this user at all (else 404)."""
    access = as_access(user_or_access)
    if sees_all_certificates(access):
        return True
    if access.is_commune_officer:
        return True
    return bool(access.organisations_with(*PRODUCER_ROLES))


def certificates_visible_to(user_or_access: Any) -> QuerySet[Certificate]:
    access = as_access(user_or_access)
    queryset = Certificate.objects.all()
    if not access.is_authenticated:
        return queryset.none()
    if sees_all_certificates(access):
        return queryset
    condition = Q(pk__in=[])
    own = access.organisations_with(*PRODUCER_ROLES)
    if own:
        condition |= Q(producer__organisation_id__in=own)
    if access.is_commune_officer:
        units = access.commune_unit_ids
        condition |= Q(producer__commune_id__in=units) | Q(producer__commune__parent_id__in=units)
    return queryset.filter(condition)


def access_certificate(user_or_access: Any, code: str, *, write: bool = False) -> Certificate:
    """The certificate with this code if the user may see it (and manage it, when `write`: the
    office or the administrator); else 404, so that existence does not leak."""
    access = as_access(user_or_access)
    certificate = (
        certificates_visible_to(access)
        .select_related(
            "producer__commune",
            "product",
            "criteria_set",
            "province",
            "decision",
            "replaces",
            "issued_by",
        )
        .filter(code=code)
        .first()
    )
    if certificate is None:
        raise Http404
    if write and not can_manage_certificates(access):
        raise Http404
    return certificate


def valid_certificates(on: dt.date) -> QuerySet[Certificate]:
    """The certificates in force on `on`: VALID and not past their expiry. The public register
    and the catalogue read this, so a revoked, replaced or expired certificate vanishes at once
    (the same day, before the daily sweep has written the expiry)."""
    return Certificate.objects.filter(status=CertificateStatus.VALID, expires_on__gt=on)


def expiring_days() -> int:
    return int(settings.OCOP_CERTIFICATE_EXPIRING_DAYS)


def state_condition(state: str, on: dt.date) -> Q:
    """The rows whose `state_on(on)` is `state` (the same reading, as a database condition)."""
    valid = Q(status=CertificateStatus.VALID)
    horizon = on + dt.timedelta(days=expiring_days())
    if state == VerificationState.VALID:
        return valid & Q(expires_on__gt=horizon)
    if state == VerificationState.EXPIRING:
        return valid & Q(expires_on__gt=on, expires_on__lte=horizon)
    if state == VerificationState.EXPIRED:
        return Q(status=CertificateStatus.EXPIRED) | (valid & Q(expires_on__lte=on))
    if state == VerificationState.REVOKED:
        return Q(status=CertificateStatus.REVOKED)
    if state == VerificationState.SUPERSEDED:
        return Q(status=CertificateStatus.SUPERSEDED)
    return Q()


def _whole_number(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def filter_certificates(
    queryset: QuerySet[Certificate],
    *,
    status: str | None = None,
    stars: Any = None,
    year: Any = None,
    q: str | None = None,
    on: dt.date | None = None,
) -> QuerySet[Certificate]:
    """The list filters shared by the page and the API; unknown values are ignored.

    `status` is a state (valid, expiring, expired, revoked, superseded) on `on` (today); `q`
    searches the certificate's number and code, and the product's and producer's names without
    regard to case or diacritics."""
    day = on or timezone.localdate()
    if status in STATE_FILTERS:
        queryset = queryset.filter(state_condition(str(status), day))
    star_value = _whole_number(stars) if stars not in (None, "") else None
    if star_value is not None:
        queryset = queryset.filter(stars=star_value)
    year_value = _whole_number(year) if year not in (None, "") else None
    if year_value is not None:
        queryset = queryset.filter(year=year_value)
    return search_certificates(queryset, q or "")


def search_certificates(queryset: QuerySet[Certificate], query: str) -> QuerySet[Certificate]:
    query = query.strip()[:100]
    if not query:
        return queryset
    folded = fold(query)
    return queryset.filter(
        Q(product__name_folded__icontains=folded)
        | Q(producer__name_folded__icontains=folded)
        | Q(product_name__icontains=query)
        | Q(producer_name__icontains=query)
        | Q(number__icontains=query)
        | Q(code__iexact=query)
    )


def with_list_columns(queryset: QuerySet[Certificate]) -> QuerySet[Certificate]:
    """What a list row shows (the printed fields are on the row itself), newest first."""
    return queryset.select_related("criteria_set").order_by("-issued_on", "-sequence", "-pk")


def certificate_years(queryset: QuerySet[Certificate]) -> list[int]:
    """The years of the certificates in `queryset`, newest first (the list's year filter)."""
    return list(queryset.order_by("-year").values_list("year", flat=True).distinct()[:30])


def current_certificate_of(product: Any) -> Certificate | None:
    """The product's certificate in force (VALID), the newest if several."""
    return (
        Certificate.objects.filter(product=product, status=CertificateStatus.VALID)
        .order_by("-decided_on", "-pk")
        .first()
    )


def top_stars(certificate: Certificate) -> int:
    """The highest level the certificate's criteria set certifies (5; 5 without a criteria set
    of the platform)."""
    criteria_set = certificate.criteria_set
    levels = [int(level) for level in (criteria_set.certified_levels if criteria_set else [])]
    return max(levels, default=5)


def in_force(certificate: Certificate, day: dt.date) -> bool:
    return certificate.status == CertificateStatus.VALID and day < certificate.expires_on


def certificate_actions(
    user_or_access: Any, certificate: Certificate, day: dt.date | None = None
) -> frozenset[str]:
    """What the page and the API offer the user on the certificate now (the services check
    again): `reevaluation` (the producer or the office, once the window has opened),
    `upgrade` (below the top level), `propose_revocation` (the office, no open proposal),
    `plan_inspection` (the office)."""
    access = as_access(user_or_access)
    today = day or timezone.localdate()
    found: set[str] = set()
    manage = can_manage_certificates(access)
    if not in_force(certificate, today):
        return frozenset()
    if manage or is_certificate_producer(access, certificate):
        window = window_of(certificate)
        if window is None or window.has_opened(today):
            found.add("reevaluation")
        if certificate.stars < top_stars(certificate):
            found.add("upgrade")
    if manage:
        found.add("plan_inspection")
        if not certificate.revocations.filter(status=RevocationStatus.PROPOSED).exists():
            found.add("propose_revocation")
    return frozenset(found)
