"""Published results: the producer's result page (means per criterion, anonymous comments,
nothing before publication, no leaks) and the public results pages (query guards)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ocop.criteria.queries.specs import clear_spec_cache, load_scorecard_spec
from ocop.evaluation.enums import DecisionStatus
from ocop.evaluation.models import ScoreSheet
from ocop.evaluation.queries.results import dossier_result
from ocop.evaluation.services.decisions import (
    change_decision_status,
    correct_decision,
    draft_decision,
    update_draft,
)
from tests.evaluation.results_world import COMMENTS, build_world, classify, more_recognised
from tests.factories.evaluation import scored_dossier
from tests.factories.products import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_specs():
    clear_spec_cache()
    yield
    clear_spec_cache()


@pytest.fixture
def world(qd26, cast):
    return build_world(cast)


def publish(world, number="1147/QĐ-UBND", signed_on=dt.date(2026, 7, 10)):
    decision = draft_decision(
        actor=world.cast.office, round=world.round, title="Quyết định công nhận", number=number
    )
    return change_decision_status(
        actor=world.cast.approver,
        decision=decision,
        to=DecisionStatus.APPROVED,
        signed_on=signed_on,
    )


def result_url(world, name="four"):
    return reverse("evaluation:dossier_result", args=[world.dossier(name).code])


# --- the producer's result page ---------------------------------------------------------------


def test_before_publication_the_producer_sees_no_result(world, client_for):
    response = client_for(world.cast.producer1).get(result_url(world))
    assert response.status_code == 200
    assert response.context["result"] is None
    content = response.content.decode()
    assert str(world.items["four"].mean_total).replace(".", ",") not in content
    assert "Nguyên liệu địa phương" not in content


def test_before_publication_officials_see_the_council_result(world, client_for):
    response = client_for(world.cast.office).get(result_url(world))
    result = response.context["result"]
    assert (result.published, result.stars, result.mean_total) == (
        False,
        4,
        world.items["four"].mean_total,
    )


def test_after_publication_the_producer_sees_means_and_anonymous_comments(world, client_for):
    publish(world)
    response = client_for(world.cast.producer1).get(result_url(world))
    assert response.status_code == 200
    result = response.context["result"]
    item = world.items["four"]
    assert (result.published, result.stars, result.mean_total) == (True, 4, item.mean_total)
    sheets = list(ScoreSheet.objects.filter(item=item))
    spec = load_scorecard_spec("qd26-2026", item.dossier.scorecard.number)
    rows = {row.code: row for part in result.parts for row in part.criteria}
    assert list(rows) == [criterion.code for criterion in spec.criteria]
    for code, row in rows.items():
        expected = sum(Decimal(str(s.selections[code])) for s in sheets) / len(sheets)
        assert row.mean == expected.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), code
    assert rows["1.1"].comments == sorted([COMMENTS[0]["1.1"], COMMENTS[1]["1.1"]])
    assert rows["2.1"].comments == sorted([COMMENTS[0]["2.1"], COMMENTS[2]["2.1"]])
    members = item.result["members"]
    assert {part.code: part.mean for part in result.parts} == {
        code: (sum(Decimal(str(m["parts"][code])) for m in members) / len(members)).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
        for code in ("A", "B", "C")
    }
    content = response.content.decode()
    for sheet in sheets:  # no member's name nor username anywhere
        assert sheet.member.user.get_full_name() not in content
        assert sheet.member.user.username not in content
    assert COMMENTS[2]["2.1"] in content
    # The way back to the dossier (the page had none).
    assert f'href="/danh-gia/ho-so/{item.dossier.code}/"' in content


def test_the_result_explains_a_capped_star_in_words(world, english):
    product = classify(ProductFactory(producer=world.cast.prod1, name="Ấm gốm"), "I.3.b")
    item = scored_dossier(product, world.session, [76, 77, 78], keep_level=3)
    capped_by = item.result["capped_by"]
    assert (item.result["band_stars"], item.stars) == (4, 3)
    assert capped_by != []
    publish(world)
    result = dossier_result(world.cast.producer1, item.dossier)
    spec = load_scorecard_spec("qd26-2026", item.dossier.scorecard.number)
    titles = {criterion.code: criterion.title for criterion in spec.criteria}
    first = capped_by[0]
    assert len(result.capped) == len(capped_by)
    assert result.capped[0] == (
        f"Criterion {first['criterion']} “{titles[first['criterion']]}” needs "
        f"{Decimal(str(first['required'])):.2f} points for 4★; the members' mean is "
        f"{Decimal(str(first['achieved'])):.2f}."
    )


@pytest.mark.parametrize("published", [False, True])
@pytest.mark.parametrize("name", ["producer2", "commune2", "buyer", "outsider", "member", "chair"])
def test_nobody_else_sees_the_result_page(world, client_for, name, published):
    if published:
        publish(world)
    response = client_for(getattr(world.cast, name)).get(result_url(world))
    assert response.status_code == 404


def test_the_result_page_needs_sign_in(world):
    response = Client().get(result_url(world))
    assert response.status_code == 302


@pytest.mark.parametrize("name", ["producer1", "producer1_staff", "commune", "approver", "admin"])
def test_the_result_page_after_publication(world, client_for, name):
    publish(world)
    response = client_for(getattr(world.cast, name)).get(result_url(world))
    assert (response.status_code, response.context["result"].stars) == (200, 4)


# --- the public results -----------------------------------------------------------------------


def test_nothing_is_public_before_approval(world):
    client = Client()
    assert client.get(reverse("results:rounds")).context["years"] == []
    assert client.get(reverse("results:round", args=[world.round.code])).status_code == 404


def test_the_public_round_page_lists_only_recognised_products(world):
    decision = publish(world)
    response = Client().get(reverse("results:round", args=[world.round.code]))
    assert response.status_code == 200
    rows = [(row.dossier.product.name, row.stars) for row in response.context["rows"]]
    assert rows == [("Bình gốm men lam", 4), ("Trà sen Tây Hồ", 3)]
    content = response.content.decode()
    mean = world.items["four"].mean_total
    assert f"{mean:.2f}".replace(".", ",") in content  # Vietnamese number format
    assert "10/07/2026" in content and decision.number in content
    assert 'role="img" aria-label="4' in content and "★★★★" in content
    assert "Xã Bát Tràng" in content and "I.3.b" in content
    years = Client().get(reverse("results:rounds")).context["years"]
    assert [(year, [(r.code, r.recognised_count) for r in rounds]) for year, rounds in years] == [
        (2026, [(world.round.code, 2)])
    ]


def test_the_public_round_page_filters_by_commune_and_group(world):
    publish(world)
    url = reverse("results:round", args=[world.round.code])
    by_commune = Client().get(url, {"commune": world.cast.commune_b.key}).context["rows"]
    assert [row.dossier.product.name for row in by_commune] == ["Trà sen Tây Hồ"]
    by_group = Client().get(url, {"group": "I.3.b"}).context["rows"]
    assert [row.dossier.product.name for row in by_group] == ["Bình gốm men lam"]
    response = Client().get(url)
    assert response.context["communes"] == [
        (world.cast.commune_b.key, "Phường Hoàn Kiếm"),
        (world.cast.commune_a.key, "Xã Bát Tràng"),
    ]


def test_the_public_page_shows_the_correction_chain(world):
    approved = publish(world)
    three = world.dossier("three").code
    correction = correct_decision(
        actor=world.cast.office,
        decision=approved,
        reason="Nhầm hạng sao.",
        changes={three: {"stars": 4}},
        number="1200/QĐ-UBND",
    )
    change_decision_status(
        actor=world.cast.approver,
        decision=correction,
        to=DecisionStatus.APPROVED,
        signed_on=dt.date(2026, 8, 1),
    )
    response = Client().get(reverse("results:round", args=[world.round.code]))
    rows = [(r.dossier.product.name, r.stars, r.decision.number) for r in response.context["rows"]]
    assert rows == [
        ("Bình gốm men lam", 4, "1200/QĐ-UBND"),
        ("Trà sen Tây Hồ", 4, "1200/QĐ-UBND"),
    ]
    content = response.content.decode()
    assert "1147/QĐ-UBND" in content and "01/08/2026" in content and "Nhầm hạng sao." in content


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_public_round_page_costs_the_same_queries_for_1_or_6_products(world):
    url = reverse("results:round", args=[world.round.code])
    client = Client()
    first = draft_decision(actor=world.cast.office, round=world.round, title="QĐ", number="1")
    update_draft(actor=world.cast.office, decision=first, remove=[world.dossier("three").code])
    change_decision_status(actor=world.cast.approver, decision=first, to=DecisionStatus.APPROVED)
    assert len(client.get(url).context["rows"]) == 1
    one = _count_queries(client, url)
    more_recognised(world, 5)
    draft = draft_decision(actor=world.cast.office, round=world.round, title="Bổ sung", number="2")
    update_draft(actor=world.cast.office, decision=draft, remove=[world.dossier("three").code])
    change_decision_status(actor=world.cast.approver, decision=draft, to=DecisionStatus.APPROVED)
    assert len(client.get(url).context["rows"]) == 6
    assert _count_queries(client, url) == one
    assert _count_queries(client, reverse("results:rounds")) == 2


def test_the_result_page_costs_the_same_queries_whatever_the_comments(world, client_for):
    publish(world)
    client = client_for(world.cast.producer1)
    one = _count_queries(client, result_url(world))
    ScoreSheet.objects.filter(item=world.items["four"]).update(
        comments={"1.2": "Thêm một nhận xét.", "3.1": "Và một nữa."}
    )
    assert _count_queries(client, result_url(world)) == one


def test_public_pages_have_no_inline_script_or_style(world):
    publish(world)
    for url in [reverse("results:rounds"), reverse("results:round", args=[world.round.code])]:
        content = Client().get(url).content.decode()
        assert "<script" not in content and "style=" not in content and "<style" not in content
