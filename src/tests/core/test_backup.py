"""Backup and restore (issue #9, item 8): the demo data backed up and restored into another,
empty database give the same row count and checksum in every table, on SQLite (online backup
API) and on PostgreSQL (pg_dump / pg_restore); the media files come back too; `ocop restore`
asks before replacing anything and refuses a file that is not a backup."""

from __future__ import annotations

import hashlib
import io
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from ocop.core.backup import (
    BackupError,
    backup_kind,
    make_backup,
    media_for,
    prune_backups,
    restore_backup,
    table_checksums,
)
from ocop.core.demo import load_demo

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("backup")]


def files_of(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def empty_database(tmp_path):
    """The settings of another, empty database of the suite's engine (dropped afterwards)."""
    if connection.vendor == "sqlite":
        yield {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "restored.sqlite3")}
        return
    import psycopg

    db = connection.settings_dict
    name = f"ocop_restore_{uuid.uuid4().hex[:12]}"
    params = {
        "host": db.get("HOST") or None,
        "port": db.get("PORT") or None,
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {**db, "NAME": name}
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_the_demo_round_trips_through_a_backup(tmp_path, empty_database):
    load_demo(seed=42, cycles=False)
    source = dict(connection.settings_dict)
    media_root = Path(settings.MEDIA_ROOT)
    before = table_checksums(source)
    media_before = files_of(media_root)
    # the demo is there: the comparison below compares something
    assert before["products_product"][0] > 10
    assert before["evaluation_dossier"][0] > 0
    assert before["django_migrations"][0] > 20
    assert media_before

    (tmp_path / "backups").mkdir()
    backup = make_backup(output=tmp_path / "backups", settings_dict=source)
    assert backup.database.parent == tmp_path / "backups"
    assert backup.database.name.startswith("ocop-")
    assert backup_kind(backup.database) == connection.vendor
    assert backup.media == media_for(backup.database)

    restored_media = tmp_path / "restored-media"
    files = restore_backup(
        backup.database, settings_dict=empty_database, media=backup.media, media_root=restored_media
    )
    after = table_checksums(empty_database)
    assert set(after) == set(before)
    differing = {table for table in before if before[table] != after[table]}
    assert differing == set()
    assert files == len(media_before)
    assert files_of(restored_media) == media_before

    # restoring again over the now full database replaces it (not adds to it)
    restore_backup(backup.database, settings_dict=empty_database)
    assert table_checksums(empty_database) == before


def test_a_file_that_is_not_a_backup_is_refused(tmp_path):
    text = tmp_path / "notes.sqlite3"
    text.write_text("not a database", encoding="utf-8")
    with pytest.raises(BackupError, match="not a backup"):
        backup_kind(text)
    with pytest.raises(BackupError, match="does not exist"):
        backup_kind(tmp_path / "missing.dump")
    import sqlite3

    other = tmp_path / "other.sqlite3"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    with pytest.raises(BackupError, match="not one of this platform"):
        backup_kind(other)
    with pytest.raises(CommandError, match="not a backup"):
        call_command("restore", str(text), "--yes")


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_commands(tmp_path, monkeypatch):
    out = io.StringIO()
    call_command("backup", "--output", str(tmp_path), "--no-media", stdout=out)
    path = Path(out.getvalue().split("database: ", 1)[1].splitlines()[0])
    assert path.parent == tmp_path
    assert backup_kind(path) == connection.vendor
    # without --yes and without a terminal to ask on, nothing is restored
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(path))
    sums = io.StringIO()
    call_command("db-checksums", stdout=sums)
    assert "django_migrations\t" in sums.getvalue()


def test_old_backups_are_pruned(tmp_path):
    names = [f"ocop-2026010{day}-120000.sqlite3" for day in range(1, 6)]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
        media_for(tmp_path / name).write_bytes(b"y")
    (tmp_path / "notes.txt").write_text("kept", encoding="utf-8")
    removed = prune_backups(tmp_path, keep=2)
    assert len(removed) == 6
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [*names[3:], *(media_for(tmp_path / n).name for n in names[3:]), "notes.txt"]
    )
