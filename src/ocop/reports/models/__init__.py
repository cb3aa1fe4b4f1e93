from .imports import ImportJob
from .plans import Plan
from .training import TrainingAttendance, TrainingCourse, TrainingParticipant, TrainingSession

__all__ = [
    "ImportJob",
    "Plan",
    "TrainingAttendance",
    "TrainingCourse",
    "TrainingParticipant",
    "TrainingSession",
]
