"""The officials' dashboard on a national-scale data set against the raw SQL aggregates it needs.

    .venv/bin/python bench/dashboard_bench.py [--products N] [--producers N] [--sheets N]
        [--scans N] [--quick] [--runs R] [--warmup W] [--year Y] [--seed S] [--output PATH]
        [--explain] [--profile] [--try-scan-index]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/dashboard_bench.py

Issue 8: "a benchmark in `bench/` times the dashboard on a national-scale data set (20,000
products, 10,000 producers, 60,000 member sheets, 1,000,000 scans) against the raw SQL aggregates
it needs: within 2 times."

- A throw-away database (`epcis_common.throwaway_database`): a temporary SQLite file, or, when
  DATABASE_URL names a PostgreSQL server, a new database `ocop_bench_dashboard_…` dropped at the
  end. Migrated; Hà Nội's gazetteer and the bundled criteria imported as `ocop load-demo` does.
- The data (fixed seed, bulk inserts that keep the models' constraints; see `Builder`): producers
  in the current communes, products classified under QĐ 26/2026, dossiers of the cycles 2019–2026
  (old communes before the 2025 reform, new ones after; first evaluations, re-evaluations and
  upgrades), district rounds until 2024, two provincial rounds a year, the ministry's round,
  councils with their members, sessions (archived minutes, then scored in the platform: the
  member sheets), agenda items with their results, approved decisions with their items (3★ and
  4★ recognised, 5★ proposed to the ministry, the ministry's 5★, the province recognising 4★
  from the ministry's result), one decision replaced by an approved correction, certificates in
  every state (valid, expiring, expired — some not yet swept —, revoked, superseded by a
  re-evaluation), batches and stamps of certified products with the scans spread over 2025–2026
  (inserted with SQL: `generate_series`, or a recursive CTE on SQLite), buyers and trade
  connections in every status, training courses with sessions, participants and attendance,
  plans of the province, districts and communes; then ANALYZE.
- Measured, for the provincial office's Access (province-wide) and `--year` (default: this
  year): `ocop.reports.queries.dashboard.dashboard_data(Scope(year=…), access)` against
  hand-written SQL (`cursor.execute`) computing the same figures with the fewest aggregate
  statements. Both are first compared figure by figure, for every cycle year 2019–2026: a
  mismatch is printed and the script exits with status 2 (a correctness check, not a timing).
  Then each side is timed alternately (warm-up, then `--runs` runs; median and 95th percentile
  of the wall clock, and this process's CPU time), the dashboard's statements are listed with
  their times, and `bench/results/dashboard.json` is written (one entry per database).
- Printed: the table of times and the ratio dashboard ÷ raw SQL of the medians (target ≤ 2);
  the plans of the dashboard's slowest statements with `--explain` or above the target; a
  cProfile with `--profile`. `--try-scan-index` first adds the index bench/README.md proposes.
  Nothing asserts a time: the exit status is 0 whatever the ratio (2 on a mismatch).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import secrets
import statistics
import sys
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from epcis_common import throwaway_database  # noqa: E402  (bench/ is the script's folder)

TARGET = 2.0
RESULTS = ROOT / "bench" / "results" / "dashboard.json"
FIRST_YEAR, LAST_YEAR = 2019, 2026
YEAR_WEIGHTS = {2019: 8, 2020: 10, 2021: 11, 2022: 12, 2023: 13, 2024: 14, 2025: 15, 2026: 17}
REFORM = dt.date(2025, 7, 1)
SESSION_SIZE = 50
SCORING_MEMBERS = 7  # chair + 6 members score; the secretary keeps the minutes
PRODUCER_KINDS = [
    ("cooperative", "Hợp tác xã", 30),
    ("enterprise", "Công ty TNHH", 25),
    ("household", "Hộ kinh doanh", 30),
    ("cooperative_group", "Tổ hợp tác", 8),
    ("farm", "Trang trại", 7),
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
GIVEN = ["An", "Bình", "Hà", "Lan", "Minh", "Phát", "Thành", "Hương", "Đức", "Tâm", "Quang"]
GOODS = [
    "Bánh chưng",
    "Trà sen",
    "Mật ong hoa nhãn",
    "Gạo nếp cái hoa vàng",
    "Bưởi Diễn",
    "Giò lụa",
    "Nước mắm",
    "Rượu nếp cái",
    "Cao ích mẫu",
    "Bình gốm men rạn",
    "Giỏ mây",
    "Lụa Vạn Phúc",
    "Miến dong",
    "Chè Shan tuyết",
    "Sữa chua Ba Vì",
]
# What becomes of a dossier of 2026's second round, still under way on the day of the bench.
IN_PROGRESS = [
    ("draft", "commune", 5),
    ("submitted", "commune", 14),
    ("returned", "commune", 8),
    ("forwarded", "province", 14),
    ("accepted", "province", 15),
    ("in_session", "province", 20),
    ("scored", "province", 20),
    ("withdrawn", "commune", 4),
]
STARS = [(1, 3), (2, 6), (3, 44), (4, 39), (5, 8)]
MEAN_OF = {1: (20, 29), 2: (35, 49), 3: (50, 69), 4: (70, 89), 5: (90, 98)}


# --- the throw-away database -------------------------------------------------------------------


def setup() -> str:
    """A migrated throw-away database, Django as in production (DEBUG off); the engine."""
    engine = throwaway_database("dashboard")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocop.settings")
    os.environ["DJANGO_DEBUG"] = "False"
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["OCOP_LOG_LEVEL"] = "WARNING"
    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"database: {engine}, migrated in {time.perf_counter() - started:.1f} s", flush=True)
    return engine


def database_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
        cursor.execute("SELECT sqlite_version()")
        return f"SQLite {cursor.fetchone()[0]}"


# --- the data set ------------------------------------------------------------------------------


class Codes:
    """Public codes drawn from the seeded generator, in the alphabet and shape of `unique_code`
    (prefix + CODE_LENGTH letters), never twice."""

    def __init__(self, rng: random.Random) -> None:
        from ocop.core.codes import ALPHABET

        self.alphabet = ALPHABET
        self.rng = rng
        self.used: set[str] = set()

    def take(self, model: Any, count: int) -> list[str]:
        prefix, length = model.CODE_PREFIX, model.CODE_LENGTH
        out: list[str] = []
        while len(out) < count:
            code = prefix + "".join(self.rng.choice(self.alphabet) for _ in range(length))
            if code not in self.used:
                self.used.add(code)
                out.append(code)
        return out

    def one(self, model: Any) -> str:
        return self.take(model, 1)[0]


def weighted(rng: random.Random, pairs: list[tuple[Any, int]]) -> Any:
    values = [value for value, _weight in pairs]
    return rng.choices(values, weights=[weight for _value, weight in pairs])[0]


def bulk(model: Any, rows: list[Any], batch_size: int = 2000) -> list[Any]:
    return model.objects.bulk_create(rows, batch_size=batch_size)


class Builder:
    """Builds the data set; `sizes` are the four numbers of the issue."""

    def __init__(self, *, products: int, producers: int, sheets: int, scans: int, seed: int):
        from django.utils import timezone

        self.sizes = {"products": products, "producers": producers, "sheets": sheets}
        self.scans = scans
        self.rng = random.Random(seed)  # noqa: S311  (repeatable data, not secrets)
        self.codes = Codes(self.rng)
        self.today = timezone.localdate()
        self.counts: dict[str, int] = {}

    def step(self, label: str, started: float) -> None:
        print(f"  {label} ({time.perf_counter() - started:.1f} s)", flush=True)

    # -- reference data and people ----------------------------------------------------------

    def reference(self) -> None:
        from ocop.criteria.models import ClassificationNode, CriteriaSet
        from ocop.criteria.services.importer import BUNDLED_FILES, import_criteria
        from ocop.geo.models import AdministrativeUnit, UnitSuccession
        from ocop.geo.services.gazetteer import import_gazetteer

        started = time.perf_counter()
        import_gazetteer()  # what `ocop load-demo` does first
        for path in BUNDLED_FILES:
            import_criteria(actor=None, path=path)
        units = AdministrativeUnit.objects.all()
        self.province = units.get(level="province", valid_to__isnull=True)
        self.districts = list(units.filter(level="district").order_by("code"))
        self.new_communes = list(
            units.filter(level="commune", valid_to__isnull=True).order_by("code")
        )
        self.old_communes = list(
            units.filter(level="commune", valid_to__isnull=False).order_by("code")
        )
        predecessors: dict[int, list[Any]] = defaultdict(list)
        old_by_id = {unit.pk: unit for unit in self.old_communes}
        for old_id, new_id in UnitSuccession.objects.values_list("predecessor_id", "successor_id"):
            if old_id in old_by_id:
                predecessors[new_id].append(old_by_id[old_id])
        self.predecessors = predecessors
        self.set_26 = CriteriaSet.objects.get(code="qd26-2026")
        self.set_1048 = CriteriaSet.objects.get(code="qd1048-2019")
        self.leaves_26 = list(
            ClassificationNode.objects.filter(
                criteria_set=self.set_26, scorecard__isnull=False
            ).order_by("code")
        )
        self.leaves_1048 = list(
            ClassificationNode.objects.filter(
                criteria_set=self.set_1048, scorecard__isnull=False
            ).order_by("code")
        )
        self.step(
            f"gazetteer ({len(self.districts)} districts, {len(self.old_communes)} old and "
            f"{len(self.new_communes)} new communes) and criteria ({len(self.leaves_26)} and "
            f"{len(self.leaves_1048)} scorecard groups)",
            started,
        )

    def people(self) -> None:
        from ocop.accounts.enums import OrganisationKind, Role
        from ocop.accounts.services.users import add_membership, create_organisation, create_user

        started = time.perf_counter()

        def person(username: str, full_name: str, organisation: Any, role: str) -> Any:
            user = create_user(
                actor=None,
                username=username,
                password=None,
                full_name=full_name,
                email=f"{username}@bench.ocop.vn",
            )
            add_membership(actor=None, user=user, organisation=organisation, role=role)
            return user

        office_org = create_organisation(
            actor=None,
            kind=OrganisationKind.PROVINCE_OFFICE,
            name="Văn phòng Điều phối Nông thôn mới Hà Nội",
            unit=self.province,
        )
        committee = create_organisation(
            actor=None,
            kind=OrganisationKind.PROVINCE_COMMITTEE,
            name="UBND Thành phố Hà Nội",
            unit=self.province,
        )
        council_org = create_organisation(
            actor=None, kind=OrganisationKind.COUNCIL, name="Hội đồng OCOP", unit=self.province
        )
        self.office = person("office", "Nguyễn Văn Văn Phòng", office_org, Role.PROVINCE_OFFICER)
        self.approver = person("approver", "Trần Phê Duyệt", committee, Role.APPROVER)
        self.council_users = [
            person(f"hd{n:02d}", f"Thành viên Hội đồng {n}", council_org, Role.COUNCIL_MEMBER)
            for n in range(24)
        ]
        self.step("people: the office, the approver, 24 council members", started)

    # -- producers and products -------------------------------------------------------------

    def producers_and_products(self) -> None:
        from stdnum.vn import mst

        from ocop.accounts.enums import OrganisationKind
        from ocop.accounts.models import Organisation
        from ocop.core.text import fold
        from ocop.producers.enums import ProducerStatus, Sex
        from ocop.producers.models import Producer
        from ocop.products.enums import ProductStatus
        from ocop.products.models import Product

        started = time.perf_counter()
        rng = self.rng
        count = self.sizes["producers"]
        organisations = bulk(
            Organisation,
            [
                Organisation(
                    code=code, kind=OrganisationKind.PRODUCER, name=f"Tổ chức {n}", is_active=True
                )
                for n, code in enumerate(self.codes.take(Organisation, count))
            ],
        )
        rows = []
        kinds = [(kind, weight) for kind, _prefix, weight in PRODUCER_KINDS]
        prefixes = {kind: prefix for kind, prefix, _weight in PRODUCER_KINDS}
        for n, (organisation, code) in enumerate(
            zip(organisations, self.codes.take(Producer, count), strict=True)
        ):
            kind = weighted(rng, kinds)
            name = f"{prefixes[kind]} {rng.choice(FAMILY)} {rng.choice(GIVEN)} {n}"
            total = rng.randint(2, 60) if kind != "household" else rng.randint(1, 8)
            body = f"01{n:07d}"
            rows.append(
                Producer(
                    code=code,
                    organisation=organisation,
                    kind=kind,
                    name=name,
                    name_folded=fold(name),
                    tax_code="" if kind == "household" else body + mst.calc_check_digit(body),
                    address=f"Thôn {n % 12 + 1}",
                    commune=self.new_communes[n % len(self.new_communes)],
                    representative_name=f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}",
                    representative_sex=rng.choice([Sex.FEMALE, Sex.MALE]),
                    workforce_total=total,
                    workforce_local=rng.randint(0, total),
                    status=ProducerStatus.APPROVED if n % 25 else ProducerStatus.PENDING,
                )
            )
        self.producers = bulk(Producer, rows)
        approved = [p for p in self.producers if p.status == ProducerStatus.APPROVED]
        rows = []
        products = self.sizes["products"]
        for n, code in enumerate(self.codes.take(Product, products)):
            # every approved producer has a product, then the rest at random
            producer = approved[n] if n < len(approved) else rng.choice(approved)
            name = f"{rng.choice(GOODS)} {producer.name.split()[-2]} {n}"
            rows.append(
                Product(
                    code=code,
                    producer=producer,
                    name=name,
                    name_folded=fold(name),
                    description="Sản phẩm OCOP.",
                    classification=self.leaves_26[n % len(self.leaves_26)],
                    status=ProductStatus.ACTIVE if n % 40 else ProductStatus.ARCHIVED,
                )
            )
        self.products = bulk(Product, rows)
        self.step(f"{count:,} producers, {products:,} products", started)

    # -- the evaluation cycles --------------------------------------------------------------

    def plan_dossiers(self) -> None:
        """Decide, in Python, every dossier's cycle and fate (inserted by `evaluation`)."""
        rng = self.rng
        years = list(YEAR_WEIGHTS.items())
        self.dossier_specs: list[dict[str, Any]] = []
        for product in self.products:
            year = weighted(rng, years)
            spec = self._dossier_spec(product, year, kind="first", previous=None)
            self.dossier_specs.append(spec)
            if spec["province_stars"] in (3, 4) and year + 3 <= LAST_YEAR and rng.random() < 0.35:
                upgrade = spec["province_stars"] == 3 and rng.random() < 0.4
                kind = "upgrade" if upgrade else "reevaluation"
                self.dossier_specs.append(
                    self._dossier_spec(product, year + 3, kind=kind, previous=spec)
                )

    def _dossier_spec(
        self, product: Any, year: int, *, kind: str, previous: dict[str, Any] | None
    ) -> dict[str, Any]:
        rng = self.rng
        spec: dict[str, Any] = {
            "product": product,
            "year": year,
            "kind": kind,
            "previous": previous,
            "province_stars": None,
            "district": False,
            "central": None,
            "status": None,
            "level": "province",
        }
        in_progress = year == LAST_YEAR and rng.random() < 0.45
        if in_progress:
            status, level = weighted(rng, [((s, lv), w) for s, lv, w in IN_PROGRESS])
            spec.update(status=status, level=level, round_number=2)
            if status in ("in_session", "scored"):
                spec["province_stars"] = weighted(rng, STARS) if status == "scored" else None
            return spec
        if rng.random() < 0.04:
            spec.update(status="withdrawn", level="commune", round_number=None)
            return spec
        spec["round_number"] = 1 if rng.random() < 0.55 or year == LAST_YEAR else 2
        spec["district"] = year <= 2024 and rng.random() < 0.4
        stars = weighted(rng, STARS)
        if kind == "upgrade":
            stars = max(stars, 3)
        spec["province_stars"] = stars
        if stars < 3:
            spec["status"] = "not_recognised"
        elif stars < 5:
            spec["status"] = "recognised"
        elif year == LAST_YEAR:
            spec.update(status="proposed_central", level="central")  # the ministry has not met
        else:
            fate = rng.random()
            if fate < 0.15:  # the ministry never ruled: potential 5★
                spec.update(status="proposed_central", level="central", central=None)
            elif fate < 0.6:
                spec.update(status="recognised", level="central", central=5)
            else:  # the ministry gave 4★; the province recognised 4★ from that result
                spec.update(status="recognised", level="central", central=4)
        return spec

    def councils_and_rounds(self) -> None:
        from ocop.evaluation.enums import CouncilRole
        from ocop.evaluation.models import Council, CouncilMember, Round

        started = time.perf_counter()
        rounds = []
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            criteria = self.set_26 if year == LAST_YEAR else self.set_1048
            plan = [("province", 1), ("province", 2), ("central", 1)]
            if year <= 2024:
                plan.append(("district", 1))
            for level, number in plan:
                closed = year < LAST_YEAR or (level == "province" and number == 1)
                status = "closed" if closed else ("scoring" if level == "province" else "open")
                rounds.append(
                    Round(
                        code=self.codes.one(Round),
                        name=f"Đánh giá sản phẩm OCOP {level} đợt {number} năm {year}",
                        year=year,
                        number=number,
                        level=level,
                        criteria_set=criteria,
                        proposal_deadline=dt.date(year, 3 if number == 1 else 8, 31),
                        evaluation_deadline=dt.date(year, 6 if number == 1 else 11, 30),
                        status=status,
                    )
                )
        self.rounds = {(r.year, r.level, r.number): r for r in bulk(Round, rounds)}
        councils = []
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            councils.append(("province", year, f"Hội đồng OCOP Thành phố Hà Nội năm {year}"))
        for n in range(6):
            councils.append(("district", None, f"Hội đồng OCOP cấp huyện số {n + 1}"))
        councils.append(("central", None, "Hội đồng OCOP trung ương"))
        made = bulk(
            Council,
            [
                Council(code=self.codes.one(Council), name=name, level=level)
                for level, _year, name in councils
            ],
        )
        self.province_council = {
            year: council
            for (level, year, _n), council in zip(councils, made, strict=True)
            if level == "province"
        }
        self.district_councils = [c for c in made if c.level == "district"]
        self.central_council = next(c for c in made if c.level == "central")
        members = []
        for index, council in enumerate(made):
            seats = [
                self.council_users[(index * 5 + k) % len(self.council_users)] for k in range(8)
            ]
            for k, user in enumerate(seats):
                role = (
                    CouncilRole.CHAIR
                    if k == 0
                    else (CouncilRole.SECRETARY if k == 7 else CouncilRole.MEMBER)
                )
                members.append(CouncilMember(council=council, user=user, role=role))
        members = bulk(CouncilMember, members)
        self.scorers: dict[int, list[Any]] = defaultdict(list)
        for member in members:
            if member.role != CouncilRole.SECRETARY:
                self.scorers[member.council_id].append(member)
        self.step(f"{len(self.rounds)} rounds, {len(made)} councils", started)

    def evaluation(self) -> None:
        """Dossiers, sessions, agenda items, sheets, decisions and their items."""
        from ocop.evaluation.models import Dossier

        started = time.perf_counter()
        rng = self.rng
        rows = []
        for spec in self.dossier_specs:
            product = spec["product"]
            year = spec["year"]
            lodged = dt.date(year, 2 if spec.get("round_number") != 2 else 7, rng.randint(1, 28))
            new_commune = product.producer.commune
            if lodged < REFORM and self.predecessors.get(new_commune.pk):
                commune = rng.choice(self.predecessors[new_commune.pk])
            else:
                commune = new_commune
            criteria = self.set_26 if year == LAST_YEAR else self.set_1048
            if criteria is self.set_26:
                node = product.classification
            else:
                node = self.leaves_1048[product.pk % len(self.leaves_1048)]
            status = spec["status"]
            due_on = None
            if status in ("submitted", "returned", "forwarded", "accepted", "in_session", "scored"):
                # the current step's deadline: about a third are overdue
                due_on = self.today + dt.timedelta(days=rng.randint(-40, 60))
            elif status == "proposed_central" and year == LAST_YEAR:
                due_on = self.today + dt.timedelta(days=rng.randint(-20, 90))
            round_ = None
            if status not in ("draft", "submitted", "returned", "forwarded", "withdrawn"):
                round_ = self.rounds[(year, "province", spec["round_number"])]
            previous = spec["previous"]
            row = Dossier(
                code=self.codes.one(Dossier),
                product=product,
                producer=product.producer,
                commune=commune,
                kind=spec["kind"],
                criteria_set=criteria,
                scorecard_id=node.scorecard_id,
                procedure_profile=criteria.procedure_profile,
                status=status,
                level=spec["level"],
                samples_count=5,
                current_stars=previous["province_stars"] if previous else None,
                round=round_,
                submitted_at=None
                if status == "draft"
                else dt.datetime.combine(lodged, dt.time(9), tzinfo=dt.UTC),
                due_on=due_on,
                created_by=self.office,
            )
            spec["dossier"] = row
            rows.append(row)
        # previous dossiers first (a dossier's `previous` must exist)
        firsts = [s["dossier"] for s in self.dossier_specs if s["previous"] is None]
        bulk(Dossier, firsts)
        seconds = []
        for spec in self.dossier_specs:
            if spec["previous"] is not None:
                spec["dossier"].previous = spec["previous"]["dossier"]
                seconds.append(spec["dossier"])
        bulk(Dossier, seconds)
        self.counts["dossiers"] = len(rows)
        self.step(f"{len(rows):,} dossiers", started)
        self._sessions_and_results()

    def _sessions_and_results(self) -> None:
        from ocop.evaluation.models import (
            Decision,
            DecisionItem,
            ScoreSheet,
            Session,
            SessionDossier,
        )

        started = time.perf_counter()
        rng = self.rng
        # (round key) -> list of (spec, stars or None)
        agenda: dict[tuple[int, str, int], list[tuple[dict[str, Any], int | None]]] = defaultdict(
            list
        )
        for spec in self.dossier_specs:
            year = spec["year"]
            if spec["district"]:
                agenda[(year, "district", 1)].append(
                    (spec, 3 if spec["province_stars"] >= 3 else 2)
                )
            if spec["status"] in ("in_session", "scored") or spec["province_stars"] is not None:
                if spec["status"] == "in_session":
                    agenda[(year, "province", 2)].append((spec, None))
                else:
                    agenda[(year, "province", spec["round_number"])].append(
                        (spec, spec["province_stars"])
                    )
            if spec["central"] is not None:
                agenda[(year, "central", 1)].append((spec, spec["central"]))
        sessions = []
        session_items: list[tuple[Any, list[tuple[dict[str, Any], int | None]]]] = []
        for key in sorted(agenda):
            year, level, number = key
            round_ = self.rounds[key]
            entries = agenda[key]
            # sessions of one round: scored items in closed sessions, the others in open ones
            groups = [
                [e for e in entries if e[1] is not None],
                [e for e in entries if e[1] is None],
            ]
            for closed, group in zip((True, False), groups, strict=True):
                for start in range(0, len(group), SESSION_SIZE):
                    chunk = group[start : start + SESSION_SIZE]
                    if level == "province":
                        council = self.province_council[year]
                    elif level == "district":
                        council = self.district_councils[
                            len(sessions) % len(self.district_councils)
                        ]
                    else:
                        council = self.central_council
                    month = {"district": 5, "central": 11}.get(level, 6 if number == 1 else 10)
                    held = dt.date(year, month, 1 + (start // SESSION_SIZE) % 28)
                    if closed and held > self.today:
                        held = self.today - dt.timedelta(days=7)
                    session = Session(
                        code=self.codes.one(Session),
                        council=council,
                        round=round_,
                        held_on=held,
                        place="Hà Nội",
                        status="closed" if closed else "open",
                        source="archive",
                        closed_at=dt.datetime.combine(held, dt.time(17), tzinfo=dt.UTC)
                        if closed
                        else None,
                        closed_by=self.office if closed else None,
                    )
                    sessions.append(session)
                    session_items.append((session, chunk))
        # the sheets: the newest sessions are scored in the platform, the older ones transcribed
        # from the archived minutes, until `--sheets` sheets exist
        wanted = self.sizes["sheets"]
        for session, chunk in sorted(
            session_items, key=lambda pair: (-pair[0].round.year, pair[0].held_on)
        ):
            if wanted <= 0:
                break
            session.source = "live"
            wanted -= len(chunk) * SCORING_MEMBERS
        for session in sessions:
            if session.source == "archive":
                session.minutes_reference = f"Biên bản họp Hội đồng ngày {session.held_on:%d/%m/%Y}"
        bulk(Session, sessions)
        items = []
        for session, chunk in session_items:
            for position, (spec, stars) in enumerate(chunk):
                result = None
                mean = None
                if stars is not None:
                    low, high = MEAN_OF[stars]
                    mean = Decimal(rng.randint(low * 100, high * 100)) / 100
                    result = {
                        "source": session.source,
                        "mean_total": str(mean),
                        "stars": stars,
                        "band_stars": stars,
                    }
                    if session.source == "archive":
                        result["minutes"] = session.minutes_reference
                item = SessionDossier(
                    session=session,
                    dossier=spec["dossier"],
                    position=position,
                    result=result,
                    mean_total=mean,
                    stars=stars,
                    band_stars=stars,
                )
                spec.setdefault("items", {})[session.round.level] = item
                items.append(item)
        bulk(SessionDossier, items)
        self.counts["sessions"] = len(sessions)
        self.counts["agenda_items"] = len(items)
        self.step(f"{len(sessions):,} sessions, {len(items):,} agenda items", started)

        started = time.perf_counter()
        sheets = []
        remaining = self.sizes["sheets"]
        items_of: dict[int, list[Any]] = defaultdict(list)
        for item in items:
            items_of[item.session_id].append(item)
        live = [pair for pair in session_items if pair[0].source == "live"]
        for session, _chunk in live:
            for item in items_of[session.pk]:
                for member in self.scorers[session.council_id]:
                    if remaining <= 0:
                        break
                    submitted = item.result is not None or rng.random() < 0.6
                    total = (item.mean_total or Decimal(70)) + Decimal(rng.randint(-300, 300)) / 100
                    sheets.append(
                        ScoreSheet(
                            item=item,
                            member=member,
                            status="submitted" if submitted else "draft",
                            selections={},
                            total=max(Decimal(0), min(Decimal(100), total)) if submitted else None,
                            version=1,
                            submitted_at=session.closed_at if submitted else None,
                        )
                    )
                    remaining -= 1
        bulk(ScoreSheet, sheets, batch_size=5000)
        self.counts["sheets"] = len(sheets)
        self.step(f"{len(sheets):,} member sheets", started)

        started = time.perf_counter()
        signed = {
            ("district", 1): (6, 1),
            ("province", 1): (7, 15),
            ("province", 2): (12, 10),
            ("central", 1): (12, 20),
        }
        decisions: list[Any] = []
        decision_items: list[Any] = []
        by_round: dict[tuple[int, str, int], list[Any]] = defaultdict(list)
        for item in items:
            if item.result is not None:
                by_round[
                    (item.session.round.year, item.session.round.level, item.session.round.number)
                ].append(item)
        sequence = 0

        def decision(round_: Any, level: str, day: dt.date, title: str, **extra: Any) -> Any:
            nonlocal sequence
            sequence += 1
            made = Decision(
                code=self.codes.one(Decision),
                round=round_,
                level=level,
                number=f"{sequence}/QĐ-{'BNNMT' if level == 'central' else 'UBND'}",
                title=title,
                status="draft",
                signed_on=day,
                drafted_by=self.office,
                approved_by=self.approver,
                approved_at=dt.datetime.combine(day, dt.time(10), tzinfo=dt.UTC),
                **extra,
            )
            decisions.append(made)
            return made

        item_rows: list[tuple[Any, dict[str, Any]]] = []
        from_central: dict[int, list[Any]] = defaultdict(list)
        for key, round_items in sorted(by_round.items()):
            year, level, number = key
            if year == LAST_YEAR and key != (LAST_YEAR, "province", 1):
                continue  # 2026: only the first provincial round is decided
            month, day = signed[(level, number)]
            made = decision(
                self.rounds[key],
                level,
                dt.date(year, month, day),
                f"Quyết định công nhận kết quả đánh giá, phân hạng sản phẩm OCOP {level} năm {year}",
            )
            for item in round_items:
                stars = item.stars
                if level == "district":
                    fields = {"recognised": False, "forwarded": True}
                elif level == "central":
                    fields = {"recognised": stars == 5}
                    if stars != 5:
                        from_central[year].append(item)
                else:
                    fields = {"recognised": 3 <= stars <= 4, "proposed_central": stars == 5}
                item_rows.append((made, {"agenda_item": item, "stars": stars, **fields}))
        for year, central_items in sorted(from_central.items()):
            made = decision(
                self.rounds[(year, "province", 2)],
                "province",
                dt.date(year + 1, 2, 15),
                f"Quyết định công nhận sản phẩm OCOP 4 sao từ kết quả trung ương năm {year}",
            )
            for item in central_items:
                item_rows.append((made, {"agenda_item": item, "stars": 4, "recognised": True}))
        bulk(Decision, decisions)
        for made, fields in item_rows:
            agenda_item = fields["agenda_item"]
            decision_items.append(
                DecisionItem(
                    decision=made,
                    dossier_id=agenda_item.dossier_id,
                    mean_total=agenda_item.mean_total,
                    **fields,
                )
            )
        bulk(DecisionItem, decision_items)
        # the correction: a decision of 2022 replaced by an approved one where one 4★ is a 3★
        original = next(d for d in decisions if d.round.year == 2022 and d.level == "province")
        original_items = [i for i in decision_items if i.decision_id == original.pk]
        correction = Decision(
            code=self.codes.one(Decision),
            round=original.round,
            level=original.level,
            number=f"{original.number.split('/')[0]}a/QĐ-UBND",
            title=f"Đính chính {original.title}",
            status="draft",
            signed_on=original.signed_on + dt.timedelta(days=30),
            replaces=original,
            drafted_by=self.office,
            approved_by=self.approver,
            approved_at=dt.datetime.combine(
                original.signed_on + dt.timedelta(days=30), dt.time(10), tzinfo=dt.UTC
            ),
        )
        correction.save()
        changed = next(i for i in original_items if i.stars == 4 and i.recognised)
        corrected_items = []
        for item in original_items:
            copy = DecisionItem(
                decision=correction,
                dossier_id=item.dossier_id,
                agenda_item_id=item.agenda_item_id,
                recognised=item.recognised,
                stars=3 if item is changed else item.stars,
                mean_total=item.mean_total,
                proposed_central=item.proposed_central,
                forwarded=item.forwarded,
            )
            corrected_items.append(copy)
            if item is changed:
                self.corrected = (item, copy)
        bulk(DecisionItem, corrected_items)
        decisions.append(correction)
        decision_items.extend(corrected_items)
        Decision.objects.filter(pk__in=[d.pk for d in decisions]).update(status="approved")
        for made in decisions:
            made.status = "approved"
        self.decisions = decisions
        self.decision_items = decision_items
        self.counts["decisions"] = len(decisions)
        self.counts["decision_items"] = len(decision_items)
        self.step(
            f"{len(decisions)} approved decisions (one corrected), {len(decision_items):,} items",
            started,
        )

    # -- certificates ---------------------------------------------------------------------

    def certificates(self) -> None:
        from ocop.certificates.dates import add_months
        from ocop.certificates.enums import Authority, CertificateStatus
        from ocop.certificates.models import Certificate
        from ocop.certificates.services.certificates import NUMBER_FORMAT
        from ocop.certificates.signing import verification_code

        started = time.perf_counter()
        rng = self.rng
        replaced_item, correction_item = self.corrected
        decisions = {d.pk: d for d in self.decisions}
        dossiers = {s["dossier"].pk: s["dossier"] for s in self.dossier_specs}
        recognised = [
            i for i in self.decision_items if i.recognised and i.decision.replaces_id is None
        ]
        recognised.append(correction_item)
        recognised.sort(key=lambda i: (decisions[i.decision_id].signed_on, i.pk))
        sequences: dict[int, int] = defaultdict(int)
        latest: dict[int, Any] = {}  # product id -> its newest certificate
        rows = []
        for item in recognised:
            decision = decisions[item.decision_id]
            dossier = dossiers[item.dossier_id]
            product = dossier.product
            day = decision.signed_on
            sequences[day.year] += 1
            central = decision.level == "central"
            certificate = Certificate(
                code=self.codes.one(Certificate),
                number=NUMBER_FORMAT.format(
                    sequence=sequences[day.year], year=day.year, province=self.province.code
                ),
                year=day.year,
                sequence=sequences[day.year],
                province=self.province,
                product=product,
                producer=product.producer,
                product_name=product.name,
                producer_name=product.producer.name,
                unit_name=dossier.commune.name,
                stars=item.stars,
                mean_total=item.mean_total,
                criteria_set=dossier.criteria_set,
                criteria_code=dossier.criteria_set.code,
                criteria_name=dossier.criteria_set.name,
                decision=decision,
                decision_item=item,
                decision_number=decision.number,
                decided_on=day,
                authority=Authority.CENTRAL if central else Authority.PROVINCE,
                authority_name="Bộ Nông nghiệp và Môi trường"
                if central
                else "Ủy ban nhân dân thành phố Hà Nội",
                issued_on=day,
                expires_on=add_months(day, 36),
                status=CertificateStatus.VALID,
                issued_by=self.office,
            )
            older = latest.get(product.pk)
            if older is not None:
                older.status = CertificateStatus.SUPERSEDED
                older.status_changed_on = day
                certificate.replaces = older
            if item is correction_item:
                # the corrected item's certificate replaces the one the first decision issued
                first = next(c for c in rows if c.decision_item is replaced_item)
                first.status = CertificateStatus.SUPERSEDED
                first.status_changed_on = day
                certificate.replaces = first
            latest[product.pk] = certificate
            rows.append(certificate)
        for certificate in rows:
            if certificate.status != CertificateStatus.VALID:
                continue
            if certificate.expires_on <= self.today:
                if rng.random() < 0.9:  # the daily sweep has written most expiries
                    certificate.status = CertificateStatus.EXPIRED
                    certificate.status_changed_on = certificate.expires_on
            elif rng.random() < 0.03:
                certificate.status = CertificateStatus.REVOKED
                certificate.status_changed_on = self.today - dt.timedelta(days=rng.randint(1, 300))
        for certificate in rows:
            certificate.verification_code = verification_code(certificate)
        # a replaced certificate is inserted before the one that replaces it
        waiting = rows
        while waiting:
            ready = [c for c in waiting if c.replaces is None or c.replaces.pk is not None]
            bulk(Certificate, ready)
            waiting = [c for c in waiting if c.pk is None]
        self.certificates_made = rows
        by_state: dict[str, int] = defaultdict(int)
        for certificate in rows:
            by_state[str(certificate.state_on(self.today))] += 1
        self.counts["certificates"] = len(rows)
        self.step(f"{len(rows):,} certificates {dict(sorted(by_state.items()))}", started)

    # -- traceability -----------------------------------------------------------------------

    def traceability(self, engine: str) -> None:
        from django.db import connection

        from ocop.certificates.enums import CertificateStatus
        from ocop.products.models import Product
        from ocop.traceability.identifiers import check_digit
        from ocop.traceability.models import Batch, Stamp

        started = time.perf_counter()
        rng = self.rng
        certified = []
        seen = set()
        for certificate in self.certificates_made:
            product = certificate.product
            if certificate.status == CertificateStatus.VALID and product.pk not in seen:
                seen.add(product.pk)
                certified.append(product)
        rng.shuffle(certified)
        chosen = certified[: max(20, self.sizes["products"] // 20)]
        for n, product in enumerate(chosen):
            body = f"893{n + 1:09d}"
            product.gtin = body + check_digit(body)
        Product.objects.bulk_update(chosen, ["gtin"], batch_size=2000)
        batches = []
        for product in chosen:
            for k in range(2):
                produced = dt.date(2025 + k, rng.randint(1, 10), rng.randint(1, 28))
                batches.append(
                    Batch(
                        code=self.codes.one(Batch),
                        product=product,
                        producer=product.producer,
                        lot=f"L{produced:%Y%m}-{k + 1}",
                        produced_on=produced,
                        expires_on=produced + dt.timedelta(days=540),
                        quantity=Decimal(rng.randint(50, 2000)),
                        unit="kg",
                        status="closed" if k == 0 else "open",
                    )
                )
        batches = bulk(Batch, batches)
        stamps = []
        serial = 0
        for batch in batches:
            gtin14 = batch.product.gtin.zfill(14)
            for _k in range(10):
                serial += 1
                active = serial % 50 != 0
                activated = dt.datetime.combine(batch.produced_on, dt.time(8), tzinfo=dt.UTC)
                stamps.append(
                    Stamp(
                        batch=batch,
                        gtin=gtin14,
                        serial=f"S{serial:09d}",
                        short_code=f"T{serial:09d}",
                        status="active" if active else "void",
                        activated_at=activated,
                        voided_at=None if active else activated + dt.timedelta(days=30),
                    )
                )
        stamps = bulk(Stamp, stamps, batch_size=5000)
        self.step(
            f"{len(chosen):,} products with {len(batches):,} batches, {len(stamps):,} stamps",
            started,
        )

        started = time.perf_counter()
        first_stamp = min(s.pk for s in stamps)
        count = len(stamps)
        if max(s.pk for s in stamps) - first_stamp + 1 != count:
            raise RuntimeError("the stamps' ids are not consecutive")
        start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC) - dt.timedelta(hours=7)
        span = int((dt.datetime.now(dt.UTC) - start).total_seconds()) - 3600
        # scan i: stamp (i·7919 mod S), time start + (i·104729 mod span) seconds; a warning on
        # about 1.3 % of them; a coarse place on half. No parameters: "%" is SQL's modulo here.
        with connection.cursor() as cursor:
            step = 250_000
            for low in range(1, self.scans + 1, step):
                high = min(self.scans, low + step - 1)
                if engine == "postgresql":
                    series = f"generate_series({low}, {high}) AS seq(i)"
                    i = "seq.i::bigint"
                    at = (
                        f"TIMESTAMPTZ '{start.isoformat()}' + (({i} * 104729) % {span}) "
                        "* INTERVAL '1 second'"
                    )
                else:
                    series = (
                        f"(WITH RECURSIVE s(i) AS (SELECT {low} UNION ALL SELECT i + 1 FROM s "  # noqa: S608
                        f"WHERE i < {high}) SELECT i FROM s) AS seq"
                    )
                    i = "seq.i"
                    at = (
                        f"strftime('%Y-%m-%d %H:%M:%S', '{start:%Y-%m-%d %H:%M:%S}', '+' || "
                        f"(({i} * 104729) % {span}) || ' seconds')"
                    )
                warning = (
                    f"CASE WHEN {i} % 97 = 0 THEN 'too_many' WHEN {i} % 331 = 0 THEN 'too_far' "
                    "ELSE '' END"
                )
                latitude = f"CASE WHEN {i} % 2 = 0 THEN 21.0 + ({i} % 5) / 10.0 END"
                longitude = f"CASE WHEN {i} % 2 = 0 THEN 105.8 + ({i} % 3) / 10.0 END"
                cursor.execute(
                    "INSERT INTO traceability_scan (stamp_id, batch_id, product_id, scanned_at, "  # noqa: S608
                    "latitude, longitude, warning) "
                    f"SELECT st.id, st.batch_id, b.product_id, {at}, {latitude}, {longitude}, "
                    f"{warning} FROM {series} "
                    f"JOIN traceability_stamp st ON st.id = {first_stamp} + ({i} * 7919) % {count} "
                    "JOIN traceability_batch b ON b.id = st.batch_id"
                )
                print(f"    … {high:,} scans", flush=True)
            # the stamps' counters, as the scans' writes keep them
            cursor.execute(
                "UPDATE traceability_stamp SET scan_count = agg.n, first_scanned_at = agg.first, "
                "last_scanned_at = agg.last FROM (SELECT stamp_id, COUNT(*) AS n, "
                "MIN(scanned_at) AS first, MAX(scanned_at) AS last FROM traceability_scan "
                "GROUP BY stamp_id) AS agg WHERE agg.stamp_id = traceability_stamp.id"
            )
        self.counts["scans"] = self.scans
        self.step(f"{self.scans:,} scans", started)

    # -- trade, training, plans -------------------------------------------------------------

    def trade(self) -> None:
        from ocop.accounts.enums import OrganisationKind
        from ocop.accounts.models import Organisation
        from ocop.core.text import fold
        from ocop.trade.models import Buyer, Connection

        started = time.perf_counter()
        rng = self.rng
        count = max(10, self.sizes["products"] // 100)
        organisations = bulk(
            Organisation,
            [
                Organisation(code=code, kind=OrganisationKind.BUYER, name=f"Người mua {n}")
                for n, code in enumerate(self.codes.take(Organisation, count))
            ],
        )
        kinds = ["supermarket_chain", "shop", "exporter", "restaurant", "distributor", "other"]
        buyers = bulk(
            Buyer,
            [
                Buyer(
                    code=self.codes.one(Buyer),
                    organisation=organisation,
                    kind=kinds[n % len(kinds)],
                    name=f"Siêu thị Đặc sản {n}",
                    name_folded=fold(f"Siêu thị Đặc sản {n}"),
                    address="Hà Nội",
                    commune=self.new_communes[n % len(self.new_communes)],
                    contact_name=f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}",
                    status="active",
                )
                for n, organisation in enumerate(organisations)
            ],
        )
        statuses = [
            ("new", 25),
            ("contacted", 25),
            ("sample_sent", 15),
            ("deal", 20),
            ("closed_no_deal", 15),
        ]
        rows = []
        for _n in range(self.sizes["products"] // 4):
            product = rng.choice(self.products)
            rows.append(
                Connection(
                    code=self.codes.one(Connection),
                    buyer=rng.choice(buyers),
                    producer=product.producer,
                    product=product if rng.random() < 0.7 else None,
                    message="Chúng tôi muốn nhập sản phẩm của quý cơ sở.",
                    status=weighted(rng, statuses),
                )
            )
        rows = bulk(Connection, rows)
        first = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
        span = int((dt.datetime.now(dt.UTC) - first).total_seconds()) - 86400
        for row in rows:
            row.created_at = first + dt.timedelta(seconds=rng.randint(0, span))
            row.status_changed_at = (
                None if row.status == "new" else row.created_at + dt.timedelta(days=3)
            )
        Connection.objects.bulk_update(rows, ["created_at", "status_changed_at"], batch_size=2000)
        self.counts["connections"] = len(rows)
        self.step(f"{count} buyers, {len(rows):,} connections", started)

    def training(self) -> None:
        from ocop.reports.models import (
            TrainingAttendance,
            TrainingCourse,
            TrainingParticipant,
            TrainingSession,
        )

        started = time.perf_counter()
        rng = self.rng
        per_year = max(3, self.sizes["products"] // 700)
        courses = []
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            for n in range(per_year):
                if year < LAST_YEAR:
                    status = "cancelled" if n % 17 == 5 else "completed"
                else:
                    status = ["completed", "completed", "open", "planned", "cancelled"][n % 5]
                where = n % 4
                if where == 0:
                    unit = None
                elif where == 1:
                    unit = self.province
                elif year < 2025:
                    unit = rng.choice(self.districts if where == 2 else self.old_communes)
                else:
                    unit = rng.choice(self.new_communes)
                courses.append(
                    TrainingCourse(
                        code=self.codes.one(TrainingCourse),
                        title=f"Tập huấn OCOP {year} số {n + 1}",
                        topic="Xây dựng câu chuyện sản phẩm",
                        audience=["officials", "producers", "mixed"][n % 3],
                        organiser="Văn phòng Điều phối Nông thôn mới Hà Nội",
                        unit=unit,
                        year=year,
                        capacity=40,
                        status=status,
                        created_by=self.office,
                    )
                )
        courses = bulk(TrainingCourse, courses)
        sessions = []
        for course in courses:
            for k in range(2):
                day = dt.date(course.year, 3 + (course.pk % 8), 5 + k * 7)
                sessions.append(
                    TrainingSession(
                        course=course, starts_on=day, ends_on=day, place="Hà Nội", trainer="ThS. A"
                    )
                )
        sessions = bulk(TrainingSession, sessions)
        by_course: dict[int, list[Any]] = defaultdict(list)
        for session in sessions:
            by_course[session.course_id].append(session)
        participants = []
        for course in courses:
            for k in range(25):
                producer = rng.choice(self.producers) if course.audience != "officials" else None
                participants.append(
                    TrainingParticipant(
                        course=course,
                        kind="producer" if producer else "official",
                        full_name=f"{rng.choice(FAMILY)} {rng.choice(GIVEN)} {k}",
                        producer=producer,
                        unit=producer.commune if producer else course.unit,
                        sex=rng.choice(["female", "male"]),
                    )
                )
        participants = bulk(TrainingParticipant, participants)
        attendance = []
        for participant in participants:
            course_sessions = by_course[participant.course_id]
            for session in course_sessions:
                if session.starts_on <= self.today:
                    attendance.append(
                        TrainingAttendance(
                            session=session, participant=participant, present=rng.random() < 0.85
                        )
                    )
        bulk(TrainingAttendance, attendance, batch_size=5000)
        self.counts["training_courses"] = len(courses)
        self.counts["training_participants"] = len(participants)
        self.step(
            f"{len(courses)} courses, {len(sessions)} sessions, {len(participants):,} "
            f"participants, {len(attendance):,} attendance rows",
            started,
        )

    def plans(self) -> None:
        from ocop.reports.models import Plan

        started = time.perf_counter()
        ranked_guess = self.sizes["products"] * 0.9 / 6.5
        rows = []
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            target = int(ranked_guess * YEAR_WEIGHTS[year] / 13)
            rows.append(
                Plan(
                    year=year,
                    unit=self.province,
                    products_target=max(1, target),
                    stars_3_target=target // 2,
                    stars_4_target=target // 3,
                    stars_5_target=max(1, target // 50),
                    reference=f"Kế hoạch số {year - 2000}/KH-UBND",
                    created_by=self.office,
                )
            )
            units = self.districts[:5] if year < 2025 else self.new_communes[:5]
            for unit in units:
                rows.append(
                    Plan(
                        year=year,
                        unit=unit,
                        products_target=max(1, target // 30),
                        created_by=self.office,
                    )
                )
        bulk(Plan, rows)
        self.step(f"{len(rows)} plans", started)

    def finish(self) -> None:
        from django.db import connection

        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        self.step("ANALYZE", started)

    def build(self, engine: str) -> None:
        from django.db import transaction

        started = time.perf_counter()
        print("building the data set:", flush=True)
        self.reference()
        with transaction.atomic():
            self.people()
            self.producers_and_products()
            self.plan_dossiers()
            self.councils_and_rounds()
            self.evaluation()
            self.certificates()
            self.trade()
            self.training()
            self.plans()
        with transaction.atomic():
            self.traceability(engine)
        self.finish()
        print(f"built in {time.perf_counter() - started:.0f} s", flush=True)


# --- the two sides ------------------------------------------------------------------------------


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    """The year in Hà Nội's time, as Django's `__year` lookup reads an aware datetime."""
    from django.utils import timezone

    zone = timezone.get_current_timezone()
    return (
        dt.datetime(year, 1, 1, tzinfo=zone),
        dt.datetime(year + 1, 1, 1, tzinfo=zone),
    )


class RawSQL:
    """The dashboard's figures (province-wide, a cycle year) with hand-written aggregates: one
    statement per group of figures, no ORM; the floor the dashboard is measured against."""

    def __init__(self, year: int, today: dt.date, expiring_days: int, trend_years: int) -> None:
        from django.db import connection

        self.year = year
        self.today = today
        self.horizon = today + dt.timedelta(days=expiring_days)
        self.years = list(range(year - trend_years + 1, year + 1))
        start, end = year_bounds(year)
        adapt = connection.ops.adapt_datetimefield_value
        self.bounds = [adapt(start), adapt(end)]
        self.statements: list[tuple[str, str, list[Any]]] = self._statements()

    def _statements(self) -> list[tuple[str, str, list[Any]]]:
        from ocop.evaluation.enums import OPEN_DOSSIER_STATUSES

        year, today, horizon = self.year, self.today, self.horizon
        # the products of the counted decision items of a cycle year, with what their items say
        # (a decision replaced by an approved correction does not count)
        per_product = (
            "SELECT r.year AS yr, ds.product_id, MAX(ds.producer_id) AS producer_id, "
            "MAX(CASE WHEN i.recognised AND i.stars = 5 THEN 1 ELSE 0 END) AS r5, "
            "MAX(CASE WHEN i.recognised AND i.stars = 4 THEN 1 ELSE 0 END) AS r4, "
            "MAX(CASE WHEN i.recognised AND i.stars = 3 THEN 1 ELSE 0 END) AS r3, "
            "MAX(CASE WHEN i.recognised AND i.stars > 0 THEN 1 ELSE 0 END) AS r_any, "
            "MAX(CASE WHEN i.proposed_central THEN 1 ELSE 0 END) AS proposed "
            "FROM evaluation_decisionitem i "
            "JOIN evaluation_decision d ON d.id = i.decision_id "
            "JOIN evaluation_round r ON r.id = d.round_id "
            "JOIN evaluation_dossier ds ON ds.id = i.dossier_id "
            "WHERE d.status = 'approved' AND r.year BETWEEN %s AND %s "
            "AND (i.recognised OR i.proposed_central) AND NOT EXISTS (SELECT 1 FROM "
            "evaluation_decision c WHERE c.replaces_id = d.id AND c.status = 'approved') "
            "GROUP BY r.year, ds.product_id"
        )
        # one class per product and year: 5★, potential 5★, 4★, 3★
        classed = (
            "SELECT yr, product_id, producer_id, CASE WHEN r5 = 1 THEN '5' "  # noqa: S608
            "WHEN proposed = 1 AND r_any = 0 THEN 'potential_5' WHEN r4 = 1 THEN '4' "
            f"WHEN r3 = 1 THEN '3' END AS class FROM ({per_product}) AS per_product"
        )
        open_statuses = ", ".join(f"'{status}'" for status in sorted(OPEN_DOSSIER_STATUSES))
        return [
            (
                "ranked products per class and year (the year's stars and the trend)",
                f"SELECT yr, class, COUNT(*) FROM ({classed}) AS classed "  # noqa: S608
                "WHERE class IS NOT NULL GROUP BY yr, class",
                [self.years[0], self.years[-1]],
            ),
            (
                "their producers by kind, workers",
                "SELECT p.kind, COUNT(*), SUM(p.workforce_total) FROM producers_producer p "  # noqa: S608
                f"WHERE p.id IN (SELECT producer_id FROM ({classed}) AS classed "
                "WHERE class IS NOT NULL) GROUP BY p.kind",
                [year, year],
            ),
            (
                "plan of the province",
                "SELECT pl.products_target FROM reports_plan pl "
                "JOIN geo_administrativeunit u ON u.id = pl.unit_id "
                "WHERE pl.year = %s AND u.level = 'province' ORDER BY u.code LIMIT 1",
                [year],
            ),
            (
                "products evaluated, per round level",
                "SELECT COUNT(DISTINCT ds.product_id), "
                "COUNT(DISTINCT CASE WHEN r.level = 'district' THEN ds.product_id END), "
                "COUNT(DISTINCT CASE WHEN r.level = 'province' THEN ds.product_id END), "
                "COUNT(DISTINCT CASE WHEN r.level = 'central' THEN ds.product_id END) "
                "FROM evaluation_sessiondossier sd "
                "JOIN evaluation_session s ON s.id = sd.session_id "
                "JOIN evaluation_round r ON r.id = s.round_id "
                "JOIN evaluation_dossier ds ON ds.id = sd.dossier_id "
                "WHERE s.status = 'closed' AND sd.result IS NOT NULL AND r.year = %s",
                [year],
            ),
            (
                "dossiers waiting per status and level, overdue",
                "SELECT status, level, COUNT(*), "  # noqa: S608
                "SUM(CASE WHEN due_on < %s THEN 1 ELSE 0 END) FROM evaluation_dossier "
                f"WHERE status IN ({open_statuses}) GROUP BY status, level",
                [today],
            ),
            (
                "certificates per state today",
                "SELECT "
                "SUM(CASE WHEN status = 'valid' AND expires_on > %s THEN 1 ELSE 0 END), "
                "SUM(CASE WHEN status = 'valid' AND expires_on > %s AND expires_on <= %s "
                "THEN 1 ELSE 0 END), "
                "SUM(CASE WHEN status = 'expired' OR (status = 'valid' AND expires_on <= %s) "
                "THEN 1 ELSE 0 END), "
                "SUM(CASE WHEN status = 'revoked' THEN 1 ELSE 0 END) "
                "FROM certificates_certificate",
                [horizon, today, horizon, today],
            ),
            (
                "scans in the year, flagged",
                "SELECT COUNT(*), SUM(CASE WHEN warning <> '' THEN 1 ELSE 0 END) "
                "FROM traceability_scan WHERE scanned_at >= %s AND scanned_at < %s",
                self.bounds,
            ),
            (
                "connections per status",
                "SELECT status, COUNT(*) FROM trade_connection "
                "WHERE created_at >= %s AND created_at < %s GROUP BY status",
                self.bounds,
            ),
            (
                "training courses and sessions",
                "SELECT (SELECT COUNT(*) FROM reports_trainingcourse c "
                "WHERE c.year = %s AND c.status <> 'cancelled'), "
                "(SELECT COUNT(*) FROM reports_trainingsession s "
                "JOIN reports_trainingcourse c ON c.id = s.course_id "
                "WHERE c.year = %s AND c.status <> 'cancelled')",
                [year, year],
            ),
            (
                "training participants per audience and kind, attended",
                "SELECT c.audience, p.kind, COUNT(*), SUM(CASE WHEN EXISTS (SELECT 1 FROM "
                "reports_trainingattendance a WHERE a.participant_id = p.id AND a.present) "
                "THEN 1 ELSE 0 END) FROM reports_trainingparticipant p "
                "JOIN reports_trainingcourse c ON c.id = p.course_id "
                "WHERE c.year = %s AND c.status <> 'cancelled' GROUP BY c.audience, p.kind",
                [year],
            ),
        ]

    def run(self, cursor: Any) -> list[list[tuple[Any, ...]]]:
        results = []
        for _label, sql, params in self.statements:
            cursor.execute(sql, params)
            results.append(cursor.fetchall())
        return results

    def figures(self, results: list[list[tuple[Any, ...]]]) -> dict[str, Any]:
        """The rows of `run`, in the shape of `figures_of`."""
        from ocop.reports.queries.summary import STAR_CLASSES, achievement
        from ocop.trade.enums import ConnectionStatus

        (
            classes,
            producers,
            plan,
            evaluated,
            waiting,
            certificates,
            scans,
            connections,
            training_totals,
            participants,
        ) = results
        trend = {year: dict.fromkeys(STAR_CLASSES, 0) for year in self.years}
        for year, category, number in classes:
            trend[int(year)][category] = int(number)
        stars = trend[self.year]
        ranked = sum(stars.values())
        target = plan[0][0] if plan else None
        by_kind = {kind: int(number) for kind, number, _workers in sorted(producers)}
        by_audience: dict[str, int] = defaultdict(int)
        by_participant: dict[str, int] = defaultdict(int)
        for audience, kind, number, _attended in participants:
            by_audience[audience] += int(number)
            by_participant[kind] += int(number)
        statuses = dict.fromkeys(ConnectionStatus.values, 0)
        for status, number in connections:
            statuses[status] = int(number)
        total, district, province, central = evaluated[0]
        states = ("valid", "expiring", "expired", "revoked")
        return {
            "summary": {
                "products_ranked": ranked,
                "stars": stars,
                "producers": sum(by_kind.values()),
                "producers_by_kind": by_kind,
                "workers": sum(int(workers or 0) for _k, _n, workers in producers),
                "plan_target": target,
                "plan_achievement_percent": achievement(ranked, target),
            },
            "evaluated": {
                "total": total,
                "district": district,
                "province": province,
                "central": central,
            },
            "waiting": sorted([s, lv, int(n), int(late or 0)] for s, lv, n, late in waiting),
            "certificates": {
                state: int(number or 0)
                for state, number in zip(states, certificates[0], strict=True)
            },
            "scans": int(scans[0][0]),
            "scans_flagged": int(scans[0][1] or 0),
            "connections": statuses,
            "training": {
                "courses": int(training_totals[0][0]),
                "sessions": int(training_totals[0][1]),
                "participants": sum(by_audience.values()),
                "attended": sum(int(a or 0) for _au, _k, _n, a in participants),
                "by_audience": dict(sorted(by_audience.items())),
                "by_kind": dict(sorted(by_participant.items())),
            },
            "trend": [[year, trend[year]] for year in self.years],
        }


def figures_of(data: Any) -> dict[str, Any]:
    """The figures of a `DashboardData`, in plain data to compare."""
    summary = data.summary
    return {
        "summary": {
            "products_ranked": summary.products_ranked,
            "stars": dict(summary.stars),
            "producers": summary.producers,
            "producers_by_kind": dict(summary.producers_by_kind),
            "workers": summary.workers,
            "plan_target": summary.plan_target,
            "plan_achievement_percent": summary.plan_achievement_percent,
        },
        "evaluated": dict(data.evaluated),
        "waiting": sorted([r.status, r.level, r.count, r.overdue] for r in data.waiting),
        "certificates": dict(data.certificates),
        "scans": data.scans,
        "scans_flagged": data.scans_flagged,
        "connections": dict(data.connections),
        "training": {
            key: data.training.get(key)
            for key in ("courses", "sessions", "participants", "attended", "by_audience", "by_kind")
        },
        "trend": [[year, dict(stars)] for year, stars in data.trend],
    }


def flatten(figures: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """{"a": {"b": 1}} → {"a.b": 1}: the figures compared one by one."""
    out: dict[str, Any] = {}
    for key, value in figures.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, f"{name}."))
        else:
            out[name] = value
    return out


# --- measuring ----------------------------------------------------------------------------------


def try_scan_index() -> None:
    """The index proposed for the scans' figure (bench/README.md): (scanned_at, warning), so
    that counting a year's scans and the flagged ones reads only the index (SQLite; PostgreSQL
    chooses it for COUNT(*), not for COUNT(id)). Created in the throw-away database only."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE INDEX bench_scan_time_warning ON traceability_scan (scanned_at, warning)"
        )
        cursor.execute(
            "VACUUM ANALYZE traceability_scan"
            if connection.vendor == "postgresql"
            else "ANALYZE traceability_scan"
        )
    print(
        "proposed index on traceability_scan (scanned_at, warning) "
        f"({time.perf_counter() - started:.1f} s)",
        flush=True,
    )


def timed_queries(function: Any) -> list[tuple[float, str]]:
    """(seconds, SQL) of each statement `function` runs, timed around the driver's call (the
    ORM's compiling and the rows' conversion are outside)."""
    from django.db import connection

    found: list[tuple[float, str]] = []

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - started
            cursor = context["cursor"]
            try:
                text = connection.ops.last_executed_query(cursor, sql, params)
            except Exception:
                text = sql
            found.append((elapsed, text))

    with connection.execute_wrapper(wrapper):
        function()
    return found


def explain(sql: str) -> list[str]:
    """The plan of a statement: EXPLAIN ANALYZE on PostgreSQL, EXPLAIN QUERY PLAN on SQLite."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            return [row[0] for row in cursor.fetchall()]
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return [" ".join(str(part) for part in row) for row in cursor.fetchall()]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[index]


def compare(platform_figures: dict[str, Any], raw_figures: dict[str, Any]) -> list[str]:
    problems = []
    for key in sorted(set(platform_figures) | set(raw_figures)):
        mine, theirs = platform_figures.get(key), raw_figures.get(key)
        if mine != theirs:
            problems.append(f"  {key}: dashboard {mine!r} != raw SQL {theirs!r}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=20_000)
    parser.add_argument("--producers", type=int, default=10_000)
    parser.add_argument("--sheets", type=int, default=60_000)
    parser.add_argument("--scans", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="a twentieth of every size")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--year", type=int, default=None, help="default: this year")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--output", default=str(RESULTS))
    parser.add_argument(
        "--try-scan-index",
        action="store_true",
        help="add the covering index of scans proposed in bench/README.md before measuring",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile 10 dashboard calls")
    parser.add_argument(
        "--explain", action="store_true", help="print the plans (always above the target)"
    )
    args = parser.parse_args()
    if args.quick:
        for name in ("products", "producers", "sheets", "scans"):
            setattr(args, name, max(1, getattr(args, name) // 20))
    engine = setup()
    builder = Builder(
        products=args.products,
        producers=args.producers,
        sheets=args.sheets,
        scans=args.scans,
        seed=args.seed,
    )
    build_started = time.perf_counter()
    builder.build(engine)
    build_seconds = time.perf_counter() - build_started
    if args.try_scan_index:
        try_scan_index()

    from django.db import connection

    from ocop.accounts.rules import access_for
    from ocop.certificates.queries.certificates import expiring_days
    from ocop.reports.queries.dashboard import TREND_YEARS, dashboard_data
    from ocop.reports.queries.summary import Scope

    year = args.year or builder.today.year
    access = access_for(builder.office)
    scope = Scope(year=year)
    raw = RawSQL(year, builder.today, expiring_days(), TREND_YEARS)

    def platform_call() -> Any:
        return dashboard_data(scope, access)

    def raw_call() -> dict[str, Any]:
        with connection.cursor() as cursor:
            return raw.figures(raw.run(cursor))

    # the correctness check: every cycle year, every figure
    checked = []
    for check_year in range(FIRST_YEAR, LAST_YEAR + 1):
        other = RawSQL(check_year, builder.today, expiring_days(), TREND_YEARS)
        with connection.cursor() as cursor:
            theirs = flatten(other.figures(other.run(cursor)))
        mine = flatten(figures_of(dashboard_data(Scope(year=check_year), access)))
        problems = compare(mine, theirs)
        if problems:
            print(f"MISMATCH between the dashboard and the raw SQL, year {check_year}:")
            print("\n".join(problems))
            return 2
        checked.append(check_year)
    raw_figures = flatten(raw_call())
    print(f"\nfigures of {year} (province-wide, the provincial office's access):")
    for key, value in raw_figures.items():
        print(f"  {key}: {value}")
    print(
        f"the dashboard and the raw SQL agree on every figure of every year "
        f"{checked[0]}–{checked[-1]}"
    )

    # the dashboard's statements, each the median of 5 calls
    calls = [timed_queries(platform_call) for _ in range(5)]
    queries = [
        (statistics.median(call[n][0] for call in calls), calls[0][n][1])
        for n in range(len(calls[0]))
    ]

    for _ in range(args.warmup):
        platform_call()
        raw_call()
    platform_times: list[float] = []
    raw_times: list[float] = []
    # this process's CPU time too: on SQLite it is all the work (the database runs in the
    # process) and other programs on the machine disturb it less than the wall clock
    platform_cpu: list[float] = []
    raw_cpu: list[float] = []
    for _ in range(args.runs):
        for call, times, cpu in (
            (platform_call, platform_times, platform_cpu),
            (raw_call, raw_times, raw_cpu),
        ):
            cpu_started = time.process_time()
            started = time.perf_counter()
            call()
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
    statement_times = []
    with connection.cursor() as cursor:
        for label_sql, sql, params in raw.statements:
            times = []
            for _ in range(max(3, args.runs // 5)):
                started = time.perf_counter()
                cursor.execute(sql, params)
                cursor.fetchall()
                times.append(time.perf_counter() - started)
            statement_times.append((label_sql, statistics.median(times)))

    def ms(value: float) -> str:
        return f"{value * 1000:9.1f} ms"

    p50 = statistics.median(platform_times), statistics.median(raw_times)
    p95 = percentile(platform_times, 0.95), percentile(raw_times, 0.95)
    ratio = p50[0] / p50[1]
    ratio95 = p95[0] / p95[1]
    print(f"\n{engine}, year {year}, {args.runs} runs each after {args.warmup} warm-up runs:")
    print(f"{'':44} {'median':>12} {'p95':>12}")
    print(f"{'dashboard_data':44} {ms(p50[0])}  {ms(p95[0])}  ({len(queries)} queries)")
    print(
        f"{'raw SQL aggregates':44} {ms(p50[1])}  {ms(p95[1])}  ({len(raw.statements)} statements)"
    )
    cpu50 = statistics.median(platform_cpu), statistics.median(raw_cpu)
    print(
        f"{'CPU time of this process (median)':44} {ms(cpu50[0])}  {ms(cpu50[1])}  "
        "(dashboard, raw SQL)"
    )
    print(
        f"ratio dashboard / raw SQL: {ratio:.2f} (medians), {ratio95:.2f} (p95); target <= {TARGET}"
    )
    in_sql = sum(seconds for seconds, _sql in queries)
    print(
        f"\nthe dashboard's {len(queries)} statements (median of 5 calls, slowest first; "
        f"{in_sql * 1000:.1f} ms in the driver, about {max(0.0, p50[0] - in_sql) * 1000:.1f} ms of "
        "Python around them):"
    )
    for seconds, sql in sorted(queries, reverse=True):
        print(f"  {seconds * 1000:8.2f} ms  {sql[:150]}")
    print(
        f"the raw statements (median; {sum(t for _l, t in statement_times) * 1000:.1f} ms in all):"
    )
    for label_sql, seconds in statement_times:
        print(f"  {seconds * 1000:8.2f} ms  {label_sql}")
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(10):
            platform_call()
        profiler.disable()
        print("\nwhere 10 dashboard calls spend their time (cProfile, cumulative):")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
    plans: list[dict[str, Any]] = []
    if args.explain or ratio > TARGET:
        print("\nplans of the dashboard's three slowest statements:")
        for seconds, sql in sorted(queries, reverse=True)[:3]:
            plan = explain(sql)
            plans.append({"ms": round(seconds * 1000, 2), "sql": sql, "plan": plan})
            print(f"-- {seconds * 1000:.2f} ms: {sql[:300]}")
            print("\n".join(f"   {line}" for line in plan))

    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "benchmark": "dashboard_bench.py",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "database": database_version(),
            "load_average": [round(x, 2) for x in os.getloadavg()],
        },
        "sizes": {
            "products": args.products,
            "producers": args.producers,
            "sheets": args.sheets,
            "scans": args.scans,
            "quick": args.quick,
            **builder.counts,
        },
        "build_seconds": round(build_seconds, 1),
        "year": year,
        "measured": "ocop.reports.queries.dashboard.dashboard_data(Scope(year=year), office)",
        "runs": args.runs,
        "dashboard_ms": {
            "p50": round(p50[0] * 1000, 2),
            "p95": round(p95[0] * 1000, 2),
            "queries": len(queries),
        },
        "raw_sql_ms": {
            "p50": round(p50[1] * 1000, 2),
            "p95": round(p95[1] * 1000, 2),
            "statements": len(raw.statements),
        },
        "ratio_p50": round(ratio, 3),
        "ratio_p95": round(ratio95, 3),
        "process_cpu_ms_p50": {
            "dashboard": round(cpu50[0] * 1000, 2),
            "raw_sql": round(cpu50[1] * 1000, 2),
            "ratio": round(cpu50[0] / cpu50[1], 3) if cpu50[1] else None,
            "note": "this process only: all the work on SQLite, without the server's on PostgreSQL",
        },
        "target": TARGET,
        "meets_target": ratio <= TARGET,
        "dashboard_queries_ms": [
            {"ms": round(seconds * 1000, 3), "sql": sql[:400]}
            for seconds, sql in sorted(queries, reverse=True)
        ],
        "raw_statements_ms": [
            {"figure": label_sql, "ms": round(seconds * 1000, 3)}
            for label_sql, seconds in statement_times
        ],
        "scan_index_tried": args.try_scan_index,
        "checked_years": checked,
        "plans": plans,
        "figures": json.loads(json.dumps(raw_figures, default=str, ensure_ascii=False)),
    }
    results = {}
    if output.exists():
        try:
            results = json.loads(output.read_text())
        except ValueError:
            results = {}
    if "runs" in results and "benchmark" in results:
        results = {}
    key = f"{engine}{'-quick' if args.quick else ''}{'-scan-index' if args.try_scan_index else ''}"
    results[key] = report
    output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(
        f"\nwritten: {output.relative_to(ROOT) if output.is_relative_to(ROOT) else output} [{key}]"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
