from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ocop.geo.enums import KIND_WORDS
from ocop.geo.services.gazetteer import (
    DEFAULT_REFORM_DATE,
    HANOI_FILE,
    GazetteerError,
    import_gazetteer,
    read_gazetteer,
)


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value}") from exc


class Command(BaseCommand):
    help = (
        "Import a province's administrative units before and after the 1/7/2025 reform, and "
        "the mapping between them, from a gazetteer file (default: the bundled Hà Nội file). "
        "A file with problems is refused with every problem listed (exit code 2)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path", nargs="?", default=str(HANOI_FILE), help="the gazetteer JSON file"
        )
        parser.add_argument(
            "--reform-date",
            type=_date,
            default=DEFAULT_REFORM_DATE,
            help="first day of the new units (default 2025-07-01)",
        )
        parser.add_argument(
            "--legal-reference",
            default=None,
            help="the resolution behind the mapping (default: the file's, else NQ 1656)",
        )
        parser.add_argument(
            "--check", action="store_true", help="only check the file; write nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["path"]
        try:
            if options["check"]:
                gazetteer = read_gazetteer(
                    path,
                    reform_date=options["reform_date"],
                    legal_reference=options["legal_reference"],
                )
                summary, changes, warnings = gazetteer.summary, None, gazetteer.warnings
            else:
                result = import_gazetteer(
                    path_or_data=path,
                    reform_date=options["reform_date"],
                    legal_reference=options["legal_reference"],
                )
                summary, changes, warnings = result.summary, result.changes, result.warnings
        except GazetteerError as exc:
            self.stderr.write(exc.report())
            raise SystemExit(2) from exc

        words = {str(kind): word for word, kind in KIND_WORDS.items()}

        def kinds(counts: dict[str, int]) -> str:
            return ", ".join(f"{count} {words.get(kind, kind)}" for kind, count in counts.items())

        self.stdout.write(f"File {path}")
        self.stdout.write(
            f"  {summary['districts']} districts until the reform ({kinds(summary['districts_by_kind'])})"
        )
        self.stdout.write(
            f"  {summary['old_communes']} communes until the reform ({kinds(summary['old_communes_by_kind'])})"
        )
        self.stdout.write(
            f"  {summary['new_communes']} communes since the reform ({kinds(summary['new_communes_by_kind'])})"
        )
        self.stdout.write(
            f"  {summary['successions']} old-to-new links, {summary['partial_successions']} partial; "
            f"{summary['unconfirmed']} units not confirmed"
        )
        for warning in warnings:
            self.stdout.write(self.style.WARNING(f"  warning: {warning}"))
        if changes is None:
            self.stdout.write(
                self.style.SUCCESS("The file is sound; nothing was written (--check).")
            )
            return
        for group, counts in changes.items():
            line = ", ".join(f"{count} {name}" for name, count in counts.items())
            self.stdout.write(f"  {group}: {line}")
        self.stdout.write(
            self.style.SUCCESS("Imported." if result.changed else "Imported: nothing changed.")
        )
