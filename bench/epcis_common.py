"""What the benchmarks share (the EPCIS ones, and the catalogue's throw-away database): a throw-away database (a temporary SQLite file, or, when
DATABASE_URL names a PostgreSQL server, a new database on it that is dropped at the end), the
schema migrated, and a platform batch (product with a GTIN, producer) for events to name."""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def throwaway_database(label: str = "") -> str:
    """Point Django at an empty database (before django.setup()); its engine's name. `label`
    names the benchmark in the database's (or folder's) name."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        base, _sep, _name = url.rpartition("/")
        name = f"ocop_bench_{label + '_' if label else ''}{uuid.uuid4().hex[:10]}"
        # run_all.py migrates one template database and names it here: a copy is migrated.
        template = os.environ.get("OCOP_BENCH_TEMPLATE", "")
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(
                f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")
            )

        def drop() -> None:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        atexit.register(drop)
        os.environ["DATABASE_URL"] = f"{base}/{name}"
        return "postgresql"
    folder = tempfile.mkdtemp(prefix=f"ocop-bench-{label + '-' if label else ''}")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    os.environ.pop("DATABASE_URL", None)
    os.environ["OCOP_SQLITE_PATH"] = f"{folder}/bench.sqlite3"
    return "sqlite"


def setup() -> str:
    """A migrated throw-away database; the engine's name."""
    engine = throwaway_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocop.settings")
    os.environ.setdefault("DJANGO_DEBUG", "True")
    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"database: {engine}, migrated in {time.perf_counter() - started:.1f} s")
    return engine


def platform_batch(lot: str = "L2026-BENCH") -> Any:
    """A batch of a product with a Vietnamese GTIN (GS1 Vietnam, 893)."""
    from tests.factories.traceability import BatchFactory

    return BatchFactory(lot=lot)


def best(function: Any, repeat: int) -> float:
    """The best time of `repeat` calls (seconds)."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)
