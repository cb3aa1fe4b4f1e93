"""A large producers file imports in one go: every row checked, then written in one transaction
through `create_producer`.

Measured on SQLite (in-memory test database, this project's CI machines): 10,000 rows take about
150–220 s — about 2 ms a row to read and check, 12 ms a row for `create_producer` (its own ~14
queries: organisation, producer, codes, savepoints, two audit rows). That is over the 20 s a
test of the regular suite may take, so the suite imports 2,000 rows (about 30 s)."""

from __future__ import annotations

import pytest

from ocop.producers.models import Producer
from ocop.reports.enums import ImportKind, ImportStatus
from tests.factories.geo import CommuneFactory
from tests.reports.import_files import producer_row, run_import, workbook_bytes

pytestmark = pytest.mark.django_db

ROWS = 2_000


def test_two_thousand_producers_import_in_one_go(cast):
    communes = [cast.commune_a, cast.commune_b, *(CommuneFactory() for _ in range(8))]
    rows = [producer_row(communes[n % len(communes)], n) for n in range(1, ROWS + 1)]
    before = Producer.objects.count()
    job = run_import(cast.office, ImportKind.PRODUCERS, workbook_bytes("producers", rows))
    assert job.status == ImportStatus.DONE, job.errors[:5]
    assert (job.total_rows, job.created["count"]) == (ROWS, ROWS)
    assert Producer.objects.count() == before + ROWS
    assert Producer.objects.filter(tax_code=rows[-1]["tax_code"]).get().name == rows[-1]["name"]
