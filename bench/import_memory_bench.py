"""Peak memory of importing a producers XLSX of 10,000 rows through the import service (issue 10:
"peak memory ... of a 10,000-row XLSX import, reported"). A measurement, not a test.

    .venv/bin/python bench/import_memory_bench.py [--rows 10000] [--json PATH]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/import_memory_bench.py

A throw-away database (epcis_common: a temporary SQLite file, or a new PostgreSQL database
`ocop_bench_…` dropped at the end), migrated; a provincial officer and 10 communes (the tests'
factories); a workbook of `--rows` good producer rows made with the tests' helpers
(`tests/reports/import_files.py`: openpyxl, the template's headings), stored as an import job
with `start_import(queue=False)`. The job is then run by `run_import_job` (what the task runs) in
a NEW process, so that the figures are the import's alone, not the migration's or the workbook's:

- the process's resident memory before the run (Django set up, the import modules loaded) and
  its peak (VmHWM, /proc) after it, and the difference;
- the peak of Python's allocations during the run (`tracemalloc`; `--no-tracemalloc` leaves it
  out: it slows the run by about a third).

The job must end done with every row created (exit status 2 otherwise).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from epcis_common import ROOT, setup

CHILD = r"""
import json, os, re, sys, time, tracemalloc
from pathlib import Path
import django
django.setup()
from ocop.reports.services.imports import run_import_job
from ocop.reports.models import ImportJob

def status(field):
    text = Path("/proc/self/status").read_text()
    found = re.search(rf"^{field}:\s+(\d+) kB", text, re.MULTILINE)
    return int(found.group(1)) if found else None

ImportJob.objects.count()  # the connection opened outside the measurement
code, trace = sys.argv[1], sys.argv[2] == "1"
before = status("VmRSS")
if trace:
    tracemalloc.start()
started = time.perf_counter()
job = run_import_job(code)
seconds = time.perf_counter() - started
peak = tracemalloc.get_traced_memory()[1] if trace else None
print(json.dumps({
    "status": job.status, "total_rows": job.total_rows,
    "created": (job.created or {}).get("count"), "errors": (job.errors or [])[:3],
    "seconds": seconds, "rss_before_kib": before, "peak_rss_kib": status("VmHWM"),
    "tracemalloc_peak_bytes": peak,
}))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--no-tracemalloc", action="store_true")
    parser.add_argument("--json", default="", help="also write the figures to this file")
    args = parser.parse_args()
    engine = setup()

    from ocop.accounts.enums import OrganisationKind, Role
    from ocop.reports.enums import ImportKind
    from ocop.reports.services.imports import start_import
    from tests.factories.accounts import MembershipFactory, OrganisationFactory
    from tests.factories.geo import CommuneFactory
    from tests.reports.import_files import producer_row, workbook_bytes, xlsx_upload

    office = MembershipFactory(
        role=Role.PROVINCE_OFFICER,
        organisation=OrganisationFactory(kind=OrganisationKind.PROVINCE_OFFICE),
    ).user
    communes = [CommuneFactory() for _ in range(10)]
    started = time.perf_counter()
    rows = [producer_row(communes[n % len(communes)], n) for n in range(1, args.rows + 1)]
    content = workbook_bytes("producers", rows)
    print(
        f"workbook: {args.rows:,} producer rows, {len(content) / 1e6:.1f} MB "
        f"({time.perf_counter() - started:.1f} s)"
    )
    job = start_import(
        actor=office,
        kind=ImportKind.PRODUCERS,
        upload=xlsx_upload(content, "chu-the.xlsx"),
        queue=False,
        max_bytes=max(len(content) * 2, 10_000_000),
    )
    from django.db import connections

    connections.close_all()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    trace = "0" if args.no_tracemalloc else "1"
    output = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", CHILD, job.code, trace],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result = json.loads(output.strip().splitlines()[-1])
    done = result["status"] == "done" and result["created"] == args.rows
    mib = 1024
    print(
        f"run_import_job ({engine}): {result['status']}, {result['created']} created in "
        f"{result['seconds']:.1f} s ({args.rows / result['seconds']:,.0f} rows/s"
        f"{', under tracemalloc' if trace == '1' else ''})"
    )
    print(
        f"process RSS before {result['rss_before_kib'] / mib:.1f} MiB, peak (VmHWM) "
        f"{result['peak_rss_kib'] / mib:.1f} MiB: "
        f"+{(result['peak_rss_kib'] - result['rss_before_kib']) / mib:.1f} MiB for the import"
    )
    if result["tracemalloc_peak_bytes"] is not None:
        print(f"tracemalloc peak: {result['tracemalloc_peak_bytes'] / 2**20:.1f} MiB")
    from bench_json import write_json

    write_json(
        args.json,
        {
            "scenario": "import_memory",
            "database": engine,
            "rows": args.rows,
            "workbook_bytes": len(content),
            **result,
            "peak_increase_kib": result["peak_rss_kib"] - result["rss_before_kib"],
            "ok": done,
        },
    )
    if not done:
        print(f"the import did not succeed: {result['errors']}")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
