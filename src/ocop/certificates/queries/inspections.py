"""Reads of post-certification inspections (hậu kiểm, Điều 9) and their permission loader.

- The office, the administrator and the approver see every inspection.
- The producer's people and the commune's officers see the inspections of the certificates they
  see, except an unannounced one before it is carried out: never planned-and-unannounced, never
  an unannounced one that was cancelled.
- Planning, recording, closing and cancelling: the office (or the administrator).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from ocop.accounts.rules import as_access
from ocop.certificates.enums import InspectionKind, InspectionStatus
from ocop.certificates.models import Certificate, Inspection
from ocop.certificates.queries.certificates import certificates_visible_to, sees_all_certificates

CARRIED_OUT = (InspectionStatus.DONE, InspectionStatus.CLOSED)


def inspections_visible_to(user_or_access: Any) -> QuerySet[Inspection]:
    access = as_access(user_or_access)
    if sees_all_certificates(access):
        return Inspection.objects.all()
    announced = Q(kind=InspectionKind.PLANNED) | Q(status__in=CARRIED_OUT)
    return Inspection.objects.filter(
        announced, certificate__in=certificates_visible_to(access).values("pk")
    )


def access_inspection(user_or_access: Any, code: str) -> Inspection:
    """The inspection with this code if the user may see it; else 404."""
    inspection = (
        inspections_visible_to(user_or_access)
        .select_related("certificate__producer", "certificate__criteria_set", "created_by")
        .filter(code=code)
        .first()
    )
    if inspection is None:
        raise Http404
    return inspection


def inspections_of(user_or_access: Any, certificate: Certificate) -> QuerySet[Inspection]:
    return (
        inspections_visible_to(user_or_access)
        .filter(certificate=certificate)
        .order_by("-planned_on", "-pk")
    )


def planned_inspections(user_or_access: Any) -> QuerySet[Inspection]:
    """Inspections to carry out, the earliest first."""
    return (
        inspections_visible_to(user_or_access)
        .filter(status=InspectionStatus.PLANNED)
        .select_related("certificate")
        .order_by("planned_on", "pk")
    )


def open_follow_ups(user_or_access: Any) -> QuerySet[Inspection]:
    """Carried-out inspections whose follow-up is not closed yet, the earliest due first."""
    return (
        inspections_visible_to(user_or_access)
        .filter(status=InspectionStatus.DONE)
        .exclude(follow_up="")
        .select_related("certificate")
        .order_by("follow_up_due", "pk")
    )
