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
    figures: dict[str, Any] = {
        "producers_total": producers.count(),
        "producers_pending": producers.filter(status="pending").count(),
        "products_total": products_visible_to(access).count(),
    }
    # "Supply and demand" for officials: what the board connected, within their scope.
    from ocop.trade.queries.statistics import trade_figures  # leaf: core reads up the tree
    from ocop.trade.rules import is_trade_official

    if is_trade_official(access):
        figures["trade"] = trade_figures(access)
    return figures
