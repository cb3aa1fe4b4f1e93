from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ocop.core.models import CodedModel
from ocop.evaluation.enums import (
    CommuneConclusion,
    DossierKind,
    DossierStatus,
    EvidenceCategory,
    Level,
)


class Dossier(CodedModel):
    """A product's hồ sơ for one evaluation (first, upgrade or re-evaluation).

    It records the criteria set, the scorecard and the procedure profile it is evaluated under.
    Status changes only through `change_dossier_status`, which appends a DossierEvent.
    """

    CODE_PREFIX = "HS"
    CODE_LENGTH = 7

    product = models.ForeignKey(
        "products.Product",
        on_delete=models.PROTECT,
        related_name="dossiers",
        verbose_name=_("product"),
    )
    producer = models.ForeignKey(
        "producers.Producer",
        on_delete=models.PROTECT,
        related_name="dossiers",
        verbose_name=_("producer"),
    )
    commune = models.ForeignKey(
        "geo.AdministrativeUnit",
        on_delete=models.PROTECT,
        related_name="dossiers",
        verbose_name=_("commune"),
        help_text=_("The commune that receives and pre-assesses the dossier."),
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=DossierKind.choices, default=DossierKind.FIRST
    )
    criteria_set = models.ForeignKey(
        "criteria.CriteriaSet",
        on_delete=models.PROTECT,
        related_name="dossiers",
        verbose_name=_("criteria set"),
    )
    scorecard = models.ForeignKey(
        "criteria.Scorecard",
        on_delete=models.PROTECT,
        related_name="dossiers",
        verbose_name=_("scorecard"),
    )
    procedure_profile = models.CharField(_("procedure profile"), max_length=60)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=DossierStatus.choices,
        default=DossierStatus.DRAFT,
        db_index=True,
    )
    level = models.CharField(
        _("level"), max_length=10, choices=Level.choices, default=Level.COMMUNE
    )
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("previous dossier"),
    )
    self_assessment = models.ForeignKey(
        "evaluation.SelfAssessment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
        verbose_name=_("self-assessment"),
    )
    # Mẫu 01 (phiếu đăng ký): the answers, as data so a new decision's form needs no migration.
    registration = models.JSONField(_("registration form"), default=dict, blank=True)
    samples_count = models.PositiveSmallIntegerField(_("number of samples"), default=5)
    current_stars = models.PositiveSmallIntegerField(
        _("current stars"), null=True, blank=True, help_text=_("For an upgrade or re-evaluation.")
    )
    round = models.ForeignKey(
        "evaluation.Round", null=True, blank=True, on_delete=models.PROTECT, related_name="dossiers"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    due_on = models.DateField(
        _("due on"),
        null=True,
        blank=True,
        help_text=_("Deadline of the current step (working days)."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "due_on"], name="eval_dossier_due_idx")]

    def __str__(self) -> str:
        return f"{self.code} · {self.product}"


class DossierEvent(models.Model):
    """One step of a dossier's life: the timeline the producer follows. Append-only."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, choices=DossierStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=DossierStatus.choices)
    level = models.CharField(max_length=10, choices=Level.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)
    due_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("dossier event")
        verbose_name_plural = _("dossier events")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.dossier.code}: {self.from_status} → {self.to_status}"


class Evidence(models.Model):
    """A document of the dossier, typed by category; may expire."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="evidence")
    category = models.CharField(_("category"), max_length=30, choices=EvidenceCategory.choices)
    title = models.CharField(_("title"), max_length=255)
    file = models.ForeignKey("core.StoredFile", on_delete=models.PROTECT, related_name="+")
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    carried_over = models.BooleanField(_("carried over from the previous dossier"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence document")
        verbose_name_plural = _("evidence documents")
        ordering = ["category", "id"]

    def __str__(self) -> str:
        return self.title


class CommuneAssessment(models.Model):
    """The commune's pre-assessment (Báo cáo đánh giá, Mẫu 03) of its four criteria."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="commune_assessments"
    )
    local_materials = models.TextField(_("origin of the product and local raw materials"))
    local_materials_met = models.BooleanField(default=False)
    local_labour = models.TextField(_("use of local labour"))
    local_labour_met = models.BooleanField(default=False)
    idea_origin = models.TextField(_("origin of the product idea"))
    idea_origin_met = models.BooleanField(default=False)
    local_identity = models.TextField(_("local identity and know-how"))
    local_identity_met = models.BooleanField(default=False)
    completeness_ok = models.BooleanField(
        _("dossier complete and in the right form"), default=False
    )
    conclusion = models.CharField(_("conclusion"), max_length=10, choices=CommuneConclusion.choices)
    report = models.TextField(_("report"), blank=True)
    reasons = models.TextField(_("reasons"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assessed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("commune assessment")
        verbose_name_plural = _("commune assessments")
        ordering = ["-assessed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.dossier.code} · {self.get_conclusion_display()}"
