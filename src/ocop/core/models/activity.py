from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    pass


class ActivityLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The activity log is append-only.")

    def delete(self):
        raise AppendOnlyError("The activity log is append-only.")


class ActivityLog(models.Model):
    """One row per change, written by the service that made it, in the same transaction.

    `action` is a dotted name: `<app>.<model>.<verb>`, e.g. `producers.producer.approve`.
    `data` holds `{"old": {...}, "new": {...}}` for changed fields (secrets masked) and any
    extra context the service adds (a reason, a comment).
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=100, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    content_object = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(_("object"), max_length=300)
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    objects = ActivityLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity log entry")
        verbose_name_plural = _("activity log")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["content_type", "object_id", "-created_at"], name="activity_object_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("The activity log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The activity log is append-only.")

    @property
    def changes(self) -> list[tuple[str, object, object]]:
        old = self.data.get("old") or {}
        new = self.data.get("new") or {}
        keys = sorted(set(old) | set(new))
        return [(key, old.get(key), new.get(key)) for key in keys]
