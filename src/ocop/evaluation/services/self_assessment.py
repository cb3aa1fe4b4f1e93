"""Every write to self-assessments (Mẫu 02, Part III). The caller has passed the permission
loader (`access_product_for_self_assessment(..., write=True)` or
`access_self_assessment(..., write=True)`) before calling.

A self-assessment is scored by the criteria engine as a one-member council on every save
(`ocop.evaluation.queries.prediction.predict`): a draft may leave criteria unanswered (they count
0), but whatever it does answer is checked, and an error names the criterion.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.core.services.activity import log_action, snapshot
from ocop.core.text import nfc
from ocop.criteria.engine.errors import ScoringError
from ocop.criteria.engine.scoring import result_to_dict
from ocop.criteria.engine.types import Policy, ScorecardSpec
from ocop.criteria.models import CriteriaSet, Scorecard
from ocop.criteria.queries.specs import load_scorecard_spec, policy_for
from ocop.criteria.services.sets import lock_criteria_set
from ocop.evaluation.enums import SELF_ASSESSMENT_TRANSITIONS, SelfAssessmentStatus
from ocop.evaluation.models import SelfAssessment
from ocop.evaluation.queries.prediction import Prediction, json_points, predict
from ocop.products.models import Product
from ocop.products.queries.classification import classification_problem, criteria_set_problem

COMMENT_MAX = 2000  # characters of a comment on one criterion
SUMMARY_FIELDS = ("total", "predicted_stars", "answered", "has_story")


def _spec_and_policy(
    criteria_set: CriteriaSet, scorecard: Scorecard
) -> tuple[ScorecardSpec, Policy]:
    return load_scorecard_spec(criteria_set.code, scorecard.number), policy_for(criteria_set)


def _validation_error(exc: ScoringError) -> ValidationError:
    """The engine's issues as field errors: `selections.<criterion>` → the message (which names
    the criterion)."""
    errors: dict[str, list[str]] = {}
    for issue in exc.issues:
        errors.setdefault(issue.field or "selections", []).append(issue.message)
    return ValidationError(errors)


def _predict(
    spec: ScorecardSpec, policy: Policy, selections: Mapping[str, Any], has_story: bool
) -> Prediction:
    try:
        return predict(spec, policy, selections, has_story=has_story)
    except ScoringError as exc:
        raise _validation_error(exc) from None


def _apply(assessment: SelfAssessment, prediction: Prediction) -> None:
    assessment.selections = {
        code: json_points(value) for code, value in prediction.selections.items()
    }
    assessment.result = result_to_dict(prediction.result)
    assessment.total = prediction.result.mean_total
    assessment.predicted_stars = prediction.result.stars
    assessment.answered = len(prediction.selections)


def _author(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _scorecard_of(product: Product) -> Scorecard:
    """The scorecard of the product's classification, if new scoring may use it."""
    node = product.classification
    if node is None:
        raise ValidationError(
            {
                "product": _(
                    "The product “%(name)s” has no OCOP classification yet: choose its product "
                    "group first, it decides the scorecard."
                )
                % {"name": product.name}
            }
        )
    problem = classification_problem(node)
    if problem or node.scorecard is None:
        raise ValidationError({"product": problem})
    return node.scorecard


def _lock(assessment: SelfAssessment) -> str:
    """Lock the row until the transaction ends; return the status as stored."""
    return str(
        SelfAssessment.objects.select_for_update()
        .values_list("status", flat=True)
        .get(pk=assessment.pk)
    )


def _read_only(assessment: SelfAssessment) -> ValidationError:
    return ValidationError(
        {
            "status": _(
                "Self-assessment %(code)s is final and cannot be changed: copy it into a new draft."
            )
            % {"code": assessment.code}
        }
    )


@transaction.atomic
def start_self_assessment(*, actor: Any, product: Product) -> SelfAssessment:
    """A new, empty draft on the scorecard of the product's classification. The criteria set is
    locked (the version a self-assessment uses never changes under it)."""
    scorecard = _scorecard_of(product)
    criteria_set = scorecard.criteria_set
    lock_criteria_set(actor=actor, criteria_set=criteria_set)
    spec, policy = _spec_and_policy(criteria_set, scorecard)
    assessment = SelfAssessment(
        product=product,
        criteria_set=criteria_set,
        scorecard=scorecard,
        has_story=True,
        created_by=_author(actor),
    )
    _apply(assessment, _predict(spec, policy, {}, True))
    assessment.save()
    log_action(
        actor,
        "evaluation.self_assessment.create",
        assessment,
        new=snapshot(assessment, ("product", "criteria_set", "scorecard", "status")),
        data={"scorecard_number": scorecard.number},
    )
    return assessment


@transaction.atomic
def copy_self_assessment(*, actor: Any, assessment: SelfAssessment) -> SelfAssessment:
    """A new draft with the answers, choices and comments of `assessment` (draft or final), on
    the same scorecard, which new scoring must still be allowed to use."""
    problem = criteria_set_problem(assessment.criteria_set)
    if problem is None and not assessment.scorecard.usable:
        problem = _(
            "Scorecard %(number)s of %(criteria_set)s is incomplete and cannot be used for scoring."
        ) % {"number": assessment.scorecard.number, "criteria_set": assessment.criteria_set.code}
    if problem:
        raise ValidationError({"criteria_set": problem})
    spec, policy = _spec_and_policy(assessment.criteria_set, assessment.scorecard)
    copy = SelfAssessment(
        product=assessment.product,
        criteria_set=assessment.criteria_set,
        scorecard=assessment.scorecard,
        has_story=assessment.has_story,
        choices=dict(assessment.choices),
        comments=dict(assessment.comments),
        copied_from=assessment,
        created_by=_author(actor),
    )
    _apply(copy, _predict(spec, policy, assessment.selections, assessment.has_story))
    copy.save()
    log_action(
        actor,
        "evaluation.self_assessment.create",
        copy,
        new=snapshot(copy, ("product", "criteria_set", "scorecard", "status")),
        data={"copied_from": assessment.code},
    )
    return copy


def _clean_comments(spec: ScorecardSpec, comments: Mapping[str, Any]) -> dict[str, str]:
    codes = {criterion.code for criterion in spec.criteria}
    cleaned: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for code, value in comments.items():
        key = f"comments.{code}"
        if code not in codes:
            errors[key] = [
                _("There is no criterion %(criterion)s on this scorecard.") % {"criterion": code}
            ]
            continue
        if value is None:
            continue
        if not isinstance(value, str):
            errors[key] = [
                _("The comment on criterion %(criterion)s must be text.") % {"criterion": code}
            ]
            continue
        text = nfc(value).replace("\x00", "")
        if len(text) > COMMENT_MAX:
            errors[key] = [
                _("The comment on criterion %(criterion)s is longer than %(count)s characters.")
                % {"criterion": code, "count": COMMENT_MAX}
            ]
        elif text:
            cleaned[code] = text
    if errors:
        raise ValidationError(errors)
    return {c.code: cleaned[c.code] for c in spec.criteria if c.code in cleaned}


def _clean_choices(
    spec: ScorecardSpec, choices: Mapping[str, Any], kept: Mapping[str, Decimal]
) -> dict[str, int]:
    """Which option was picked (1-based position; 0 for "none applies"), kept only for criteria
    answered; it must give the points answered."""
    by_code = {criterion.code: criterion for criterion in spec.criteria}
    cleaned: dict[str, int] = {}
    errors: dict[str, list[str]] = {}
    for code, position in choices.items():
        criterion = by_code.get(code)
        if criterion is None or code not in kept:
            continue
        options = criterion.options
        if criterion.binary or not options:
            given = {0: Decimal(0), 1: criterion.max_points}
        else:
            given = {index: option.points for index, option in enumerate(options, start=1)}
            given[0] = Decimal(0)
        valid = isinstance(position, int) and not isinstance(position, bool)
        if not valid or position not in given or given[position] != kept[code]:
            errors[f"choices.{code}"] = [
                _(
                    "Option %(position)s of criterion %(criterion)s does not give the %(points)s "
                    "points answered."
                )
                % {"position": position, "criterion": code, "points": json_points(kept[code])}
            ]
            continue
        cleaned[code] = position
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def save_self_assessment(
    *,
    actor: Any,
    assessment: SelfAssessment,
    selections: Mapping[str, Any],
    has_story: bool,
    comments: Mapping[str, Any] | None = None,
    choices: Mapping[str, Any] | None = None,
) -> SelfAssessment:
    """Save a draft's answers and recompute its prediction.

    `selections` maps criterion codes to points: a draft may leave criteria out (not answered
    yet: 0 in the prediction); points that are not an option of the criterion, an unknown
    criterion code … raise ValidationError keyed `selections.<code>`, naming the criterion.
    Without a product story (`has_story` False) the conditional criterion (5.2) is not asked:
    an answer to it is dropped and it scores 0. `comments` maps criterion codes to text;
    `choices` (optional) the option picked where points alone do not say which.
    """
    current = _lock(assessment)
    assessment.status = current
    if current == SelfAssessmentStatus.FINAL:
        raise _read_only(assessment)
    spec, policy = _spec_and_policy(assessment.criteria_set, assessment.scorecard)
    prediction = _predict(spec, policy, selections, bool(has_story))
    cleaned_comments = _clean_comments(spec, comments or {})
    cleaned_choices = _clean_choices(spec, choices or {}, prediction.selections)
    old = snapshot(assessment, SUMMARY_FIELDS)
    assessment.has_story = bool(has_story)
    assessment.comments = cleaned_comments
    assessment.choices = cleaned_choices
    _apply(assessment, prediction)
    assessment.save()
    log_action(
        actor,
        "evaluation.self_assessment.update",
        assessment,
        old=old,
        new=snapshot(assessment, SUMMARY_FIELDS),
    )
    return assessment


@transaction.atomic
def finalise_self_assessment(*, actor: Any, assessment: SelfAssessment) -> SelfAssessment:
    """The one transition (draft → final, SELF_ASSESSMENT_TRANSITIONS): every criterion asked
    must be answered (5.2 too when the product has a story); the errors name the criteria that
    are not. A final self-assessment is read-only; it can be copied into a new draft."""
    current = _lock(assessment)
    assessment.status = current
    if SelfAssessmentStatus.FINAL not in SELF_ASSESSMENT_TRANSITIONS.get(current, frozenset()):
        raise _read_only(assessment)
    spec, policy = _spec_and_policy(assessment.criteria_set, assessment.scorecard)
    prediction = _predict(spec, policy, assessment.selections, assessment.has_story)
    if prediction.unanswered:
        raise ValidationError(
            {
                f"selections.{code}": _(
                    "Criterion %(criterion)s is not answered yet: answer it before finalising."
                )
                % {"criterion": code}
                for code in prediction.unanswered
            }
        )
    _apply(assessment, prediction)
    assessment.status = SelfAssessmentStatus.FINAL
    assessment.finalised_at = timezone.now()
    assessment.save()
    log_action(
        actor,
        "evaluation.self_assessment.finalise",
        assessment,
        old={"status": current},
        new={"status": assessment.status},
        data={"total": assessment.total, "predicted_stars": assessment.predicted_stars},
    )
    return assessment
