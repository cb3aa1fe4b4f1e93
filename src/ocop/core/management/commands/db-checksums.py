"""`ocop db-checksums [--json]`: every table's row count and a SHA-256 of its rows in
primary-key order. Run it before a backup and after a test restore: equal lines, equal data."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ocop.core.backup import table_checksums


class Command(BaseCommand):
    help = "Row count and checksum of every table of the database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="One JSON object.")

    def handle(self, *args: Any, **options: Any) -> None:
        sums = table_checksums()
        if options["json"]:
            self.stdout.write(
                json.dumps({t: {"rows": n, "sha256": h} for t, (n, h) in sums.items()})
            )
            return
        for table, (rows, digest) in sums.items():
            self.stdout.write(f"{table}\t{rows}\t{digest}")
