"""`ocop flush-scans`: move the scans buffered in Redis into the database.

With REDIS_URL set, the trace page counts and queues each scan in Redis; this command writes
the queued scans as rows of `traceability_scan` and moves the stamps' counters
(`ocop.traceability.services.scan_buffer.flush_scans`). Idempotent and safe to run twice at
once; without REDIS_URL it does nothing. Schedule it every minute (docs/admin/traceability.md):

    * * * * *  ocop flush-scans
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ocop.traceability.services.scan_buffer import flush_scans


class Command(BaseCommand):
    help = (
        "Write the scans buffered in Redis to the database (rows and the stamps' counters). "
        "Idempotent: run it every minute (cron: '* * * * * ocop flush-scans')."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for line in flush_scans().lines():
            self.stdout.write(line)
