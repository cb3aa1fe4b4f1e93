"""What demands and offers (the board's posts) share: their audit snapshot, whose delivery area
is a list of unit keys, and the partial update (logged by the caller only when something changed)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.db import models

from ocop.core.services.activity import snapshot


def post_snapshot(post: Any, fields: list[str]) -> dict[str, Any]:
    """The audit values of a demand or an offer: `fields`, and the delivery area's unit keys."""
    values = snapshot(post, fields)
    values["delivery_units"] = sorted(unit.key for unit in post.delivery_units.all())
    return values


def save_post_changes(
    *,
    post: models.Model,
    values: Mapping[str, Any],
    audit: Callable[[Any], dict[str, Any]],
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Set the cleaned `values` (a partial update is fine; `delivery_units` replaces the area
    when given) on the locked post and save it, inside the caller's transaction; the audit
    values before and after, for the caller to log when they differ."""
    changes = dict(values)
    units = changes.pop("delivery_units", None)
    old = audit(post)
    for name, value in changes.items():
        setattr(post, name, value)
    post.save()
    if units is not None:
        post.delivery_units.set(units)  # type: ignore[attr-defined]
    return old, audit(post)
