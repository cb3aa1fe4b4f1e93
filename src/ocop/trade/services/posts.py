"""What demands and offers (the board's posts) share: their audit snapshot, whose delivery area
is a list of unit keys, and the partial update that logs only a real change."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.db import models

from ocop.core.services.activity import log_action, snapshot


def post_snapshot(post: Any, fields: list[str]) -> dict[str, Any]:
    """The audit values of a demand or an offer: `fields`, and the delivery area's unit keys."""
    values = snapshot(post, fields)
    values["delivery_units"] = sorted(unit.key for unit in post.delivery_units.all())
    return values


def save_post_changes(
    *,
    actor: Any,
    post: models.Model,
    values: Mapping[str, Any],
    action: str,
    audit: Callable[[Any], dict[str, Any]],
) -> None:
    """Set the cleaned `values` (a partial update is fine; `delivery_units` replaces the area
    when given) on the locked post, save it, and log `action` if anything changed. Runs inside
    the caller's transaction."""
    changes = dict(values)
    units = changes.pop("delivery_units", None)
    old = audit(post)
    for name, value in changes.items():
        setattr(post, name, value)
    post.save()
    if units is not None:
        post.delivery_units.set(units)  # type: ignore[attr-defined]
    new = audit(post)
    if old != new:
        log_action(actor, action, post, old=old, new=new)
