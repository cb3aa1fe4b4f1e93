from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ocop.criteria.services.importer import (
    BUNDLED_FILES,
    CriteriaImportError,
    import_criteria,
    read_criteria_file,
)


class Command(BaseCommand):
    help = (
        "Import OCOP criteria files (scorecards of a decision) as versioned criteria sets. "
        "Without PATH, the two bundled files (QĐ 26/2026 and the 1048 transcription). A file "
        "with problems is refused with every problem listed (exit code 2); nothing is written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="*", metavar="PATH", help="criteria JSON files")
        parser.add_argument(
            "--code",
            default=None,
            help="the criteria set to import into: picks the registry entry of a file with "
            "another name, or imports a file under a new code (a new version)",
        )
        parser.add_argument(
            "--check", action="store_true", help="only check the files; write nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        paths = options["paths"] or [str(path) for path in BUNDLED_FILES]
        failed = False
        for path in paths:
            try:
                if options["check"]:
                    checked = read_criteria_file(path, code=options["code"])
                    code, summary, warnings = checked.meta.code, checked.summary, checked.warnings
                    outcome = self.style.SUCCESS(
                        "The file is sound; nothing was written (--check)."
                    )
                else:
                    result = import_criteria(path=path, code=options["code"])
                    code, summary, warnings = (
                        result.criteria_set.code,
                        result.summary,
                        result.warnings,
                    )
                    outcome = self.style.SUCCESS(
                        ("Imported (new criteria set)." if result.created else "Imported.")
                        if result.changed
                        else "Imported: nothing changed."
                    )
            except CriteriaImportError as exc:
                self.stderr.write(exc.report())
                failed = True
                continue
            markers = summary["markers"]
            self.stdout.write(f"File {path} → {code}")
            self.stdout.write(
                f"  {summary['scorecards']} scorecards ({summary['usable']} usable), "
                f"{summary['groups']} groups, {summary['criteria']} criteria, "
                f"{summary['options']} options"
            )
            self.stdout.write(
                f"  {summary['binary']} yes/no, {summary['conditional']} conditional, "
                f"{summary['alternative_cases']} with alternative cases; minimum-star markers "
                f"3★ {markers['3']}, 4★ {markers['4']}, 5★ {markers['5']}"
            )
            self.stdout.write(
                f"  knock-out rules: {summary['knockouts']['dossier']} dossier, "
                f"{summary['knockouts']['criterion']} criterion; "
                f"{summary['corrections']} corrections applied; {len(warnings)} warnings"
            )
            for warning in warnings:
                self.stdout.write(self.style.WARNING(f"  {warning}"))
            self.stdout.write(outcome)
        if failed:
            raise SystemExit(2)
