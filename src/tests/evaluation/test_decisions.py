"""Recognition decisions: drafting from the council's results, the one transition, approval
publishing everything at once, finality (service, models, admin, API) and corrections."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ocop.core.models import ActivityLog
from ocop.criteria.queries.specs import clear_spec_cache
from ocop.evaluation.enums import DecisionStatus, DossierStatus, Level, OutboxStatus
from ocop.evaluation.models import (
    Decision,
    DecisionItem,
    Dossier,
    DossierEvent,
    Notification,
    OutboxMessage,
)
from ocop.evaluation.models.decisions import FinalDecisionError
from ocop.evaluation.services.decisions import (
    change_decision_status,
    correct_decision,
    draft_decision,
    recognise_from_central_result,
    update_draft,
)
from ocop.evaluation.services.refusals import NotAllowed, WrongState
from tests.evaluation.results_world import build_world, classify
from tests.factories.evaluation import closed_session, decision_round, scored_dossier
from tests.factories.products import ProductFactory

pytestmark = pytest.mark.django_db
SIGNED = dt.date(2026, 7, 10)


@pytest.fixture(autouse=True)
def _fresh_specs():
    clear_spec_cache()
    yield
    clear_spec_cache()


@pytest.fixture
def world(qd26, cast):
    return build_world(cast)


def _draft(world, **kwargs):
    return draft_decision(
        actor=world.cast.office,
        round=world.round,
        title=kwargs.pop("title", "Quyết định công nhận sản phẩm OCOP năm 2026 (đợt 1)"),
        number=kwargs.pop("number", "1147/QĐ-UBND"),
        **kwargs,
    )


def _approve(world, decision, **kwargs):
    return change_decision_status(
        actor=world.cast.approver,
        decision=decision,
        to=DecisionStatus.APPROVED,
        signed_on=kwargs.pop("signed_on", SIGNED),
        **kwargs,
    )


def _rows(decision):
    return {
        item.dossier.code: (item.recognised, item.stars, item.mean_total, item.proposed_central)
        for item in decision.items.select_related("dossier")
    }


def _state(world):
    """Everything an approval could change, to prove that a refusal changed nothing."""
    return (
        list(Decision.objects.order_by("pk").values()),
        list(DecisionItem.objects.order_by("pk").values()),
        list(Dossier.objects.order_by("pk").values_list("code", "status", "level")),
        Notification.objects.count(),
        OutboxMessage.objects.count(),
        DossierEvent.objects.count(),
    )


def test_the_world_is_scored_by_the_engine(world):
    results = {name: (item.stars, item.result["stars"]) for name, item in world.items.items()}
    assert results == {"four": (4, 4), "three": (3, 3), "five": (5, 5), "two": (2, 2)}
    assert world.items["five"].mean_total >= Decimal(90)


# --- drafting -------------------------------------------------------------------------------


def test_draft_collects_exactly_the_scored_dossiers_of_the_round(world, qd26):
    # Not collected: a dossier still being scored, and a scored dossier of another round.
    other_round = decision_round(world.round.criteria_set, number=2, name="Đợt 2 năm 2026")
    other = closed_session(world.council, other_round)
    scored_dossier(
        classify(ProductFactory(producer=world.cast.prod1, name="Chén gốm"), "I.3.b"),
        other,
        [75, 75, 75],
        keep_level=4,
    )
    scored_dossier(
        classify(ProductFactory(producer=world.cast.prod2, name="Trà ướp"), "VI.1"),
        world.session,
        [75, 75, 75],
        keep_level=4,
        status=DossierStatus.IN_SESSION,
    )
    decision = _draft(world)
    items = world.items
    assert _rows(decision) == {
        items["four"].dossier.code: (True, 4, items["four"].mean_total, False),
        items["three"].dossier.code: (True, 3, items["three"].mean_total, False),
        items["five"].dossier.code: (False, 5, items["five"].mean_total, True),
        items["two"].dossier.code: (False, 2, items["two"].mean_total, False),
    }
    assert (decision.status, decision.level, decision.round, decision.drafted_by) == (
        DecisionStatus.DRAFT,
        Level.PROVINCE,
        world.round,
        world.cast.office,
    )
    # The mean is the engine's, copied: never recomputed.
    assert {i.mean_total for i in decision.items.all()} == {
        Decimal(str(item.result["mean_total"])) for item in items.values()
    }
    assert ActivityLog.objects.filter(action="evaluation.decision.draft").count() == 1


def test_a_dossier_already_in_a_decision_is_not_collected_again(world):
    _draft(world)
    with pytest.raises(ValidationError) as info:
        _draft(world)
    assert "round" in info.value.message_dict


def test_a_removed_item_goes_to_the_next_draft(world):
    decision = _draft(world)
    code = world.dossier("two").code
    update_draft(actor=world.cast.office, decision=decision, remove=[code])
    assert code not in _rows(decision)
    second = _draft(world, number="")
    assert list(_rows(second)) == [code]


@pytest.mark.parametrize("name", ["approver", "chair", "member", "producer1", "commune"])
def test_only_the_office_drafts(world, name):
    with pytest.raises(NotAllowed):
        draft_decision(actor=getattr(world.cast, name), round=world.round, title="QĐ")
    assert Decision.objects.count() == 0


def test_update_draft_changes_the_text_and_refuses_unknown_items(world):
    decision = _draft(world, number="")
    update_draft(
        actor=world.cast.office,
        decision=decision,
        data={"number": " 12/QĐ-UBND ", "title": "Quyết định số 12", "note": "Ghi chú"},
    )
    decision.refresh_from_db()
    assert (decision.number, decision.title, decision.note) == (
        "12/QĐ-UBND",
        "Quyết định số 12",
        "Ghi chú",
    )
    with pytest.raises(ValidationError) as info:
        update_draft(actor=world.cast.office, decision=decision, remove=["HS0000000"])
    assert "remove" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        update_draft(actor=world.cast.office, decision=decision, data={"title": "  "})
    assert "title" in info.value.message_dict


# --- approval -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["office", "admin", "chair", "producer1"])
def test_approval_by_a_non_approver_is_refused_and_changes_nothing(world, name):
    decision = _draft(world)
    before = _state(world)
    with pytest.raises(NotAllowed):
        change_decision_status(
            actor=getattr(world.cast, name), decision=decision, to=DecisionStatus.APPROVED
        )
    assert _state(world) == before


def test_approval_needs_the_decision_number(world):
    decision = _draft(world, number="")
    before = _state(world)
    with pytest.raises(ValidationError) as info:
        _approve(world, decision)
    assert "number" in info.value.message_dict
    assert _state(world) == before


def test_approval_publishes_every_item_at_once(world, django_capture_on_commit_callbacks):
    decision = _draft(world)
    with django_capture_on_commit_callbacks(execute=False):
        _approve(world, decision)
    decision.refresh_from_db()
    assert (decision.status, decision.signed_on, decision.approved_by) == (
        DecisionStatus.APPROVED,
        SIGNED,
        world.cast.approver,
    )
    statuses = dict(
        Dossier.objects.filter(decision_items__decision=decision).values_list("code", "status")
    )
    assert statuses == {
        world.dossier("four").code: DossierStatus.RECOGNISED,
        world.dossier("three").code: DossierStatus.RECOGNISED,
        world.dossier("five").code: DossierStatus.PROPOSED_CENTRAL,
        world.dossier("two").code: DossierStatus.NOT_RECOGNISED,
    }
    assert Dossier.objects.get(pk=world.dossier("five").pk).level == Level.CENTRAL
    # Every step has its reason on the dossier's timeline.
    event = DossierEvent.objects.get(dossier=world.dossier("four"), to_status="recognised")
    assert "1147/QĐ-UBND" in event.reason
    # The producers' people are told in-app, with a link to the result page.
    producer1_urls = set(
        Notification.objects.filter(user=world.cast.producer1).values_list("url", flat=True)
    )
    assert {
        reverse("evaluation:dossier_result", args=[world.dossier("four").code]),
        reverse("evaluation:dossier_result", args=[world.dossier("five").code]),
    } <= producer1_urls
    # The result mails wait for the office's review: one per producer user and dossier.
    results = OutboxMessage.objects.filter(kind="results")
    assert results.count() == 2 * 2 + 1 * 2  # producer1 + staff (2 dossiers), producer2 (2)
    assert set(results.values_list("needs_review", "status")) == {(True, OutboxStatus.PENDING)}
    assert ActivityLog.objects.filter(action="evaluation.decision.approve").count() == 1


def test_approval_sends_no_transition_mail_only_the_reviewed_result_mails(world):
    """The producer hears of the result once: by the result mail the office releases, not by
    the dossier's transition mail before the review. The in-app notices stay."""
    decision = _draft(world)
    dossier_mails = OutboxMessage.objects.filter(kind="dossier").count()
    notices = Notification.objects.filter(user=world.cast.producer1).count()
    _approve(world, decision)
    assert OutboxMessage.objects.filter(kind="dossier").count() == dossier_mails
    assert set(OutboxMessage.objects.exclude(kind="dossier").values_list("kind", flat=True)) <= {
        "results",
        "transition",
    }
    assert not OutboxMessage.objects.filter(needs_review=False, status=OutboxStatus.PENDING)
    assert not OutboxMessage.objects.filter(needs_review=False, kind="results")
    # Two dossiers of producer1: the transition notice and the result notice of each, and the
    # certificate of the recognised one (in-app only: the result mail is the one e-mail).
    new = Notification.objects.filter(user=world.cast.producer1).order_by("pk")[notices:]
    assert len(new) == 5
    assert [n.url for n in new if n.url.startswith("/giay-chung-nhan/")] == [
        f"/giay-chung-nhan/{world.dossier('four').product.certificates.get().code}/"
    ]
    recognised = world.dossier("four")
    assert Notification.objects.filter(
        user=world.cast.producer1, url=f"/danh-gia/ho-so/{recognised.code}/"
    ).exists()


def test_a_transition_without_email_still_notifies_in_app(world):
    from ocop.evaluation.services.dossiers import change_dossier_status

    dossier = world.dossier("two")
    mails = OutboxMessage.objects.count()
    notices = Notification.objects.count()
    change_dossier_status(
        actor=world.cast.office, dossier=dossier, to=DossierStatus.NOT_RECOGNISED, email=False
    )
    assert OutboxMessage.objects.count() == mails
    assert Notification.objects.count() > notices


def test_a_decision_is_approved_once(world):
    decision = _draft(world)
    _approve(world, decision)
    before = _state(world)
    with pytest.raises(WrongState):
        _approve(world, decision)
    assert _state(world) == before


# --- an approved decision is final ------------------------------------------------------------


@pytest.fixture
def approved(world):
    decision = _draft(world)
    return _approve(world, decision)


def test_the_services_refuse_to_change_an_approved_decision(world, approved):
    before = _state(world)
    with pytest.raises(WrongState):
        update_draft(actor=world.cast.office, decision=approved, data={"title": "Khác"})
    with pytest.raises(WrongState):
        update_draft(actor=world.cast.office, decision=approved, remove=[world.dossier("two").code])
    assert _state(world) == before


def test_the_model_refuses_to_save_or_delete_an_approved_decision(world, approved):
    before = _state(world)
    approved.title = "Sửa tay"
    with pytest.raises(FinalDecisionError):
        approved.save()
    with pytest.raises(FinalDecisionError):
        approved.delete()
    with pytest.raises(FinalDecisionError):
        Decision.objects.filter(pk=approved.pk).update(title="Sửa tay")
    with pytest.raises(FinalDecisionError):
        Decision.objects.filter(pk=approved.pk).delete()
    item = approved.items.first()
    item.stars = 5
    with pytest.raises(FinalDecisionError):
        item.save()
    with pytest.raises(FinalDecisionError):
        item.delete()
    with pytest.raises(FinalDecisionError):
        approved.items.update(stars=5)
    with pytest.raises(FinalDecisionError):
        DecisionItem.objects.filter(decision=approved).delete()
    with pytest.raises(FinalDecisionError):
        DecisionItem.objects.bulk_create(
            [
                DecisionItem(
                    decision=approved,
                    dossier=item.dossier,
                    agenda_item=item.agenda_item,
                    recognised=True,
                    stars=5,
                    mean_total=Decimal(99),
                )
            ]
        )
    assert _state(world) == before


def test_a_draft_is_still_a_normal_row(world):
    decision = _draft(world)
    decision.note = "Bản nháp"
    decision.save()
    decision.items.filter(dossier=world.dossier("two")).delete()
    assert decision.items.count() == 3


def test_the_admin_cannot_change_an_approved_decision(world, approved, client_for):
    client = client_for(world.cast.admin)
    url = reverse("admin:evaluation_decision_change", args=[approved.pk])
    before = _state(world)
    assert client.get(url).status_code == 200  # read-only view
    response = client.post(url, {"title": "Sửa trong trang quản trị", "number": "0/QĐ"})
    assert response.status_code == 403
    delete = reverse("admin:evaluation_decision_delete", args=[approved.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert _state(world) == before


# --- corrections ----------------------------------------------------------------------------


def test_a_correction_is_a_new_decision_that_replaces_the_old_one(world, approved):
    old_rows = _rows(approved)
    three = world.dossier("three").code
    two = world.dossier("two").code
    correction = correct_decision(
        actor=world.cast.office,
        decision=approved,
        reason="Nhầm hạng sao của sản phẩm Trà sen Tây Hồ.",
        changes={three: {"stars": 4}},
        remove=[two],
        number="1200/QĐ-UBND",
    )
    approved.refresh_from_db()
    assert _rows(approved) == old_rows  # the old decision is unchanged
    assert (correction.status, correction.replaces, correction.round) == (
        DecisionStatus.DRAFT,
        approved,
        approved.round,
    )
    rows = _rows(correction)
    assert two not in rows
    assert rows[three] == (True, 4, old_rows[three][2], False)  # same mean, 4★ recognised
    _approve(world, correction, signed_on=dt.date(2026, 8, 1))
    correction.refresh_from_db()
    assert correction.status == DecisionStatus.APPROVED
    # One correction per decision: the next one corrects the correction.
    with pytest.raises(WrongState):
        correct_decision(actor=world.cast.office, decision=approved, reason="Lần nữa")
    chain = correct_decision(actor=world.cast.office, decision=correction, reason="Lần nữa")
    assert chain.replaces == correction


def test_a_draft_is_not_corrected_and_a_reason_is_needed(world, approved):
    draft = _draft_other(world)
    with pytest.raises(WrongState):
        correct_decision(actor=world.cast.office, decision=draft, reason="x")
    with pytest.raises(ValidationError) as info:
        correct_decision(actor=world.cast.office, decision=approved, reason=" ")
    assert "reason" in info.value.message_dict
    with pytest.raises(NotAllowed):
        correct_decision(actor=world.cast.approver, decision=approved, reason="x")


def _draft_other(world):
    product = classify(ProductFactory(producer=world.cast.prod1, name="Lọ gốm"), "I.3.b")
    scored_dossier(product, world.session, [71, 72, 73], keep_level=4)
    return _draft(world, number="")


# --- the central level ----------------------------------------------------------------------


def test_the_province_recognises_from_the_ministrys_result_below_90(world, approved):
    """A 5★ proposal scored 4★ (below 90) by the ministry's council: the central decision does
    not recognise it, and the province may recognise 4★ from that result."""
    dossier = Dossier.objects.get(pk=world.dossier("five").pk)
    assert dossier.status == DossierStatus.PROPOSED_CENTRAL
    central_round = decision_round(
        world.round.criteria_set, level=Level.CENTRAL, name="Đợt trung ương 2026"
    )
    central_session = closed_session(world.council, central_round)
    Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.SCORED)
    agenda = _rescore(dossier, central_session, [80, 82, 84])
    central = draft_decision(
        actor=world.cast.office, round=central_round, title="Quyết định của Bộ", number="99/QĐ-BNN"
    )
    assert _rows(central) == {dossier.code: (False, 4, agenda.mean_total, False)}
    _approve(world, central)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SCORED  # waits for the province
    provincial = recognise_from_central_result(
        actor=world.cast.office, round=world.round, title="Công nhận 4 sao", number="1300/QĐ-UBND"
    )
    assert (provincial.level, _rows(provincial)) == (
        Level.PROVINCE,
        {dossier.code: (True, 4, agenda.mean_total, False)},
    )
    _approve(world, provincial)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECOGNISED
    with pytest.raises(ValidationError):
        recognise_from_central_result(actor=world.cast.office, round=world.round, title="Lại")


def _rescore(dossier, session, totals):
    """The ministry's council scores the same dossier (a new agenda item of the central round)."""
    from ocop.criteria.engine.scoring import combine_sheets, result_to_dict, score_sheet
    from ocop.criteria.queries.specs import load_scorecard_spec, policy_for
    from ocop.evaluation.enums import SheetStatus
    from ocop.evaluation.models import ScoreSheet, SessionDossier
    from tests.factories.evaluation import sheet_at_least

    spec = load_scorecard_spec(dossier.criteria_set.code, dossier.scorecard.number)
    item = SessionDossier.objects.create(session=session, dossier=dossier, position=1)
    seats = [s for s in session.present.select_related("user").order_by("role", "id") if s.scores]
    scored = []
    for seat, total in zip(seats, totals, strict=False):
        selections = sheet_at_least(spec, total, 4)
        sheet = score_sheet(spec, selections, member=seat.user.username)
        scored.append(sheet)
        ScoreSheet.objects.create(
            item=item, member=seat, status=SheetStatus.SUBMITTED, selections=selections,
            total=sheet.total, version=1,
        )  # fmt: skip
    result = combine_sheets(spec, policy_for(dossier.criteria_set), scored)
    item.result = result_to_dict(result)
    item.mean_total, item.stars, item.band_stars = (
        result.mean_total,
        result.stars,
        result.band_stars,
    )
    item.save()
    return item
