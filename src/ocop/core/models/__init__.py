from .activity import ActivityLog
from .base import CodedModel, TimeStampedModel
from .upload import StoredFile

__all__ = ["ActivityLog", "CodedModel", "StoredFile", "TimeStampedModel"]
