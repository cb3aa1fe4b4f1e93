"""Every benchmark of issue 10 in one run: `make bench` (national sizes) or `make bench-quick`.

    .venv/bin/python bench/run_all.py [--quick] [--only trace,catalog] [--no-sqlite]
        [--database-url postgres://postgres@127.0.0.1:5432/postgres] [--redis-url redis://…/14]

Runs each scenario as a subprocess of its own script (bench/*_bench.py, each with `--json PATH`),
on PostgreSQL (the scripts make and drop their own `ocop_bench_*` databases on the server of
`--database-url`; the database it names is never touched) and on SQLite where it makes sense,
each bounded in time (`--timeout`). Every figure is a ratio against a baseline measured in the
same run, with its target and whether it is met. Writes bench/results/latest.json (or
latest-quick.json) with the machine and the date, and prints a table (also bench/results/latest.md
or latest-quick.md). Exit status 0 whatever the figures; 1 when a scenario failed to run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
PG_URL = "postgres://postgres@127.0.0.1:5432/postgres"
REDIS_URL = "redis://127.0.0.1:6379/14"


@dataclass
class Scenario:
    """One run of one script: `key` names it in the results, `args` are the script's."""

    key: str
    script: str
    args: list[str]
    database: str  # "postgresql", "sqlite" or "none" (no database measured)
    redis: bool = False
    json_flag: str = "--json"
    result: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)


def scenarios(quick: bool, sqlite: bool) -> list[Scenario]:
    """The runs, national sizes by default, reduced with `quick`."""
    q = quick
    capture = ["--events", "2000", "--repeat", "1"] if q else ["--events", "10000"]
    lookup = (
        ["--small", "2000", "--large", "40000", "--runs", "40"]
        if q
        else ["--small", "10000", "--large", "1000000", "--runs", "300"]
    )
    trace = (
        ["--duration", "2", "--rounds", "1", "--workers", "2", "--connections", "4"]
        if q
        else ["--duration", "10", "--rounds", "2", "--workers", "4", "--connections", "8"]
    )
    catalog = ["--products", "1000", "--runs", "40"] if q else ["--products", "20000"]
    dashboard = ["--quick", "--runs", "10"] if q else ["--runs", "30"]
    scoring = (
        ["--sheets", "20000", "--councils", "2000", "--repeat", "1", "--hand-built"] if q else []
    )
    importing = ["--rows", "200"] if q else ["--rows", "10000"]
    runs = [
        Scenario("scoring", "scoring_bench.py", scoring, "none"),
        Scenario("epcis_capture", "epcis_capture_bench.py", capture, "postgresql"),
        Scenario("epcis_lookup", "epcis_lookup_bench.py", lookup, "postgresql"),
        Scenario("trace", "trace_bench.py", trace, "postgresql"),
        Scenario("trace_cached", "trace_bench.py", [*trace, "--target", "0.8"], "postgresql", True),
        Scenario("catalog", "catalog_bench.py", catalog, "postgresql"),
        Scenario("dashboard", "dashboard_bench.py", dashboard, "postgresql", json_flag="--output"),
        Scenario("import_memory", "import_memory_bench.py", importing, "postgresql"),
    ]
    if sqlite and not quick:
        # SQLite where it makes sense: the development database, for the scenarios that do not
        # measure a production server (the trace page is measured on PostgreSQL, as deployed).
        runs += [
            Scenario("epcis_capture", "epcis_capture_bench.py", capture, "sqlite"),
            Scenario("epcis_lookup", "epcis_lookup_bench.py", lookup, "sqlite"),
            Scenario("catalog", "catalog_bench.py", catalog, "sqlite"),
            Scenario("dashboard", "dashboard_bench.py", dashboard, "sqlite", json_flag="--output"),
        ]
    return runs


def figures_of(s: Scenario) -> list[dict[str, Any]]:
    """The scenario's figures: each a value against the baseline measured in the same run."""
    r = s.result
    if not r:
        return []

    def figure(
        name: str,
        value: Any,
        baseline: str,
        base: Any,
        ratio: Any,
        target: Any,
        better: str,
        unit: str,
        **extra: Any,
    ) -> dict[str, Any]:
        met = None
        if ratio is not None and target is not None:
            met = ratio >= target if better == ">=" else ratio <= target
        return {
            "scenario": s.key,
            "database": s.database,
            "figure": name,
            "value": value,
            "unit": unit,
            "baseline": baseline,
            "baseline_value": base,
            "ratio": ratio,
            "target": target,
            "better": better,
            "met": met,
            **extra,
        }

    if s.key == "scoring":
        return [
            figure(
                "score_sheet, member sheets per second (one process)",
                r["score_sheet_per_second"],
                "target rate",
                r["target_sheets_per_second"],
                r["ratio"],
                1.0,
                ">=",
                "sheets/s",
                end_to_end_sheets_per_second=r["end_to_end_sheets_per_second"],
            )
        ]
    if s.key == "epcis_capture":
        return [
            figure(
                f"EPCIS capture of {r['events']:,} events",
                r["capture_events_per_second"],
                "raw bulk insert of the same rows",
                r["raw_events_per_second"],
                r["ratio"],
                r["target"],
                ">=",
                "events/s",
            )
        ]
    if s.key == "epcis_lookup":
        worst = max(r["lookups_ms"].items(), key=lambda item: item[1]["ratio"])
        return [
            figure(
                f"trace lookup with {r['large']:,} events (worst of 3: {worst[0]})",
                worst[1]["large"],
                f"the same with {r['small']:,} events",
                worst[1]["small"],
                r["ratio"],
                r["target"],
                "<=",
                "ms",
                lookups_ms=r["lookups_ms"],
            )
        ]
    if s.key in ("trace", "trace_cached"):
        label = "trace page" + (" (cached: Redis, kept traces)" if s.redis else "")
        rows = [
            figure(
                label,
                r["trace_rps"],
                "no-op /healthz",
                r["noop_rps"],
                r["ratio"],
                r["target"],
                ">=",
                "requests/s",
                p99_ms=r["trace_p99_ms"],
                baseline_p99_ms=r["noop_p99_ms"],
            )
        ]
        if r.get("worker_peak_rss_kib"):
            rows.append(
                figure(
                    f"peak RSS of a gunicorn worker serving the {label} under load",
                    round(r["worker_peak_rss_kib"] / 1024, 1),
                    "",
                    None,
                    None,
                    None,
                    "",
                    "MiB",
                    all_kib=r["peak_rss_kib"],
                )
            )
        return rows
    if s.key == "catalog":
        return [
            figure(
                "catalogue search page p95",
                r["search_ms"]["p95"],
                "product page by code p95",
                r["product_ms"]["p95"],
                r["ratio"],
                r["target"],
                "<=",
                "ms",
                p99_ms=r["search_ms"]["p99"],
                baseline_p99_ms=r["product_ms"]["p99"],
            )
        ]
    if s.key == "dashboard":
        return [
            figure(
                "officials' dashboard (dashboard_data) median",
                r["dashboard_ms"]["p50"],
                "raw SQL aggregates median",
                r["raw_sql_ms"]["p50"],
                r["ratio_p50"],
                r["target"],
                "<=",
                "ms",
                ratio_p95=r["ratio_p95"],
                p95_ms=r["dashboard_ms"]["p95"],
                baseline_p95_ms=r["raw_sql_ms"]["p95"],
            )
        ]
    if s.key == "import_memory":
        rows = [
            figure(
                f"peak RSS of a {r['rows']:,}-row producers XLSX import (process)",
                round(r["peak_rss_kib"] / 1024, 1),
                "the process before the import",
                round(r["rss_before_kib"] / 1024, 1),
                None,
                None,
                "",
                "MiB",
                seconds=r["seconds"],
                ok=r["ok"],
            )
        ]
        if r.get("tracemalloc_peak_bytes") is not None:
            rows.append(
                figure(
                    f"tracemalloc peak of the {r['rows']:,}-row import",
                    round(r["tracemalloc_peak_bytes"] / 2**20, 1),
                    "",
                    None,
                    None,
                    None,
                    "",
                    "MiB",
                )
            )
        return rows
    return []


def stop_group(process: subprocess.Popen[Any]) -> None:
    """Interrupt the process group of `process`, then kill what is left of it."""
    for sig, grace in ((signal.SIGINT, 30), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            continue
        try:  # the script has ended; its children may not have
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return


def run(s: Scenario, *, database_url: str, redis_url: str, timeout: int, workdir: Path) -> None:
    """Run the scenario's script; its JSON in `s.result`, plus how it ended."""
    out = workdir / f"{s.key}-{s.database}.json"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("REDIS_URL", None)
    env["DATABASE_URL"] = database_url if s.database == "postgresql" else ""
    if s.database != "postgresql":
        env.pop("DATABASE_URL")
    args = [sys.executable, str(BENCH / s.script), *s.args, s.json_flag, str(out)]
    if s.redis:
        args += ["--redis-url", redis_url]
    print(f"\n=== {s.key} on {s.database}: {' '.join(args[1:])}", flush=True)
    started = time.monotonic()
    log = workdir / f"{s.key}-{s.database}.log"
    status: Any
    with log.open("w") as handle:
        # A session of its own, so that a timeout stops the script AND what it started (gunicorn,
        # wrk): SIGINT first (the script's `finally` stops its server and drops its database).
        process = subprocess.Popen(  # noqa: S603 (our own scripts)
            args,
            env=env,
            cwd=ROOT,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            # SIGINT as Python expects it, even when run_all.py runs in the background (a
            # shell's background job ignores SIGINT, and its children would inherit that).
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        try:
            status = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            status = "timeout"
            stop_group(process)
        except BaseException:  # interrupted: stop the script and its server too
            stop_group(process)
            raise
    seconds = time.monotonic() - started
    output = log.read_text(errors="replace")
    print(output[-3000:], end="", flush=True)
    result: dict[str, Any] = {}
    if out.exists():
        data = json.loads(out.read_text())
        if s.key == "dashboard":  # dashboard_bench.py keeps one entry per database
            data = next(iter(data.values()), {})
        result = data
    s.result = result
    s.meta = {
        "exit_status": status,
        "seconds": round(seconds, 1),
        "ok": bool(result),
        "log_tail": output[-1500:] if not result else "",
    }
    print(f"--- {s.key} on {s.database}: exit {status}, {seconds:.0f} s", flush=True)


def admin(database_url: str, sql: str) -> None:
    import psycopg

    base = database_url.replace("postgres://", "postgresql://").rpartition("/")[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def template_database(database_url: str) -> str:
    """A PostgreSQL database migrated once (`ocop_bench_template_…`): the scripts copy it
    (OCOP_BENCH_TEMPLATE) instead of migrating their own, which takes 10 to 60 s each."""
    name = f"ocop_bench_template_{os.urandom(5).hex()}"
    admin(database_url, f'CREATE DATABASE "{name}"')
    env = {
        **os.environ,
        "DATABASE_URL": f"{database_url.rpartition('/')[0]}/{name}",
        "DJANGO_SETTINGS_MODULE": "ocop.settings",
        "PYTHONPATH": str(ROOT / "src"),
    }
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "ocop", "migrate", "--no-input", "-v", "0"],
        env=env,
        cwd=ROOT,
        check=True,
    )
    print(f"template database {name} migrated in {time.monotonic() - started:.0f} s", flush=True)
    return name


def collect_static(folder: Path) -> subprocess.Popen[Any]:
    """`ocop collectstatic` into folder/static, started (the caller waits), as trace_bench.py
    would run it for its gunicorn."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ocop.settings",
        "PYTHONPATH": str(ROOT / "src"),
        "DJANGO_DEBUG": "False",
        "DJANGO_SECRET_KEY": os.urandom(32).hex(),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "OCOP_DATA_DIR": str(folder),
        "OCOP_STATIC_ROOT": str(folder / "static"),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "ocop", "collectstatic", "--no-input", "-v", "0"],
        env=env,
        cwd=ROOT,
    )


def machine(database_url: str) -> dict[str, Any]:
    def read(path: str) -> str:
        try:
            return Path(path).read_text()
        except OSError:
            return ""

    cpu = re.search(r"^model name\s*:\s*(.+)$", read("/proc/cpuinfo"), re.MULTILINE)
    ram = re.search(r"^MemTotal:\s+(\d+) kB", read("/proc/meminfo"), re.MULTILINE)
    osname = re.search(r'^PRETTY_NAME="?([^"\n]+)', read("/etc/os-release"), re.MULTILINE)
    pg = None
    try:
        import psycopg

        with psycopg.connect(
            database_url.replace("postgres://", "postgresql://"), connect_timeout=5
        ) as conn:
            pg = conn.execute("SHOW server_version").fetchone()[0]
    except Exception as exc:
        pg = f"unavailable: {exc}"

    def git(*args: str) -> str:
        done = subprocess.run(  # noqa: S603 (git, fixed arguments)
            ["git", *args],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        return done.stdout.strip()

    return {
        "cpu": cpu.group(1).strip() if cpu else platform.processor(),
        "cores": os.cpu_count(),
        "ram_gib": round(int(ram.group(1)) / 2**20, 1) if ram else None,
        "os": osname.group(1) if osname else platform.platform(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "postgresql": pg,
        "sqlite": sqlite3.sqlite_version,
        "git_commit": git("rev-parse", "HEAD"),
        "git_dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def number(value: Any, unit: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and unit in ("ms", "MiB"):
        return f"{value:,.1f} {unit}"
    if isinstance(value, int | float):
        return (
            f"{value:,.0f} {unit}".strip() if abs(value) >= 100 else f"{value:.2f} {unit}".strip()
        )
    return str(value)


def table(report: dict[str, Any]) -> str:
    m = report["machine"]
    lines = [
        f"# Benchmarks{' (quick)' if report['quick'] else ''}: {report['date']}",
        "",
        f"{m['cpu']}, {m['cores']} cores, {m['ram_gib']} GiB, {m['os']}, Python {m['python']}, "
        f"PostgreSQL {m['postgresql']}, SQLite {m['sqlite']}, commit {m['git_commit'][:12]}"
        f"{' (uncommitted changes)' if m['git_dirty'] else ''}; load average at start "
        f"{m['load_average_at_start']}; {report['seconds']:.0f} s in all.",
        "",
        "| scenario | database | figure | value | baseline | ratio | target | met | p99 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for f in report["figures"]:
        base = f"{f['baseline']}: {number(f['baseline_value'], f['unit'])}" if f["baseline"] else ""
        p99 = (
            f"{f['p99_ms']:.1f} ms (baseline {f['baseline_p99_ms']:.1f} ms)"
            if f.get("p99_ms") is not None and f.get("baseline_p99_ms") is not None
            else ""
        )
        met = {True: "yes", False: "**no**", None: "reported"}[f["met"]]
        ratio = f"{f['ratio']:.2f}" if f["ratio"] is not None else ""
        target = f"{f['better']} {f['target']}" if f["target"] is not None else ""
        lines.append(
            f"| {f['scenario']} | {f['database']} | {f['figure']} | "
            f"{number(f['value'], f['unit'])} | {base} | {ratio} | {target} | {met} | "
            f"{p99} |"
        )
    if not report["complete"]:
        lines.append(f"\nIncomplete: not run (yet): {', '.join(report['not_run'])}.")
    failed = [r for r in report["runs"] if not r["ok"]]
    for r in failed:
        lines.append(
            f"\n{r['scenario']} on {r['database']} did not give figures "
            f"(exit {r['exit_status']}, {r['seconds']} s)."
        )
    lines.append("")
    lines.append(
        "Runs: "
        + "; ".join(f"{r['scenario']}/{r['database']} {r['seconds']:.0f} s" for r in report["runs"])
    )
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="reduced sizes (under 2 minutes)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", PG_URL))
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", REDIS_URL),
        help="Redis database for the cached trace run (it is EMPTIED)",
    )
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument(
        "--only", default="", help="scenario keys, or key/database, comma-separated"
    )
    parser.add_argument("--timeout", type=int, default=0, help="seconds per scenario")
    parser.add_argument("--output", default="", help="default bench/results/latest[-quick].json")
    args = parser.parse_args()
    timeout = args.timeout or (120 if args.quick else 1800)
    chosen = [
        s
        for s in scenarios(args.quick, not args.no_sqlite)
        if not args.only or {s.key, f"{s.key}/{s.database}"} & set(args.only.split(","))
    ]
    report: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "quick": args.quick,
        "machine": machine(args.database_url),
    }
    name = "latest-quick" if args.quick else "latest"
    output = Path(args.output) if args.output else RESULTS / f"{name}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    done: list[Scenario] = []

    def write(complete: bool) -> str:
        """The report of the runs done so far (after each run: an interrupted run leaves its
        figures, with `complete` false and the runs that remain in `not_run`)."""
        report["complete"] = complete
        report["seconds"] = round(time.monotonic() - started, 1)
        report["figures"] = [f for s in done for f in figures_of(s)]
        report["runs"] = [
            {
                "scenario": s.key,
                "database": s.database,
                "args": s.args,
                **s.meta,
                "result": s.result,
            }
            for s in done
        ]
        report["not_run"] = [f"{s.key}/{s.database}" for s in chosen if s not in done]
        output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        text = table(report)
        output.with_suffix(".md").write_text(text)
        return text

    template = ""
    try:
        with tempfile.TemporaryDirectory(prefix="ocop-bench-all-") as folder:
            # Set-up, not measured, in parallel: the static files collected once for the trace
            # runs (WhiteNoise compresses each: about a minute), the template database migrated.
            static = (
                collect_static(Path(folder))
                if any(s.key.startswith("trace") for s in chosen)
                else None
            )
            if any(s.database == "postgresql" for s in chosen):
                template = template_database(args.database_url)
                os.environ["OCOP_BENCH_TEMPLATE"] = template
            if static is not None:
                code = static.wait()
                print(f"static files collected (exit {code})", flush=True)
                if code == 0:
                    os.environ["OCOP_BENCH_STATIC_ROOT"] = str(Path(folder) / "static")
            for s in chosen:
                run(
                    s,
                    database_url=args.database_url,
                    redis_url=args.redis_url,
                    timeout=timeout,
                    workdir=Path(folder),
                )
                done.append(s)
                write(complete=False)
    finally:
        if template:
            admin(args.database_url, f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
    text = write(complete=True)
    print("\n" + text)
    print(f"written: {output} and {output.with_suffix('.md')}")
    return 0 if all(r["ok"] for r in report["runs"]) else 1


if __name__ == "__main__":
    sys.exit(main())
