"""`ocop backup [--output PATH] [--keep N] [--no-media]`: a consistent copy of the database
(SQLite online backup; pg_dump for PostgreSQL) and of the uploaded files, by default under
var/backups/ (docs/admin/backup.md). Safe while the platform runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ocop.core.backup import BackupError, default_directory, make_backup, prune_backups


class Command(BaseCommand):
    help = "Back up the database and the uploaded files (var/backups/ by default)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", type=Path, help="A file or a folder (default: var/backups/)."
        )
        parser.add_argument(
            "--keep",
            type=int,
            default=0,
            help="Afterwards delete all but the N newest backups of that folder (0: keep all).",
        )
        parser.add_argument("--no-media", action="store_true", help="Leave the uploaded files out.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            backup = make_backup(output=options["output"], with_media=not options["no_media"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"database: {backup.database}")
        if backup.media is not None:
            self.stdout.write(f"media: {backup.media}")
        if options["keep"] > 0:
            folder = backup.database.parent if options["output"] else default_directory()
            for path in prune_backups(folder, options["keep"]):
                self.stdout.write(f"deleted {path}")
