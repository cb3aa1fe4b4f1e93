"""The decision pages: list and draft, a decision (change, remove, approve, correct), the 5★
proposal package; who may open each (404) and who may approve (403)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ocop.criteria.queries.specs import clear_spec_cache
from ocop.evaluation.enums import DecisionStatus, DossierStatus
from ocop.evaluation.models import Decision, Dossier
from ocop.evaluation.services.decisions import change_decision_status, draft_decision
from tests.evaluation.results_world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_specs():
    clear_spec_cache()
    yield
    clear_spec_cache()


@pytest.fixture
def world(qd26, cast):
    return build_world(cast)


def _draft(world, number="1147/QĐ-UBND"):
    return draft_decision(
        actor=world.cast.office, round=world.round, title="Quyết định công nhận", number=number
    )


def _approve(world, decision):
    return change_decision_status(
        actor=world.cast.approver, decision=decision, to=DecisionStatus.APPROVED
    )


@pytest.mark.parametrize(("name", "form"), [("office", True), ("admin", True), ("approver", False)])
def test_the_list_for_officials(world, client_for, name, form):
    _draft(world)
    response = client_for(getattr(world.cast, name)).get(reverse("evaluation:decisions"))
    assert response.status_code == 200
    assert (len(response.context["decisions"]), response.context["form"] is not None) == (1, form)


@pytest.mark.parametrize("name", ["producer1", "chair", "member", "commune", "buyer", "outsider"])
def test_nobody_else_sees_decisions(world, client_for, name):
    decision = _draft(world)
    client = client_for(getattr(world.cast, name))
    for url in [
        reverse("evaluation:decisions"),
        reverse("evaluation:decision", args=[decision.code]),
        reverse("evaluation:decision_correct", args=[decision.code]),
    ]:
        assert client.get(url).status_code == 404, url
    before = list(Decision.objects.values())
    for url in [
        reverse("evaluation:decision_create"),
        reverse("evaluation:decision_update", args=[decision.code]),
        reverse("evaluation:decision_approve", args=[decision.code]),
        reverse("evaluation:decision_remove_item", args=[decision.code, world.dossier("two").code]),
    ]:
        assert client.post(url, {"round": world.round.code, "title": "x"}).status_code == 404, url
    assert list(Decision.objects.values()) == before


def test_the_list_costs_the_same_queries_for_1_or_6_decisions(world, client_for):
    client = client_for(world.cast.office)
    _draft(world)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("evaluation:decisions"))
    for number in range(5):
        Decision.objects.create(
            round=world.round, title=f"Nháp {number}", drafted_by=world.cast.office
        )
    with CaptureQueriesContext(connection) as six:
        response = client.get(reverse("evaluation:decisions"))
    assert len(response.context["decisions"]) == 6
    assert len(six.captured_queries) == len(one.captured_queries)


def test_the_office_drafts_from_the_page(world, client_for):
    client = client_for(world.cast.office)
    response = client.post(
        reverse("evaluation:decision_create"),
        {"round": world.round.code, "title": "Quyết định công nhận", "number": "", "note": ""},
    )
    decision = Decision.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("evaluation:decision", args=[decision.code])
    assert decision.items.count() == 4
    again = client.post(
        reverse("evaluation:decision_create"),
        {"round": world.round.code, "title": "Lần hai", "number": "", "note": ""},
    )
    assert again.status_code == 422  # nothing left to decide in this round
    assert Decision.objects.count() == 1


def test_a_draft_is_changed_and_approved_from_its_page(world, client_for):
    decision = _draft(world, number="")
    office = client_for(world.cast.office)
    page = office.get(reverse("evaluation:decision", args=[decision.code]))
    assert (page.context["can_edit"], page.context["can_approve"]) == (True, False)
    office.post(
        reverse("evaluation:decision_update", args=[decision.code]),
        {"title": "Quyết định số 1147", "number": "1147/QĐ-UBND", "note": ""},
    )
    office.post(
        reverse("evaluation:decision_remove_item", args=[decision.code, world.dossier("two").code])
    )
    decision.refresh_from_db()
    assert (decision.number, decision.items.count()) == ("1147/QĐ-UBND", 3)
    # The office sees the approval refused (403) and nothing changes.
    url = reverse("evaluation:decision_approve", args=[decision.code])
    assert office.post(url, {"signed_on": "10/07/2026"}).status_code == 403
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DRAFT
    approver = client_for(world.cast.approver)
    page = approver.get(reverse("evaluation:decision", args=[decision.code]))
    assert (page.context["can_edit"], page.context["can_approve"]) == (False, True)
    response = approver.post(url, {"signed_on": "10/07/2026"})
    assert response.status_code == 302
    decision.refresh_from_db()
    assert (decision.status, decision.signed_on.isoformat()) == (
        DecisionStatus.APPROVED,
        "2026-07-10",
    )
    assert Dossier.objects.get(pk=world.dossier("four").pk).status == DossierStatus.RECOGNISED


def test_an_approved_decision_page_offers_no_change(world, client_for):
    decision = _approve(world, _draft(world))
    office = client_for(world.cast.office)
    page = office.get(reverse("evaluation:decision", args=[decision.code]))
    assert (page.context["can_edit"], page.context["can_approve"], page.context["can_correct"]) == (
        False,
        False,
        True,
    )
    before = list(Decision.objects.values())
    response = office.post(
        reverse("evaluation:decision_update", args=[decision.code]),
        {"title": "Sửa", "number": "1", "note": ""},
        follow=True,
    )
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    office.post(
        reverse("evaluation:decision_remove_item", args=[decision.code, world.dossier("two").code])
    )
    assert list(Decision.objects.values()) == before


def test_the_correction_page(world, client_for):
    decision = _approve(world, _draft(world))
    office = client_for(world.cast.office)
    url = reverse("evaluation:decision_correct", args=[decision.code])
    assert office.get(url).status_code == 200
    three = world.dossier("three").code
    two = world.dossier("two").code
    data = {"reason": "Nhầm hạng sao.", "title": "Đính chính", "number": "1200/QĐ-UBND"}
    for item in decision.items.select_related("dossier"):
        data[f"stars_{item.dossier.code}"] = str(item.stars)
    data[f"stars_{three}"] = "4"
    data[f"remove_{two}"] = "on"
    response = office.post(url, data)
    correction = Decision.objects.get(replaces=decision)
    assert response["Location"] == reverse("evaluation:decision", args=[correction.code])
    rows = {
        i.dossier.code: (i.stars, i.recognised) for i in correction.items.select_related("dossier")
    }
    assert two not in rows and rows[three] == (4, True)
    assert office.post(url, {**data, "reason": ""}).status_code == 422


def test_the_central_proposal_page(world, client_for):
    decision = _approve(world, _draft(world))
    url = reverse("evaluation:central_proposal", args=[decision.code])
    response = client_for(world.cast.office).get(url)
    assert response.status_code == 200
    assert [row.item.dossier.code for row in response.context["rows"]] == [
        world.dossier("five").code
    ]
    content = response.content.decode()
    assert reverse("evaluation:minutes_pdf", args=[world.session.code]) in content
    assert reverse("evaluation:commune_report_pdf", args=[world.dossier("five").code]) in content
    assert client_for(world.cast.producer1).get(url).status_code == 404
    draft = Decision.objects.create(round=world.round, title="Nháp", drafted_by=world.cast.office)
    assert (
        client_for(world.cast.office)
        .get(reverse("evaluation:central_proposal", args=[draft.code]))
        .status_code
        == 404
    )


def test_the_dossier_page_links_its_result(world, client_for):
    _approve(world, _draft(world))
    dossier = world.dossier("four")
    content = (
        client_for(world.cast.producer1)
        .get(reverse("evaluation:dossier", args=[dossier.code]))
        .content.decode()
    )
    assert reverse("evaluation:dossier_result", args=[dossier.code]) in content


def test_decision_pages_have_no_inline_script_or_style(world, client_for):
    decision = _approve(world, _draft(world))
    office = client_for(world.cast.office)
    for url in [
        reverse("evaluation:decisions"),
        reverse("evaluation:decision", args=[decision.code]),
        reverse("evaluation:decision_correct", args=[decision.code]),
        reverse("evaluation:central_proposal", args=[decision.code]),
        reverse("evaluation:outbox"),
        reverse("evaluation:dossier_result", args=[world.dossier("four").code]),
    ]:
        content = office.get(url).content.decode()
        assert "<script" not in content and "style=" not in content, url
