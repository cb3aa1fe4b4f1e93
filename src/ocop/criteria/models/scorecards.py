from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ocop.criteria.enums import CaseLayout, KnockoutScope, NodeKind, NoteKind


class Scorecard(models.Model):
    """One scorecard (bộ sản phẩm, kiêm phiếu đánh giá) of a criteria set."""

    criteria_set = models.ForeignKey(
        "criteria.CriteriaSet",
        verbose_name=_("criteria set"),
        on_delete=models.CASCADE,
        related_name="scorecards",
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=300)
    classification = models.CharField(
        _("classification line"), max_length=300, blank=True, help_text=_("As printed.")
    )
    meta = models.JSONField(
        _("form lines"), default=list, blank=True, help_text=_("The other lines of the form.")
    )
    total_max = models.DecimalField(_("maximum total"), max_digits=6, decimal_places=2)
    usable = models.BooleanField(
        _("usable for new scoring"),
        default=True,
        help_text=_("False for incomplete historical transcriptions."),
    )
    incomplete_reason = models.TextField(_("why it is incomplete"), blank=True)

    class Meta:
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        ordering = ["criteria_set", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["criteria_set", "number"], name="criteria_scorecard_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class Node(models.Model):
    """A part (A/B/C, level 0), group (1), criterion (2) or sub-criterion (3) of a scorecard.

    A node without children is scorable: it has options, or none when it is a yes/no item
    (`binary`: 0 or its maximum).
    """

    scorecard = models.ForeignKey(
        Scorecard, verbose_name=_("scorecard"), on_delete=models.CASCADE, related_name="nodes"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    level = models.PositiveSmallIntegerField(_("level"))
    code = models.CharField(_("code"), max_length=20)
    title = models.TextField(_("title"), help_text=_("Verbatim from the source."))
    display_title = models.TextField(_("display title"))
    max_points = models.DecimalField(
        _("maximum points"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    position = models.PositiveIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=20, choices=NodeKind.choices)
    scorable = models.BooleanField(_("scorable"), default=False)
    binary = models.BooleanField(
        _("yes/no item"), default=False, help_text=_("No options: 0 or its maximum.")
    )
    conditional = models.BooleanField(_("conditional"), default=False)
    condition_note = models.TextField(_("condition"), blank=True)
    cases = models.CharField(
        _("alternative cases"), max_length=10, choices=CaseLayout.choices, blank=True, default=""
    )

    class Meta:
        verbose_name = _("scorecard node")
        verbose_name_plural = _("scorecard nodes")
        ordering = ["scorecard", "position"]
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "code"], name="criteria_node_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.display_title}"


class Option(models.Model):
    """One answer (□ row) of a scorable node."""

    node = models.ForeignKey(
        Node, verbose_name=_("criterion"), on_delete=models.CASCADE, related_name="options"
    )
    label_source = models.TextField(_("label as printed"))
    label = models.TextField(_("label"))
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2)
    min_star_marker = models.PositiveSmallIntegerField(
        _("minimum-star marker"),
        null=True,
        blank=True,
        help_text=_("3, 4 or 5: this option is the minimum for that star level."),
    )
    seq = models.PositiveIntegerField(_("sequence"), help_text=_("Order in the source document."))
    case = models.CharField(_("case"), max_length=1, blank=True, default="")

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["node", "seq"]

    def __str__(self) -> str:
        return self.label


class Note(models.Model):
    """A line printed under a node (or on the scorecard): a note, requirement, knock-out rule,
    condition or alternative-case heading; or a known problem of the source."""

    scorecard = models.ForeignKey(
        Scorecard, verbose_name=_("scorecard"), on_delete=models.CASCADE, related_name="notes"
    )
    node = models.ForeignKey(
        Node,
        verbose_name=_("node"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notes",
    )
    text = models.TextField(_("text"))
    seq = models.PositiveIntegerField(_("sequence"))
    kind = models.CharField(_("kind"), max_length=20, choices=NoteKind.choices)
    case = models.CharField(_("case"), max_length=1, blank=True, default="")

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["scorecard", "seq", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class KnockoutRule(models.Model):
    """A rule that ends the evaluation: of the whole dossier, or tied to one criterion."""

    scorecard = models.ForeignKey(
        Scorecard,
        verbose_name=_("scorecard"),
        on_delete=models.CASCADE,
        related_name="knockout_rules",
    )
    code = models.CharField(_("code"), max_length=30)
    scope = models.CharField(_("scope"), max_length=20, choices=KnockoutScope.choices)
    criterion_code = models.CharField(_("criterion code"), max_length=20, blank=True)
    text = models.TextField(_("text"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("knock-out rule")
        verbose_name_plural = _("knock-out rules")
        ordering = ["scorecard", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["scorecard", "code"], name="criteria_knockout_unique_code"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.text[:60]}"
