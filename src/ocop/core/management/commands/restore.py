"""`ocop restore PATH [--media ARCHIVE] [--yes]`: replace the database's content by a backup
made by `ocop backup` (and unpack its media archive). Asks for confirmation unless --yes; refuses
a file that is not a backup of this platform before touching anything (docs/admin/backup.md)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from ocop.core.backup import BackupError, backup_kind, media_for, restore_backup


class Command(BaseCommand):
    help = "Restore the database (and the uploaded files) from a backup. Replaces everything."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The .sqlite3 or .dump file of the backup.")
        parser.add_argument(
            "--media",
            type=Path,
            help="The media archive (default: the -media.tar.gz next to the backup, if any).",
        )
        parser.add_argument("--no-media", action="store_true", help="Restore the database only.")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        try:
            kind = backup_kind(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        media = options["media"]
        if media is None and not options["no_media"] and media_for(path).is_file():
            media = media_for(path)
        if options["no_media"]:
            media = None
        name = connections["default"].settings_dict["NAME"]
        if not options["yes"]:
            if not sys.stdin.isatty():
                raise CommandError("Restoring replaces the whole database: add --yes to confirm.")
            answer = input(
                f"Replace every row of the database {name} by the {kind} backup {path}"
                f"{' and its media files' if media else ''}? Type yes: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing was restored.")
        try:
            files = restore_backup(path, media=media)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"restored {path} into {name}")
        if media is not None:
            self.stdout.write(f"restored {files} media file(s) from {media}")
