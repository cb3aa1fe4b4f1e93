"""Results: the producer's result page of a dossier, and the public results (no sign-in)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from ocop.core.xlsx import Column, wants_xlsx, xlsx_response
from ocop.evaluation.queries.results import (
    access_dossier_result,
    access_published_round,
    dossier_result,
    filter_choices,
    filter_results,
    published_rounds,
    recognised_items,
    round_decisions,
)

PER_PAGE = 50
ROUND_COLUMNS = [
    Column(_("Product"), "dossier.product.name", width=36),
    Column(_("Product code"), "dossier.product.code"),
    Column(_("Producer"), "dossier.producer.name", width=36),
    Column(_("Commune or ward"), "dossier.producer.commune.name", width=24),
    Column(_("Product group"), "dossier.product.classification.code"),
    Column(_("Product group name"), "dossier.product.classification.name", width=30),
    Column(_("Criteria set"), "dossier.criteria_set.code"),
    Column(_("Mean score"), "mean_total", kind="decimal"),
    Column(_("Stars"), "stars", kind="int"),
    Column(_("Decision"), "decision.number", width=20),
    Column(_("Signed on"), "decision.signed_on", kind="date"),
]


@login_required
@require_GET
def dossier_result_page(request: HttpRequest, code: str) -> HttpResponse:
    """/danh-gia/ho-so/<code>/ket-qua/: per criterion the mean points and the comments (not who
    wrote them), the part totals, mean, stars and why the stars are capped. Before publication
    the producer sees only that the result is not published yet."""
    dossier = access_dossier_result(request.user, code)
    return render(
        request,
        "evaluation/results/dossier.html",
        {"dossier": dossier, "result": dossier_result(request.user, dossier)},
    )


@require_GET
def public_rounds(request: HttpRequest) -> HttpResponse:
    """/ket-qua/: the rounds with approved decisions, by year."""
    years: dict[int, list] = {}
    for round_ in published_rounds():
        years.setdefault(round_.year, []).append(round_)
    return render(
        request, "evaluation/results/rounds.html", {"years": sorted(years.items(), reverse=True)}
    )


@require_GET
def public_round(request: HttpRequest, code: str) -> HttpResponse:
    """/ket-qua/<round>/: the recognised products of the round's effective decisions, filtered
    by commune and group, a page at a time; the same number of queries for 1 or 500 rows."""
    round_ = access_published_round(code)
    base = recognised_items().filter(decision__round=round_)
    commune = request.GET.get("commune", "").strip()[:40]
    group = request.GET.get("group", "").strip()[:20]
    results = filter_results(base, commune=commune, group=group)
    if wants_xlsx(request):
        return xlsx_response(round_.name, round_.name, ROUND_COLUMNS, results)
    communes, groups = filter_choices(base)
    page = Paginator(results, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "evaluation/results/round.html",
        {
            "round": round_,
            "page": page,
            "rows": list(page.object_list),
            "decisions": round_decisions(round_),
            "communes": communes,
            "groups": groups,
            "filters": {"commune": commune, "group": group},
        },
    )
