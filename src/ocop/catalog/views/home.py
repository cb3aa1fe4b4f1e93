"""The home page: the programme's portal. The latest published articles (open calls for an
evaluation round first, with their deadline), the featured products (or, when none is featured,
the most recently certified 5★ and 4★ ones), a search box for the catalogue, and the ways in:
points of sale, results, verification, sign-in or the dashboard. A fixed number of queries,
whatever is on it.

It is served at "/" under the name `core:home` (the project's URLconf puts it in the core
namespace: core, the bottom layer, does not import the catalogue)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from ocop.catalog.enums import ArticleKind
from ocop.catalog.queries.featured import home_products
from ocop.catalog.queries.news import latest_articles, published_articles, with_deadlines

HOME_ARTICLES = 4
HOME_CALLS = 3


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    calls = with_deadlines(
        published_articles()
        .filter(kind=ArticleKind.CALL, deadline__gte=today)
        .order_by("deadline", "-published_at")[:HOME_CALLS],
        today,
    )
    shown = {article.pk for article in calls}
    articles = [
        article
        for article in with_deadlines(latest_articles(HOME_ARTICLES + len(calls)), today)
        if article.pk not in shown
    ][:HOME_ARTICLES]
    entries, chosen = home_products(today)
    return render(
        request,
        "catalog/home.html",
        {"calls": calls, "articles": articles, "entries": entries, "featured": chosen},
    )
