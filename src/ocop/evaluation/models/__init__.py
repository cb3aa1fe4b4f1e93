from .calendar import Holiday
from .councils import ConflictDeclaration, Council, CouncilMember, Round, Session, SessionDossier
from .decisions import Decision, DecisionItem
from .dossiers import CommuneAssessment, Dossier, DossierEvent, Evidence
from .notifications import Notification, OutboxMessage
from .scoring import DiscussionRound, ScoreSheet, ScoreSheetVersion
from .self_assessment import SelfAssessment

__all__ = [
    "CommuneAssessment",
    "ConflictDeclaration",
    "Council",
    "CouncilMember",
    "Decision",
    "DecisionItem",
    "DiscussionRound",
    "Dossier",
    "DossierEvent",
    "Evidence",
    "Holiday",
    "Notification",
    "OutboxMessage",
    "Round",
    "ScoreSheet",
    "ScoreSheetVersion",
    "SelfAssessment",
    "Session",
    "SessionDossier",
]
