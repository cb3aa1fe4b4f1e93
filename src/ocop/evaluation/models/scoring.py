from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ocop.evaluation.enums import SheetStatus


class ScoreSheet(models.Model):
    """One member's phiếu chấm điểm for one agenda item. Hidden from the other members until
    they have submitted their own. Every saved state is kept as a ScoreSheetVersion."""

    item = models.ForeignKey(
        "evaluation.SessionDossier", on_delete=models.CASCADE, related_name="sheets"
    )
    member = models.ForeignKey(
        "evaluation.CouncilMember", on_delete=models.PROTECT, related_name="sheets"
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=SheetStatus.choices,
        default=SheetStatus.DRAFT,
        db_index=True,
    )
    selections = models.JSONField(_("selections"), default=dict, blank=True)
    comments = models.JSONField(_("comments"), default=dict, blank=True)
    knockouts = models.JSONField(_("stop rules recorded"), default=list, blank=True)
    # Added for the scoring form (issue 4, engineer B): whether the member scores the product
    # story's conditional criterion (5.2), and which option was picked where two alternative
    # cases give the same points (bộ 26 items 8, 9, 15).
    has_story = models.BooleanField(_("the product has a story"), default=True)
    choices = models.JSONField(_("options picked"), default=dict, blank=True)
    total = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    version = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        constraints = [models.UniqueConstraint(fields=["item", "member"], name="eval_sheet_unique")]

    def __str__(self) -> str:
        return f"{self.item} · {self.member}"


class ScoreSheetVersion(models.Model):
    """A saved state of a sheet (drafts, submissions, discussion-round changes). Append-only."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=SheetStatus.choices)
    selections = models.JSONField(default=dict)
    comments = models.JSONField(default=dict)
    knockouts = models.JSONField(default=list)
    has_story = models.BooleanField(default=True)
    choices = models.JSONField(default=dict, blank=True)
    total = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    discussion = models.ForeignKey(
        "evaluation.DiscussionRound",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("score sheet version")
        verbose_name_plural = _("score sheet versions")
        ordering = ["sheet", "version"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "version"], name="eval_sheet_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.sheet} v{self.version}"


class DiscussionRound(models.Model):
    """Opened by the chair when the spread exceeds the threshold; reopens the submitted sheets."""

    item = models.ForeignKey(
        "evaluation.SessionDossier", on_delete=models.CASCADE, related_name="discussions"
    )
    number = models.PositiveSmallIntegerField()
    reason = models.TextField(_("reason"))
    spread_before = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("discussion round")
        verbose_name_plural = _("discussion rounds")
        ordering = ["item", "number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="eval_discussion_unique")
        ]

    def __str__(self) -> str:
        return f"{self.item} · {self.number}"
