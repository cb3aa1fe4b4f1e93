"""Working days for the deadlines of the procedure (15 ngày làm việc at the commune …).

A working day is a Monday to Friday that is not a `Holiday` row. The rows come from the bundled
file `data/holidays-vn.json` (`load_holidays`, the command `ocop load-holidays`) and are kept in
the admin afterwards, where every change is logged (`save_holiday`, `delete_holiday`).

`add_working_days(start, n)` is the n-th working day after `start` (the day of receipt does not
count); `working_days_between(start, end)` counts the working days after `start` up to and
including `end`, so that `working_days_between(d, add_working_days(d, n)) == n`.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ocop.core.services.activity import log_action, snapshot
from ocop.evaluation.models import Holiday

HOLIDAYS_FILE = Path(__file__).resolve().parent.parent / "data" / "holidays-vn.json"
WEEKEND = frozenset({5, 6})  # Saturday, Sunday
NAME_MAX = 200


def _holidays(start: dt.date, end: dt.date) -> set[dt.date]:
    """The holiday dates from `start` to `end` (one query)."""
    return set(Holiday.objects.filter(date__range=(start, end)).values_list("date", flat=True))


def _is_working(day: dt.date, holidays: set[dt.date]) -> bool:
    return day.weekday() not in WEEKEND and day not in holidays


def is_working_day(day: dt.date) -> bool:
    return _is_working(day, _holidays(day, day))


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The n-th working day after `start` (n ≥ 0; 0 gives `start` itself). One query, or a few
    more for very long spans."""
    if n < 0:
        raise ValueError("n must not be negative")
    if n == 0:
        return start
    day = start
    left = n
    while True:
        # Enough calendar days for the rest, plus room for Tết: usually one window is enough.
        window_end = day + dt.timedelta(days=left * 2 + 20)
        holidays = _holidays(day + dt.timedelta(days=1), window_end)
        while day < window_end:
            day += dt.timedelta(days=1)
            if _is_working(day, holidays):
                left -= 1
                if left == 0:
                    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """The working days after `start` up to and including `end`; negative when `end` is before
    `start` (the days late, counted the same way). One query."""
    if end == start:
        return 0
    if end < start:
        return -working_days_between(end, start)
    holidays = _holidays(start + dt.timedelta(days=1), end)
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if _is_working(day, holidays):
            count += 1
    return count


def read_holidays(path: Path | str = HOLIDAYS_FILE) -> list[tuple[dt.date, str]]:
    """The (date, name) pairs of a holidays file, checked: ISO dates, a name, no date twice."""
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    rows = document.get("holidays") if isinstance(document, dict) else None
    if not isinstance(rows, list):
        raise ValueError(f"{path}: a list 'holidays' of {{date, name}} objects is expected")
    seen: set[dt.date] = set()
    result: list[tuple[dt.date, str]] = []
    for index, row in enumerate(rows):
        try:
            day = dt.date.fromisoformat(str(row["date"]))
            name = str(row["name"]).strip()
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{path}: holiday {index}: {exc}") from None
        if not name or len(name) > NAME_MAX:
            raise ValueError(f"{path}: holiday {index}: a name of 1–{NAME_MAX} characters")
        if day in seen:
            raise ValueError(f"{path}: {day.isoformat()} is listed twice")
        seen.add(day)
        result.append((day, name))
    return result


@transaction.atomic
def load_holidays(path: Path | str = HOLIDAYS_FILE, *, actor: Any = None) -> dict[str, int]:
    """Add the file's holidays that are missing and rename those whose name changed. Days added
    in the admin are kept. Returns the counts {"created", "updated", "unchanged"}."""
    wanted = read_holidays(path)
    existing = {h.date: h for h in Holiday.objects.filter(date__in=[day for day, _n in wanted])}
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for day, name in wanted:
        holiday = existing.get(day)
        if holiday is None:
            holiday = Holiday.objects.create(date=day, name=name)
            log_action(
                actor,
                "evaluation.holiday.import",
                holiday,
                new=snapshot(holiday, ("date", "name")),
            )
            counts["created"] += 1
        elif holiday.name != name:
            old = snapshot(holiday, ("name",))
            holiday.name = name
            holiday.save(update_fields=["name"])
            log_action(
                actor, "evaluation.holiday.import", holiday, old=old, new={"name": holiday.name}
            )
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    return counts


@transaction.atomic
def save_holiday(*, actor: Any, holiday: Holiday) -> Holiday:
    """Add or change a holiday (the admin's form has validated it)."""
    holiday.name = " ".join(str(holiday.name).split())
    if not holiday.name:
        raise ValidationError({"name": _("Give the holiday a name.")})
    old: dict[str, Any] | None = None
    if holiday.pk is not None:
        stored = Holiday.objects.filter(pk=holiday.pk).first()
        if stored is not None:
            old = snapshot(stored, ("date", "name"))
    holiday.save()
    log_action(
        actor,
        "evaluation.holiday.update" if old is not None else "evaluation.holiday.create",
        holiday,
        old=old,
        new=snapshot(holiday, ("date", "name")),
    )
    return holiday


@transaction.atomic
def delete_holiday(*, actor: Any, holiday: Holiday) -> None:
    log_action(actor, "evaluation.holiday.delete", holiday, old=snapshot(holiday, ("date", "name")))
    holiday.delete()
