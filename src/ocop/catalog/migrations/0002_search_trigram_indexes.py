"""PostgreSQL: trigram indexes (pg_trgm, GIN) on the catalogue's folded search columns, so that
`search_text LIKE '% word%'` (a word prefix, `ocop.catalog.queries.search`) is an index scan.

`CREATE EXTENSION pg_trgm` needs a superuser (or a role allowed to create trusted extensions,
PostgreSQL 13+); when it cannot be created and is not there already, the indexes are left out
with a warning and the search still works, by scanning the table (docs/admin/catalog.md). SQLite:
nothing to do (the same columns are scanned; the results are the same)."""

import sys

from django.db import DatabaseError, migrations, transaction

INDEXES = {
    "catalog_search_trgm": "search_text",
    "catalog_name_trgm": "name_folded",
}


def _has_trigrams(schema_editor) -> bool:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        return cursor.fetchone() is not None


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    if not _has_trigrams(schema_editor):
        try:
            with transaction.atomic(using=schema_editor.connection.alias):
                schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except DatabaseError as error:  # a missing privilege: warn, go on
            sys.stderr.write(
                "WARNING: the PostgreSQL extension pg_trgm could not be created "
                f"({error}); the catalogue's search works without its trigram indexes. "
                "Run CREATE EXTENSION pg_trgm as a superuser, then "
                "`ocop migrate catalog 0001` and `ocop migrate catalog`.\n"
            )
            return
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON catalog_catalogentry "
            f"USING gin ({column} gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
