from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ocop.core.models import CodedModel
from ocop.reports.enums import ParticipantKind, TrainingAudience, TrainingStatus


class TrainingCourse(CodedModel):
    """A training course (khóa đào tạo, tập huấn) for officials and/or producers; status only
    through `change_course_status`."""

    CODE_PREFIX = "DT"

    title = models.CharField(_("title"), max_length=255)
    topic = models.CharField(_("topic"), max_length=255, blank=True)
    audience = models.CharField(_("audience"), max_length=20, choices=TrainingAudience.choices)
    organiser = models.CharField(_("organiser"), max_length=255)
    unit = models.ForeignKey(
        "geo.AdministrativeUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("administrative unit"),
    )
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    description = models.TextField(_("description"), blank=True)
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=TrainingStatus.choices,
        default=TrainingStatus.PLANNED,
        db_index=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-year", "title"]
        verbose_name = _("training course")
        verbose_name_plural = _("training courses")

    def __str__(self) -> str:
        return self.title


class TrainingSession(models.Model):
    """One day (or a few days) of a course: when, where, who teaches."""

    course = models.ForeignKey(TrainingCourse, on_delete=models.CASCADE, related_name="sessions")
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    place = models.CharField(_("place"), max_length=255)
    trainer = models.CharField(_("trainer"), max_length=255, blank=True)

    class Meta:
        ordering = ["starts_on", "pk"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="reports_training_session_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.course} · {self.starts_on:%d/%m/%Y}"


class TrainingParticipant(models.Model):
    """A person enrolled in a course: an official or someone of a producer."""

    course = models.ForeignKey(
        TrainingCourse, on_delete=models.CASCADE, related_name="participants"
    )
    kind = models.CharField(_("participant is"), max_length=20, choices=ParticipantKind.choices)
    full_name = models.CharField(_("full name"), max_length=200)
    organisation_name = models.CharField(_("organisation"), max_length=255, blank=True)
    producer = models.ForeignKey(
        "producers.Producer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("producer"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("account"),
    )
    unit = models.ForeignKey(
        "geo.AdministrativeUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("administrative unit"),
    )
    sex = models.CharField(_("sex"), max_length=10, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["full_name", "pk"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self) -> str:
        return self.full_name


class TrainingAttendance(models.Model):
    """Whether a participant attended a session (one row per participant and session)."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="attendance"
    )
    participant = models.ForeignKey(
        TrainingParticipant, on_delete=models.CASCADE, related_name="attendance"
    )
    present = models.BooleanField(_("present"), default=False)
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "participant"], name="reports_attendance_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant} · {self.session}"
