from .batches import Batch, BatchInput, Location, Shipment
from .epcis import CaptureJob, Event, EventEPC
from .stamps import Scan, Stamp

__all__ = [
    "Batch",
    "BatchInput",
    "CaptureJob",
    "Event",
    "EventEPC",
    "Location",
    "Scan",
    "Shipment",
    "Stamp",
]
