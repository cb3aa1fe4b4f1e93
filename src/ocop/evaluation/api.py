"""/api/v1/self-assessments: a producer's self-assessment (Mẫu 02, Part III) over HTTP, with the
loaders and services the pages use.

Anything the caller may not see (or change) answers 404, so existence never leaks; bad points
answer 422 problem details whose errors name the criterion (`selections.1.1`)."""

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from ocop.criteria.queries.specs import load_scorecard_spec, policy_for
from ocop.evaluation.models import SelfAssessment
from ocop.evaluation.queries.improvement import improvement_for, improvement_to_dict
from ocop.evaluation.queries.prediction import predict
from ocop.evaluation.queries.self_assessments import (
    access_product_for_self_assessment,
    access_self_assessment,
    self_assessments_visible_to,
    with_list_columns,
)
from ocop.evaluation.schemas import (
    SelfAssessmentDetailOut,
    SelfAssessmentFilters,
    SelfAssessmentIn,
    SelfAssessmentOut,
    SelfAssessmentUpdate,
)
from ocop.evaluation.services.self_assessment import (
    copy_self_assessment,
    finalise_self_assessment,
    save_self_assessment,
    start_self_assessment,
)

router = Router(tags=["self-assessments"])


def _detail(assessment: SelfAssessment) -> SelfAssessment:
    """The assessment with its prediction and what to improve (computed from the stored sheet;
    the engine is pure and the spec cached)."""
    spec = load_scorecard_spec(assessment.criteria_set.code, assessment.scorecard.number)
    policy = policy_for(assessment.criteria_set)
    prediction = predict(spec, policy, assessment.selections, has_story=assessment.has_story)
    assessment.prediction = prediction  # type: ignore[attr-defined]
    assessment.improvement = improvement_to_dict(  # type: ignore[attr-defined]
        improvement_for(
            spec,
            policy,
            prediction.result,
            not_asked=prediction.not_asked,
            unanswered=prediction.unanswered,
        )
    )
    return assessment


@router.get(
    "", response=list[SelfAssessmentOut], summary="List the self-assessments the caller may see"
)
@paginate(LimitOffsetPagination)
def list_self_assessments(
    request: HttpRequest, filters: Query[SelfAssessmentFilters]
) -> QuerySet[SelfAssessment]:
    """Newest first. `product` (a product code) keeps one product's; a product the caller may
    not see answers 404."""
    queryset = self_assessments_visible_to(request.auth)
    if filters.product:
        product = access_product_for_self_assessment(request.auth, filters.product)
        queryset = queryset.filter(product=product)
    return with_list_columns(queryset)


@router.post("", response={201: SelfAssessmentDetailOut}, summary="Start a self-assessment")
def start(request: HttpRequest, payload: SelfAssessmentIn) -> Status:
    """An empty draft on the scorecard of the product's classification (422 when the product
    has none, or its criteria set is not used for new evaluations)."""
    product = access_product_for_self_assessment(request.auth, payload.product, write=True)
    return Status(201, _detail(start_self_assessment(actor=request.auth, product=product)))


@router.get(
    "/{code}",
    response=SelfAssessmentDetailOut,
    summary="One self-assessment, with its prediction and what to improve",
)
def detail(request: HttpRequest, code: str) -> SelfAssessment:
    return _detail(access_self_assessment(request.auth, code))


@router.put("/{code}", response=SelfAssessmentDetailOut, summary="Save a draft's answers")
def update(request: HttpRequest, code: str, payload: SelfAssessmentUpdate) -> SelfAssessment:
    """Replaces the answers, the story question and the comments, and recomputes the
    prediction. Criteria left out are "not answered yet" (0 points). Points that are not an
    option of the criterion, or an unknown criterion, answer 422 naming it."""
    assessment = access_self_assessment(request.auth, code, write=True)
    save_self_assessment(
        actor=request.auth,
        assessment=assessment,
        selections=payload.selections,
        has_story=payload.has_story,
        comments=payload.comments,
        choices=payload.choices,
    )
    return _detail(assessment)


@router.post(
    "/{code}/finalise", response=SelfAssessmentDetailOut, summary="Make a self-assessment final"
)
def finalise(request: HttpRequest, code: str) -> SelfAssessment:
    """Every criterion asked must be answered (422 lists those that are not). A final
    self-assessment is read-only."""
    assessment = access_self_assessment(request.auth, code, write=True)
    return _detail(finalise_self_assessment(actor=request.auth, assessment=assessment))


@router.post(
    "/{code}/copy", response={201: SelfAssessmentDetailOut}, summary="Copy into a new draft"
)
def copy(request: HttpRequest, code: str) -> Status:
    assessment = access_self_assessment(request.auth, code, write=True)
    return Status(201, _detail(copy_self_assessment(actor=request.auth, assessment=assessment)))
