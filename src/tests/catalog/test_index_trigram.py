"""PostgreSQL: the trigram indexes of migration 0002 exist and the search's word-prefix
condition (`search_text LIKE '% word%'`) can use them. SQLite scans the same column (no test:
the results are compared in test_search_queries.py, on both databases)."""

from __future__ import annotations

import pytest
from django.db import connection

from ocop.catalog.models import CatalogEntry
from ocop.catalog.queries.search import search_entries
from tests.factories.catalog import listed_product

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's trigram indexes"),
    pytest.mark.django_db,
]


def _indexes() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'catalog_catalogentry'"
        )
        return dict(cursor.fetchall())


def test_the_extension_and_the_indexes_exist():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone() is not None
    indexes = _indexes()
    assert "gin (search_text gin_trgm_ops)" in indexes["catalog_search_trgm"]
    assert "gin (name_folded gin_trgm_ops)" in indexes["catalog_name_trgm"]


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # as on a large table: neither a sequential scan nor a b-tree walk in the sort's order
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize("q", ["banh", "banh chung", "ba"])
def test_the_word_prefix_condition_uses_the_trigram_index(q):
    for n in range(3):
        listed_product(name=f"Bánh chưng {n}")
    queryset = search_entries(CatalogEntry.objects.all(), q).order_by().values("pk")
    plan = _plan(queryset)
    assert "catalog_search_trgm" in plan, plan
