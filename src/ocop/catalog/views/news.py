"""News and announcements: the public list and article pages (published articles only; a
draft or a withdrawn article is 404), and their management by the provincial OCOP office under
/tin-tuc/quan-ly/ (404 for everyone else). The feeds are `ocop.catalog.feeds`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ocop.accounts.rules import access_for
from ocop.catalog.enums import ARTICLE_TRANSITIONS, ArticleKind, ArticleStatus
from ocop.catalog.forms_news import ArticleForm
from ocop.catalog.models import Article
from ocop.catalog.queries.news import (
    access_article,
    access_published_article,
    articles_for_management,
    can_manage_news,
    deadline_of,
    filter_by_kind,
    published_articles,
    results_url,
    with_deadlines,
)
from ocop.catalog.services.news import (
    change_article_status,
    create_article,
    update_article,
)
from ocop.core.forms import add_service_errors
from ocop.core.queries.activity import history_for
from ocop.core.views.lists import list_state
from ocop.core.xlsx import Column, wants_xlsx, xlsx_response
from ocop.evaluation.services.refusals import NotAllowed, WrongState

NEWS_PER_PAGE = 10
SORT_OPTIONS: dict[str, tuple[Any, Any]] = {
    "updated": (["-updated_at"], gettext_lazy("Last changed")),
    "published": (["-published_at"], gettext_lazy("Published")),
    "title": (["title"], gettext_lazy("Title")),
}
# The button of each move of ARTICLE_TRANSITIONS.
STATUS_ACTIONS: dict[str, Any] = {
    ArticleStatus.PUBLISHED: gettext_lazy("Publish"),
    ArticleStatus.WITHDRAWN: gettext_lazy("Withdraw"),
    ArticleStatus.DRAFT: gettext_lazy("Back to draft"),
}
MANAGE_COLUMNS = [
    Column(gettext_lazy("Code"), "code"),
    Column(gettext_lazy("Title"), "title", width=50),
    Column(gettext_lazy("Kind"), "get_kind_display"),
    Column(gettext_lazy("Status"), "get_status_display"),
    Column(gettext_lazy("Deadline for dossiers"), "deadline", kind="date"),
    Column(gettext_lazy("Published"), "published_at", kind="datetime"),
    Column(gettext_lazy("Last changed"), "updated_at", kind="datetime"),
    Column(gettext_lazy("Author"), "author"),
]


# --- the public -----------------------------------------------------------------------------


@require_GET
def article_list(request: HttpRequest) -> HttpResponse:
    """/tin-tuc/: the published articles, newest first, filtered by kind, a page at a time."""
    kind = request.GET.get("kind", "").strip()[:20]
    page = Paginator(filter_by_kind(published_articles(), kind), NEWS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "catalog/news/list.html",
        {
            "page": page,
            "articles": with_deadlines(page.object_list),
            "kind": kind if kind in ArticleKind.values else "",
            "kinds": ArticleKind.choices,
            "can_manage": can_manage_news(access_for(request.user)),
        },
    )


def _article_context(article: Article) -> dict[str, Any]:
    return {
        "article": article,
        "deadline": deadline_of(article, timezone.localdate()),
        "results_url": results_url(article.results_year) if article.results_year else "",
    }


@require_GET
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """/tin-tuc/<slug>/: a published article."""
    article = access_published_article(slug)
    context = _article_context(article)
    context["can_manage"] = can_manage_news(access_for(request.user))
    return render(request, "catalog/news/detail.html", context)


# --- management -----------------------------------------------------------------------------


def _require_office(request: HttpRequest) -> None:
    if not can_manage_news(access_for(request.user)):
        raise Http404


@login_required
@require_GET
def manage_list(request: HttpRequest) -> HttpResponse:
    """/tin-tuc/quan-ly/: every article (drafts, published, withdrawn)."""
    _require_office(request)
    status = request.GET.get("status", "").strip()[:20]
    kind = request.GET.get("kind", "").strip()[:20]
    queryset = articles_for_management(
        request.user, status=status, kind=kind, q=request.GET.get("q", "")
    )
    state = list_state(request, queryset, sort_options=SORT_OPTIONS, default_sort="updated")
    if wants_xlsx(request):
        return xlsx_response(_("News"), _("News"), MANAGE_COLUMNS, state.queryset)
    return render(
        request,
        "catalog/news/manage_list.html",
        {
            "state": state,
            "articles": with_deadlines(state.items),
            "filters": {"status": status, "kind": kind},
            "statuses": ArticleStatus.choices,
            "kinds": ArticleKind.choices,
        },
    )


def _form_page(
    request: HttpRequest, form: ArticleForm, article: Article | None, *, status: int = 200
) -> HttpResponse:
    return render(
        request, "catalog/news/form.html", {"form": form, "article": article}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    """/tin-tuc/quan-ly/viet/: a new article (a draft)."""
    _require_office(request)
    form = ArticleForm(request.POST or None)
    if request.method == "GET":
        return _form_page(request, form, None)
    if form.is_valid():
        try:
            article = create_article(actor=request.user, data=form.cleaned_data)
        except NotAllowed as exc:
            raise PermissionDenied(exc.text) from None
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The article is saved as a draft."))
            return redirect("news:manage_detail", code=article.code)
    return _form_page(request, form, None, status=422)


def _initial(article: Article) -> dict[str, Any]:
    return {
        "kind": article.kind,
        "title": article.title,
        "summary": article.summary,
        "body": article.body,
        "deadline": article.deadline,
        "round": article.round.code if article.round else "",
        "results_year": article.results_year,
    }


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, code: str) -> HttpResponse:
    """/tin-tuc/quan-ly/<code>/sua/: change an article (a published one is corrected in place)."""
    article = access_article(request.user, code, write=True)
    form = ArticleForm(request.POST or None, initial=_initial(article))
    if request.method == "GET":
        return _form_page(request, form, article)
    if form.is_valid():
        try:
            update_article(actor=request.user, article=article, data=form.cleaned_data)
        except NotAllowed as exc:
            raise PermissionDenied(exc.text) from None
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The article is saved."))
            return redirect("news:manage_detail", code=article.code)
    return _form_page(request, form, article, status=422)


@login_required
@require_GET
def manage_detail(request: HttpRequest, code: str) -> HttpResponse:
    """/tin-tuc/quan-ly/<code>/: the article as it reads (whatever its status), its actions and
    its history."""
    article = access_article(request.user, code)
    context = _article_context(article)
    context["actions"] = [
        (to, STATUS_ACTIONS[to])
        for to in (ArticleStatus.PUBLISHED, ArticleStatus.WITHDRAWN, ArticleStatus.DRAFT)
        if to in ARTICLE_TRANSITIONS.get(article.status, frozenset())
    ]
    context["history"] = history_for(article)
    return render(request, "catalog/news/manage_detail.html", context)


@login_required
@require_POST
def change_status(request: HttpRequest, code: str) -> HttpResponse:
    article = access_article(request.user, code, write=True)
    to = request.POST.get("to", "")
    try:
        change_article_status(actor=request.user, article=article, to=to)
    except NotAllowed as exc:
        raise PermissionDenied(exc.text) from None
    except (WrongState, ValidationError) as exc:
        messages.error(request, " ".join(str(m) for m in exc.messages))
    else:
        done = {
            ArticleStatus.PUBLISHED: _("The article is published."),
            ArticleStatus.WITHDRAWN: _("The article is withdrawn: it is no longer public."),
            ArticleStatus.DRAFT: _("The article is a draft again."),
        }
        messages.success(request, done[to])
    return redirect("news:manage_detail", code=article.code)
