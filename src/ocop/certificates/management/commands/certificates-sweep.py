"""`ocop certificates-sweep [--date YYYY-MM-DD]`: the daily life-cycle job of certificates.

It sends the notices due on the day (re-evaluation window open, window closing, expiry in 30
days or less) and expires the certificates whose day has come (`sweep_certificates`). Running it
twice on a day, or two at once, sends nothing twice. Schedule it once a day, after midnight
(Asia/Ho_Chi_Minh), from cron or a systemd timer (docs/admin/certificates.md):

    15 0 * * *  ocop certificates-sweep

`--date` runs it as of another day (a missed day, a test).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ocop.certificates.services.lifecycle import sweep_certificates


class Command(BaseCommand):
    help = (
        "Send the certificates' life-cycle notices due today and expire the certificates whose "
        "day has come. Idempotent: run it daily (cron: '15 0 * * * ocop certificates-sweep', or "
        "the systemd timer in docs/admin/certificates.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date",
            default="",
            help="Run as of this day (YYYY-MM-DD) instead of today.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        day = None
        if options["date"]:
            try:
                day = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"--date: {options['date']!r} is not a YYYY-MM-DD date") from exc
        report = sweep_certificates(today=day)
        for line in report.lines():
            self.stdout.write(line)
