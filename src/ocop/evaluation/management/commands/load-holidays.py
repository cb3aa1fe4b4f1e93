"""`ocop load-holidays [FILE]`: the public holidays the working-day deadlines skip.

Without FILE it loads the bundled `evaluation/data/holidays-vn.json` (2025–2027). Missing days
are added and changed names updated; days added in the admin stay. Run it after `migrate` and
whenever the file gains a year; check each year's official announcement in the admin.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ocop.evaluation.services.calendar import HOLIDAYS_FILE, load_holidays


class Command(BaseCommand):
    help = "Load public holidays (for working-day deadlines) from a JSON file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", default=str(HOLIDAYS_FILE))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            counts = load_holidays(options["file"])
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{counts['created']} holiday(s) added, {counts['updated']} renamed, "
            f"{counts['unchanged']} unchanged."
        )
