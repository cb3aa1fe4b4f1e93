"""The production server (`make serve-prod`, docs/deploy.md): gunicorn with ocop.gunicorn_conf,
DEBUG=False, WhiteNoise's hashed and compressed static files, behind a proxy's X-Forwarded-Proto.

One real gunicorn on a free loopback port against a SQLite file migrated here; it is stopped at
the end of the test and none of its processes may be left.
"""

from __future__ import annotations

import gzip
import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from whitenoise.compress import brotli_installed

from ocop.core.middleware import CSP
from ocop.gunicorn_conf import bind_for, cpu_count, workers_for

SRC = Path(__file__).resolve().parents[2]

# Django's admin, ninja's Swagger and the OTP apps' files make up 30 MB of the static tree and
# half a minute of compression; the pages this test asks for use only the platform's own.
NOT_COLLECTED = ["admin", "ninja", "django_otp", "otp_totp"]


def test_workers_follow_the_cpu_count_unless_set() -> None:
    assert workers_for({}, 1) == 3
    assert workers_for({}, 2) == 5
    assert workers_for({}, 8) == 17
    assert workers_for({"WEB_CONCURRENCY": "4"}, 8) == 4
    assert workers_for({"WEB_CONCURRENCY": "4", "OCOP_WEB_WORKERS": "6"}, 8) == 6
    assert workers_for({"OCOP_WEB_WORKERS": " ", "WEB_CONCURRENCY": ""}, 2) == 5
    with pytest.raises(SystemExit, match="OCOP_WEB_WORKERS must be a whole number"):
        workers_for({"OCOP_WEB_WORKERS": "many"}, 2)
    with pytest.raises(SystemExit, match="WEB_CONCURRENCY must be at least 1"):
        workers_for({"WEB_CONCURRENCY": "0"}, 2)
    assert cpu_count() == len(os.sched_getaffinity(0))


def test_bind_from_host_and_port() -> None:
    assert bind_for({}) == ["127.0.0.1:8000"]
    assert bind_for({"HOST": "0.0.0.0", "PORT": "9000"}) == ["0.0.0.0:9000"]  # noqa: S104
    assert bind_for({"HOST": "::1", "PORT": "8001"}) == ["[::1]:8001"]
    assert bind_for({"OCOP_BIND": "unix:/run/ocop/gunicorn.sock", "PORT": "1"}) == [
        "unix:/run/ocop/gunicorn.sock"
    ]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _children(pid: int) -> set[int]:
    """The live processes whose parent is `pid` (Linux's /proc)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state, parent = stat.rsplit(")", 1)[1].split()[:2]
        if int(parent) == pid and state != "Z":
            found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


class Client:
    def __init__(self, port: int) -> None:
        self.port = port

    def request(
        self, method: str, path: str, headers: dict[str, str] | None = None
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request(
                method, path, headers={"X-Forwarded-Proto": "https", **(headers or {})}
            )
            response = connection.getresponse()
            return response.status, response.headers, response.read()
        finally:
            connection.close()


def _wait_until_up(client: Client, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.poll() is None, "gunicorn stopped while starting"
        try:
            if client.request("GET", "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail("gunicorn did not answer /healthz in time")


@pytest.mark.slow
@pytest.mark.xdist_group("serve_prod")
def test_gunicorn_serves_the_platform_in_production(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(SRC),
        "DJANGO_SETTINGS_MODULE": "ocop.settings",
        "DJANGO_DEBUG": "False",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "OCOP_SITE_URL": f"https://127.0.0.1:{port}",
        "OCOP_BEHIND_PROXY": "True",  # as behind nginx (docs/deploy.md): HTTPS redirect stays on
        "OCOP_DATA_DIR": str(tmp_path),
        "OCOP_STATIC_ROOT": str(tmp_path / "static"),
        "OCOP_SQLITE_PATH": str(tmp_path / "ocop.sqlite3"),
        "DATABASE_URL": "",
        "DATABASE_REPLICA_URLS": "",
        "REDIS_URL": "",
        "TASKS_BACKEND": "immediate",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "OCOP_BIND": "",
        "OCOP_WEB_WORKERS": "",
        "WEB_CONCURRENCY": "2",
        "OCOP_GRACEFUL_TIMEOUT": "5",
        "OCOP_ACCESS_LOG": str(tmp_path / "access.log"),
        "OCOP_LOG_LEVEL": "WARNING",
    }
    ocop = [sys.executable, "-m", "ocop"]
    ignore = [arg for name in NOT_COLLECTED for arg in ("-i", name)]

    def start(command: list[str]) -> subprocess.Popen:
        return subprocess.Popen(  # noqa: S603 (our own commands, no shell)
            command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )

    # The static files first (WhiteNoise lists them when a worker starts); gunicorn's workers then
    # boot while the migrations run, and no request is made before both are done.
    migrate = start([*ocop, "migrate", "--no-input"])
    collect = start([*ocop, "collectstatic", "--no-input", "--verbosity", "0", *ignore])
    collected = collect.communicate(timeout=120)[0].decode()
    server = start([sys.executable, "-m", "gunicorn", "-c", "python:ocop.gunicorn_conf"])
    migrated = migrate.communicate(timeout=120)[0].decode()
    client = Client(port)
    workers: set[int] = set()
    try:
        assert (collect.returncode, migrate.returncode) == (0, 0), collected + migrated
        _wait_until_up(client, server)

        # As many workers as the configuration's formula gives for this environment.
        expected = workers_for(env, cpu_count())
        assert expected == 2
        deadline = time.monotonic() + 20
        while len(workers := _children(server.pid)) != expected and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(workers) == expected

        status, headers, body = client.request(
            "GET", "/healthz", {"X-Forwarded-For": "203.0.113.7"}
        )
        assert status == 200
        assert json.loads(body) == {"status": "ok", "database": "sqlite"}

        # Plain HTTP (no X-Forwarded-Proto from the proxy) is sent to HTTPS.
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/healthz")
        response = connection.getresponse()
        assert (response.status, response.headers["Location"]) == (
            301,
            f"https://127.0.0.1:{port}/healthz",
        )
        connection.close()

        status, headers, body = client.request("GET", "/")
        assert status == 200
        assert headers["Content-Security-Policy"] == CSP
        assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
        assert b"<html" in body

        # A hashed asset from the manifest: ten years, immutable, gzip (and brotli) bodies.
        manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())["paths"]
        hashed = manifest["css/ocop.css"]
        original = (tmp_path / "static" / hashed).read_bytes()
        status, headers, body = client.request(
            "GET", f"/static/{hashed}", {"Accept-Encoding": "gzip"}
        )
        assert status == 200
        assert headers["Cache-Control"] == "max-age=315360000, public, immutable"
        assert headers["Content-Encoding"] == "gzip"
        assert headers["Vary"] == "Accept-Encoding"
        assert gzip.decompress(body) == original
        if brotli_installed:
            import brotli

            status, headers, body = client.request(
                "GET", f"/static/{hashed}", {"Accept-Encoding": "gzip, deflate, br"}
            )
            assert (status, headers["Content-Encoding"]) == (200, "br")
            assert brotli.decompress(body) == original
        status, headers, body = client.request("GET", f"/static/{hashed}")
        assert (status, headers.get("Content-Encoding"), body) == (200, None, original)

        # The unhashed copy: an hour (settings.WHITENOISE_MAX_AGE), not immutable.
        status, headers, _ = client.request("GET", "/static/css/ocop.css")
        assert (status, headers["Cache-Control"]) == (200, "max-age=3600, public")

        assert client.request("HEAD", "/static/css/missing.0123456789ab.css")[0] == 404
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            output = server.communicate(timeout=30)[0].decode()
        except subprocess.TimeoutExpired:
            server.kill()
            server.communicate()
            pytest.fail("gunicorn did not stop within 30 s of SIGTERM")

    assert server.returncode == 0, output
    assert workers
    assert [pid for pid in workers if _alive(pid)] == []
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port), 2):
        pass
    # One access-log line per request, with the client the proxy named.
    log = (tmp_path / "access.log").read_text()
    assert "203.0.113.7 [" in log
    assert '"GET /healthz HTTP/1.1" 200' in log
    assert '"HEAD /static/css/missing.0123456789ab.css HTTP/1.1" 404' in log
