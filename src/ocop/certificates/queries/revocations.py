"""Reads of revocations and their permission loader.

- The office, the administrator and the approver see every revocation (proposals included).
- The producer's people and the commune's officers see the revocations decided on the
  certificates they see (a proposal under examination is not theirs to read).
- Deciding (and rejecting): the approver for a provincial or district certificate; the office
  (or the administrator) records the ministry's decision on a 5★ one (`can_decide_revocation`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from ocop.accounts.rules import Access, as_access
from ocop.certificates.enums import Authority, RevocationStatus
from ocop.certificates.models import Certificate, Revocation
from ocop.certificates.queries.certificates import (
    can_manage_certificates,
    certificates_visible_to,
    sees_all_certificates,
)


def can_decide_revocation(access: Access, revocation: Revocation) -> bool:
    if revocation.authority == Authority.CENTRAL:
        return can_manage_certificates(access)
    return access.is_approver


def revocations_visible_to(user_or_access: Any) -> QuerySet[Revocation]:
    access = as_access(user_or_access)
    if sees_all_certificates(access):
        return Revocation.objects.all()
    return Revocation.objects.filter(
        status=RevocationStatus.DECIDED,
        certificate__in=certificates_visible_to(access).values("pk"),
    )


def access_revocation(user_or_access: Any, code: str) -> Revocation:
    """The revocation with this code if the user may see it; else 404."""
    revocation = (
        revocations_visible_to(user_or_access)
        .select_related(
            "certificate__producer",
            "certificate__criteria_set",
            "inspection",
            "proposed_by",
            "decided_by",
        )
        .filter(code=code)
        .first()
    )
    if revocation is None:
        raise Http404
    return revocation


def revocations_of(user_or_access: Any, certificate: Certificate) -> QuerySet[Revocation]:
    """The certificate's revocations the user may see, newest first."""
    return (
        revocations_visible_to(user_or_access)
        .filter(certificate=certificate)
        .select_related("inspection", "proposed_by", "decided_by")
        .order_by("-created_at", "-pk")
    )


def open_proposals(user_or_access: Any) -> QuerySet[Revocation]:
    """Proposals waiting for a decision, the earliest deadline first."""
    return (
        revocations_visible_to(user_or_access)
        .filter(status=RevocationStatus.PROPOSED)
        .select_related("certificate")
        .order_by("due_on", "pk")
    )


def is_overdue(revocation: Revocation, today: dt.date | None = None) -> bool:
    """A proposal past its 15 days (Điều 8) without a decision."""
    day = today or timezone.localdate()
    return revocation.status == RevocationStatus.PROPOSED and day > revocation.due_on
