from django.db import models
from django.utils.translation import gettext_lazy as _


class TrainingAudience(models.TextChoices):
    OFFICIALS = "officials", _("officials")
    PRODUCERS = "producers", _("producers")
    MIXED = "mixed", _("officials and producers")


class TrainingStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    OPEN = "open", _("open for participants")
    COMPLETED = "completed", _("completed")
    CANCELLED = "cancelled", _("cancelled")


# The one state machine of a training course (`change_course_status`).
COURSE_TRANSITIONS: dict[str, frozenset[str]] = {
    TrainingStatus.PLANNED: frozenset({TrainingStatus.OPEN, TrainingStatus.CANCELLED}),
    TrainingStatus.OPEN: frozenset({TrainingStatus.COMPLETED, TrainingStatus.CANCELLED}),
    TrainingStatus.COMPLETED: frozenset(),
    TrainingStatus.CANCELLED: frozenset({TrainingStatus.PLANNED}),
}


class ParticipantKind(models.TextChoices):
    OFFICIAL = "official", _("official")
    PRODUCER = "producer", _("producer")


class ImportKind(models.TextChoices):
    PRODUCERS = "producers", _("producers")
    PRODUCTS = "products", _("products")
    RESULTS = "results", _("evaluation results")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("waiting")
    RUNNING = "running", _("running")
    DONE = "done", _("imported")
    FAILED = "failed", _("refused: nothing imported")


# The one state machine of an import (`change_import_status`).
IMPORT_TRANSITIONS: dict[str, frozenset[str]] = {
    ImportStatus.QUEUED: frozenset({ImportStatus.RUNNING, ImportStatus.FAILED}),
    ImportStatus.RUNNING: frozenset({ImportStatus.DONE, ImportStatus.FAILED}),
    ImportStatus.DONE: frozenset(),
    ImportStatus.FAILED: frozenset(),
}
