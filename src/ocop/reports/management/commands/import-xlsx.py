"""`ocop import-xlsx KIND FILE --user USERNAME [--dry-run]`: import producers or products from
an XLSX file (the template of /bao-cao/nhap-du-lieu/), synchronously.

The same checks and the same writing as the import page: every row is checked; if any has a
problem, nothing is imported, every problem is printed with its row and column, and the command
exits with status 1. Otherwise every row is written in one transaction, recorded as an import
job (listed on the page) by USERNAME, who must be allowed to import (provincial office or
administrator). `--dry-run` only checks. A progress bar is drawn on stderr when it is a
terminal; otherwise a line is printed every 10%.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from ocop.reports.enums import ImportKind, ImportStatus
from ocop.reports.imports import spec_for
from ocop.reports.rules import can_import
from ocop.reports.services.imports import (
    CHECK_ONLY_PHASES,
    Progress,
    check_file,
    refused_kind_message,
    run_import_job,
    start_import,
)

BAR_WIDTH = 30
PHASE_WORDS = {"reading": "reading", "checking": "checking", "writing": "writing"}


class ProgressBar:
    """`\\r[#####     ]  42% 4,200/10,000 rows (checking)` on a terminal; a line per 10%
    otherwise."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self.last_step = -1
        self.drawn = False

    def __call__(self, state: dict[str, Any]) -> None:
        percent = int(state.get("percent", 0))
        phase = str(state.get("phase", ""))
        if phase not in PHASE_WORDS:
            return
        filled = BAR_WIDTH * percent // 100
        rows = (
            f"{state['processed']:,}/{state['total']:,} rows"
            if state.get("total")
            else f"{state['processed']:,} rows"
        )
        line = f"[{'#' * filled}{' ' * (BAR_WIDTH - filled)}] {percent:3d}% {rows} ({phase})"
        if self.tty:
            self.stream.write(f"\r{line}\x1b[K")
            self.stream.flush()
            self.drawn = True
            return
        step = percent // 10
        if step > self.last_step:
            self.last_step = step
            self.stream.write(line + "\n")
            self.stream.flush()

    def close(self) -> None:
        if self.tty and self.drawn:
            self.stream.write("\n")
            self.stream.flush()


def describe(item: dict[str, Any]) -> str:
    """ "row 7, column C (tax_code): message" — or "file: message"."""
    if not item.get("row"):
        where = "file"
    elif item.get("column"):
        where = f"row {item['row']}, column {item['column']}"
    else:
        where = f"row {item['row']}"
    if item.get("field"):
        where += f" ({item['field']})"
    return f"{where}: {item['message']}"


class Command(BaseCommand):
    help = (
        "Import producers or products from an XLSX file (the template of the import page). "
        "All or nothing: every problem is printed with its row and column."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=[kind.value for kind in ImportKind])
        parser.add_argument("file", help="The XLSX file.")
        parser.add_argument(
            "--user",
            required=True,
            help="Username of the provincial OCOP officer (or administrator) importing.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check every row; write nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            self._handle(options)

    def _handle(self, options: dict[str, Any]) -> None:
        kind = options["kind"]
        spec = spec_for(kind)
        if spec is None:
            raise CommandError(refused_kind_message(kind))
        actor = get_user_model().objects.filter(username=options["user"], is_active=True).first()
        if actor is None:
            raise CommandError(f"--user: no active user {options['user']!r}")
        if not can_import(actor):
            raise CommandError(
                f"--user: {actor.username} may not import (provincial office or administrator)."
            )
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        bar = ProgressBar(getattr(self.stderr, "_out", sys.stderr))
        with path.open("rb") as handle:
            if options["dry_run"]:
                progress = Progress(phases=dict(CHECK_ONLY_PHASES), listener=bar)
                outcome = check_file(actor=actor, spec=spec, file=handle, progress=progress)
                bar.close()
                self._refuse_if(outcome.problems)
                self.stdout.write(
                    f"{outcome.total} row(s) checked, no problem. Nothing was written (dry run)."
                )
                return
            try:
                job = start_import(
                    actor=actor, kind=kind, upload=File(handle, name=path.name), queue=False
                )
            except PermissionDenied as exc:
                raise CommandError(str(exc)) from None
            except ValidationError as exc:
                self._refuse_if(
                    [
                        {"row": None, "column": "", "field": "", "message": message}
                        for message in exc.messages
                    ]
                )
                raise  # pragma: no cover - a ValidationError always has a message
        job = run_import_job(job.code, listener=bar)
        bar.close()
        if job.status != ImportStatus.DONE:
            self._refuse_if(job.errors or [], job=job.code)
        count = int((job.created or {}).get("count", 0))
        self.stdout.write(f"{count} {kind} imported (import {job.code}).")

    def _refuse_if(self, problems: list[dict[str, Any]], job: str = "") -> None:
        if not problems:
            return
        for item in problems:
            self.stdout.write(describe(item))
        where = f" (import {job})" if job else ""
        raise CommandError(f"Nothing was imported{where}: {len(problems)} problem(s).")
