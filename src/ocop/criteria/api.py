"""The OCOP rules, public (transparency): criteria sets and their scorecards as JSON."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from ocop.criteria.queries.sets import (
    classification_tree,
    corrections_of,
    criteria_set_by_code,
    criteria_sets,
    scorecard_by_number,
    scorecard_tree,
    scorecards_of,
)
from ocop.criteria.schemas import CriteriaSetDetailOut, CriteriaSetListOut, ScorecardOut

router = Router(tags=["criteria"])


@router.get("/sets", response=list[CriteriaSetListOut], auth=None, summary="List the criteria sets")
def list_sets(request: HttpRequest) -> Any:
    return list(criteria_sets())


@router.get(
    "/sets/{code}",
    response=CriteriaSetDetailOut,
    auth=None,
    summary="One criteria set: bands, policies, classification, scorecards, corrections",
)
def get_set(request: HttpRequest, code: str) -> Any:
    criteria_set = criteria_set_by_code(code)
    criteria_set.classification_roots = classification_tree(criteria_set)  # type: ignore[attr-defined]
    criteria_set.scorecard_list = list(scorecards_of(criteria_set))  # type: ignore[attr-defined]
    criteria_set.correction_list = corrections_of(criteria_set)  # type: ignore[attr-defined]
    return criteria_set


@router.get(
    "/sets/{code}/scorecards/{number}",
    response=ScorecardOut,
    auth=None,
    summary="One scorecard as a tree: parts, groups, criteria, options, notes, knock-out rules",
)
def get_scorecard(request: HttpRequest, code: str, number: int) -> Any:
    criteria_set = criteria_set_by_code(code)
    return scorecard_tree(scorecard_by_number(criteria_set, number))
