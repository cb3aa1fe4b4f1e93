from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ocop.core.models import CodedModel
from ocop.evaluation.enums import CouncilRole, Level, RoundStatus, SessionSource, SessionStatus


class Round(CodedModel):
    """An evaluation round (đợt): at least two a year at each level, with their deadlines."""

    CODE_PREFIX = "DG"
    CODE_LENGTH = 6

    name = models.CharField(_("name"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(_("round number"))
    level = models.CharField(
        _("level"), max_length=10, choices=Level.choices, default=Level.PROVINCE
    )
    criteria_set = models.ForeignKey(
        "criteria.CriteriaSet", on_delete=models.PROTECT, related_name="rounds"
    )
    proposal_deadline = models.DateField(_("dossiers proposed by"), null=True, blank=True)
    evaluation_deadline = models.DateField(_("evaluated by"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RoundStatus.choices,
        default=RoundStatus.PLANNED,
        db_index=True,
    )

    class Meta:
        verbose_name = _("evaluation round")
        verbose_name_plural = _("evaluation rounds")
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "number", "level"], name="eval_round_unique_number"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Council(CodedModel):
    """A hội đồng: its members, quorum rule and discussion threshold are data of the council."""

    CODE_PREFIX = "HD"
    CODE_LENGTH = 6

    name = models.CharField(_("name"), max_length=255)
    level = models.CharField(
        _("level"), max_length=10, choices=Level.choices, default=Level.PROVINCE
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="councils",
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sub_councils",
        help_text=_("For a sub-council of one product group."),
    )
    product_groups = models.ManyToManyField(
        "criteria.ClassificationNode",
        blank=True,
        related_name="councils",
        help_text=_("Empty: every group."),
    )
    quorum_ratio = models.DecimalField(
        _("quorum"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.75"),
        help_text=_("Share of members who must be present, e.g. 0.75."),
    )
    quorum_requires_chair = models.BooleanField(_("the chair must be present"), default=True)
    spread_threshold = models.DecimalField(
        _("discussion threshold (points)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: the criteria set's threshold."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("council")
        verbose_name_plural = _("councils")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CouncilMember(models.Model):
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="council_seats"
    )
    role = models.CharField(
        _("role"), max_length=10, choices=CouncilRole.choices, default=CouncilRole.MEMBER
    )
    department = models.CharField(_("department"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("council member")
        verbose_name_plural = _("council members")
        ordering = ["council", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["council", "user"], name="eval_council_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"

    @property
    def scores(self) -> bool:
        """Chair and members score; the secretary keeps the minutes."""
        return self.role in (CouncilRole.CHAIR, CouncilRole.MEMBER)


class Session(CodedModel):
    """A council meeting (phiên họp) of a round, for a list of dossiers."""

    CODE_PREFIX = "PH"
    CODE_LENGTH = 6

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="sessions")
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="sessions")
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=255, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=SessionStatus.choices,
        default=SessionStatus.OPEN,
        db_index=True,
    )
    present = models.ManyToManyField(CouncilMember, blank=True, related_name="sessions_attended")
    source = models.CharField(
        _("source of the results"),
        max_length=10,
        choices=SessionSource.choices,
        default=SessionSource.LIVE,
    )
    minutes_reference = models.CharField(
        _("archived minutes"),
        max_length=300,
        blank=True,
        help_text=_("The minutes the results are transcribed from (number, date, archive)."),
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("council session")
        verbose_name_plural = _("council sessions")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.council} · {self.held_on:%d/%m/%Y}"


class SessionDossier(models.Model):
    """A dossier on a session's agenda, with the council result once the session closes."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="agenda")
    dossier = models.ForeignKey(
        "evaluation.Dossier", on_delete=models.PROTECT, related_name="agenda_items"
    )
    position = models.PositiveSmallIntegerField(default=0)
    flagged_for_discussion = models.BooleanField(_("flagged for discussion"), default=False)
    # The whole-dossier knock-outs the secretary or the chair recorded ("Hồ sơ bị loại khi: giả
    # mạo hồ sơ …", the scorecard's rules of scope "dossier"): [{"code", "reason", "by", "at"}],
    # passed to the engine (`combine_sheets(..., dossier_knockouts=...)`) when the session closes.
    dossier_knockouts = models.JSONField(_("dossier knock-outs"), default=list, blank=True)
    # The engine's result (result_to_dict), written once when the session closes; never by hand.
    result = models.JSONField(_("council result"), null=True, blank=True)
    mean_total = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    stars = models.PositiveSmallIntegerField(null=True, blank=True)
    band_stars = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["session", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "dossier"], name="eval_agenda_unique")
        ]

    def __str__(self) -> str:
        return f"{self.session} · {self.dossier.code}"


class ConflictDeclaration(models.Model):
    """Every member declares, for each dossier, whether they are tied to the producer."""

    item = models.ForeignKey(SessionDossier, on_delete=models.CASCADE, related_name="declarations")
    member = models.ForeignKey(CouncilMember, on_delete=models.PROTECT, related_name="declarations")
    has_conflict = models.BooleanField(_("has a conflict of interest"))
    note = models.TextField(_("note"), blank=True)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("conflict-of-interest declaration")
        verbose_name_plural = _("conflict-of-interest declarations")
        constraints = [
            models.UniqueConstraint(fields=["item", "member"], name="eval_declaration_unique")
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.item.dossier.code} · {self.has_conflict}"
