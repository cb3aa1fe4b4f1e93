from __future__ import annotations

from typing import Any

from ocop.accounts.rules import Access


def dashboard_figures(access: Access) -> dict[str, Any]:
    """Counts for the signed-in user's dashboard, within the user's scope."""
    from ocop.producers.queries.producers import (
        producers_visible_to,
    )  # leaf: core reads up the tree
    from ocop.products.queries.products import products_visible_to

    producers = producers_visible_to(access)
    return {
        "producers_total": producers.count(),
        "producers_pending": producers.filter(status="pending").count(),
        "products_total": products_visible_to(access).count(),
    }
