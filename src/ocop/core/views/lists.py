"""Search, sort and paginate for registry lists: one helper so every list behaves the same."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import models
from django.http import HttpRequest

from ocop.core.text import fold

PER_PAGE = 25


@dataclass
class ListState:
    query: str
    sort: str
    page: Page
    sort_options: dict[str, Any]
    # Every row the list shows, searched and sorted, before paging: what its XLSX export writes.
    queryset: models.QuerySet

    @property
    def items(self) -> list[Any]:
        return list(self.page.object_list)


def list_state(
    request: HttpRequest,
    queryset: models.QuerySet,
    *,
    search_fields: tuple[str, ...] = (),
    sort_options: dict[str, tuple[str, Any]],
    default_sort: str,
    per_page: int = PER_PAGE,
) -> ListState:
    """`sort_options` maps a URL value to (ordering expression, label); unknown values fall back."""
    query = request.GET.get("q", "").strip()[:100]
    if query and search_fields:
        folded = fold(query)
        condition = models.Q()
        for name in search_fields:
            condition |= models.Q(
                **{f"{name}__icontains": folded if name.endswith("_folded") else query}
            )
        queryset = queryset.filter(condition)
    sort = request.GET.get("sort", default_sort)
    if sort not in sort_options:
        sort = default_sort
    ordering = sort_options[sort][0]
    queryset = queryset.order_by(
        *(ordering if isinstance(ordering, list | tuple) else [ordering]), "pk"
    )
    paginator = Paginator(queryset, per_page)
    page = paginator.get_page(request.GET.get("page"))
    return ListState(
        query=query,
        sort=sort,
        page=page,
        sort_options={k: v[1] for k, v in sort_options.items()},
        queryset=queryset,
    )
