"""Plans: `save_plan` / `delete_plan` (validation, units of the year, permissions, audit), and
each plan's progress counted as the summary counts (`plan_progress`, `progress_of_plans`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ocop.core.models import ActivityLog
from ocop.core.queries.activity import history_for
from ocop.criteria.queries.specs import clear_spec_cache
from ocop.evaluation.services.refusals import NotAllowed
from ocop.reports.models import Plan
from ocop.reports.queries.plans import plan_progress, plan_url_code, progress_of_plans
from ocop.reports.queries.summary import Scope, summary
from ocop.reports.services.plans import delete_plan, save_plan
from tests.certificates.manage_setup import draft_and_approve
from tests.evaluation.results_world import build_world
from tests.factories.geo import CommuneFactory, DistrictFactory, OldCommuneFactory, ProvinceFactory
from tests.factories.reports import PlanFactory

pytestmark = pytest.mark.django_db

TARGETS = {
    "products_target": 300,
    "stars_3_target": 100,
    "stars_4_target": 150,
    "stars_5_target": 5,
}


def _errors(exc_info) -> set[str]:
    return set(exc_info.value.message_dict)


# --- save_plan --------------------------------------------------------------------------------


def test_create_then_update(cast):
    province = ProvinceFactory()
    plan = save_plan(
        actor=cast.office, year=2019, unit="01", data={**TARGETS, "reference": " 100/KH-UBND "}
    )
    assert (plan.year, plan.unit, plan.products_target, plan.reference, plan.created_by) == (
        2019,
        province,
        300,
        "100/KH-UBND",
        cast.office,
    )
    created = ActivityLog.objects.get(action="reports.plan.create")
    assert created.data["new"]["products_target"] == 300
    assert created.data["new"]["unit"] == "p01"

    same = save_plan(actor=cast.office, year="2019", unit=province, data={"products_target": 310})
    assert same.pk == plan.pk
    same.refresh_from_db()
    assert (same.products_target, same.stars_4_target, same.reference) == (310, 150, "100/KH-UBND")
    updated = ActivityLog.objects.get(action="reports.plan.update")
    assert updated.data == {"old": {"products_target": 300}, "new": {"products_target": 310}}
    assert Plan.objects.count() == 1
    # Nothing changed: no log row.
    save_plan(actor=cast.office, year=2019, unit="p01", data={"products_target": 310})
    assert [e.action for e in history_for(plan)] == ["reports.plan.update", "reports.plan.create"]


def test_new_plan_defaults(cast):
    ProvinceFactory()
    plan = save_plan(actor=cast.admin, year=2020, unit="01", data={"products_target": "127"})
    assert (plan.products_target, plan.stars_3_target, plan.stars_5_target, plan.note) == (
        127,
        0,
        0,
        "",
    )


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        ({}, {"products_target"}),
        ({"products_target": -1}, {"products_target"}),
        ({"products_target": "ba trăm"}, {"products_target"}),
        ({"products_target": 1.5}, {"products_target"}),
        ({"products_target": True}, {"products_target"}),
        (
            {"products_target": 10, "stars_3_target": -2, "stars_4_target": "x"},
            {"stars_3_target", "stars_4_target"},
        ),
        (
            {"products_target": 10, "stars_3_target": 5, "stars_4_target": 5, "stars_5_target": 1},
            {"products_target"},
        ),
        ({"products_target": 10, "reference": "x" * 201}, {"reference"}),
    ],
)
def test_targets_are_checked(cast, data, fields):
    ProvinceFactory()
    with pytest.raises(ValidationError) as exc:
        save_plan(actor=cast.office, year=2019, unit="01", data=data)
    assert _errors(exc) == fields
    assert not Plan.objects.exists()


@pytest.mark.parametrize(("year", "fields"), [(2017, {"year"}), (2101, {"year"}), ("x", {"year"})])
def test_year_range(cast, year, fields):
    ProvinceFactory()
    with pytest.raises(ValidationError) as exc:
        save_plan(actor=cast.office, year=year, unit="01", data={"products_target": 0})
    assert _errors(exc) == fields


def test_all_errors_at_once(cast):
    with pytest.raises(ValidationError) as exc:
        save_plan(actor=cast.office, year=2019, unit="77777", data={"products_target": -3})
    assert _errors(exc) == {"unit", "products_target"}


def test_units_valid_in_the_year(cast):
    province = ProvinceFactory()
    district = DistrictFactory(parent=province)
    old = OldCommuneFactory(parent=district)
    new = CommuneFactory(parent=province)
    data = {"products_target": 3}
    # Before the reform: the district and the old commune; not the new commune.
    assert save_plan(actor=cast.office, year=2019, unit=district.code, data=data).unit == district
    assert save_plan(actor=cast.office, year=2019, unit=old.code, data=data).unit == old
    with pytest.raises(ValidationError) as exc:
        save_plan(actor=cast.office, year=2019, unit=new.key, data=data)
    assert _errors(exc) == {"unit"}
    # 2025: both halves of the year.
    assert save_plan(actor=cast.office, year=2025, unit=district.key, data=data).unit == district
    assert save_plan(actor=cast.office, year=2025, unit=new.key, data=data).unit == new
    # After the reform: no district, no old commune.
    for unit in (district, old):
        with pytest.raises(ValidationError) as exc:
            save_plan(actor=cast.office, year=2026, unit=unit.key, data=data)
        assert _errors(exc) == {"unit"}
    assert save_plan(actor=cast.office, year=2026, unit=new.code, data=data).unit == new


def test_a_code_shared_across_the_reform(cast):
    """Official codes repeat: in 2025 the code names the new commune; the old one by its key."""
    province = ProvinceFactory()
    old = OldCommuneFactory(code="00004", parent=DistrictFactory(parent=province))
    new = CommuneFactory(code="00004", parent=province)
    data = {"products_target": 2}
    assert save_plan(actor=cast.office, year=2024, unit="00004", data=data).unit == old
    plan_new = save_plan(actor=cast.office, year=2025, unit="00004", data=data)
    plan_old = save_plan(actor=cast.office, year=2025, unit=old.key, data=data)
    assert (plan_new.unit, plan_old.unit) == (new, old)
    assert plan_url_code(plan_new) == "00004"
    assert plan_url_code(plan_old) == old.key


@pytest.mark.parametrize("who", ["commune", "member", "approver", "producer1", "buyer", "outsider"])
def test_only_the_office_sets_plans(cast, who):
    ProvinceFactory()
    with pytest.raises(NotAllowed):
        save_plan(actor=getattr(cast, who), year=2019, unit="01", data=TARGETS)
    plan = PlanFactory()
    with pytest.raises(NotAllowed):
        delete_plan(actor=getattr(cast, who), plan=plan)
    assert Plan.objects.count() == 1


def test_delete_plan(cast):
    plan = PlanFactory()
    delete_plan(actor=cast.office, plan=plan)
    assert not Plan.objects.exists()
    entry = ActivityLog.objects.get(action="reports.plan.delete")
    assert entry.data["old"]["products_target"] == 300
    assert entry.data["old"]["year"] == 2019


# --- progress ---------------------------------------------------------------------------------


@pytest.fixture
def ranked(qd26, cast):
    """The results world of 2026, approved: product1 4★ and a product proposed to the ministry
    (potential 5★) in commune A, product2 3★ in commune B, a 2★ not recognised."""
    clear_spec_cache()
    world = build_world(cast)
    draft_and_approve(world, signed_on=dt.date(2026, 7, 10))
    yield world
    clear_spec_cache()


def test_plan_progress_counts_like_the_summary(ranked, cast):
    province = cast.commune_a.province
    plan = PlanFactory(
        year=2026,
        unit=province,
        products_target=3,
        stars_3_target=1,
        stars_4_target=1,
        stars_5_target=1,
    )
    progress = plan_progress(plan)
    figures = summary(Scope(year=2026, unit=province))
    assert figures.products_ranked == 3
    assert [(r.key, r.target, r.actual, r.percent) for r in progress.rows] == [
        ("products", 3, 3, Decimal("100.0")),
        ("3", 1, 1, Decimal("100.0")),
        ("4", 1, 1, Decimal("100.0")),
        ("5", 1, 0, Decimal("0.0")),
        ("potential_5", None, 1, None),
    ]
    assert progress.summary.producers == 2


def test_progress_of_plans_matches_plan_progress(ranked, cast):
    province = cast.commune_a.province
    plans = [
        PlanFactory(
            year=2026,
            unit=province,
            products_target=2,
            stars_3_target=0,
            stars_4_target=1,
            stars_5_target=0,
        ),
        PlanFactory(
            year=2026,
            unit=cast.commune_a,
            products_target=3,
            stars_3_target=0,
            stars_4_target=0,
            stars_5_target=0,
        ),
        PlanFactory(
            year=2026,
            unit=cast.commune_b,
            products_target=1,
            stars_3_target=1,
            stars_4_target=0,
            stars_5_target=0,
        ),
        PlanFactory(
            year=2025,
            unit=province,
            products_target=7,
            stars_3_target=0,
            stars_4_target=0,
            stars_5_target=0,
        ),
    ]
    batched = progress_of_plans(plans)
    for one, many in zip([plan_progress(p) for p in plans], batched, strict=True):
        assert [(r.key, r.actual, r.percent) for r in one.rows] == [
            (r.key, r.actual, r.percent) for r in many.rows
        ]
    assert [p.products.actual for p in batched] == [3, 2, 1, 0]
    assert [p.products.percent for p in batched] == [
        Decimal("150.0"),
        Decimal("66.7"),
        Decimal("100.0"),
        Decimal("0.0"),
    ]


def test_hanoi_2019_achievement_reads_100_3():
    from django.utils import formats, translation

    from ocop.reports.queries.summary import achievement

    with translation.override("vi"):
        assert formats.number_format(achievement(301, 300), 1) == "100,3"


def test_progress_of_plans_queries_do_not_grow(cast):
    plans = [PlanFactory(year=2019)]
    with CaptureQueriesContext(connection) as few:
        progress_of_plans(plans)
    for index in range(10):
        plans.append(PlanFactory(year=2019, unit=CommuneFactory(code=f"7{index:04d}")))
    with CaptureQueriesContext(connection) as many:
        progress_of_plans(plans)
    assert len(few) == len(many) == 1
