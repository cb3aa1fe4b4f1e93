"""`ocop sweep-uploads`: delete stored files that no row refers to (left by a rollback or a crash).

Run it from cron or a systemd timer, e.g. hourly.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ocop.core.services.uploads import sweep_orphan_files


class Command(BaseCommand):
    help = "Delete uploaded files that no stored-file row refers to."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than-minutes",
            type=int,
            default=60,
            help="Only files older than this (default 60), so running uploads keep theirs.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        removed = sweep_orphan_files(older_than=dt.timedelta(minutes=options["older_than_minutes"]))
        for name in removed:
            self.stdout.write(f"deleted {name}")
        self.stdout.write(f"{len(removed)} orphan file(s) deleted.")
