"""`ocop load-demo`: built through the services, runnable twice, with the criteria, classified
products and the two demo self-assessments."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command

from ocop.core.demo import PRODUCERS, SELF_ASSESSMENTS, load_demo
from ocop.criteria.models import CriteriaSet
from ocop.criteria.queries.specs import load_scorecard_spec, policy_for
from ocop.evaluation.enums import SelfAssessmentStatus
from ocop.evaluation.models import SelfAssessment
from ocop.evaluation.queries.improvement import improvement_for
from ocop.evaluation.queries.prediction import predict
from ocop.products.models import Product

pytestmark = pytest.mark.django_db

PRODUCTS = sum(len(spec.products) for spec in PRODUCERS)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded twice, once per module (the gazetteer import takes a few seconds)."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        first = load_demo(seed=42)
        second = load_demo(seed=42)
        yield first, second
        transaction.set_rollback(True)


def test_the_demo_loads_twice_and_the_second_time_adds_nothing(demo):
    first, second = demo
    assert first == {
        "producers": len(PRODUCERS),
        "products": PRODUCTS,
        "accounts": 13,
        "self_assessments": 2,
    }
    assert second == {"producers": 0, "products": 0, "accounts": 13, "self_assessments": 0}
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
    call_command("load-demo")
    assert "0 new self-assessments." in capsys.readouterr().out
