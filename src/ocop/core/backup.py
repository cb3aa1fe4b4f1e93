"""Backups of the database and the uploaded files, their restore, and per-table checksums
(docs/admin/backup.md; `ocop backup`, `ocop restore`, `ocop db-checksums`).

- SQLite: sqlite3's online backup API (`Connection.backup`) copies a consistent snapshot while
  the platform keeps running, to `ocop-YYYYMMDD-HHMMSS.sqlite3`; a restore copies the backup
  back over the database the same way (one step: the readers see the old or the new database).
- PostgreSQL: `pg_dump --format=custom` to `ocop-YYYYMMDD-HHMMSS.dump`; a restore runs
  `pg_restore --clean --if-exists --single-transaction` (all or nothing).
- The uploaded files (MEDIA_ROOT) go into `ocop-YYYYMMDD-HHMMSS-media.tar.gz` next to it.

A restore refuses a file that is not a backup of this platform (not an SQLite database or a
pg_dump archive, or one without the platform's tables) before touching anything.

`table_checksums` gives, for every table, the number of rows and a SHA-256 of its rows read in
the order of the primary key: two databases of the same engine hold the same data exactly when
their checksums are equal (what the restore test compares).
"""

from __future__ import annotations

import datetime as dt
import glob
import hashlib
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils import timezone

SQLITE_ENGINE = "django.db.backends.sqlite3"
POSTGRES_ENGINE = "django.db.backends.postgresql"
SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
MARKER_TABLE = "django_migrations"  # every database of the platform has it
MARKER_APP = "evaluation"  # and the platform's own migrations in it
CHUNK = 2000


class BackupError(Exception):
    """A backup or a restore that cannot be made (the message says why, for the operator)."""


@dataclass(frozen=True)
class Backup:
    database: Path
    media: Path | None


def default_directory() -> Path:
    return Path(settings.DATA_DIR) / "backups"


def _stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M%S")


def _database(settings_dict: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return settings_dict if settings_dict is not None else connections["default"].settings_dict


def _engine(db: Mapping[str, Any]) -> str:
    engine = str(db["ENGINE"])
    if engine not in (SQLITE_ENGINE, POSTGRES_ENGINE):
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {engine}.")
    return engine


# --- SQLite -------------------------------------------------------------------------------------


def _sqlite_connect(name: Any) -> sqlite3.Connection:
    text = str(name)
    # The test suite's in-memory database is a shared-cache URI ("file:memorydb_…?mode=memory").
    return sqlite3.connect(text, uri=text.startswith("file:"), timeout=60)


def _sqlite_copy(source: Any, target: Any) -> None:
    src, dst = _sqlite_connect(source), _sqlite_connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


# --- PostgreSQL ---------------------------------------------------------------------------------


def pg_binary(name: str) -> str:
    """pg_dump / pg_restore: on PATH, or the newest under /usr/lib/postgresql/*/bin (Debian)."""
    found = shutil.which(name)
    if found:
        return found

    def version(path: str) -> int:
        match = re.search(r"/postgresql/(\d+)/", path)
        return int(match.group(1)) if match else 0

    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=version)
    if not candidates:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client).")
    return candidates[-1]


def _pg_arguments(db: Mapping[str, Any]) -> tuple[list[str], dict[str, str]]:
    args: list[str] = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()}")
    return done.stdout


# --- media --------------------------------------------------------------------------------------


def _media_archive(media_root: Path, output: Path) -> Path | None:
    if not media_root.is_dir():
        return None
    with tarfile.open(output, "w:gz") as archive:
        archive.add(media_root, arcname=".")
    return output


def restore_media(archive: Path, media_root: Path) -> int:
    """Unpack a media archive into MEDIA_ROOT (files of the same name are replaced); the number
    of files. Links, devices and paths outside the folder are refused ("data" filter)."""
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive, "r:gz") as tar:
        members = tar.getmembers()
        tar.extractall(media_root, filter="data")
    return sum(1 for member in members if member.isfile())


def media_for(database_backup: Path) -> Path:
    """The media archive that goes with a database backup."""
    return database_backup.with_name(database_backup.stem + "-media.tar.gz")


# --- backup -------------------------------------------------------------------------------------


def make_backup(
    *,
    output: Path | None = None,
    settings_dict: Mapping[str, Any] | None = None,
    media_root: Path | None = None,
    with_media: bool = True,
) -> Backup:
    """Back up the database (and MEDIA_ROOT) to `output` (a file, or a folder that exists; default
    var/backups/ocop-<time>.sqlite3 or .dump, the media archive next to it)."""
    db = _database(settings_dict)
    engine = _engine(db)
    suffix = ".sqlite3" if engine == SQLITE_ENGINE else ".dump"
    target = Path(output) if output is not None else default_directory()
    if target.is_dir() or output is None:
        target = target / f"ocop-{_stamp()}{suffix}"
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")  # never a half-written backup
    partial.unlink(missing_ok=True)
    if engine == SQLITE_ENGINE:
        _sqlite_copy(db["NAME"], partial)
        copy = sqlite3.connect(partial)
        try:  # a single file, readable without its -wal and -shm companions
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            copy.close()
    else:
        args, env = _pg_arguments(db)
        _run(
            [pg_binary("pg_dump"), "--format=custom", "--file", str(partial), *args, db["NAME"]],
            env,
        )
    partial.replace(target)
    target.chmod(0o600)
    media = None
    if with_media:
        media = _media_archive(Path(media_root or settings.MEDIA_ROOT), media_for(target))
        if media is not None:
            media.chmod(0o600)
    return Backup(database=target, media=media)


def prune_backups(directory: Path, keep: int) -> list[Path]:
    """Delete all but the `keep` newest backups (and their media archives) in `directory`."""
    backups = sorted(
        (
            path
            for path in directory.glob("ocop-*")
            if path.suffix in (".sqlite3", ".dump") and re.match(r"ocop-\d{8}-\d{6}\.", path.name)
        ),
        reverse=True,
    )
    removed: list[Path] = []
    for old in backups[keep:]:
        for path in (old, media_for(old)):
            if path.exists():
                path.unlink()
                removed.append(path)
    return removed


# --- restore ------------------------------------------------------------------------------------


def backup_kind(path: Path) -> str:
    """ "sqlite" or "postgresql" for a backup of this platform; BackupError for anything else."""
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    with path.open("rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        try:
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            try:
                found = conn.execute(
                    f"SELECT count(*) FROM {MARKER_TABLE} WHERE app = ?",  # noqa: S608
                    [MARKER_APP],
                ).fetchone()[0]
            finally:
                conn.close()
        except sqlite3.DatabaseError:
            found = 0
        if not found:
            raise BackupError(f"{path} is an SQLite database but not one of this platform.")
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        listing = _run([pg_binary("pg_restore"), "--list", str(path)], {**os.environ})
        if not re.search(rf"\bTABLE DATA public {MARKER_TABLE}\b", listing):
            raise BackupError(f"{path} is a pg_dump archive but not one of this platform.")
        return "postgresql"
    raise BackupError(f"{path} is not a backup (neither an SQLite database nor a pg_dump archive).")


def restore_backup(
    path: Path,
    *,
    settings_dict: Mapping[str, Any] | None = None,
    media: Path | None = None,
    media_root: Path | None = None,
) -> int:
    """Replace the database's content by the backup's (and unpack `media`, when given, into
    MEDIA_ROOT). The backup must be of the database's engine. Returns the media files restored."""
    db = _database(settings_dict)
    engine = _engine(db)
    kind = backup_kind(Path(path))
    if (kind == "sqlite") != (engine == SQLITE_ENGINE):
        raise BackupError(f"{path} is a {kind} backup; this platform runs on another database.")
    if settings_dict is None:
        connections.close_all()
    if engine == SQLITE_ENGINE:
        _sqlite_copy(Path(path), db["NAME"])
    else:
        args, env = _pg_arguments(db)
        _run(
            [
                pg_binary("pg_restore"),
                "--clean",
                "--if-exists",
                "--single-transaction",
                "--exit-on-error",
                "--no-owner",
                *args,
                "--dbname",
                db["NAME"],
                str(path),
            ],
            env,
        )
    if media is not None:
        return restore_media(Path(media), Path(media_root or settings.MEDIA_ROOT))
    return 0


# --- checksums ----------------------------------------------------------------------------------


def _open(db: Mapping[str, Any]) -> Any:
    if _engine(db) == SQLITE_ENGINE:
        return _sqlite_connect(db["NAME"])
    import psycopg

    return psycopg.connect(
        dbname=db["NAME"],
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
    )


def _tables_and_keys(conn: Any, sqlite: bool) -> dict[str, list[str]]:
    cursor = conn.cursor()
    if sqlite:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
        tables = sorted(row[0] for row in cursor.fetchall())
        keys = {}
        for table in tables:
            cursor.execute(f'PRAGMA table_info("{table}")')
            columns = cursor.fetchall()  # cid, name, type, notnull, default, pk
            pk = [c[1] for c in sorted(columns, key=lambda c: c[5]) if c[5]]
            keys[table] = pk or [c[1] for c in columns]
        return keys
    cursor.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
    )
    tables = sorted(row[0] for row in cursor.fetchall())
    keys = {}
    for table in tables:
        cursor.execute(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a "
            "ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
            "WHERE i.indrelid = %s::regclass AND i.indisprimary ORDER BY a.attnum",
            [f'public."{table}"'],
        )
        pk = [row[0] for row in cursor.fetchall()]
        if not pk:
            cursor.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = 'public' AND table_name = %s ORDER BY ordinal_position",
                [table],
            )
            pk = [row[0] for row in cursor.fetchall()]
        keys[table] = pk
    return keys


def _value(value: Any) -> str:
    if isinstance(value, memoryview | bytearray):
        value = bytes(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return repr(value)


def table_checksums(settings_dict: Mapping[str, Any] | None = None) -> dict[str, tuple[int, str]]:
    """{table: (rows, sha256 of its rows in primary-key order)} for every table."""
    db = _database(settings_dict)
    sqlite = _engine(db) == SQLITE_ENGINE
    conn = _open(db)
    try:
        result: dict[str, tuple[int, str]] = {}
        for table, key in _tables_and_keys(conn, sqlite).items():
            order = ", ".join(f'"{column}"' for column in key)
            cursor = conn.cursor()
            cursor.execute(f'SELECT * FROM "{table}" ORDER BY {order}')  # noqa: S608
            digest = hashlib.sha256()
            count = 0
            while rows := cursor.fetchmany(CHUNK):
                for row in rows:
                    digest.update(("\x1f".join(_value(v) for v in row) + "\x1e").encode())
                count += len(rows)
            result[table] = (count, digest.hexdigest())
        return result
    finally:
        conn.close()
