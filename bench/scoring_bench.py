"""How many member sheets per second the scoring engine evaluates in one process.

    .venv/bin/python bench/scoring_bench.py [--sheets N] [--councils N] [--seed S] [--hand-built]

The scorecard is bộ 6 "Chế biến từ gạo, ngũ cốc" of QĐ 26/2026 (32 criteria): loaded with
`load_scorecard_spec` from the bundled data imported into a temporary SQLite database when the
criteria importer is available, otherwise the hand-built copy below (same codes, points and
minimum-star markers as Phụ lục II). Random valid sheets (fixed seed) are scored with
`score_sheet`; councils of 7 with `combine_sheets`. The target of the issue is 20,000 sheets per
second; the ratio printed is measured / target. A measurement, not a test: nothing fails.
"""

from __future__ import annotations

import argparse
import atexit
import io
import os
import random
import shutil
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

TARGET = 20_000
D = Decimal

# code, part, group, options as (points, marker), binary, conditional
BO6: list[tuple[str, str, str, list[tuple[int, int | None]], bool, bool]] = [
    ("1.1", "A", "1", [(1, None), (2, 3), (3, None)], False, False),
    ("1.2", "A", "1", [(0, None), (1, None), (2, None)], False, False),
    ("1.3", "A", "1", [(1, None), (2, None), (3, None)], False, False),
    ("1.4", "A", "1", [(1, None), (2, None), (3, None)], False, False),
    ("1.5", "A", "1", [(0, None), (1, None), (2, 4), (3, 5)], False, False),
    ("1.6", "A", "1", [(1, 4), (2, None), (3, None)], False, False),
    ("1.7", "A", "1", [(0, None), (1, None)], False, False),
    ("2.1", "A", "2", [(0, None), (1, None), (2, None), (3, 4)], False, False),
    ("2.2", "A", "2", [(0, None), (1, None), (2, 3), (3, None)], False, False),
    ("2.3", "A", "2", [(1, 3), (2, None), (3, 4)], False, False),
    ("2.4", "A", "2", [], True, False),
    ("3.1", "A", "3", [(1, None), (2, None), (3, None)], False, False),
    ("3.2", "A", "3", [(0, None), (1, None)], False, False),
    ("3.3", "A", "3", [(1, None), (2, None), (3, None)], False, False),
    ("3.4", "A", "3", [(1, None), (2, 4)], False, False),
    ("3.5", "A", "3", [(1, 3), (2, 4), (3, None)], False, False),
    ("4.1", "B", "4", [(1, None), (2, 3), (3, 4), (5, 5)], False, False),
    ("4.2", "B", "4", [(0, None), (1, None), (2, None), (3, None)], False, False),
    ("4.3", "B", "4", [(0, None), (1, None), (2, None), (3, None), (5, None)], False, False),
    ("5.1", "B", "5", [(0, None), (1, None), (2, None), (3, None), (5, 4)], False, False),
    ("5.2", "B", "5", [(0, None), (1, None), (2, None)], False, True),
    ("5.3", "B", "5", [(0, None), (1, 3), (3, None), (5, None)], False, False),
    ("6.1", "C", "6", [(0, None), (1, None), (3, 4)], False, False),
    ("6.2", "C", "6", [(0, None), (1, None), (2, None), (3, None)], False, False),
    ("6.3", "C", "6", [(0, None), (1, None), (2, None), (3, None)], False, False),
    ("6.4", "C", "6", [(0, None), (1, None), (2, 4), (3, 5)], False, False),
    ("6.5", "C", "6", [(0, None), (1, None), (2, 4), (3, 5)], False, False),
    ("7", "C", "7", [(0, None), (1, None), (3, 4), (5, 5)], False, False),
    ("8", "C", "8", [(2, 3), (4, None), (5, None)], False, False),
    ("9", "C", "9", [(1, 3), (3, 4), (5, None)], False, False),
    ("10", "C", "10", [(1, None), (2, None)], False, False),
    ("11", "C", "11", [(1, None), (2, None), (3, None)], False, False),
]


def hand_built_spec():  # type: ignore[no-untyped-def]
    from ocop.criteria.engine.types import (
        CriterionSpec,
        GroupSpec,
        KnockoutSpec,
        OptionSpec,
        PartSpec,
        ScorecardSpec,
    )

    criteria = tuple(
        CriterionSpec(
            code=code,
            title=code,
            part=part,
            group=group,
            max_points=D(max(p for p, _m in options)) if options else D(1),
            options=tuple(OptionSpec(f"{code}/{p}", D(p), m) for p, m in options),
            binary=binary,
            conditional=conditional,
        )
        for code, part, group, options, binary, conditional in BO6
    )
    groups = {}
    for c in criteria:
        groups.setdefault(c.group, (c.part, D(0)))
        groups[c.group] = (c.part, groups[c.group][1] + c.max_points)
    return ScorecardSpec(
        criteria_set="qd26-2026",
        number=6,
        name="Chế biến từ gạo, ngũ cốc",
        parts=(PartSpec("A", "A", D(40)), PartSpec("B", "B", D(25)), PartSpec("C", "C", D(35))),
        groups=tuple(GroupSpec(code, code, part, mx) for code, (part, mx) in groups.items()),
        criteria=criteria,
        knockouts=(
            KnockoutSpec("dossier", "dossier", "Giả mạo hồ sơ …"),
            KnockoutSpec("6.1", "criterion", "Tạp chất không chấp nhận được", "6.1"),
        ),
    )


def use_throwaway_database() -> None:
    """Point Django at an empty SQLite file (before django.setup())."""
    tmp = tempfile.mkdtemp(prefix="ocop-bench-")
    atexit.register(shutil.rmtree, tmp, ignore_errors=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"


def imported_spec():  # type: ignore[no-untyped-def]
    """Bộ 6 from the bundled data, imported into the throw-away database; None if the criteria
    app cannot do that (yet)."""
    try:
        from django.core.management import call_command

        from ocop.criteria.queries.specs import load_scorecard_spec
        from ocop.criteria.services.reading import QD26_FILE

        call_command("migrate", verbosity=0, interactive=False)
        call_command("import-criteria", str(QD26_FILE), verbosity=0, stdout=io.StringIO())
        return load_scorecard_spec("qd26-2026", 6)
    except Exception as exc:  # the importer may be missing or broken: fall back, say why
        print(
            f"(bundled data not available: {type(exc).__name__}: {exc}; using the hand-built spec)"
        )
        return None


def random_sheet(spec, rng: random.Random) -> dict[str, Decimal]:  # type: ignore[no-untyped-def]
    sheet = {}
    for c in spec.criteria:
        if c.binary or not c.options:
            sheet[c.code] = rng.choice((D(0), c.max_points))
        else:
            sheet[c.code] = rng.choice(c.options).points
    return sheet


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sheets", type=int, default=100_000)
    parser.add_argument("--councils", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs")
    parser.add_argument("--hand-built", action="store_true", help="skip the bundled data")
    parser.add_argument("--json", default="", help="also write the figures to this file")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocop.settings")
    if not args.hand_built:
        use_throwaway_database()
    import django

    django.setup()
    from ocop.criteria.engine.scoring import combine_sheets, score_sheet
    from ocop.criteria.engine.types import Policy

    spec = None if args.hand_built else imported_spec()
    source = "bundled data (load_scorecard_spec)"
    if spec is None:
        spec, source = hand_built_spec(), "hand-built bộ 6"
    policy = Policy()
    rng = random.Random(args.seed)  # noqa: S311 (reproducible data, not secrets)
    sheets = [random_sheet(spec, rng) for _ in range(args.sheets)]
    print(
        f"scorecard: {spec.criteria_set} bộ {spec.number}, {len(spec.criteria)} criteria ({source})"
    )
    print(f"python {sys.version.split()[0]}, {args.sheets:,} random sheets, seed {args.seed}")

    score_sheet(spec, sheets[0])  # compile the spec outside the timing
    best = float("inf")
    for _ in range(args.repeat):
        start = time.perf_counter()
        for selections in sheets:
            score_sheet(spec, selections)
        best = min(best, time.perf_counter() - start)
    rate = args.sheets / best
    print(
        f"score_sheet: {rate:,.0f} sheets/s (best of {args.repeat}); ratio to {TARGET:,}: {rate / TARGET:.2f}"
    )

    scored = [
        score_sheet(spec, s, member=f"m{i % 7}") for i, s in enumerate(sheets[: 7 * args.councils])
    ]
    councils = [scored[i : i + 7] for i in range(0, len(scored) - 6, 7)]
    best = float("inf")
    for _ in range(args.repeat):
        start = time.perf_counter()
        for council in councils:
            combine_sheets(spec, policy, council)
        best = min(best, time.perf_counter() - start)
    per_council = best / len(councils)
    print(
        f"combine_sheets (7 members): {len(councils) / best:,.0f} councils/s "
        f"({per_council * 1e6:.1f} µs each)"
    )
    end_to_end = 7 / (7 / rate + per_council)
    print(
        f"score 7 sheets + combine: {end_to_end:,.0f} sheets/s; ratio to {TARGET:,}: {end_to_end / TARGET:.2f}"
    )
    from bench_json import write_json

    write_json(
        args.json,
        {
            "scenario": "scoring",
            "scorecard": f"{spec.criteria_set} bộ {spec.number} ({source})",
            "sheets": args.sheets,
            "councils": len(councils),
            "repeat": args.repeat,
            "score_sheet_per_second": rate,
            "combine_councils_per_second": len(councils) / best,
            "end_to_end_sheets_per_second": end_to_end,
            "target_sheets_per_second": TARGET,
            "ratio": rate / TARGET,
        },
    )


if __name__ == "__main__":
    main()
