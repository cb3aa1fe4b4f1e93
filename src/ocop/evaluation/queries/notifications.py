from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ocop.evaluation.models import Notification

LIMIT = 100


def notifications_of(user: Any) -> QuerySet[Notification]:
    """The user's own notices, newest first (a user never sees another's)."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")
