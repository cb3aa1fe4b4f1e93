"""Units in the summary: `resolve_unit(code, year)` across the reform of 1/7/2025, the units a
filter offers, and `Scope.units` (a commune officer's communes)."""

from __future__ import annotations

import datetime as dt

import pytest

from ocop.reports.queries.summary import Scope, summary
from ocop.reports.queries.units import resolve_unit, unit_choices
from tests.factories.geo import (
    CommuneFactory,
    DistrictFactory,
    OldCommuneFactory,
    ProvinceFactory,
)
from tests.factories.reports import PlanFactory
from tests.reports.dashboard_world import ReportWorld

pytestmark = pytest.mark.django_db


@pytest.fixture
def units():
    province = ProvinceFactory()
    district = DistrictFactory(parent=province, code="001", name="Quận Ba Đình")
    old = OldCommuneFactory(parent=district, code="00004", name="Phường Trúc Bạch")
    new = CommuneFactory(parent=province, code="00004", name="Phường Ba Đình")
    return province, district, old, new


def test_a_code_is_the_unit_of_the_year(units):
    province, district, old, new = units
    assert resolve_unit("00004", 2019) == old
    assert resolve_unit("00004", 2026) == new
    assert resolve_unit("00004", 2025) == new  # both existed: the one in force at the year's end
    assert resolve_unit("00004") == new  # no year: the current one
    assert resolve_unit("001", 2019) == district
    assert resolve_unit("001", 2026) == district  # the only one with the code
    assert resolve_unit("01", 2019) == province


def test_a_key_names_exactly_one_unit(units):
    _province, _district, old, new = units
    assert resolve_unit(old.key, 2026) == old
    assert resolve_unit(new.key) == new


@pytest.mark.parametrize("code", ["", "99999", "abc", "0000'4", None, "c99999"])
def test_nothing_for_what_is_not_a_unit(units, code):
    assert resolve_unit(code, 2019) is None


def test_the_resolved_unit_comes_with_its_parent(units, django_assert_num_queries):
    with django_assert_num_queries(1):
        unit = resolve_unit("00004", 2019)
        assert unit.parent.name == "Quận Ba Đình"


def test_the_units_offered_for_a_year(units):
    province, district, old, new = units
    before = dict(unit_choices(2019))
    assert list(before)[:2] == [province.key, district.key]
    assert old.key in before and new.key not in before
    after = dict(unit_choices(2026))
    assert new.key in after and old.key not in after and district.key not in after
    assert after[new.key] == "Phường Ba Đình"
    assert before[old.key] == "Phường Trúc Bạch (–30/06/2025)"


def test_scope_units_limit_the_summary_and_drop_the_province_plan(cast):
    world = ReportWorld.build(cast)
    world.rank(world.product(), 4, year=2019)
    world.rank(world.product(cast.prod2), 3, year=2019)
    PlanFactory(year=2019, unit=ProvinceFactory(), products_target=2)
    PlanFactory(year=2019, unit=cast.commune_a, products_target=1)
    everything = summary(Scope(year=2019))
    assert (everything.products_ranked, everything.plan_target) == (2, 2)
    mine = summary(Scope(year=2019, units=frozenset({cast.commune_a.pk})))
    assert (mine.products_ranked, mine.stars["4"], mine.plan_target) == (1, 1, None)
    chosen = summary(Scope(year=2019, unit=cast.commune_a, units=frozenset({cast.commune_a.pk})))
    assert (chosen.plan_target, str(chosen.plan_achievement_percent)) == (1, "100.0")
    assert summary(Scope(year=2019, units=frozenset())).products_ranked == 0


def test_an_old_district_office_counts_its_communes(cast):
    world = ReportWorld.build(cast)
    district = DistrictFactory(parent=ProvinceFactory())
    world.rank(world.product(), 4, year=2019, commune=OldCommuneFactory(parent=district))
    world.rank(world.product(), 3, year=2019)
    assert summary(Scope(year=2019, units=frozenset({district.pk}))).products_ranked == 1


def test_as_of_makes_a_past_report_reproducible(cast):
    world = ReportWorld.build(cast)
    item = world.evaluate(world.product(), year=2019, stars=4)
    first = world.decide([(item, 4)], year=2019, signed_on=dt.date(2019, 12, 20))
    world.decide([(item, 3)], year=2019, replaces=first, signed_on=dt.date(2020, 3, 1))
    assert summary(Scope(year=2019, as_of=dt.date(2019, 12, 31))).stars["4"] == 1
    assert summary(Scope(year=2019)).stars == {"5": 0, "potential_5": 0, "4": 0, "3": 1}
