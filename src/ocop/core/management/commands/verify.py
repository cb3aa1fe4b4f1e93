"""`ocop verify`: recompute council results from the raw sheets, certificates from their
decisions and every state from the audit trail, and list each mismatch (`ocop.core.integrity`).

Exits 1 when it finds any. Read-only: safe on a live database, e.g. nightly and after a restore.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ocop.core.integrity import CHECKS, verify


class Command(BaseCommand):
    help = (
        "Recompute council results, certificates and states from their records and report "
        "every mismatch (exit status 1 when there is one)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            choices=[name for name, _check in CHECKS],
            help="Run only this check.",
        )
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify(only=options["check"])
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        else:
            for name, count in sorted(report.checked.items()):
                self.stdout.write(f"{count:>9,}  {name}")
            for mismatch in report.mismatches:
                self.stdout.write(str(mismatch))
            total = sum(report.checked.values())
            self.stdout.write(f"{total:,} records checked, {len(report.mismatches)} mismatch(es).")
        if not report.ok:
            raise CommandError(f"{len(report.mismatches)} mismatch(es) found.", returncode=1)
