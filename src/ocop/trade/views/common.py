"""Small helpers shared by the board's views: refusals as 403, and the list filters read from the
query string (a year, a commune key, a date)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError

from ocop.evaluation.services.refusals import Refusal
from ocop.geo.models import AdministrativeUnit
from ocop.trade.validators import clean_date


def refuse(exc: Refusal) -> PermissionDenied:
    """A refusal to someone who may see the object: 403 with the service's message."""
    return PermissionDenied(exc.text)


def unit_from_key(key: str) -> AdministrativeUnit | None:
    if not key:
        return None
    return AdministrativeUnit.objects.filter(key=key[:40]).first()


def year_from(value: str) -> int | None:
    value = value.strip()
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2200 else None


def date_from(value: str) -> dt.date | None:
    try:
        return clean_date(value) if value else None
    except ValidationError:
        return None
