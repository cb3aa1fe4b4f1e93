"""`POST /api/v1/scoring/preview`: score a council's sheets, store nothing (public)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router

from ocop.core.problems import problem
from ocop.criteria.engine.errors import ScoringError
from ocop.criteria.engine.scoring import result_to_dict, score_council
from ocop.criteria.queries.specs import UnknownScorecard, load_scorecard_spec, policy_for
from ocop.criteria.schemas_scoring import ScoringPreviewIn, ScoringProblemOut, ScoringResultOut

router = Router(tags=["scoring"])


@router.post(
    "/preview",
    response={200: ScoringResultOut, 422: ScoringProblemOut},
    auth=None,
    summary="Score a council's sheets (nothing is stored)",
    description="The same object as `ocop score`: the mean, median and spread of the members' "
    "totals, the band, the stars after the minimum-star requirements (`capped_by` names the "
    "criteria that kept the product below its band), the spread flag, the knock-out if any, "
    "and each member's total and part totals. Bad input answers 422 with one error per "
    "problem, each naming its criterion and member.",
)
def preview(request: HttpRequest, payload: ScoringPreviewIn) -> Any:
    try:
        policy = policy_for(payload.criteria_set)
    except UnknownScorecard as exc:
        return _unknown(request, "criteria_set", exc)
    try:
        spec = load_scorecard_spec(payload.criteria_set, payload.scorecard)
    except UnknownScorecard as exc:
        return _unknown(request, "scorecard", exc)
    try:
        result = score_council(
            spec,
            policy,
            payload.to_inputs(),
            dossier_knockouts=payload.dossier_knockouts,
        )
    except ScoringError as exc:
        return problem(
            request,
            422,
            _("The sheets cannot be scored."),
            kind="scoring",
            errors=exc.as_dicts(),
        )
    return result_to_dict(result)


def _unknown(request: HttpRequest, field: str, exc: UnknownScorecard) -> HttpResponse:
    return problem(
        request,
        422,
        _("The request is not valid."),
        kind="validation",
        errors=[{"field": field, "message": message} for message in exc.messages],
    )
