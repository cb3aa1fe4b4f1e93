"""`python -m ocop.core.dbcheck URL`: exit 0 if the PostgreSQL server at URL answers."""

from __future__ import annotations

import sys


def reachable(url: str) -> bool:
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(url)
    try:
        with psycopg.connect(
            host=cfg["HOST"] or "127.0.0.1",
            port=int(cfg["PORT"] or 5432),
            user=cfg["USER"] or "postgres",
            password=cfg["PASSWORD"] or None,
            dbname="postgres",
            connect_timeout=3,
        ):
            return True
    except psycopg.OperationalError:
        return False


if __name__ == "__main__":
    sys.exit(0 if reachable(sys.argv[1]) else 1)
