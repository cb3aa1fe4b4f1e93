from django.db import models
from django.utils.translation import gettext_lazy as _


class ProducerKind(models.TextChoices):
    """Who may register (QĐ 26/2026 Điều 2.3)."""

    COOPERATIVE = "cooperative", _("cooperative (hợp tác xã)")
    COOPERATIVE_GROUP = "cooperative_group", _("cooperative group (tổ hợp tác)")
    ENTERPRISE = "enterprise", _("small or medium enterprise")
    FARM = "farm", _("farm (trang trại)")
    HOUSEHOLD = "household", _("registered household business")
    ASSOCIATION = "association", _("association (tourism products only)")


class ProducerStatus(models.TextChoices):
    PENDING = "pending", _("pending approval")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    SUSPENDED = "suspended", _("suspended")


# The one table of allowed moves; change_producer_status is the only way through it.
PRODUCER_TRANSITIONS: dict[str, frozenset[str]] = {
    ProducerStatus.PENDING: frozenset({ProducerStatus.APPROVED, ProducerStatus.REJECTED}),
    ProducerStatus.REJECTED: frozenset({ProducerStatus.PENDING}),
    ProducerStatus.APPROVED: frozenset({ProducerStatus.SUSPENDED}),
    ProducerStatus.SUSPENDED: frozenset({ProducerStatus.APPROVED}),
}


class Sex(models.TextChoices):
    FEMALE = "female", _("female")
    MALE = "male", _("male")
