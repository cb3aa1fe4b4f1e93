"""Throughput of the public trace page against a no-op endpoint of the same stack (issue 6:
"at least half the throughput of a no-op endpoint", ratio >= 0.5).

    .venv/bin/python bench/trace_bench.py [--workers 3] [--duration 10] [--connections 8]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ocop .venv/bin/python bench/trace_bench.py
    REDIS_URL=redis://127.0.0.1:6379/14 DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python bench/trace_bench.py        # the production set-up

The production set-up, on a free loopback port: gunicorn with `ocop.wsgi` and sync workers,
DJANGO_DEBUG=False with a throwaway secret, static files by WhiteNoise after collectstatic, and a
throwaway database: a SQLite file in a temporary directory, or, when DATABASE_URL names a
PostgreSQL server, a new database `<name>_trace_bench` on it (dropped at the end). The data: one
product with a valid OCOP certificate, a batch with 20 EPCIS events, an active stamp.

Measured from a second process with `wrk` (`make bench-deps` installs Debian's package), or,
without it, a Python client with threads: requests per second of

- the no-op endpoint `/healthz` (the whole middleware stack and one `SELECT 1`), and
- the trace page of the stamp's serial (`/01/{gtin}/10/{lot}/21/{serial}`, Accept text/html and a
  phone's user agent, so that every request records a scan: an insert and an update);

best of `--rounds` alternating runs of each, with the 99th percentile of the latency of each run
(`wrk --latency`, or the Python client's own timing). The ratio trace/no-op is printed; the
script exits 1 below `--target` (0.5). A measurement for people and CI logs: no test runs it.
Before the server stops, the peak resident memory (VmHWM in /proc) of its master and of each
worker is printed; `--json PATH` writes every figure (for bench/run_all.py).

With REDIS_URL (or `--redis-url`), gunicorn gets it, as in production: Django's cache and the
scans' buffer are in that Redis database, which is EMPTIED before and after the run (give it a
database number of its own); each visit then counts and queues its scan in Redis (and, once a
worker keeps the stamp's trace, reads nothing from the database: services/trace_cache.py), and
`ocop flush-scans` writes them to the database after the measurement (its time is printed).
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
TARGET = 0.5
PHONE = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Mobile Safari/537.36"
HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

SETUP = r"""
import datetime as dt
from decimal import Decimal
import django
django.setup()
from django.utils import timezone
from ocop.accounts.enums import OrganisationKind
from ocop.accounts.models import Organisation
from ocop.certificates.enums import Authority, CertificateStatus
from ocop.certificates.models import Certificate
from ocop.certificates.signing import verification_code
from ocop.geo.models import AdministrativeUnit
from ocop.producers.models import Producer
from ocop.products.models import Product
from ocop.traceability.enums import StampStatus
from ocop.traceability.identifiers import DigitalLink, check_digit
from ocop.traceability.models import Batch, CaptureJob, Event, Location, Stamp

province = AdministrativeUnit.objects.create(
    key="bench-p", code="01", name="Thành phố Hà Nội", level="province", kind="city")
commune = AdministrativeUnit.objects.create(
    key="bench-c", code="00001", name="Xã Bát Tràng", level="commune", kind="commune",
    parent=province, province=province)
organisation = Organisation.objects.create(kind=OrganisationKind.PRODUCER, name="HTX Gốm")
producer = Producer.objects.create(
    organisation=organisation, kind="cooperative", name="Hợp tác xã Gốm Bát Tràng",
    address="Thôn Giang Cao", commune=commune, representative_name="Nguyễn Thị Lan",
    representative_sex="female", status="approved")
body = "893123400001"
product = Product.objects.create(
    producer=producer, name="Bình gốm men lam", description="Gốm men lam vẽ tay.",
    gtin=body + check_digit(body))
farm = Location.objects.create(producer=producer, name="Lò gốm Giang Cao", kind="workshop")
batch = Batch.objects.create(
    product=product, producer=producer, lot="L2026-07", produced_on=dt.date(2026, 7, 1),
    expires_on=dt.date(2031, 7, 1), quantity=Decimal("120"), unit="cái", location=farm)
day = dt.date.today()
certificate = Certificate(
    number="001/2026/GCN-OCOP", year=2026, sequence=1, province=province, product=product,
    producer=producer, product_name=product.name, producer_name=producer.name,
    unit_name=commune.name, stars=4, criteria_code="qd26", criteria_name="QĐ 26/2026",
    decision_number="1/QĐ-UBND", decided_on=day, issued_on=day,
    expires_on=day + dt.timedelta(days=1095), authority=Authority.PROVINCE,
    authority_name="UBND thành phố Hà Nội", status=CertificateStatus.VALID)
certificate.save()
certificate.verification_code = verification_code(certificate)
certificate.save(update_fields=["verification_code"])
job = CaptureJob.objects.create(status="succeeded", finished_at=timezone.now())
steps = ["urn:ocop:bizstep:harvesting", "commissioning", "urn:ocop:bizstep:transforming",
         "packing", "storing", "shipping", "receiving", "retail_selling"]
start = timezone.now() - dt.timedelta(days=30)
events = []
for n in range(EVENTS):
    at = start + dt.timedelta(hours=6 * n)
    events.append(Event(
        job=job, hash=f"ni:///sha-256;{n:064x}?ver=CBV2.0", event_id=f"bench-{n}",
        event_type="ObjectEvent", action="OBSERVE", event_time=at,
        event_time_zone_offset="+07:00", biz_step=steps[n % len(steps)],
        biz_location=f"urn:ocop:location:{farm.code}", document={"type": "ObjectEvent"},
        producer=producer, batch=batch))
Event.objects.bulk_create(events)
stamp = Stamp.objects.create(
    batch=batch, gtin=DigitalLink(product.gtin.zfill(14)).gtin, serial="A7K2M9Q4XZ",
    short_code="TBENCH0001", status=StampStatus.ACTIVE, activated_at=timezone.now())
print(DigitalLink(stamp.gtin, batch.lot, stamp.serial).path())
"""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Database:
    """A throwaway database: a SQLite file, or a new PostgreSQL database next to DATABASE_URL's."""

    def __init__(self, workdir: Path) -> None:
        self.url = os.environ.get("DATABASE_URL", "")
        self.workdir = workdir
        self.name = ""

    def env(self) -> dict[str, str]:
        if not self.url:
            return {"OCOP_SQLITE_PATH": str(self.workdir / "bench.sqlite3"), "DATABASE_URL": ""}
        parts = urlsplit(self.url)
        # A name of its own (ocop_bench_trace_…), so that two runs on one server do not collide.
        self.name = f"ocop_bench_trace_{secrets.token_hex(5)}"
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}"')
        template = os.environ.get("OCOP_BENCH_TEMPLATE", "")  # run_all.py's migrated database
        self._admin(
            f'CREATE DATABASE "{self.name}"' + (f' TEMPLATE "{template}"' if template else "")
        )
        return {"DATABASE_URL": parts._replace(path=f"/{self.name}").geturl()}

    def describe(self) -> str:
        return f"PostgreSQL ({self.name})" if self.name else "SQLite (WAL)"

    def drop(self) -> None:
        if self.name:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def _admin(self, sql: str) -> None:
        import psycopg

        parts = urlsplit(self.url)
        with psycopg.connect(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=parts.username or "postgres",
            password=parts.password or None,
            dbname="postgres",
            autocommit=True,
        ) as connection:
            connection.execute(sql)


def empty_redis(url: str) -> None:
    """Empty the bench's Redis database (the counters of an earlier run's stamp ids)."""
    import redis

    redis.Redis.from_url(url).flushdb()


def run(cmd: list[str], env: dict[str, str], **kwargs) -> str:
    result = subprocess.run(  # noqa: S603 (our own commands, no shell)
        cmd, env=env, cwd=ROOT, check=True, capture_output=True, text=True, **kwargs
    )
    return result.stdout


def wait_until_up(base: str, timeout: float = 30) -> None:
    parts = urlsplit(base)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer /healthz in time")


def check(base: str, path: str) -> None:
    """The trace page answers 200 with the product, as a phone would get it."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    connection.request("GET", path, headers={"Accept": HTML, "User-Agent": PHONE})
    response = connection.getresponse()
    body = response.read().decode()
    if response.status != 200 or "Bình gốm men lam" not in body:
        raise SystemExit(f"the trace page answered {response.status}:\n{body[:2000]}")


class Run(NamedTuple):
    """One measurement: requests per second, and the 99th percentile of the latency (ms)."""

    rate: float
    p99: float


def _milliseconds(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def measure_wrk(url: str, *, duration: int, connections: int, threads: int) -> Run:
    output = subprocess.run(  # noqa: S603 (no shell)
        [
            shutil.which("wrk") or "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{duration}s",
            "--latency",
            "-H",
            f"Accept: {HTML}",
            "-H",
            f"User-Agent: {PHONE}",
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise SystemExit(f"{url}: {errors.group(1)} error responses\n{output}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE)
    return Run(rate, _milliseconds(*p99.groups()) if p99 else float("nan"))


def measure_python(url: str, *, duration: int, connections: int, threads: int) -> Run:
    """The fallback client: `connections` threads, each a loop of GETs for `duration` seconds."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    stop = time.monotonic() + duration
    counts = [0] * connections
    latencies: list[list[float]] = [[] for _ in range(connections)]
    failures: list[str] = []

    def loop(index: int) -> None:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        while time.monotonic() < stop:
            try:
                sent = time.perf_counter()
                connection.request("GET", path, headers={"Accept": HTML, "User-Agent": PHONE})
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    failures.append(str(response.status))
                    return
                latencies[index].append(time.perf_counter() - sent)
                counts[index] += 1
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)

    started = time.monotonic()
    workers = [threading.Thread(target=loop, args=(i,)) for i in range(connections)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if failures:
        raise SystemExit(f"{url}: error responses {sorted(set(failures))}")
    every = sorted(value for values in latencies for value in values)
    p99 = every[min(len(every) - 1, int(len(every) * 0.99))] * 1000 if every else float("nan")
    return Run(sum(counts) / (time.monotonic() - started), p99)


def peak_memory(pid: int) -> dict[str, int]:
    """Peak resident memory (VmHWM, KiB) of gunicorn's master `pid` and of each of its workers,
    read from /proc (Linux); empty elsewhere."""
    peaks: dict[str, int] = {}

    def vmhwm(process: int) -> int | None:
        try:
            status = Path(f"/proc/{process}/status").read_text()
        except OSError:
            return None
        found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
        return int(found.group(1)) if found else None

    master = vmhwm(pid)
    if master is None:
        return peaks
    peaks["master"] = master
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    for child in children:
        value = vmhwm(int(child))
        if value is not None:
            peaks[f"worker {child}"] = value
    return peaks


def _runs(runs: list[Run]) -> str:
    return ", ".join(f"{run.rate:.0f}/s p99 {run.p99:.1f} ms" for run in runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (2-4)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--rounds", type=int, default=2, help="alternating runs; best kept")
    parser.add_argument("--events", type=int, default=20, help="EPCIS events of the batch")
    parser.add_argument("--target", type=float, default=TARGET, help="the ratio to reach")
    parser.add_argument("--python-client", action="store_true", help="do not use wrk")
    parser.add_argument("--json", default="", help="also write the figures to this file")
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("REDIS_URL", ""),
        help="Redis database for the cache and the scans' buffer (emptied!); default REDIS_URL",
    )
    args = parser.parse_args()

    use_wrk = shutil.which("wrk") is not None and not args.python_client
    measure = measure_wrk if use_wrk else measure_python
    workdir = Path(tempfile.mkdtemp(prefix="ocop-trace-bench-"))
    database = Database(workdir)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ocop.settings",
        "PYTHONPATH": str(SRC),
        "DJANGO_DEBUG": "False",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "OCOP_SITE_URL": base,
        "OCOP_DATA_DIR": str(workdir),
        # run_all.py shares one collected folder between its runs (OCOP_BENCH_STATIC_ROOT).
        "OCOP_STATIC_ROOT": os.environ.get("OCOP_BENCH_STATIC_ROOT") or str(workdir / "static"),
        "OCOP_SECURE_SSL_REDIRECT": "False",
        "OCOP_SECURE_COOKIES": "False",
        "OCOP_HSTS_SECONDS": "0",
        "OCOP_LOG_LEVEL": "WARNING",
        "REDIS_URL": args.redis_url,
        **database.env(),
    }
    if args.redis_url:
        empty_redis(args.redis_url)
    server = None
    try:
        if not (database.name and os.environ.get("OCOP_BENCH_TEMPLATE")):  # else: a migrated copy
            run([sys.executable, "-m", "ocop", "migrate", "--no-input"], env)
        if not (Path(env["OCOP_STATIC_ROOT"]) / "staticfiles.json").exists():
            run([sys.executable, "-m", "ocop", "collectstatic", "--no-input"], env)
        path = run([sys.executable, "-c", SETUP.replace("EVENTS", str(args.events))], env).strip()
        server = subprocess.Popen(  # noqa: S603 (our own command, no shell)
            [
                sys.executable,
                "-m",
                "gunicorn",
                "ocop.wsgi",
                "--workers",
                str(args.workers),
                "--worker-class",
                "sync",
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=ROOT,
        )
        wait_until_up(base)
        check(base, path)
        options = {"connections": args.connections, "threads": args.threads}
        for url in (f"{base}/healthz", base + path):  # warm up both
            measure(url, duration=2, **options)
        noop: list[Run] = []
        trace: list[Run] = []
        for _ in range(args.rounds):
            noop.append(measure(f"{base}/healthz", duration=args.duration, **options))
            trace.append(measure(base + path, duration=args.duration, **options))
        best_noop, best_trace = max(noop), max(trace)  # by rate; p99 of that round
        ratio = best_trace.rate / best_noop.rate
        print(
            f"client:          {'wrk' if use_wrk else 'Python threads'}, {args.connections} connections, {args.duration} s x {args.rounds} rounds"
        )
        print(
            f"server:          gunicorn, {args.workers} sync workers, DEBUG=False, {database.describe()}"
            + (f", scans buffered in Redis ({args.redis_url})" if args.redis_url else "")
        )
        print(
            f"no-op /healthz:  {best_noop.rate:8.1f} requests/s  p99 {best_noop.p99:6.1f} ms  (runs: {_runs(noop)})"
        )
        print(
            f"trace page:      {best_trace.rate:8.1f} requests/s  p99 {best_trace.p99:6.1f} ms  (runs: {_runs(trace)}; {args.events} events, a scan recorded per request)"
        )
        print(f"ratio:           {ratio:.2f}  (target >= {args.target})")
        peaks = peak_memory(server.pid)
        workers_kib = [kib for name, kib in peaks.items() if name.startswith("worker")]
        if workers_kib:
            print(
                f"peak RSS:        worker max {max(workers_kib) / 1024:.1f} MiB (VmHWM of "
                f"{len(workers_kib)} workers), master {peaks['master'] / 1024:.1f} MiB"
            )
        figures = {
            "scenario": "trace",
            "database": database.describe(),
            "redis": bool(args.redis_url),
            "client": "wrk" if use_wrk else "python",
            "workers": args.workers,
            "connections": args.connections,
            "duration": args.duration,
            "rounds": args.rounds,
            "events": args.events,
            "noop_rps": best_noop.rate,
            "noop_p99_ms": best_noop.p99,
            "trace_rps": best_trace.rate,
            "trace_p99_ms": best_trace.p99,
            "runs": {
                "noop": [run._asdict() for run in noop],
                "trace": [run._asdict() for run in trace],
            },
            "ratio": ratio,
            "target": args.target,
            "peak_rss_kib": peaks,
            "worker_peak_rss_kib": max(workers_kib) if workers_kib else None,
        }
        if args.redis_url:
            started = time.monotonic()
            flushed = run([sys.executable, "-m", "ocop", "flush-scans"], env).strip()
            print(f"flush-scans:     {flushed} ({time.monotonic() - started:.1f} s)")
            figures["flush_scans_seconds"] = time.monotonic() - started
        from bench_json import write_json

        write_json(args.json, figures)
        return 0 if ratio >= args.target else 1
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        database.drop()
        if args.redis_url:
            empty_redis(args.redis_url)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
