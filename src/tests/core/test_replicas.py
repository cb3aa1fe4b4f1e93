"""Read replicas (ocop.core.dbrouter, docs/developer/replicas.md).

The first tests add a second alias on the test database at run time (what `TEST={"MIRROR":
"default"}` does for the configured replicas) and count the queries each alias runs. The last one
starts a real streaming replica: its own primary cluster (initdb, pg_ctl) and a standby made with
pg_basebackup, both on loopback ports, and runs the platform against them in a subprocess.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections, router, transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import resolve, reverse

from ocop.core.dbrouter import RECENT_WRITE_COOKIE, ReplicaMiddleware, ReplicaRouter
from ocop.geo.models import AdministrativeUnit
from tests.factories.geo import CommuneFactory

REPLICA = "replica1"


@pytest.fixture(scope="module")
def replica_alias(django_db_setup) -> Iterator[str]:
    """`replica1` on the test database, a test mirror (so no test flushes or creates it)."""
    primary = connections[DEFAULT_DB_ALIAS].settings_dict
    connections.settings[REPLICA] = {**primary, "TEST": {**primary["TEST"], "MIRROR": "default"}}
    yield REPLICA
    connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]


@pytest.fixture
def replica(replica_alias, settings) -> Iterator[Counter]:
    """Replicas on; yields the number of queries run per alias."""
    settings.DATABASE_REPLICAS = [REPLICA]
    counts: Counter = Counter()

    def counter(alias):
        def wrapper(execute, sql, params, many, context):
            counts[alias] += 1
            return execute(sql, params, many, context)

        return wrapper

    with (
        connections[DEFAULT_DB_ALIAS].execute_wrapper(counter(DEFAULT_DB_ALIAS)),
        connections[REPLICA].execute_wrapper(counter(REPLICA)),
    ):
        yield counts


# Committed rows (a second connection reads them) on both aliases.
on_replica = pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])


def test_router_without_replicas_keeps_djangos_choice(settings):
    settings.DATABASE_REPLICAS = []
    assert ReplicaRouter().db_for_read(AdministrativeUnit) is None
    assert ReplicaRouter().db_for_write(AdministrativeUnit) == "default"


def test_router_writes_and_migrations_on_the_primary(settings):
    settings.DATABASE_REPLICAS = [REPLICA]
    r = ReplicaRouter()
    # No request (a command, a background task): the primary.
    assert r.db_for_read(AdministrativeUnit) == "default"
    assert r.db_for_write(AdministrativeUnit) == "default"
    assert r.allow_migrate("default", "geo") is True
    assert r.allow_migrate(REPLICA, "geo") is False
    assert r.allow_relation(object(), object()) is True


def _through_middleware(request, view):
    """Runs a request through ReplicaMiddleware (its __call__ and process_view) to `view`."""

    def get_response(req):
        req.resolver_match = resolve(req.path_info)
        middleware.process_view(req, view, (), {})
        return view(req)

    middleware = ReplicaMiddleware(get_response)
    return middleware(request)


def _run(request, seen):
    """A view that records where its reads go: before, inside and after a transaction."""

    def view(req):
        seen.append(router.db_for_read(AdministrativeUnit))
        with transaction.atomic():  # a service's transaction reads the primary
            seen.append(router.db_for_read(AdministrativeUnit))
        seen.append(router.db_for_read(AdministrativeUnit))
        return HttpResponse("ok")

    return _through_middleware(request, view)


@pytest.mark.django_db(transaction=True)
def test_public_read_uses_replica_except_inside_a_transaction(settings):
    settings.DATABASE_REPLICAS = [REPLICA]
    seen: list[str] = []
    _run(RequestFactory().get(reverse("geo:units")), seen)
    assert seen == [REPLICA, "default", REPLICA]
    # After the request, the state is gone: the primary again.
    assert ReplicaRouter().db_for_read(AdministrativeUnit) == "default"


@pytest.mark.parametrize(
    ("method", "path", "headers", "expected"),
    [
        ("get", "/api/v1/catalog/products", {}, REPLICA),
        ("get", "/api/v1/catalog/products", {"HTTP_AUTHORIZATION": "Bearer x"}, "default"),
        ("get", "/bao-cao/", {}, "default"),  # not a public page
        ("post", "/dia-ban/", {}, "default"),
        ("get", "/dia-ban/", {}, REPLICA),
    ],
)
def test_which_requests_are_public_reads(settings, method, path, headers, expected):
    settings.DATABASE_REPLICAS = [REPLICA]
    seen: list[str] = []

    def view(req):
        seen.append(router.db_for_read(AdministrativeUnit))
        return HttpResponse("ok")

    request = getattr(RequestFactory(), method)(path, **headers)
    response = _through_middleware(request, view)
    assert seen[0] == expected
    assert (RECENT_WRITE_COOKIE in response.cookies) == (method == "post")


@on_replica
def test_public_page_is_served_by_the_replica(replica, client):
    unit = CommuneFactory(name="Xã Bản Sao")
    replica.clear()
    response = client.get(reverse("geo:unit", kwargs={"key": unit.key}))
    assert response.status_code == 200
    assert "Xã Bản Sao" in response.content.decode()
    assert replica[REPLICA] > 0
    assert replica[DEFAULT_DB_ALIAS] == 0


@on_replica
def test_signed_in_page_reads_the_primary(replica, client, django_user_model):
    user = django_user_model.objects.create_user(username="replica-user", password="pw-123456!x")
    client.force_login(user)
    replica.clear()
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 200
    assert replica[DEFAULT_DB_ALIAS] > 0
    assert replica[REPLICA] == 0


@on_replica
def test_a_browser_that_wrote_reads_the_primary_then_the_replica(replica, client, settings):
    unit = CommuneFactory()
    url = reverse("geo:unit", kwargs={"key": unit.key})
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    cookie = response.cookies[RECENT_WRITE_COOKIE]
    assert cookie["max-age"] == settings.OCOP_READ_YOUR_WRITES_SECONDS
    replica.clear()
    assert client.get(url).status_code == 200
    assert replica[REPLICA] == 0
    assert replica[DEFAULT_DB_ALIAS] > 0
    # Once the time has passed (the value is checked, not only the cookie's Max-Age): a replica.
    client.cookies[RECENT_WRITE_COOKIE] = f"{time.time() - 1:.3f}"
    replica.clear()
    assert client.get(url).status_code == 200
    assert replica[REPLICA] > 0
    assert replica[DEFAULT_DB_ALIAS] == 0


@on_replica
def test_related_rows_come_from_the_replica_of_their_parent(replica, settings):
    settings.DATABASE_REPLICAS = ["replica0", REPLICA]
    unit = CommuneFactory()
    loaded = AdministrativeUnit.objects.using(REPLICA).get(pk=unit.pk)
    seen: list[str] = []

    def view(req):
        for _ in range(2):  # round-robin would pick replica0 once; the parent's replica wins
            seen.append(ReplicaRouter().db_for_read(AdministrativeUnit, instance=loaded))
        return HttpResponse()

    _through_middleware(RequestFactory().get(reverse("geo:units")), view)
    assert seen == [REPLICA, REPLICA]


# --- A real streaming replica -------------------------------------------------------------------

PG_BIN = Path("/usr/lib/postgresql/15/bin")
REPO = Path(__file__).resolve().parents[3]

WORKER = r"""
import json, sys, time
import django
django.setup()
from collections import Counter
from django.db import connections
from django.test import Client
from django.test.utils import setup_test_environment
from django.urls import reverse
setup_test_environment()
from django.contrib.auth import get_user_model
from tests.factories.geo import CommuneFactory

out = {}
counts = Counter()

def counter(alias):
    def wrapper(execute, sql, params, many, context):
        counts[alias] += 1
        return execute(sql, params, many, context)
    return wrapper

def recovery(alias):
    with connections[alias].cursor() as cursor:
        cursor.execute("select pg_is_in_recovery()")
        return cursor.fetchone()[0]

def replica_sees(key, timeout=20):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if Client().get(reverse("geo:unit", kwargs={"key": key})).status_code == 200:
            return True
        time.sleep(0.1)
    return False

out["recovery"] = {"default": recovery("default"), "replica1": recovery("replica1")}
User = get_user_model()
User.objects.create_user(username="writer", password="replica-pass-1!")
unit = CommuneFactory(name="Xã Sao Chép")
out["replayed"] = replica_sees(unit.key)
url = reverse("geo:unit", kwargs={"key": unit.key})

with connections["default"].execute_wrapper(counter("default")), \
        connections["replica1"].execute_wrapper(counter("replica1")):
    anonymous = Client()
    counts.clear()
    response = anonymous.get(url)
    out["public"] = {"status": response.status_code, "counts": dict(counts),
                     "shows": "Xã Sao Chép" in response.content.decode()}

    # Replay paused: the next write reaches the replica only when it resumes.
    with connections["replica1"].cursor() as cursor:
        cursor.execute("select pg_wal_replay_pause()")
    writer = Client()
    counts.clear()
    response = writer.post(reverse("accounts:login"),
                           {"username": "writer", "password": "replica-pass-1!"})
    out["login"] = {"status": response.status_code, "counts": dict(counts),
                    "cookie": "ocop_rw" in response.cookies}
    fresh = CommuneFactory(name="Xã Vừa Ghi")
    fresh_url = reverse("geo:unit", kwargs={"key": fresh.key})
    counts.clear()
    response = writer.get(fresh_url)
    out["writer"] = {"status": response.status_code, "counts": dict(counts)}
    counts.clear()
    response = anonymous.get(fresh_url)
    out["anonymous_paused"] = {"status": response.status_code, "counts": dict(counts)}
    with connections["replica1"].cursor() as cursor:
        cursor.execute("select pg_wal_replay_resume()")
out["replayed_after_resume"] = replica_sees(fresh.key)
print(json.dumps(out))
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres(args: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root: the server tools run as the postgres user then.
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def _run_ok(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(  # noqa: S603 - fixed PostgreSQL tools, no shell
        args, capture_output=True, text=True, timeout=60, **kwargs
    )
    assert result.returncode == 0, f"{args[0:4]} failed: {result.stdout}\n{result.stderr}"
    return result


@contextlib.contextmanager
def _cluster(directory: Path, port: int, log: Path) -> Iterator[None]:
    options = (
        f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={directory.parent}"
    )
    options += " -c fsync=off -c full_page_writes=off -c synchronous_commit=off"
    _run_ok(
        _as_postgres(
            [
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(directory),
                "-l",
                str(log),
                "-o",
                options,
                "-w",
                "-t",
                "30",
                "start",
            ]
        )
    )
    try:
        yield
    finally:
        subprocess.run(  # noqa: S603 - pg_ctl, no shell
            _as_postgres(
                [str(PG_BIN / "pg_ctl"), "-D", str(directory), "-m", "immediate", "-w", "stop"]
            ),
            capture_output=True,
            timeout=60,
        )


@pytest.mark.slow
@pytest.mark.django_db  # the migrated test database, copied to the replica's own primary
def test_a_real_streaming_replica_serves_public_reads():
    if connection.vendor != "postgresql":
        pytest.skip("a streaming replica needs PostgreSQL (the PostgreSQL run of `make test`)")
    if not (PG_BIN / "pg_basebackup").exists():
        pytest.skip(f"Debian's PostgreSQL server tools are not in {PG_BIN}")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("running as root without runuser: PostgreSQL refuses to start as root")
    source = connection.settings_dict
    workdir = Path(tempfile.mkdtemp(prefix="ocop-replica-"))
    try:
        if os.geteuid() == 0:
            shutil.chown(workdir, "postgres", "postgres")
        primary, standby = workdir / "primary", workdir / "standby"
        primary_port, standby_port = _free_port(), _free_port()
        # Our own primary cluster: the shared server's pg_hba.conf has no replication line, and a
        # base backup of it would copy every database on it. initdb's pg_hba trusts loopback
        # replication connections.
        _run_ok(
            _as_postgres(
                [
                    str(PG_BIN / "initdb"),
                    "-D",
                    str(primary),
                    "-U",
                    "postgres",
                    "-A",
                    "trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                    "--no-sync",
                ]
            )
        )
        with _cluster(primary, primary_port, workdir / "primary.log"):
            primary_url = f"postgres://postgres@127.0.0.1:{primary_port}/ocop_replica"
            _run_ok(
                [
                    str(PG_BIN / "createdb"),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(primary_port),
                    "-U",
                    "postgres",
                    "ocop_replica",
                ]
            )
            # The schema (and the rows the migrations write) of the migrated test database.
            dump = _run_ok(
                [
                    str(PG_BIN / "pg_dump"),
                    "--no-owner",
                    "--no-privileges",
                    "-h",
                    source.get("HOST") or "127.0.0.1",
                    "-p",
                    str(source.get("PORT") or 5432),
                    "-U",
                    source.get("USER") or "postgres",
                    source["NAME"],
                ],
                env={**os.environ, "PGPASSWORD": source.get("PASSWORD") or ""},
            )
            _run_ok(
                [str(PG_BIN / "psql"), "-q", "-v", "ON_ERROR_STOP=1", primary_url],
                input=dump.stdout,
            )
            _run_ok(
                _as_postgres(
                    [
                        str(PG_BIN / "pg_basebackup"),
                        "-h",
                        "127.0.0.1",
                        "-p",
                        str(primary_port),
                        "-U",
                        "postgres",
                        "-D",
                        str(standby),
                        "-R",
                        "-X",
                        "stream",
                        "-c",
                        "fast",
                        "--no-sync",
                    ]
                )
            )
            with _cluster(standby, standby_port, workdir / "standby.log"):
                replica_url = f"postgres://postgres@127.0.0.1:{standby_port}/ocop_replica"
                env = {
                    **os.environ,
                    "DATABASE_URL": primary_url,
                    "DATABASE_REPLICA_URLS": replica_url,
                    "DJANGO_SETTINGS_MODULE": "ocop.settings",
                    "PYTHONPATH": str(REPO / "src"),
                    "TASKS_BACKEND": "immediate",
                }
                started = time.monotonic()
                result = subprocess.run(  # noqa: S603 - our own interpreter
                    [sys.executable, "-c", WORKER],
                    capture_output=True,
                    text=True,
                    timeout=120,
                    env=env,
                    cwd=REPO,
                )
                assert result.returncode == 0, result.stderr[-3000:]
                out = json.loads(result.stdout.strip().splitlines()[-1])
                elapsed = time.monotonic() - started
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    print(json.dumps(out, ensure_ascii=False), f"{elapsed:.1f} s")  # the figures, with -s
    assert out["recovery"] == {"default": False, "replica1": True}
    assert out["replayed"] is True  # a write on the primary reached the replica
    # An anonymous read of a public page: every query on the replica.
    assert out["public"]["status"] == 200 and out["public"]["shows"] is True
    assert out["public"]["counts"].get("default", 0) == 0
    assert out["public"]["counts"]["replica1"] > 0
    # Signing in writes (the session, last_login): on the primary, and the answer sets the cookie.
    assert out["login"]["status"] == 302 and out["login"]["cookie"] is True
    assert out["login"]["counts"].get("replica1", 0) == 0
    # With replay paused, the user who just wrote reads the primary and sees the new unit …
    assert out["writer"]["status"] == 200
    assert out["writer"]["counts"].get("replica1", 0) == 0
    # … while an anonymous reader, served by the replica, does not see it yet …
    assert out["anonymous_paused"]["status"] == 404
    assert out["anonymous_paused"]["counts"]["replica1"] > 0
    assert out["anonymous_paused"]["counts"].get("default", 0) == 0
    # … until replay resumes.
    assert out["replayed_after_resume"] is True


def _settings_in_subprocess(env: dict[str, str]) -> subprocess.CompletedProcess:
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'replicas': s.DATABASE_REPLICAS, 'databases': "
        "{a: [d['HOST'], d['PORT'], d['NAME'], d['TEST'].get('MIRROR'), d['CONN_HEALTH_CHECKS']]"
        " for a, d in s.DATABASES.items() if a != 'default'}}))"
    )
    return subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "ocop.settings", **env},
        cwd=REPO,
    )


def test_replica_urls_become_test_mirrors():
    result = _settings_in_subprocess(
        {
            "DATABASE_URL": "postgres://ocop@db1:5432/ocop",
            "DATABASE_REPLICA_URLS": "postgres://ocop@db2:5432/ocop, postgres://ocop@db3:5433/ocop",
        }
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "replicas": ["replica1", "replica2"],
        "databases": {
            "replica1": ["db2", 5432, "ocop", "default", True],
            "replica2": ["db3", 5433, "ocop", "default", True],
        },
    }


def test_replicas_need_postgresql():
    result = _settings_in_subprocess(
        {"DATABASE_URL": "", "DATABASE_REPLICA_URLS": "postgres://ocop@db2:5432/ocop"}
    )
    assert result.returncode != 0
    assert "DATABASE_REPLICA_URLS needs a PostgreSQL DATABASE_URL" in result.stderr
