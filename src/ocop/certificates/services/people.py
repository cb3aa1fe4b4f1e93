"""Who hears about a certificate, and the language the notices are written in.

Notices go to other people (the producer, the office, the approver), not to the actor: they are
written in the site's language (Vietnamese) whatever language the actor's page or API call uses.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation

from ocop.accounts.enums import PRODUCER_ROLES, Role


@contextmanager
def site_language() -> Iterator[None]:
    """Write notices (and the dates in them) in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


def _users() -> Any:
    return get_user_model().objects.filter(
        is_active=True, memberships__organisation__is_active=True
    )


def producer_users(producer: Any) -> list[Any]:
    """The producer's owners and staff (active users of an active organisation)."""
    return list(
        _users()
        .filter(
            memberships__organisation_id=producer.organisation_id,
            memberships__role__in=PRODUCER_ROLES,
        )
        .distinct()
        .order_by("pk")
    )


def office_users() -> list[Any]:
    """The provincial OCOP office."""
    return list(_users().filter(memberships__role=Role.PROVINCE_OFFICER).distinct().order_by("pk"))


def approver_users() -> list[Any]:
    """The approvers (the Chairman of the provincial People's Committee or a delegate)."""
    return list(_users().filter(memberships__role=Role.APPROVER).distinct().order_by("pk"))
