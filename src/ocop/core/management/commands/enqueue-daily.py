"""`ocop enqueue-daily [--date YYYY-MM-DD]`: queue the daily sweep (`ocop.core.tasks.daily_sweep`:
certificates' notices and expiries, the catalogue's search index, orphan uploads) for the worker.

Schedule it once a day, after midnight (Asia/Ho_Chi_Minh), from cron or a systemd timer:

    15 0 * * *  ocop enqueue-daily

It prints the task's id; with TASKS_BACKEND=immediate the sweep runs at once, in this process.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ocop.core.tasks import daily_sweep


class Command(BaseCommand):
    help = "Queue the daily sweep (certificates, catalogue index, orphan uploads) for the worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", default="", help="Sweep the certificates as of this day (YYYY-MM-DD)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        day = options["date"]
        if day:
            try:
                dt.date.fromisoformat(day)
            except ValueError as exc:
                raise CommandError(f"--date: {day!r} is not a YYYY-MM-DD date") from exc
        result = daily_sweep.enqueue(day=day)
        self.stdout.write(f"daily sweep queued: task {result.id} ({result.status})")
