from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models

from ocop.core.models import ActivityLog


def history_for(obj: models.Model, limit: int = 200) -> models.QuerySet[ActivityLog]:
    """The activity log of one object, newest first, with actors loaded in the same query."""
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    return (
        ActivityLog.objects.filter(content_type=content_type, object_id=str(obj.pk))
        .select_related("actor", "content_type")
        .order_by("-created_at", "-id")[:limit]
    )
