"""`dashboard_data`: every figure counted exactly from the records, within the scope and the
user's communes, in a constant number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ocop.accounts.rules import access_for
from ocop.certificates.enums import CertificateStatus
from ocop.evaluation.enums import DossierStatus, Level
from ocop.producers.enums import ProducerKind
from ocop.reports.queries.dashboard import (
    RankedProducts,
    dashboard_data,
    period_bounds,
    ranked_trend,
)
from ocop.reports.queries.summary import Scope, ranked_products, summary
from ocop.traceability.enums import ScanWarning
from ocop.traceability.models import Scan
from ocop.trade.enums import ConnectionStatus
from tests.factories.certificates import CertificateFactory
from tests.factories.geo import DistrictFactory, OldCommuneFactory, ProvinceFactory
from tests.factories.producers import ProducerFactory
from tests.factories.reports import (
    PlanFactory,
    TrainingAttendanceFactory,
    TrainingCourseFactory,
    TrainingParticipantFactory,
    TrainingSessionFactory,
)
from tests.factories.trade import ConnectionFactory
from tests.reports.dashboard_world import ReportWorld

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast):
    return ReportWorld.build(cast)


def _producer(cast, commune, kind, workers):
    return ProducerFactory(commune=commune, kind=kind, workforce_total=workers, workforce_local=1)


@pytest.fixture
def year2019(world, cast):
    """The 2019 cycle: see the module's tests for what each product is."""
    x = _producer(cast, cast.commune_a, ProducerKind.HOUSEHOLD, 7)
    y = _producer(cast, cast.commune_a, ProducerKind.ENTERPRISE, 30)
    z = _producer(cast, cast.commune_b, ProducerKind.COOPERATIVE, 12)
    w = _producer(cast, cast.commune_b, ProducerKind.FARM, 5)
    owners = dict(zip("ABCDEFG", [x, x, y, y, z, z, w], strict=True))
    p = {name: world.product(owner) for name, owner in owners.items()}
    # A: 4★.
    world.rank(p["A"], 4, year=2019)
    # B: 3★, then upgraded to 4★ in a later decision of the same cycle: once, as 4★.
    world.rank(p["B"], 3, year=2019)
    world.decide([(world.evaluate(p["B"], year=2019, stars=4), 4)], year=2019)
    # C: 4★ and proposed by the city, then 5★ by the ministry: 5★.
    c = world.evaluate(p["C"], year=2019, stars=5, mean="91.00")
    world.decide([(c, (4, "proposed"))], year=2019)
    c_central = world.evaluate(p["C"], year=2019, stars=5, level=Level.CENTRAL, mean="92.00")
    world.decide([(c_central, 5)], year=2019, level=Level.CENTRAL)
    # D: proposed to the ministry, not recognised yet: potential 5★.
    d = world.evaluate(p["D"], year=2019, stars=5, mean="90.50")
    world.decide([(d, "proposed")], year=2019)
    # E: 4★ in a decision replaced by an approved correction that says 3★: 3★.
    e = world.evaluate(p["E"], year=2019, stars=4)
    wrong = world.decide([(e, 4)], year=2019, number="10/QĐ-UBND")
    world.decide([(e, 3)], year=2019, replaces=wrong, number="11/QĐ-UBND")
    # F: not recognised.
    f = world.evaluate(
        p["F"], year=2019, stars=2, mean="45.00", status=DossierStatus.NOT_RECOGNISED
    )
    world.decide([(f, None)], year=2019)
    # G: in a draft decision: not yet counted (but evaluated).
    g = world.evaluate(p["G"], year=2019, stars=4)
    world.decide([(g, 4)], year=2019, approved=False)
    # A was also scored by a district council in 2019.
    world.evaluate(p["A"], year=2019, stars=4, level=Level.DISTRICT)
    # Not evaluated: an open session, and an agenda item without a result.
    world.evaluate(world.product(x), year=2019, closed=False)
    world.evaluate(world.product(x), year=2019, result=False)
    # 2020: a 3★ product (another cycle).
    world.rank(world.product(z), 3, year=2020)
    PlanFactory(year=2019, unit=ProvinceFactory(), products_target=6)
    return p


def test_summary_of_the_cycle_counts_each_product_once_in_its_highest_class(year2019, cast):
    data = dashboard_data(Scope(year=2019), access_for(cast.office))
    s = data.summary
    assert s.products_ranked == 5
    assert s.stars == {"5": 1, "potential_5": 1, "4": 2, "3": 1}
    assert s.producers == 3
    assert s.producers_by_kind == {"cooperative": 1, "enterprise": 1, "household": 1}
    assert s.workers == 7 + 30 + 12
    assert s.plan_target == 6
    assert s.plan_achievement_percent == Decimal("83.3")


def test_products_evaluated_per_level_once_in_the_total(year2019, cast):
    data = dashboard_data(Scope(year=2019), access_for(cast.office))
    assert data.evaluated == {"total": 7, "district": 1, "province": 7, "central": 1}
    assert dashboard_data(Scope(year=2020), access_for(cast.office)).evaluated["total"] == 1


def test_a_period_counts_decisions_signed_and_sessions_held_in_it(year2019, cast):
    scope = Scope(start=dt.date(2019, 1, 1), end=dt.date(2019, 12, 31))
    data = dashboard_data(scope, access_for(cast.office))
    assert data.summary.products_ranked == 5
    assert data.evaluated["total"] == 7
    later = dashboard_data(Scope(start=dt.date(2020, 1, 1)), access_for(cast.office))
    assert (later.summary.products_ranked, later.evaluated["total"]) == (1, 1)


def test_trend_per_cycle_year_agrees_with_the_summary(year2019, cast):
    data = dashboard_data(Scope(year=2020), access_for(cast.office))
    assert [year for year, _stars in data.trend] == [2016, 2017, 2018, 2019, 2020]
    trend = dict(data.trend)
    assert trend[2019] == summary(Scope(year=2019)).stars
    assert trend[2020] == {"5": 0, "potential_5": 0, "4": 0, "3": 1}
    assert trend[2018] == {"5": 0, "potential_5": 0, "4": 0, "3": 0}


@pytest.mark.parametrize(
    "outcomes",
    [
        [5],
        [4],
        [3],
        ["proposed"],
        [(4, "proposed")],
        [(4, "proposed"), 5],
        [3, 4],
        [4, 3],
        ["proposed", 3],
        [(3, "proposed"), "proposed"],
        [None, 3],
        [(5, "proposed")],
    ],
)
def test_the_trend_classes_a_product_as_the_summary_does(world, cast, outcomes):
    """The trend writes `summary.star_class` in SQL: the same class for every combination of
    items a product can have in a cycle."""
    product = world.product()
    for outcome in outcomes:
        item = world.evaluate(product, year=2021)
        world.decide([(item, outcome)], year=2021)
    expected = ranked_products(Scope(year=2021))
    trend = dict(ranked_trend(Scope(), [2021]))[2021]
    counted = {key: value for key, value in trend.items() if value}
    assert counted == ({expected[product.pk][0]: 1} if expected else {})


def test_a_district_finds_the_products_of_its_old_communes(world, cast):
    district = DistrictFactory(parent=ProvinceFactory())
    old = OldCommuneFactory(parent=district)
    world.rank(world.product(), 4, year=2019, commune=old)
    world.rank(world.product(), 3, year=2019)  # commune A: not in the district
    office = access_for(cast.office)
    assert dashboard_data(Scope(year=2019, unit=district), office).summary.products_ranked == 1
    assert dashboard_data(Scope(year=2019, unit=old), office).summary.products_ranked == 1
    assert dashboard_data(Scope(year=2019, unit=cast.commune_a), office).summary.stars == {
        "5": 0,
        "potential_5": 0,
        "4": 0,
        "3": 1,
    }


def test_group_and_producer_kind_narrow_the_figures(world, cast):
    from tests.factories.catalog import classification_group

    foods = classification_group("G01", "Thực phẩm chế biến", category=("C01", "Thực phẩm"))
    drinks = classification_group("G02", "Đồ uống", category=("C02", "Đồ uống"))
    household = _producer(cast, cast.commune_a, ProducerKind.HOUSEHOLD, 3)
    world.rank(world.product(household, classification=foods), 4, year=2019)
    world.rank(world.product(classification=drinks), 3, year=2019)
    office = access_for(cast.office)
    assert dashboard_data(Scope(year=2019, group="C01"), office).summary.products_ranked == 1
    assert dashboard_data(Scope(year=2019, group="G02"), office).summary.stars["3"] == 1
    kind = dashboard_data(Scope(year=2019, producer_kind=ProducerKind.HOUSEHOLD), office)
    assert (kind.summary.products_ranked, kind.summary.workers) == (1, 3)


def test_a_commune_officer_counts_only_their_communes(year2019, cast):
    data = dashboard_data(Scope(year=2019), access_for(cast.commune))
    # commune A: A, B (x), C, D (y); commune B's E is not theirs.
    assert data.summary.products_ranked == 4
    assert data.summary.stars == {"5": 1, "potential_5": 1, "4": 2, "3": 0}
    assert data.summary.plan_target is None  # the province's plan is not theirs
    assert data.evaluated["total"] == 4
    other = dashboard_data(Scope(year=2019), access_for(cast.commune2))
    assert other.summary.products_ranked == 1
    # asking for the other commune gives nothing of it
    asked = dashboard_data(Scope(year=2019, unit=cast.commune_b), access_for(cast.commune))
    assert asked.summary.products_ranked == 0


def test_someone_who_may_not_see_reports_counts_nothing(year2019, cast):
    data = dashboard_data(Scope(year=2019), access_for(cast.producer1))
    assert (data.summary.products_ranked, data.evaluated["total"]) == (0, 0)


def test_dossiers_waiting_per_status_and_level_with_the_overdue(world, cast):
    today = timezone.localdate()
    yesterday, tomorrow = today - dt.timedelta(days=1), today + dt.timedelta(days=1)
    product = world.product()
    world.dossier(product, status=DossierStatus.SUBMITTED, level=Level.COMMUNE, due_on=yesterday)
    world.dossier(product, status=DossierStatus.SUBMITTED, level=Level.COMMUNE, due_on=tomorrow)
    world.dossier(product, status=DossierStatus.FORWARDED, level=Level.PROVINCE, due_on=today)
    world.dossier(product, status=DossierStatus.PROPOSED_CENTRAL, level=Level.CENTRAL)
    world.dossier(product, status=DossierStatus.DRAFT, due_on=yesterday)  # not waiting
    world.dossier(product, status=DossierStatus.RECOGNISED, due_on=yesterday)  # finished
    other = world.product(cast.prod2)
    world.dossier(other, status=DossierStatus.SUBMITTED, level=Level.COMMUNE, due_on=yesterday)
    data = dashboard_data(Scope(year=2019), access_for(cast.office))
    rows = [(r.status, r.level, r.count, r.overdue) for r in data.waiting]
    assert rows == [
        ("submitted", "commune", 3, 2),
        ("forwarded", "province", 1, 0),
        ("proposed_central", "central", 1, 0),
    ]
    assert (data.waiting_total, data.waiting_overdue) == (5, 2)
    mine = dashboard_data(Scope(year=2019), access_for(cast.commune))
    assert [(r.status, r.count, r.overdue) for r in mine.waiting] == [("submitted", 2, 1)] + [
        (r.status, r.count, r.overdue) for r in data.waiting[1:]
    ]


def test_certificates_per_state_today(world, cast, settings):
    settings.OCOP_CERTIFICATE_EXPIRING_DAYS = 30
    today = timezone.localdate()
    decided = today - dt.timedelta(days=400)
    for expires_on, status in [
        (today + dt.timedelta(days=300), CertificateStatus.VALID),
        (today + dt.timedelta(days=200), CertificateStatus.VALID),
        (today + dt.timedelta(days=10), CertificateStatus.VALID),  # expiring
        (today, CertificateStatus.VALID),  # expired today, before the sweep
        (today - dt.timedelta(days=5), CertificateStatus.EXPIRED),
        (today + dt.timedelta(days=300), CertificateStatus.REVOKED),
        (today + dt.timedelta(days=300), CertificateStatus.SUPERSEDED),  # not counted
    ]:
        CertificateFactory(
            product=world.product(), decided_on=decided, expires_on=expires_on, status=status
        )
    CertificateFactory(
        product=world.product(cast.prod2),
        decided_on=decided,
        expires_on=today + dt.timedelta(days=300),
    )
    office = dashboard_data(Scope(year=2019), access_for(cast.office))
    assert office.certificates == {"valid": 3, "expiring": 1, "expired": 2, "revoked": 1}
    mine = dashboard_data(Scope(year=2019), access_for(cast.commune))
    assert mine.certificates == {"valid": 2, "expiring": 1, "expired": 2, "revoked": 1}


def test_a_certificate_counts_in_the_unit_of_its_dossier(world, cast):
    """Issued from a platform decision: the dossier's (old) commune, not the producer's today."""
    district = DistrictFactory(parent=ProvinceFactory())
    old = OldCommuneFactory(parent=district)
    item = world.rank(world.product(), 4, year=2019, commune=old)
    decision_item = item.decision_items.get()
    CertificateFactory(
        product=item.dossier.product,
        decision=decision_item.decision,
        decision_item=decision_item,
        decided_on=dt.date(2024, 6, 1),
        expires_on=timezone.localdate() + dt.timedelta(days=300),
    )
    CertificateFactory(
        product=world.product(), expires_on=timezone.localdate() + dt.timedelta(days=300)
    )
    office = access_for(cast.office)
    assert dashboard_data(Scope(unit=district), office).certificates["valid"] == 1
    assert dashboard_data(Scope(unit=cast.commune_a), office).certificates["valid"] == 1
    assert dashboard_data(Scope(), office).certificates["valid"] == 2


def test_scans_of_the_year_and_the_flagged_ones(world, cast):
    zone = timezone.get_current_timezone()
    product = world.product()
    other = world.product(cast.prod2)
    for when, warning, scanned in [
        (dt.datetime(2019, 1, 1, 0, 30, tzinfo=zone), "", product),  # first minutes of 2019
        (dt.datetime(2019, 6, 1, 10, 0, tzinfo=zone), ScanWarning.TOO_MANY, product),
        (dt.datetime(2019, 12, 31, 23, 30, tzinfo=zone), ScanWarning.TOO_FAR, other),
        (dt.datetime(2018, 12, 31, 23, 59, tzinfo=zone), "", product),  # 2018
        (dt.datetime(2020, 1, 1, 0, 1, tzinfo=zone), "", product),  # 2020
    ]:
        Scan.objects.create(product=scanned, scanned_at=when, warning=warning)
    office = access_for(cast.office)
    data = dashboard_data(Scope(year=2019), office)
    assert (data.scans, data.scans_flagged) == (3, 2)
    mine = dashboard_data(Scope(year=2019), access_for(cast.commune))
    assert (mine.scans, mine.scans_flagged) == (2, 1)
    june = Scope(start=dt.date(2019, 6, 1), end=dt.date(2019, 6, 1))
    assert dashboard_data(june, office).scans == 1


def test_connections_per_status_of_the_year(world, cast):
    made = []
    for status, year, product in [
        (ConnectionStatus.NEW, 2019, cast.product1),
        (ConnectionStatus.DEAL, 2019, cast.product1),
        (ConnectionStatus.DEAL, 2019, cast.product2),
        (ConnectionStatus.CONTACTED, 2018, cast.product1),
    ]:
        connection_ = ConnectionFactory(product=product, status=status)
        made.append(connection_.pk)
        type(connection_).objects.filter(pk=connection_.pk).update(
            created_at=dt.datetime(year, 5, 5, 9, 0, tzinfo=timezone.get_current_timezone())
        )
    office = dashboard_data(Scope(year=2019), access_for(cast.office))
    assert office.connections == {
        "new": 1,
        "contacted": 0,
        "sample_sent": 0,
        "deal": 2,
        "closed_no_deal": 0,
    }
    mine = dashboard_data(Scope(year=2019), access_for(cast.commune))
    assert (mine.connections["new"], mine.connections["deal"]) == (1, 1)
    period = dashboard_data(
        Scope(start=dt.date(2018, 1, 1), end=dt.date(2018, 12, 31)), access_for(cast.office)
    )
    assert period.connections["contacted"] == 1
    assert sum(period.connections.values()) == 1


def test_training_figures_of_the_year(cast):
    course = TrainingCourseFactory(year=2019, unit=cast.commune_a)
    session = TrainingSessionFactory(course=course)
    TrainingAttendanceFactory(session=session)
    TrainingParticipantFactory(course=course)
    TrainingCourseFactory(year=2020)
    data = dashboard_data(Scope(year=2019), access_for(cast.office))
    assert (data.training["courses"], data.training["sessions"]) == (1, 1)
    assert (data.training["participants"], data.training["attended"]) == (2, 1)
    assert data.training["by_audience"] == {"producers": 2}
    assert dashboard_data(Scope(year=2019), access_for(cast.commune2)).training["courses"] == 0


def test_period_bounds_cut_at_the_year_and_as_of():
    assert period_bounds(Scope(year=2019)) == (dt.date(2019, 1, 1), dt.date(2019, 12, 31))
    assert period_bounds(Scope(year=2019, as_of=dt.date(2019, 6, 30))) == (
        dt.date(2019, 1, 1),
        dt.date(2019, 6, 30),
    )
    assert period_bounds(Scope(start=dt.date(2020, 3, 1))) == (dt.date(2020, 3, 1), None)


def test_json_of_the_dashboard(year2019, cast):
    body = dashboard_data(Scope(year=2019), access_for(cast.office)).as_json()
    assert body["summary"]["plan_achievement_percent"] == 83.3
    assert body["summary"]["stars"] == {"5": 1, "potential_5": 1, "4": 2, "3": 1}
    assert body["evaluated"]["central"] == 1
    assert body["trend"][-1] == {
        "year": 2019,
        "products_ranked": 5,
        "stars": {"5": 1, "potential_5": 1, "4": 2, "3": 1},
    }


def _grow(world, cast, n):
    """`n` ranked products with their certificates, scans, dossiers waiting and connections."""
    zone = timezone.get_current_timezone()
    for index in range(n):
        producer = cast.prod1 if index % 2 else cast.prod2
        product = world.product(producer)
        world.rank(product, 3 + index % 3, year=2019)
        CertificateFactory(product=product)
        Scan.objects.create(product=product, scanned_at=dt.datetime(2019, 3, 3, tzinfo=zone))
        world.dossier(product, status=DossierStatus.SUBMITTED, level=Level.COMMUNE)
        ConnectionFactory(product=product, status=ConnectionStatus.NEW)
        course = TrainingCourseFactory(year=2019)
        TrainingAttendanceFactory(session=TrainingSessionFactory(course=course))


def _queries(scope, access):
    with CaptureQueriesContext(connection) as captured:
        dashboard_data(scope, access)
    return len(captured)


@pytest.mark.parametrize("who", ["office", "commune"])
def test_the_dashboard_makes_the_same_number_of_queries_for_3_and_30_products(world, cast, who):
    PlanFactory(year=2019, unit=ProvinceFactory(), products_target=10)
    access = access_for(getattr(cast, who))
    _grow(world, cast, 3)
    small = _queries(Scope(year=2019), access)
    _grow(world, cast, 27)
    assert _queries(Scope(year=2019), access) == small
    assert small <= 13


def test_ranked_products_list_pages_in_constant_queries(world, cast):
    for _ in range(3):
        world.rank(world.product(), 4, year=2019)
    with CaptureQueriesContext(connection) as captured:
        listed = RankedProducts(Scope(year=2019))
        rows = listed[0:25]
    small = len(captured)
    for index in range(27):
        world.rank(world.product(), 4 - index % 2, year=2019)
    with CaptureQueriesContext(connection) as captured:
        listed = RankedProducts(Scope(year=2019))
        rows = listed[0:25]
        [(row.item.decision.number, row.item.dossier.commune.name) for row in rows]
    assert len(captured) == small == 3
    assert listed.count() == 30
    assert len(rows) == 25
    assert RankedProducts(Scope(year=2019), "4").count() == 3 + 14
