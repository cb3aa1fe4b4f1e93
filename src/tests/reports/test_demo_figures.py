"""The whole Hà Nội demo (`load_demo(seed=42)`, with the cycles of `ocop.core.demo_cycles`)
gives the city's figures of the issue, counted from its records by
`ocop.reports.queries.summary.summary`: 2019 — 301 products ranked (6 potential 5★, 207 4★,
88 3★) of 75 producers with 1,803 workers, plan 300 achieved at 100.3%; 2020 — 127 products
evaluated by the districts by 30/09/2020, waiting for the city's council. The demo is loaded
once for the module (about a minute) and rolled back at the end."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest
from django.conf import settings
from django.db.models import Exists, OuterRef
from django.test import Client
from django.utils import timezone

from ocop.accounts.models import User
from ocop.core.demo import load_demo
from ocop.core.demo_cycles import (
    DISTRICT_WEIGHTS,
    PRODUCTS_2026,
    build_plan,
    load_cycles_demo,
)
from ocop.core.demo_history import district_phrase
from ocop.evaluation.enums import DecisionStatus, DossierStatus, Level, RoundStatus
from ocop.evaluation.models import (
    Council,
    Decision,
    DecisionItem,
    Dossier,
    Round,
    Session,
    SessionDossier,
)
from ocop.geo.models import AdministrativeUnit, UnitSuccession
from ocop.reports.models import Plan, TrainingAttendance, TrainingCourse
from ocop.reports.queries.summary import Scope, summary

# One worker loads the full demo once for the whole module (`--dist loadgroup` in the Makefile).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("full_demo")]

FIGURES_2019 = {
    "year": 2019,
    "unit": None,
    "products_ranked": 301,
    "stars": {"5": 0, "potential_5": 6, "4": 207, "3": 88},
    "producers": 75,
    "producers_by_kind": {"cooperative": 26, "enterprise": 22, "household": 27},
    "workers": 1803,
    "plan_target": 300,
    "plan_achievement_percent": 100.3,
}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        made = load_demo(seed=42)
        yield made
        transaction.set_rollback(True)


def _users() -> dict[str, User]:
    return {user.username: user for user in User.objects.all()}


# --- 2019 ------------------------------------------------------------------------------------


def test_2019_is_the_citys_301_products_of_75_producers_and_100_3_percent_of_the_plan(demo):
    figures = summary(Scope(year=2019))
    assert figures.as_json() == FIGURES_2019
    assert (figures.products_ranked, figures.workers) == (301, 1803)
    assert figures.plan_achievement_percent == Decimal("100.3")
    assert sum(figures.producers_by_kind.values()) == 75


def test_the_first_city_batch_of_2019_is_26_products_11_13_2(demo):
    december = summary(Scope(year=2019, end=dt.date(2019, 12, 31)))
    assert (december.products_ranked, december.stars) == (
        26,
        {"5": 0, "potential_5": 2, "4": 13, "3": 11},
    )
    decisions = Decision.objects.filter(
        round__year=2019, level=Level.PROVINCE, status=DecisionStatus.APPROVED
    ).order_by("signed_on")
    counted = [
        (d.round.number, d.number, d.signed_on, d.items.filter(recognised=True).count())
        for d in decisions
    ]
    proposed = [d.items.filter(proposed_central=True).count() for d in decisions]
    assert counted == [
        (1, "6103/QĐ-UBND", dt.date(2019, 12, 10), 2),
        (2, "6986/QĐ-UBND", dt.date(2019, 12, 26), 22),
        (3, "2619/QĐ-UBND", dt.date(2020, 6, 15), 271),
    ]
    assert proposed == [0, 2, 4]
    # Round 3, decided in June 2020, still counts in the 2019 cycle: 275 = 4 / 194 / 77.
    june = summary(Scope(year=2019, start=dt.date(2020, 1, 1)))
    assert (june.products_ranked, june.stars) == (
        275,
        {"5": 0, "potential_5": 4, "4": 194, "3": 77},
    )
    by_signing = summary(Scope(start=dt.date(2020, 6, 1), end=dt.date(2020, 6, 30)))
    assert by_signing.products_ranked == 275


def test_a_potential_5_star_is_a_city_mean_of_90_proposed_to_the_ministry(demo):
    items = DecisionItem.objects.filter(
        decision__round__year=2019, decision__level=Level.PROVINCE, proposed_central=True
    ).select_related("dossier")
    assert len(items) == 6
    for item in items:
        assert (item.stars, item.recognised, item.dossier.status) == (
            5,
            False,
            DossierStatus.PROPOSED_CENTRAL,
        )
        assert item.mean_total >= Decimal(90)


def test_30_district_councils_met_in_2019_and_forwarded_what_reached_50_points(demo):
    councils = Council.objects.filter(level=Level.DISTRICT, name__endswith="năm 2019")
    assert sorted(councils.values_list("name", flat=True)) == sorted(
        f"Hội đồng đánh giá, phân hạng sản phẩm OCOP {district_phrase(name)} năm 2019"
        for name in DISTRICT_WEIGHTS
    )
    assert "Hội đồng đánh giá, phân hạng sản phẩm OCOP huyện Đông Anh năm 2019" in set(
        councils.values_list("name", flat=True)
    )
    sessions = Session.objects.filter(round__year=2019, round__level=Level.DISTRICT)
    assert set(sessions.values_list("source", flat=True)) == {"archive"}
    assert len(set(sessions.values_list("council_id", flat=True))) == 30
    assert not Session.objects.filter(minutes_reference="", source="archive").exists()
    # Every district decision of 2019 is approved; what reached 50 points was forwarded.
    items = DecisionItem.objects.filter(decision__round__year=2019, decision__level="district")
    assert set(items.values_list("decision__status", flat=True)) == {DecisionStatus.APPROVED}
    assert items.filter(forwarded=True, mean_total__lt=50).count() == 0
    below = items.filter(mean_total__lt=50)
    assert below.count() == 6
    assert set(below.values_list("forwarded", "dossier__status", "dossier__level")) == {
        (False, DossierStatus.NOT_RECOGNISED, Level.DISTRICT)
    }
    # A few were forwarded and not recognised by the city: they count nowhere.
    city_failures = DecisionItem.objects.filter(
        decision__round__year=2019, decision__level=Level.PROVINCE, recognised=False,
        proposed_central=False,
    )  # fmt: skip
    assert city_failures.count() == 4
    assert all(item.mean_total < 50 for item in city_failures)
    # The cycle is over: every round of 2019 is closed.
    assert set(Round.objects.filter(year=2019).values_list("status", flat=True)) == {
        RoundStatus.CLOSED
    }


def test_2019_dossiers_are_lodged_in_an_old_commune_that_formed_the_producers_commune(demo):
    dossiers = Dossier.objects.filter(criteria_set__code="qd1048-2019")
    formed = UnitSuccession.objects.filter(
        predecessor=OuterRef("commune"), successor=OuterRef("producer__commune")
    )
    assert dossiers.count() == 3 + 309 + 127
    assert set(dossiers.values_list("commune__valid_to", flat=True)) == {dt.date(2025, 6, 30)}
    assert dossiers.exclude(Exists(formed)).count() == 0
    assert dossiers.filter(producer__commune__valid_to__isnull=False).count() == 0
    # So each old district finds its products, and together they are the city's.
    districts = AdministrativeUnit.objects.filter(level="district", name__in=DISTRICT_WEIGHTS)
    per_district = {
        district.name: summary(Scope(year=2019, unit=district)).products_ranked
        for district in districts
    }
    assert sum(per_district.values()) == 301
    assert min(per_district.values()) >= 1
    assert per_district["Huyện Gia Lâm"] > per_district["Quận Ba Đình"]


def test_the_2019_plans_of_the_city_and_of_its_30_districts(demo):
    city = Plan.objects.get(year=2019, unit__key="p01")
    assert (city.products_target, city.stars_3_target, city.stars_4_target) == (300, 90, 200)
    districts = Plan.objects.filter(year=2019, unit__level="district")
    assert districts.count() == 30
    assert sum(districts.values_list("products_target", flat=True)) == 300
    assert dict(Plan.objects.filter(unit__key="p01").values_list("year", "products_target")) == {
        2019: 300,
        2020: 400,
        2026: 450,
    }


# --- 2020 ------------------------------------------------------------------------------------


def test_2020_is_127_products_evaluated_by_the_districts_waiting_for_the_city(demo):
    forwarded = DecisionItem.objects.filter(
        decision__round__year=2020,
        decision__level=Level.DISTRICT,
        decision__status=DecisionStatus.APPROVED,
        decision__signed_on__lte=dt.date(2020, 9, 30),
        forwarded=True,
    )
    assert forwarded.values("dossier__product").distinct().count() == 127
    assert DecisionItem.objects.filter(decision__round__year=2020).count() == 127
    waiting = Dossier.objects.filter(decision_items__in=forwarded)
    statuses = Counter(waiting.values_list("status", "level"))
    assert set(statuses) == {
        (DossierStatus.FORWARDED, Level.PROVINCE),
        (DossierStatus.ACCEPTED, Level.PROVINCE),
    }
    assert sum(statuses.values()) == 127
    held = Session.objects.filter(round__year=2020, round__level=Level.DISTRICT)
    assert {day.month for day in held.values_list("held_on", flat=True)} <= {8, 9}
    assert not Session.objects.filter(round__year=2020, round__level=Level.PROVINCE).exists()
    figures = summary(Scope(year=2020))
    assert (figures.products_ranked, figures.plan_target, figures.plan_achievement_percent) == (
        0,
        400,
        Decimal("0.0"),
    )


# --- 2026 ------------------------------------------------------------------------------------


def test_2026_has_a_dossier_in_every_status(demo):
    statuses = set(
        Dossier.objects.filter(criteria_set__code="qd26-2026").values_list("status", flat=True)
    )
    assert statuses == set(DossierStatus.values)
    made_here = dict(
        Dossier.objects.filter(product__name__in=[name for name, _ in PRODUCTS_2026]).values_list(
            "product__name", "status"
        )
    )
    assert made_here == dict(PRODUCTS_2026)
    returned = Dossier.objects.get(status=DossierStatus.RETURNED)
    assert (returned.commune.name, returned.level) == ("Xã Bát Tràng", Level.COMMUNE)


def test_the_2026_proposal_to_the_ministry_went_through_the_scoring_engine(demo):
    item = SessionDossier.objects.get(dossier__status=DossierStatus.PROPOSED_CENTRAL,
                                      dossier__criteria_set__code="qd26-2026")  # fmt: skip
    assert item.sheets.filter(status="submitted").count() == 4
    assert (item.stars, item.session.status, item.session.source) == (5, "closed", "live")
    assert item.mean_total >= Decimal(90)
    decision = item.decision_items.get().decision
    assert (decision.number, decision.status) == ("5120/QĐ-UBND", DecisionStatus.APPROVED)
    scored = SessionDossier.objects.get(dossier__status=DossierStatus.SCORED)
    assert (scored.stars, scored.decision_items.exists()) == (3, False)
    low = SessionDossier.objects.get(
        dossier__status=DossierStatus.NOT_RECOGNISED, dossier__criteria_set__code="qd26-2026"
    )
    assert low.mean_total < 50
    open_item = SessionDossier.objects.get(dossier__status=DossierStatus.IN_SESSION)
    assert (open_item.session.status, open_item.result) == ("open", None)


def test_the_demo_holds_a_certificate_in_every_state(demo):
    from ocop.certificates.models import Certificate

    today = timezone.localdate()
    states = Counter(c.state_on(today) for c in Certificate.objects.all())
    assert set(states) == {"valid", "expiring", "expired", "revoked", "superseded"}
    upgraded = Certificate.objects.filter(product__name="Chả quế Ước Lễ").order_by("decided_on")
    assert [(c.stars, c.state_on(today)) for c in upgraded] == [(3, "superseded"), (4, "valid")]
    assert upgraded.last().replaces == upgraded.first()
    # The 2019 recognitions were certified, 36 months: all expired now.
    old = Certificate.objects.filter(decided_on__year=2019) | Certificate.objects.filter(
        decision__round__year=2019
    )
    assert {c.state_on(today) for c in old} == {"expired"}


def test_training_two_completed_courses_and_an_open_one(demo):
    courses = TrainingCourse.objects.filter(year=2026).order_by("title")
    assert sorted(courses.values_list("audience", "status")) == [
        ("mixed", "open"),
        ("officials", "completed"),
        ("producers", "completed"),
    ]
    officials = courses.get(audience="officials")
    plan = build_plan(42)
    expected_producers = sum(
        1
        for p in plan.producers
        if p.district in ("Huyện Gia Lâm", "Huyện Đông Anh", "Huyện Thường Tín")
    )
    producers = courses.get(audience="producers")
    assert (officials.participants.count(), producers.participants.count()) == (
        24,
        expected_producers,
    )
    assert officials.sessions.count() == 2
    for course in (officials, producers):
        attendance = TrainingAttendance.objects.filter(session__course=course)
        assert attendance.count() == course.participants.count() * course.sessions.count()
        assert 0 < attendance.filter(present=False).count() < attendance.count() / 4
    assert set(officials.participants.values_list("kind", flat=True)) == {"official"}
    assert officials.participants.filter(user__username__in=["commune", "commune2"]).count() == 2
    assert set(producers.participants.values_list("kind", flat=True)) == {"producer"}
    assert not producers.participants.filter(producer__isnull=True).exists()
    still_open = courses.get(status="open")
    assert still_open.participants.exists()
    assert not TrainingAttendance.objects.filter(session__course=still_open).exists()


def test_batches_with_journeys_and_buyers_with_demands_exist(demo):
    from ocop.traceability.models import Batch, Event
    from ocop.trade.models import Demand

    journeys = Event.objects.filter(batch__isnull=False).values("batch").distinct().count()
    assert Batch.objects.count() >= journeys >= 1
    assert Demand.objects.values("buyer").distinct().count() >= 1


# --- the pages and the API --------------------------------------------------------------------


def test_the_summary_api_gives_the_2019_figures_to_the_office(demo, api_token):
    client = Client()
    response = client.get(
        "/api/v1/reports/summary", {"year": 2019}, **api_token(_users()["office"])
    )
    assert response.status_code == 200
    assert response.json() == FIGURES_2019


def test_the_dashboard_shows_100_3_percent_and_1_803_workers_in_vietnamese(demo, client_for):
    client = client_for(_users()["office"])
    page = client.get("/bao-cao/", {"year": 2019}).content.decode()
    assert 'data-figure="achievement">100,3%<' in page
    assert 'data-figure="workers">1.803<' in page
    # In English the same figures read "100.3%" and "1,803".
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/bao-cao/", {"year": 2019}).content.decode()
    assert 'data-figure="achievement">100.3%<' in english


# --- idempotent ------------------------------------------------------------------------------


def test_loading_the_cycles_again_adds_nothing(demo):
    from django.apps import apps

    from ocop.accounts.models import Organisation

    def counts() -> dict[str, int]:
        return {
            model._meta.label: model.objects.count()
            for app in ("evaluation", "producers", "products", "certificates", "reports", "core")
            for model in apps.get_app_config(app).get_models()
        }

    assert demo["cycle_producers"] == 78
    assert (demo["cycle_dossiers"], demo["cycle_plans"], demo["cycle_courses"]) == (445, 33, 3)
    users = _users()
    organisations = {"council": Organisation.objects.get(kind="council")}
    before = counts()
    again = load_cycles_demo(users=users, organisations=organisations, seed=42)
    assert set(again.values()) == {0}
    assert counts() == before


def test_ocop_verify_finds_no_mismatch_in_the_whole_demo(demo):
    """Issue #9: `ocop verify` recomputes every council result, certificate and state of the
    full demo (2019, 2020 and 2026 cycles) from its records: nothing differs."""
    from ocop.core.integrity import verify

    report = verify()
    assert [str(m) for m in report.mismatches] == []
    assert report.checked["council_result"] >= 700  # the 2019/2020 district and city councils
    assert report.checked["certificate"] >= 290
    assert report.checked["sheet"] >= 20
    assert report.checked["timeline"] == Dossier.objects.count()
