from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ocop.criteria.enums import (
    ClassificationLevel,
    CorrectionStatus,
    CriteriaSetStatus,
    RequirementPolicy,
    SourceFormat,
)


def default_bands() -> list[list[int]]:
    """QĐ 26/2026 Điều 3.3 (and 1048): 5★ from 90, 4★ from 70, 3★ from 50, 2★ from 30."""
    return [[5, 90], [4, 70], [3, 50], [2, 30], [1, 0]]


def default_certified_levels() -> list[int]:
    return [3, 4, 5]


class CriteriaSetQuerySet(models.QuerySet):
    def in_force_on(self, day: dt.date) -> CriteriaSetQuerySet:
        return self.exclude(status=CriteriaSetStatus.DRAFT).filter(
            Q(in_force_from__lte=day), Q(in_force_to__isnull=True) | Q(in_force_to__gte=day)
        )


class CriteriaSet(models.Model):
    """One version of the OCOP rules: a decision's scorecards, bands and policies, as data.

    Rows come only from `ocop import-criteria` (services/importer.py). Once an evaluation has
    used a set (`locked_at`), it cannot be edited, only superseded by a new set.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=300)
    legal_reference = models.CharField(_("legal reference"), max_length=300)
    document_title = models.TextField(_("document title"), blank=True)
    in_force_from = models.DateField(_("in force from"))
    in_force_to = models.DateField(
        _("in force to"), null=True, blank=True, help_text=_("Last day; empty while in force.")
    )
    procedure_profile = models.CharField(
        _("procedure profile"),
        max_length=60,
        help_text=_("The evaluation procedure this set goes with, e.g. qd26-2026-two-level."),
    )
    part_maxima = models.JSONField(_("part maxima"), default=dict)
    bands = models.JSONField(
        _("star bands"),
        default=default_bands,
        help_text=_("[stars, lowest average total] pairs, highest band first."),
    )
    certified_levels = models.JSONField(
        _("certified star levels"), default=default_certified_levels
    )
    requirement_policy = models.CharField(
        _("minimum-star requirement policy"),
        max_length=20,
        choices=RequirementPolicy.choices,
        default=RequirementPolicy.MEAN,
    )
    spread_threshold = models.DecimalField(
        _("spread threshold"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(10),
        help_text=_("Members' totals may differ by at most this many points."),
    )
    ministry_threshold = models.DecimalField(
        _("ministry threshold"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(90),
        help_text=_("From this average total, the province sends the product to the ministry."),
    )
    policies = models.JSONField(_("other policies"), default=dict, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CriteriaSetStatus.choices,
        default=CriteriaSetStatus.DRAFT,
        db_index=True,
    )
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("superseded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supersedes",
    )
    locked_at = models.DateTimeField(
        _("locked at"),
        null=True,
        blank=True,
        help_text=_("When an evaluation first used the set; from then on it cannot be edited."),
    )
    official = models.BooleanField(
        _("official"), default=True, help_text=_("False for unofficial transcriptions.")
    )
    source_format = models.CharField(
        _("source format"), max_length=10, choices=SourceFormat.choices
    )
    source_file = models.CharField(_("source file"), max_length=255)
    source_sha256 = models.CharField("SHA-256", max_length=64)
    content_sha256 = models.CharField(
        _("content checksum"),
        max_length=64,
        help_text=_("Checksum of everything imported (file, corrections, classification)."),
    )
    provenance = models.TextField(_("provenance"), blank=True)
    official_link = models.CharField(_("official copy"), max_length=500, blank=True)
    star_marker_legend = models.TextField(_("star-marker legend"), blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CriteriaSetQuerySet.as_manager()

    class Meta:
        verbose_name = _("criteria set")
        verbose_name_plural = _("criteria sets")
        ordering = ["-in_force_from", "code"]

    def __str__(self) -> str:
        return self.code

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class ClassificationNode(models.Model):
    """A product category, group or sub-group of a criteria set; leaves name their scorecard."""

    criteria_set = models.ForeignKey(
        CriteriaSet,
        verbose_name=_("criteria set"),
        on_delete=models.CASCADE,
        related_name="classification",
    )
    code = models.CharField(_("code"), max_length=20)
    level = models.CharField(_("level"), max_length=10, choices=ClassificationLevel.choices)
    name = models.CharField(_("name"), max_length=300)
    managing_ministry = models.CharField(_("managing ministry"), max_length=300, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    scorecard = models.ForeignKey(
        "criteria.Scorecard",
        verbose_name=_("scorecard"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="classification_nodes",
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("classification node")
        verbose_name_plural = _("classification nodes")
        ordering = ["criteria_set", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["criteria_set", "code"], name="criteria_classification_unique_code"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Correction(models.Model):
    """A value of the source file replaced at import: what the source says, what is used, why.

    Applied only while the source still holds `source_value`; a corrected source file makes the
    correction stale and the import fails, naming it.
    """

    criteria_set = models.ForeignKey(
        CriteriaSet,
        verbose_name=_("criteria set"),
        on_delete=models.CASCADE,
        related_name="corrections",
    )
    board_no = models.PositiveSmallIntegerField(_("scorecard number"))
    node_code = models.CharField(_("node code"), max_length=20)
    option_seq = models.PositiveIntegerField(_("option sequence"), null=True, blank=True)
    field = models.CharField(_("field"), max_length=40)
    source_value = models.JSONField(_("source value"), null=True, blank=True)
    corrected_value = models.JSONField(_("value used"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    evidence = models.TextField(_("evidence"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CorrectionStatus.choices,
        default=CorrectionStatus.PROBABLE,
    )
    applied = models.BooleanField(_("applied"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["criteria_set", "position"]

    def __str__(self) -> str:
        return f"{self.criteria_set_id} bộ {self.board_no} {self.node_code} {self.field}"
