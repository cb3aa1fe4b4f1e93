"""Reads of the buyers on the board and their permission loader.

A buyer's profile is read by officials (the office, the administrator, commune officers) and by
the buyer's own people; producers see a buyer's name, kind and contact only where the buyer
reaches them (its demands and their connections), never its profile page. Anyone else: 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from ocop.accounts.rules import Access, as_access
from ocop.core.text import fold
from ocop.trade.enums import BuyerKind, BuyerStatus
from ocop.trade.models import Buyer
from ocop.trade.rules import buyer_organisations, is_trade_official, manages_buyers


def buyers_visible_to(user_or_access: Any) -> QuerySet[Buyer]:
    access = as_access(user_or_access)
    if is_trade_official(access):
        return Buyer.objects.all()
    own = buyer_organisations(access)
    if own:
        return Buyer.objects.filter(organisation_id__in=own)
    return Buyer.objects.none()


def buyer_of(user_or_access: Any) -> Buyer | None:
    """The buyer record of the user's buyer organisation (the first by name if several)."""
    access = as_access(user_or_access)
    own = buyer_organisations(access)
    if not own:
        return None
    return (
        Buyer.objects.select_related("commune", "organisation")
        .filter(organisation_id__in=own)
        .order_by("name", "pk")
        .first()
    )


def active_buyer_of(user_or_access: Any) -> Buyer | None:
    """The user's buyer when it is ACTIVE (the one that may post and request), else None."""
    buyer = buyer_of(user_or_access)
    if buyer is None or buyer.status != BuyerStatus.ACTIVE:
        return None
    return buyer


def can_edit_buyer(access: Access, buyer: Buyer) -> bool:
    if manages_buyers(access):
        return True
    return buyer.organisation_id in buyer_organisations(access)


def access_buyer(
    user_or_access: Any, code: str, *, write: bool = False, manage: bool = False
) -> Buyer:
    """The buyer with this code if the user may see it (edit it with `write`, change its status
    with `manage`); otherwise 404."""
    access = as_access(user_or_access)
    buyer = (
        buyers_visible_to(access)
        .select_related("commune", "organisation", "created_by")
        .filter(code=code)
        .first()
    )
    if buyer is None:
        raise Http404
    if write and not can_edit_buyer(access, buyer):
        raise Http404
    if manage and not manages_buyers(access):
        raise Http404
    return buyer


def filter_buyers(
    queryset: QuerySet[Buyer],
    *,
    status: str | None = None,
    kind: str | None = None,
    commune: str | None = None,
    q: str | None = None,
) -> QuerySet[Buyer]:
    """The office's list filters (shared with the API): unknown status or kind values are
    ignored, an unknown commune key matches nothing; `q` searches the name without diacritics
    and the tax code."""
    if status in BuyerStatus.values:
        queryset = queryset.filter(status=status)
    if kind in BuyerKind.values:
        queryset = queryset.filter(kind=kind)
    if commune:
        queryset = queryset.filter(commune__key=commune)
    query = (q or "").strip()[:100]
    if query:
        queryset = queryset.filter(
            Q(name_folded__contains=fold(query)) | Q(tax_code__contains=query)
        )
    return queryset
