"""Kinds and statuses of traceability objects, with their transition tables (one transition
function each in `services/`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LocationKind(models.TextChoices):
    FARM = "farm", _("farm or growing area")
    WORKSHOP = "workshop", _("processing workshop")
    WAREHOUSE = "warehouse", _("warehouse")
    SHOP = "shop", _("shop or point of sale")
    OTHER = "other", _("other")


class BatchStatus(models.TextChoices):
    OPEN = "open", _("in production")
    CLOSED = "closed", _("finished")
    RECALLED = "recalled", _("recalled")


BATCH_TRANSITIONS: dict[str, frozenset[str]] = {
    BatchStatus.OPEN: frozenset({BatchStatus.CLOSED, BatchStatus.RECALLED}),
    BatchStatus.CLOSED: frozenset({BatchStatus.RECALLED}),
    BatchStatus.RECALLED: frozenset(),
}


class StampStatus(models.TextChoices):
    ISSUED = "issued", _("issued, not yet active")
    ACTIVE = "active", _("active")
    VOID = "void", _("void")


STAMP_TRANSITIONS: dict[str, frozenset[str]] = {
    StampStatus.ISSUED: frozenset({StampStatus.ACTIVE, StampStatus.VOID}),
    StampStatus.ACTIVE: frozenset({StampStatus.VOID}),
    StampStatus.VOID: frozenset(),
}


class ScanWarning(models.TextChoices):
    TOO_MANY = "too_many", _("scanned more often than a genuine product usually is")
    TOO_FAR = "too_far", _("scanned in places too far apart too quickly")
    VOID = "void", _("the stamp is void")
    NOT_ACTIVE = "not_active", _("the stamp has not been activated")


class CaptureStatus(models.TextChoices):
    RUNNING = "running", _("running")
    SUCCEEDED = "succeeded", _("succeeded")
    FAILED = "failed", _("failed")


class EpcRole(models.TextChoices):
    """Where an identifier appears in an EPCIS event (for MATCH_epc / MATCH_anyEPC)."""

    EPC = "epc", "epcList"
    PARENT = "parent", "parentID"
    CHILD = "child", "childEPCs"
    INPUT = "input", "inputEPCList"
    OUTPUT = "output", "outputEPCList"
    QUANTITY = "quantity", "quantityList"
    CHILD_QUANTITY = "child_quantity", "childQuantityList"
    INPUT_QUANTITY = "input_quantity", "inputQuantityList"
    OUTPUT_QUANTITY = "output_quantity", "outputQuantityList"


class Step(models.TextChoices):
    """The steps producers record with a form; each writes one EPCIS event (CBV bizStep)."""

    HARVESTING = "harvesting", _("harvest")
    COMMISSIONING = "commissioning", _("production start")
    PROCESSING = "transforming", _("processing")
    PACKING = "packing", _("packing")
    SHIPPING = "shipping", _("shipping")
    RECEIVING = "receiving", _("receiving")
    RETAIL_SELLING = "retail_selling", _("sale")
