from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ocop.core.models import CodedModel
from ocop.evaluation.enums import SelfAssessmentStatus


class SelfAssessment(CodedModel):
    """A producer's self-assessment (Mẫu 02, Part III): the scorecard of the product's group,
    filled by the producer, with the stars it predicts.

    The criteria set and the scorecard are the version used (the set is locked when the first
    self-assessment starts, so that version never changes under it). `selections` maps the
    criteria answered to their points; a draft may leave criteria out ("not answered yet", they
    count 0 in the prediction). `choices` remembers which option was picked where points alone
    do not say (alternative cases, two options with the same points). `result` is the engine's
    result (`result_to_dict`) as of the last save, so that lists need no recomputation.
    Changes go through ocop.evaluation.services.self_assessment; a final one is read-only.
    """

    CODE_PREFIX = "TD"

    product = models.ForeignKey(
        "products.Product",
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        related_name="self_assessments",
    )
    criteria_set = models.ForeignKey(
        "criteria.CriteriaSet",
        verbose_name=_("criteria set"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    scorecard = models.ForeignKey(
        "criteria.Scorecard",
        verbose_name=_("scorecard"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    selections = models.JSONField(_("points per criterion"), default=dict, blank=True)
    choices = models.JSONField(_("options chosen"), default=dict, blank=True)
    comments = models.JSONField(_("comments"), default=dict, blank=True)
    has_story = models.BooleanField(_("the product has a story"), default=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=SelfAssessmentStatus.choices,
        default=SelfAssessmentStatus.DRAFT,
        db_index=True,
    )
    result = models.JSONField(_("result"), default=dict, blank=True)
    total = models.DecimalField(_("total"), max_digits=6, decimal_places=2, default=Decimal(0))
    predicted_stars = models.PositiveSmallIntegerField(_("predicted stars"), default=0)
    answered = models.PositiveSmallIntegerField(_("criteria answered"), default=0)
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)

    class Meta:
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.code

    @property
    def is_final(self) -> bool:
        return self.status == SelfAssessmentStatus.FINAL
