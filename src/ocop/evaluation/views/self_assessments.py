"""The self-assessment screens: a product's list (start a new one), the form with its result
("what to improve"), copy. Each loads through the permission loader and calls the services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ocop.accounts.rules import access_for
from ocop.criteria.engine.types import ScorecardSpec
from ocop.criteria.queries.specs import load_scorecard_spec, policy_for
from ocop.evaluation.forms import SelfAssessmentForm
from ocop.evaluation.models import SelfAssessment
from ocop.evaluation.queries.improvement import improvement_for
from ocop.evaluation.queries.prediction import predict
from ocop.evaluation.queries.self_assessments import (
    access_product_for_self_assessment,
    access_self_assessment,
    can_edit_self_assessments_of,
    self_assessments_of,
)
from ocop.evaluation.queries.sheet import case_headings, sheet_rows, stored_values
from ocop.evaluation.services.self_assessment import (
    copy_self_assessment,
    finalise_self_assessment,
    save_self_assessment,
    start_self_assessment,
)
from ocop.products.queries.classification import classification_problem
from ocop.products.queries.products import can_edit_product

RESULT_ANCHOR = "#ket-qua"
CRITERION_KEYS = ("selections", "comments", "choices")


@login_required
@require_GET
def product_self_assessments(request: HttpRequest, code: str) -> HttpResponse:
    access = access_for(request.user)
    product = access_product_for_self_assessment(access, code)
    node = product.classification
    if node is None:
        problem = _(
            "The product “%(name)s” has no OCOP classification yet: choose its product group "
            "first, it decides the scorecard."
        ) % {"name": product.name}
    else:
        problem = classification_problem(node) or ""
    context = {
        "product": product,
        "tab": "self_assessment",
        "can_edit": can_edit_product(access, product),
        "can_assess": can_edit_self_assessments_of(access, product),
        "assessments": list(self_assessments_of(product)),
        "problem": problem,
    }
    return render(request, "evaluation/product_self_assessments.html", context)


@login_required
@require_POST
def start(request: HttpRequest, code: str) -> HttpResponse:
    product = access_product_for_self_assessment(request.user, code, write=True)
    try:
        assessment = start_self_assessment(actor=request.user, product=product)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("self_assessments:list", code=product.code)
    messages.success(request, _("A new self-assessment has been started."))
    return redirect("evaluation:self_assessment", code=assessment.code)


@login_required
@require_POST
def copy(request: HttpRequest, code: str) -> HttpResponse:
    source = access_self_assessment(request.user, code, write=True)
    try:
        assessment = copy_self_assessment(actor=request.user, assessment=source)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("evaluation:self_assessment", code=source.code)
    messages.success(
        request,
        _("A new draft has been made from self-assessment %(code)s.") % {"code": source.code},
    )
    return redirect("evaluation:self_assessment", code=assessment.code)


def _split_errors(
    exc: ValidationError, spec: ScorecardSpec
) -> tuple[dict[str, list[str]], list[str]]:
    """Service errors by criterion (`selections.1.1` → "1.1"), and every message for the top."""
    codes = {criterion.code for criterion in spec.criteria}
    by_criterion: dict[str, list[str]] = {}
    top: list[str] = []
    items = (
        exc.message_dict.items()
        if hasattr(exc, "error_dict")
        else [(NON_FIELD_ERRORS, exc.messages)]
    )
    for key, messages_ in items:
        prefix, _dot, code = key.partition(".")
        for message in messages_:
            top.append(message)
            if prefix in CRITERION_KEYS and code in codes:
                by_criterion.setdefault(code, []).append(message)
    return by_criterion, top


@login_required
@require_http_methods(["GET", "POST"])
def self_assessment(request: HttpRequest, code: str) -> HttpResponse:
    """The form (the producer's people, while it is a draft) or the read-only sheet, with the
    prediction as of the last save and what to improve for the next star."""
    access = access_for(request.user)
    posting = request.method == "POST"
    assessment = access_self_assessment(access, code, write=posting)
    if posting and assessment.is_final:
        messages.error(
            request,
            _("Self-assessment %(code)s is final and cannot be changed: copy it into a new draft.")
            % {"code": assessment.code},
        )
        return redirect("evaluation:self_assessment", code=assessment.code)
    spec = load_scorecard_spec(assessment.criteria_set.code, assessment.scorecard.number)
    errors: dict[str, list[str]] = {}
    top_errors: list[str] = []
    values = stored_values(spec, assessment.selections, assessment.choices)
    comments: dict[str, str] = dict(assessment.comments)
    has_story = assessment.has_story
    if posting:
        form = SelfAssessmentForm(request.POST, spec=spec)
        if form.is_valid():
            selections, choices, posted_comments = form.answers()
            has_story = form.cleaned_data["has_story"]
            saved = False
            try:
                save_self_assessment(
                    actor=request.user,
                    assessment=assessment,
                    selections=selections,
                    has_story=has_story,
                    comments=posted_comments,
                    choices=choices,
                )
                saved = True
                if form.finalising:
                    finalise_self_assessment(actor=request.user, assessment=assessment)
            except ValidationError as exc:
                errors, top_errors = _split_errors(exc, spec)
                if saved:
                    top_errors.insert(
                        0, _("The draft has been saved, but it cannot be finalised yet:")
                    )
            else:
                messages.success(
                    request,
                    _("The self-assessment is final.")
                    if form.finalising
                    else _("The draft has been saved and the prediction updated."),
                )
                url = reverse("evaluation:self_assessment", kwargs={"code": assessment.code})
                return redirect(url + RESULT_ANCHOR)
        else:
            errors = form.criterion_errors()
            top_errors = [message for found in errors.values() for message in found]
            top_errors += form.other_errors()
            has_story = bool(request.POST.get("has_story"))
        values, comments = form.posted_values()
    return render(
        request,
        "evaluation/self_assessment.html",
        _form_context(access, assessment, spec, values, comments, has_story, errors, top_errors),
    )


def _form_context(
    access: Any,
    assessment: SelfAssessment,
    spec: ScorecardSpec,
    values: dict[str, str],
    comments: dict[str, str],
    has_story: bool,
    errors: dict[str, list[str]],
    top_errors: list[str],
) -> dict[str, Any]:
    policy = policy_for(assessment.criteria_set)
    prediction = predict(spec, policy, assessment.selections, has_story=assessment.has_story)
    result = prediction.result
    member = result.members[0]
    return {
        "assessment": assessment,
        "product": assessment.product,
        "spec": spec,
        "parts": sheet_rows(
            spec,
            values=values,
            comments=comments,
            errors=errors,
            headings=case_headings(assessment.scorecard),
            part_totals=member.parts,
        ),
        "has_story": has_story,
        "editable": can_edit_self_assessments_of(access, assessment.product)
        and not assessment.is_final,
        "can_copy": can_edit_self_assessments_of(access, assessment.product),
        "errors": top_errors,
        "result": result,
        "part_totals": [
            (part.code, part.title, member.parts.get(part.code), part.max_points)
            for part in spec.parts
        ],
        "unanswered": prediction.unanswered,
        "criteria_count": len(spec.criteria) - len(prediction.not_asked),
        "improvement": improvement_for(
            spec,
            policy,
            result,
            not_asked=prediction.not_asked,
            unanswered=prediction.unanswered,
        ),
    }
