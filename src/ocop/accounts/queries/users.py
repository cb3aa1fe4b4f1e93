from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ocop.accounts.models import Membership


def memberships_of(user: Any) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("organisation", "organisation__unit")
