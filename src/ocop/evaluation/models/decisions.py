from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ocop.core.models import CodedModel
from ocop.evaluation.enums import DecisionStatus, Level


class FinalDecisionError(Exception):
    """An approved decision, or an item of one, was about to be changed or deleted.

    Approved decisions are final (QĐ 26/2026 Điều 7.3.e publishes them): a correction is a new
    decision that `replaces` the old one. The services refuse first with a ValidationError; this
    guard catches every other path (the admin, a shell, a queryset update)."""


FINAL_MESSAGE = "An approved decision is final: a correction is a new decision that replaces it."


class DecisionQuerySet(models.QuerySet):
    def _guard(self) -> None:
        if self.filter(status=DecisionStatus.APPROVED).exists():
            raise FinalDecisionError(FINAL_MESSAGE)

    def update(self, **kwargs):
        self._guard()
        return super().update(**kwargs)

    def delete(self):
        self._guard()
        return super().delete()


class DecisionItemQuerySet(models.QuerySet):
    def _guard(self) -> None:
        if self.filter(decision__status=DecisionStatus.APPROVED).exists():
            raise FinalDecisionError(FINAL_MESSAGE)

    def update(self, **kwargs):
        self._guard()
        return super().update(**kwargs)

    def delete(self):
        self._guard()
        return super().delete()

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        decision_ids = {obj.decision_id for obj in objs}
        if Decision.objects.filter(pk__in=decision_ids, status=DecisionStatus.APPROVED).exists():
            raise FinalDecisionError(FINAL_MESSAGE)
        return super().bulk_create(objs, *args, **kwargs)


class Decision(CodedModel):
    """The recognition decision of a round (quyết định công nhận). Final once approved: a
    correction is a new decision that `replaces` the old one."""

    CODE_PREFIX = "QD"
    CODE_LENGTH = 6

    round = models.ForeignKey(
        "evaluation.Round", on_delete=models.PROTECT, related_name="decisions"
    )
    level = models.CharField(
        _("level"), max_length=10, choices=Level.choices, default=Level.PROVINCE
    )
    number = models.CharField(
        _("decision number"), max_length=60, blank=True, help_text=_("e.g. 1147/QĐ-UBND")
    )
    title = models.CharField(_("title"), max_length=300)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DecisionStatus.choices,
        default=DecisionStatus.DRAFT,
        db_index=True,
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    replaces = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
        verbose_name=_("replaces"),
    )
    note = models.TextField(_("note"), blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.number or self.title

    @property
    def is_final(self) -> bool:
        return self.status == DecisionStatus.APPROVED

    def _stored_as_final(self) -> bool:
        """What the database holds, not this (possibly stale or altered) object."""
        if self.pk is None:
            return False
        return (
            type(self)
            .objects.filter(pk=self.pk, status=DecisionStatus.APPROVED)
            .values_list("pk", flat=True)
            .exists()
        )

    def save(self, *args, **kwargs):
        # The approval itself saves a row that is still a draft in the database: allowed once.
        if self._stored_as_final():
            raise FinalDecisionError(FINAL_MESSAGE)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._stored_as_final():
            raise FinalDecisionError(FINAL_MESSAGE)
        return super().delete(*args, **kwargs)


class DecisionItem(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="items")
    dossier = models.ForeignKey(
        "evaluation.Dossier", on_delete=models.PROTECT, related_name="decision_items"
    )
    agenda_item = models.ForeignKey(
        "evaluation.SessionDossier", on_delete=models.PROTECT, related_name="decision_items"
    )
    recognised = models.BooleanField(_("recognised"))
    stars = models.PositiveSmallIntegerField(_("stars"), null=True, blank=True)
    mean_total = models.DecimalField(_("mean score"), max_digits=5, decimal_places=2)
    proposed_central = models.BooleanField(_("proposed to the ministry for 5★"), default=False)
    forwarded = models.BooleanField(
        _("forwarded to the next level"),
        default=False,
        help_text=_("Three-level procedures (QĐ 1048, 148): the district sends the product up."),
    )

    objects = DecisionItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("decision item")
        verbose_name_plural = _("decision items")
        ordering = ["decision", "-mean_total", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "dossier"], name="eval_decision_item_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.decision} · {self.dossier.code}"

    def save(self, *args, **kwargs):
        if self._in_final_decision():
            raise FinalDecisionError(FINAL_MESSAGE)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._in_final_decision():
            raise FinalDecisionError(FINAL_MESSAGE)
        return super().delete(*args, **kwargs)

    def _in_final_decision(self) -> bool:
        return Decision.objects.filter(pk=self.decision_id, status=DecisionStatus.APPROVED).exists()
