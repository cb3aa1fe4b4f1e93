"""The public pages of the OCOP rules: criteria sets, scorecards and the blank evaluation sheet.

Anyone may read them (transparency): no login, and every page is a fixed number of queries.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ocop.criteria.models import ClassificationNode
from ocop.criteria.queries.sets import (
    band_rows,
    classification_tree,
    corrections_of,
    criteria_set_by_code,
    criteria_sets,
    scorecard_by_number,
    scorecard_tree,
    scorecards_of,
)

BOTTOM_LINES = ("hồ sơ bị loại", "bị loại", "ghi chú", "ý kiến")


@require_GET
def set_list(request: HttpRequest) -> HttpResponse:
    return render(request, "criteria/set_list.html", {"sets": list(criteria_sets())})


@require_GET
def set_detail(request: HttpRequest, code: str) -> HttpResponse:
    criteria_set = criteria_set_by_code(code)
    return render(
        request,
        "criteria/set_detail.html",
        {
            "criteria_set": criteria_set,
            "classification": classification_tree(criteria_set),
            "scorecards": list(scorecards_of(criteria_set)),
            "corrections": corrections_of(criteria_set),
            "bands": band_rows(criteria_set),
        },
    )


def _scorecard_context(code: str, number: int) -> dict[str, object]:
    criteria_set = criteria_set_by_code(code)
    scorecard = scorecard_by_number(criteria_set, number)
    tree = scorecard_tree(scorecard)
    return {
        "criteria_set": criteria_set,
        "scorecard": scorecard,
        "tree": tree,
        "rows": tree.rows,
        "classification_nodes": list(
            ClassificationNode.objects.filter(scorecard=scorecard).order_by("position")
        ),
    }


@require_GET
def scorecard_detail(request: HttpRequest, code: str, number: int) -> HttpResponse:
    return render(request, "criteria/scorecard.html", _scorecard_context(code, number))


@require_GET
def scorecard_sheet(request: HttpRequest, code: str, number: int) -> HttpResponse:
    """The blank phiếu đánh giá, for printing on A4."""
    context = _scorecard_context(code, number)
    meta = list(context["scorecard"].meta)  # type: ignore[attr-defined]
    # The form's own lines first (product, producer, address); the knock-out line, the legend
    # and the reviewer's comment lines after the table.
    split = next(
        (index for index, line in enumerate(meta) if line.lower().startswith(BOTTOM_LINES)),
        len(meta),
    )
    context["meta_top"] = [line for line in meta[:split] if line.strip("_ ")]
    context["meta_bottom"] = meta[split:]
    return render(request, "criteria/sheet.html", context)
