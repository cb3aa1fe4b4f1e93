"""Reads of the producers registry, and the permission loader every view and API call uses."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from ocop.accounts.enums import PRODUCER_ROLES, Role
from ocop.accounts.rules import Access, as_access
from ocop.core.text import fold
from ocop.producers.enums import ProducerKind, ProducerStatus
from ocop.producers.models import Producer


def producers_visible_to(user_or_access: Any) -> QuerySet[Producer]:
    """Producers the user may read: the whole province for provincial roles, a commune officer's
    communes, a producer's own record. Everyone else sees none (the public catalogue is separate)."""
    access = as_access(user_or_access)
    qs = Producer.objects.all()
    if access.sees_whole_province:
        return qs
    condition = Q(pk__in=[])
    if access.commune_unit_ids:
        condition |= Q(commune_id__in=access.commune_unit_ids)
    own_orgs = access.organisations_with(*PRODUCER_ROLES)
    if own_orgs:
        condition |= Q(organisation_id__in=own_orgs)
    return qs.filter(condition)


def filter_producers(
    queryset: QuerySet[Producer],
    *,
    status: str | None = None,
    kind: str | None = None,
    commune: str | None = None,
) -> QuerySet[Producer]:
    """The registry filters shared by the list page and the API; unknown values are ignored
    (status, kind) or match nothing (commune key)."""
    if status in ProducerStatus.values:
        queryset = queryset.filter(status=status)
    if kind in ProducerKind.values:
        queryset = queryset.filter(kind=kind)
    if commune:
        queryset = queryset.filter(commune__key=commune)
    return queryset


def producer_of(user_or_access: Any) -> Producer | None:
    """The producer the user owns or works for (the first by name if several), or None."""
    access = as_access(user_or_access)
    own_orgs = access.organisations_with(*PRODUCER_ROLES)
    if not own_orgs:
        return None
    return Producer.objects.filter(organisation_id__in=own_orgs).order_by("name", "pk").first()


def owns_a_producer(user_or_access: Any) -> bool:
    """True when the user already owns a producer (one self-registration per person)."""
    access = as_access(user_or_access)
    owned = access.organisations_with(Role.PRODUCER_OWNER)
    return bool(owned) and Producer.objects.filter(organisation_id__in=owned).exists()


def can_create_producer(access: Access) -> bool:
    """Staff who may enter a producer record for someone else."""
    if access.is_admin:
        return True
    if access.is_province_officer:
        return True
    return access.is_commune_officer


def can_edit_producer(access: Access, producer: Producer) -> bool:
    if access.is_admin:
        return True
    if access.is_province_officer:
        return True
    if access.is_commune_officer and producer.commune_id in access.commune_unit_ids:
        return True
    return producer.organisation_id in access.organisations_with(Role.PRODUCER_OWNER)


def can_approve_producer(access: Access, producer: Producer) -> bool:
    if access.is_admin:
        return True
    if access.is_province_officer:
        return True
    return access.is_commune_officer and producer.commune_id in access.commune_unit_ids


def access_producer(
    user_or_access: Any, code: str, *, write: bool = False, approve: bool = False
) -> Producer:
    """The producer with this code if the user may see it (and edit/approve it when asked);
    otherwise 404, so that existence does not leak."""
    access = as_access(user_or_access)
    producer = (
        producers_visible_to(access)
        .select_related("commune", "organisation")
        .filter(code=code)
        .first()
    )
    if producer is None:
        raise Http404
    if write and not can_edit_producer(access, producer):
        raise Http404
    if approve and not can_approve_producer(access, producer):
        raise Http404
    return producer


def search_producers(queryset: QuerySet[Producer], query: str) -> QuerySet[Producer]:
    """Name without regard to case or diacritics, tax code, registration number (as the list
    page's search does)."""
    query = query.strip()[:100]
    if not query:
        return queryset
    return queryset.filter(
        Q(name_folded__icontains=fold(query))
        | Q(tax_code__icontains=query)
        | Q(registration_number__icontains=query)
    )
