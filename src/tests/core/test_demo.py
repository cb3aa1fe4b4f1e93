"""`ocop load-demo`: built through the services, runnable twice, with the criteria, classified
products, the demo self-assessments and the evaluation demo (rounds, council, dossiers, a
recognised product). Loaded here without the evaluation cycles of the reports (`cycles=False`);
tests/reports/test_demo_figures.py loads the whole demo and checks the city's figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command

from ocop.core.demo import PRODUCERS, SELF_ASSESSMENTS, load_demo
from ocop.criteria.models import CriteriaSet
from ocop.criteria.queries.specs import load_scorecard_spec, policy_for
from ocop.evaluation.enums import DossierStatus, SelfAssessmentStatus
from ocop.evaluation.models import (
    Council,
    Decision,
    Dossier,
    Holiday,
    OutboxMessage,
    Round,
    SelfAssessment,
    SessionDossier,
)
from ocop.evaluation.queries.improvement import improvement_for
from ocop.evaluation.queries.prediction import predict
from ocop.evaluation.services.calendar import read_holidays
from ocop.evaluation.services.dossiers import missing_items
from ocop.products.models import Product

# The demo is loaded once per module: keep the module on one worker (`--dist loadgroup`).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("test_demo")]

PRODUCTS = sum(len(spec.products) for spec in PRODUCERS)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded twice, once per module (the gazetteer import takes a few seconds),
    without the evaluation cycles of 2019, 2020 and 2026 (`cycles=False`)."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        first = load_demo(seed=42, cycles=False)
        second = load_demo(seed=42, cycles=False)
        yield first, second
        transaction.set_rollback(True)


def test_the_demo_loads_twice_and_the_second_time_adds_nothing(demo):
    """Without the cycles (tests/reports/test_demo_figures.py loads them)."""
    first, second = demo
    assert first == {
        "producers": len(PRODUCERS),
        "products": PRODUCTS,
        "accounts": 13,
        "self_assessments": 5,
        "holidays": len(read_holidays()),
        "rounds": 2,
        "councils": 1,
        "dossiers": 3,
        "decisions": 1,
        "history_dossiers": 3,
        "recorded_certificates": 2,
        "certificates": 5,
        "trace_places": 10,
        "trace_batches": 6,
        "trace_steps": 26,
        "trace_shipments": 5,
        "trace_stamps": 210,
        "catalog_certificates": 8,
        "catalog_gtins": 3,
        "catalog_stories": 7,
        "catalog_listed": 11,
        "trade_buyers": 3,
        "trade_offers": 4,
        "trade_demands": 6,
        "trade_connections": 5,
        "points_of_sale": 8,
        "point_products": 49,
        "store_links": 5,
        "articles": 6,
        "featured": 4,
    }
    assert second == {
        "producers": 0,
        "products": 0,
        "accounts": 13,
        "self_assessments": 0,
        "holidays": 0,
        "rounds": 0,
        "councils": 0,
        "dossiers": 0,
        "decisions": 0,
        "history_dossiers": 0,
        "recorded_certificates": 0,
        "certificates": 0,
        "trace_places": 0,
        "trace_batches": 0,
        "trace_steps": 0,
        "trace_shipments": 0,
        "trace_stamps": 0,
        "catalog_certificates": 0,
        "catalog_gtins": 0,
        "catalog_stories": 0,
        "catalog_listed": 11,
        "trade_buyers": 0,
        "trade_offers": 0,
        "trade_demands": 0,
        "trade_connections": 0,
        "points_of_sale": 0,
        "point_products": 0,
        "store_links": 0,
        "articles": 0,
        "featured": 0,
    }
    assert Product.objects.count() == PRODUCTS
    assert SelfAssessment.objects.count() == len(SELF_ASSESSMENTS)
    assert list(CriteriaSet.objects.order_by("code").values_list("code", flat=True)) == [
        "qd1048-2019",
        "qd26-2026",
    ]


def test_every_demo_product_has_a_leaf_of_the_criteria_in_force(demo):
    rows = Product.objects.values_list(
        "name", "classification__code", "classification__criteria_set__code"
    )
    codes = {name: code for name, code, _set in rows}
    assert {set_code for _name, _code, set_code in rows} == {"qd26-2026"}
    assert (codes["Bình gốm men lam vẽ tay"], codes["Khăn lụa tơ tằm vân hoa"]) == ("IV.1", "IV.2")
    assert (codes["Trà ướp sen Tây Hồ"], codes["Mơ muối Hương Sơn"]) == ("I.5.a", "I.3.c")
    assert (codes["Rượu mơ Hương Sơn"], codes["Giò lụa Ước Lễ"]) == ("II.1.b", "I.3.d")
    assert (codes["Bánh chưng Tranh Khúc"], codes["Bưởi Diễn"]) == ("I.3.b", "I.1.a")


def test_producer1_has_a_3_star_draft_with_what_to_improve_and_producer2_a_4_star_final(demo):
    draft = SelfAssessment.objects.get(product__name="Bình gốm men lam vẽ tay")
    final = SelfAssessment.objects.get(product__name="Trà ướp sen Tây Hồ")
    assert (draft.status, draft.scorecard.number, draft.total, draft.predicted_stars) == (
        SelfAssessmentStatus.DRAFT,
        21,
        Decimal(60),
        3,
    )
    assert (draft.created_by.username, draft.answered) == ("producer1", 28)
    assert (final.status, final.scorecard.number, final.total, final.predicted_stars) == (
        SelfAssessmentStatus.FINAL,
        11,
        Decimal(77),
        4,
    )
    assert final.created_by.username == "producer2"
    spec = load_scorecard_spec("qd26-2026", 21)
    policy = policy_for("qd26-2026")
    prediction = predict(spec, policy, draft.selections, has_story=draft.has_story)
    improvement = improvement_for(spec, policy, prediction.result)
    assert (improvement.target, improvement.missing_points) == (4, Decimal(10))
    assert [gap.criterion for gap in improvement.requirements] == [
        "1.4",
        "2.2",
        "3.4",
        "3.5",
        "5.1",
        "8",
    ]


def test_the_command_reports_what_it_made(demo, capsys):
    call_command("load-demo", "--no-cycles")
    assert "0 new self-assessments, 0 new dossiers." in capsys.readouterr().out


# --- the evaluation demo (issue 4) ----------------------------------------------------------


def test_the_2026_rounds_and_the_city_council(demo):
    rounds = Round.objects.filter(year=2026, level="province", criteria_set__code="qd26-2026")
    assert sorted(rounds.values_list("number", "status")) == [(1, "scoring"), (2, "open")]
    council = Council.objects.get(level="province", name__endswith="năm 2026")
    seats = sorted(council.members.filter(is_active=True).values_list("user__username", "role"))
    assert seats == [
        ("chair", "chair"),
        ("member1", "member"),
        ("member2", "member"),
        ("member3", "member"),
        ("secretary", "secretary"),
    ]
    assert Holiday.objects.filter(date=dt.date(2026, 9, 2)).exists()


def test_dossiers_wait_at_the_commune_and_at_the_office(demo):
    waiting = dict(
        Dossier.objects.filter(criteria_set__code="qd26-2026").values_list(
            "product__name", "status"
        )
    )
    assert waiting == {
        "Đĩa gốm trang trí men ngọc": DossierStatus.SUBMITTED,
        "Trà sen túi lọc": DossierStatus.FORWARDED,
        "Trà ướp sen Tây Hồ": DossierStatus.RECOGNISED,
    }
    plate = Dossier.objects.get(product__name="Đĩa gốm trang trí men ngọc")
    assert (plate.commune.name, plate.due_on is not None) == ("Xã Bát Tràng", True)
    assert missing_items(plate) == []
    # The set of cups waits for the browser journey: a final self-assessment, no dossier.
    cups = SelfAssessment.objects.get(product__name="Bộ ấm chén men rạn")
    assert (cups.status, cups.scorecard.number, cups.predicted_stars) == ("final", 21, 4)
    assert not Dossier.objects.filter(product__name="Bộ ấm chén men rạn").exists()


def test_the_lotus_tea_is_recognised_4_stars_on_the_public_results(demo):
    from django.test import Client

    item = SessionDossier.objects.get(dossier__product__name="Trà ướp sen Tây Hồ")
    assert (item.session.status, item.session.round.number) == ("closed", 1)
    assert item.sheets.filter(status="submitted").count() == 4
    assert (item.mean_total, item.stars, item.result["spread"]) == (Decimal("78.00"), 4, 4)
    decision = Decision.objects.get(round__year=2026)
    assert (decision.number, decision.status) == ("45/QĐ-UBND", "approved")
    assert list(decision.items.values_list("recognised", "stars")) == [(True, 4)]
    assert OutboxMessage.objects.filter(
        kind="results", status="pending", subject__contains="Trà ướp sen Tây Hồ"
    ).exists()
    page = Client().get(f"/ket-qua/{item.session.round.code}/").content.decode()
    assert "Trà ướp sen Tây Hồ" in page
    assert "45/QĐ-UBND" in page


def test_loading_again_creates_no_evaluation_row(demo):
    from django.apps import apps

    def counts():
        return {
            model._meta.label: model.objects.count()
            for app in (
                "evaluation",
                "criteria",
                "accounts",
                "producers",
                "products",
                "certificates",
                "traceability",
                "catalog",
                "trade",
            )
            for model in apps.get_app_config(app).get_models()
        }

    before = counts()
    load_demo(seed=42, cycles=False)
    assert counts() == before


# --- the history and the certificates (issues 4 and 5) ----------------------------------------


def test_the_2019_history_went_from_the_districts_to_the_city(demo):
    from ocop.evaluation.enums import SessionSource

    history = Dossier.objects.filter(criteria_set__code="qd1048-2019")
    assert dict(history.values_list("product__name", "status")) == {
        "Mơ muối Hương Sơn": DossierStatus.RECOGNISED,
        "Giò lụa Ước Lễ": DossierStatus.RECOGNISED,
        "Bánh sữa Ba Vì": DossierStatus.RECOGNISED,
    }
    gio = history.get(product__name="Giò lụa Ước Lễ")
    items = SessionDossier.objects.filter(dossier=gio).order_by("session__held_on")
    assert [(i.session.council.level, i.session.source, i.mean_total, i.stars) for i in items] == [
        ("district", SessionSource.ARCHIVE, Decimal("76.00"), 4),
        ("province", SessionSource.ARCHIVE, Decimal("77.50"), 4),
    ]
    forwarded = gio.decision_items.get(decision__level="district")
    assert (forwarded.forwarded, forwarded.decision.number) == (True, "318/TTr-UBND")
    # Lodged in the commune of 2019 (ended on 30/6/2025), under its old district's council.
    assert (gio.commune.name, gio.commune.parent.name, gio.commune.valid_to) == (
        "Xã Bình Minh",
        "Huyện Thanh Oai",
        dt.date(2025, 6, 30),
    )
    assert items[0].session.council.name == (
        "Hội đồng đánh giá, phân hạng sản phẩm OCOP huyện Thanh Oai năm 2019"
    )
    recognised = gio.decision_items.get(decision__level="province")
    assert (recognised.recognised, recognised.decision.signed_on) == (True, dt.date(2019, 12, 10))


def test_the_demo_holds_a_certificate_in_every_state(demo):
    from django.test import Client
    from django.utils import timezone

    from ocop.certificates.models import Certificate
    from ocop.core.demo_history import demo_links

    today = timezone.localdate()
    states = {
        c.product_name: (c.state_on(today), c.number) for c in Certificate.objects.order_by("pk")
    }
    assert states["Trà ướp sen Tây Hồ"] == ("valid", "001/2026/GCN-OCOP-01")
    assert states["Hương vòng trầm"][0] == "expiring"
    assert states["Mơ muối Hương Sơn"][0] == "expired"
    assert states["Bánh sữa Ba Vì"][0] == "revoked"
    links = dict(demo_links())
    client = Client()
    for state in ("valid", "expired", "revoked", "expiring (always 20 days after loading)"):
        path = links[state].removeprefix("http://127.0.0.1:8000")
        assert client.get(path).status_code == 200, state
    assert client.get(links["PDF"].removeprefix("http://127.0.0.1:8000"))["Content-Type"] == (
        "application/pdf"
    )
