from .scorecards import KnockoutRule, Node, Note, Option, Scorecard
from .sets import ClassificationNode, Correction, CriteriaSet

__all__ = [
    "ClassificationNode",
    "Correction",
    "CriteriaSet",
    "KnockoutRule",
    "Node",
    "Note",
    "Option",
    "Scorecard",
]
