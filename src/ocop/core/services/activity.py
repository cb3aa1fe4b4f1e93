"""The audit trail's one door: `log_action`, called by services inside their transaction."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from ocop.core.models import ActivityLog

SENSITIVE_KEYS = ("password", "secret", "token", "api_key", "key_hash")
MASK = "********"


def _is_sensitive(key: str) -> bool:
    lowered = key.lower()
    return any(word in lowered for word in SENSITIVE_KEYS)


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return getattr(value, "code", None) or str(value.pk)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if hasattr(value, "name") and hasattr(value, "url"):  # a FieldFile
        return value.name
    return str(value)


def mask(data: Mapping[str, Any]) -> dict[str, Any]:
    return {
        key: (MASK if _is_sensitive(key) and value not in (None, "") else _jsonable(value))
        for key, value in data.items()
    }


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The values of `fields` on `obj`, ready for JSON (foreign keys by their code or pk)."""
    result: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if isinstance(field, models.ForeignKey):
            related = getattr(obj, name)
            result[name] = (
                None if related is None else (getattr(related, "code", None) or str(related.pk))
            )
        else:
            result[name] = getattr(obj, name)
    return mask(result)


def diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys whose values differ."""
    keys = [key for key in new if old.get(key) != new.get(key)]
    return {key: old.get(key) for key in keys}, {key: new[key] for key in keys}


def log_action(
    actor: Any,
    action: str,
    obj: models.Model,
    *,
    old: Mapping[str, Any] | None = None,
    new: Mapping[str, Any] | None = None,
    data: Mapping[str, Any] | None = None,
) -> ActivityLog:
    """Append one row to the activity log. Must run inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("log_action must be called inside the service's transaction")
    payload: dict[str, Any] = {}
    if old is not None or new is not None:
        old_d, new_d = dict(old or {}), dict(new or {})
        if old is not None and new is not None:
            old_d, new_d = diff(
                {k: _jsonable(v) for k, v in old_d.items()},
                {k: _jsonable(v) for k, v in new_d.items()},
            )
        payload["old"] = mask(old_d)
        payload["new"] = mask(new_d)
    if data:
        payload.update(mask(data))
    return ActivityLog.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        data=payload,
    )
