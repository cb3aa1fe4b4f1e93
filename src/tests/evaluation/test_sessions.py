"""Council sessions (services): creating one, the agenda, the attendance, and the close with
its quorum rule, its checks and the engine's result stored for each item."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from ocop.core.models import ActivityLog
from ocop.criteria.engine.scoring import combine_sheets, result_to_dict, score_sheet
from ocop.criteria.models import CriteriaSet
from ocop.criteria.queries.specs import load_scorecard_spec, policy_for
from ocop.evaluation.enums import DossierStatus, RoundStatus, SessionStatus
from ocop.evaluation.models import DossierEvent, Notification, Session, SessionDossier
from ocop.evaluation.services.refusals import NotAllowed, WrongState
from ocop.evaluation.services.sessions import (
    add_to_agenda,
    close_session,
    create_session,
    record_attendance,
)
from tests.evaluation.council_setup import bo6_total, build_board, database_state
from tests.factories.evaluation import (
    accepted_dossier,
    session_council,
    session_round,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(classified):
    return build_board(classified)


def score_everything(board, totals=(56, 58, 60, 57, 59)):
    """Every scoring member present scores both items (bộ 6 with these totals, bộ 26 full)."""
    for seat, total in zip(board.scorers, totals, strict=True):
        board.score(seat, board.item1, bo6_total(total))
        board.score(seat, board.item2, board.full(board.item2, "max"))


# --- creating a session and its agenda --------------------------------------------------------


def test_the_office_creates_a_session_of_a_council_in_a_round(board):
    session = board.session
    assert (session.council, session.round, session.held_on, session.status) == (
        board.council,
        board.round,
        dt.date(2026, 6, 15),
        SessionStatus.OPEN,
    )
    assert ActivityLog.objects.filter(action="evaluation.session.create").count() == 1


def test_a_member_cannot_create_a_session(board):
    with pytest.raises(NotAllowed):
        create_session(
            actor=board.chair.user,
            council=board.council,
            round=board.round,
            held_on=dt.date(2026, 6, 20),
        )


def test_a_session_needs_a_round_of_the_council_s_level_that_is_not_closed(board):
    central = session_round(board.round.criteria_set, number=2, level="central")
    closed = session_round(board.round.criteria_set, number=3, status=RoundStatus.CLOSED)
    for round_ in (central, closed):
        with pytest.raises(ValidationError) as caught:
            create_session(
                actor=board.cast.office,
                council=board.council,
                round=round_,
                held_on=dt.date(2026, 6, 20),
            )
        assert list(caught.value.message_dict) == ["round"]


def test_the_agenda_moves_the_dossiers_into_the_session(board):
    assert [item.position for item in board.session.agenda.order_by("position")] == [1, 2]
    for item in (board.item1, board.item2):
        item.dossier.refresh_from_db()
        assert item.dossier.status == DossierStatus.IN_SESSION
        assert DossierEvent.objects.filter(dossier=item.dossier).latest("id").to_status == (
            DossierStatus.IN_SESSION
        )


def test_every_scoring_member_is_asked_to_declare(board):
    notified = sorted(
        Notification.objects.filter(
            message__contains=board.item1.dossier.code, url__contains="/phien/"
        ).values_list("user__username", flat=True)
    )
    assert notified == sorted(seat.user.username for seat in board.scorers)


def test_only_an_accepted_dossier_of_the_round_goes_on_the_agenda(board, english):
    with pytest.raises(WrongState) as caught:  # already in the session
        add_to_agenda(actor=board.cast.office, session=board.session, dossier=board.item1.dossier)
    assert caught.value.text == (
        f"Dossier {board.item1.dossier.code} is “being scored”: only a dossier accepted for the "
        "round can be put on the agenda."
    )
    other_round = session_round(board.round.criteria_set, number=2)
    from ocop.products.services.products import update_product
    from tests.factories.products import ProductFactory, classification_leaf

    product = ProductFactory(producer=board.cast.prod1)
    update_product(
        actor=board.cast.office,
        product=product,
        data={"classification": classification_leaf("I.3.b")},
    )
    dossier = accepted_dossier(product, other_round, office=board.cast.office)
    with pytest.raises(ValidationError) as caught:
        add_to_agenda(actor=board.cast.office, session=board.session, dossier=dossier)
    assert list(caught.value.message_dict) == ["dossier"]
    assert SessionDossier.objects.filter(dossier=dossier).count() == 0


def test_a_sub_council_takes_only_its_product_groups(board, english):
    from ocop.criteria.models import ClassificationNode
    from ocop.evaluation.services.councils import create_council

    groups = ClassificationNode.objects.filter(criteria_set__code="qd26-2026", code="I.3")
    sub = create_council(
        actor=board.cast.office,
        name="Tiểu ban thực phẩm chế biến",
        parent=board.council,
        product_groups=groups,
    )
    session = create_session(
        actor=board.cast.office, council=sub, round=board.round, held_on=dt.date(2026, 6, 16)
    )
    second = session_round(board.round.criteria_set, number=2)
    session2 = create_session(
        actor=board.cast.office, council=sub, round=second, held_on=dt.date(2026, 6, 17)
    )
    from ocop.products.services.products import update_product
    from tests.factories.products import ProductFactory, classification_leaf

    food = ProductFactory(producer=board.cast.prod1, name="Bánh cốm")
    update_product(
        actor=board.cast.office, product=food, data={"classification": classification_leaf("I.3.b")}
    )
    tourism = ProductFactory(producer=board.cast.prod2, name="Du lịch làng nghề")
    update_product(
        actor=board.cast.office,
        product=tourism,
        data={"classification": classification_leaf("VI.1")},
    )
    item = add_to_agenda(
        actor=board.cast.office,
        session=session,
        dossier=accepted_dossier(food, board.round, office=board.cast.office),
    )
    assert item.session == session
    tourism_dossier = accepted_dossier(tourism, second, office=board.cast.office)
    with pytest.raises(ValidationError) as caught:
        add_to_agenda(actor=board.cast.office, session=session2, dossier=tourism_dossier)
    assert caught.value.message_dict["dossier"] == [
        f"Dossier {tourism_dossier.code} is not in the product groups of Tiểu ban thực phẩm "
        "chế biến (I.3)."
    ]
    tourism_dossier.refresh_from_db()
    assert tourism_dossier.status == DossierStatus.ACCEPTED


# --- attendance -----------------------------------------------------------------------------


def test_the_secretary_records_the_attendance(board):
    board.attend(board.scorers[:4])
    assert sorted(board.session.present.values_list("pk", flat=True)) == sorted(
        seat.pk for seat in board.scorers[:4]
    )
    entry = ActivityLog.objects.get(action="evaluation.session.attendance")
    assert entry.data["new"]["present"] == sorted(s.user.username for s in board.scorers[:4])


def test_a_member_cannot_record_the_attendance(board):
    before = database_state()
    with pytest.raises(NotAllowed):
        record_attendance(
            actor=board.members[0].user, session=board.session, present_members=board.scorers
        )
    assert database_state() == before


def test_a_member_who_submitted_cannot_be_marked_absent(board, english):
    board.attend()
    board.score(board.members[0], board.item1, bo6_total(56))
    before = database_state()
    with pytest.raises(WrongState) as caught:
        board.attend([board.chair, *board.members[1:]])
    assert caught.value.text == (
        f"{board.members[0].user.get_full_name()} already submitted sheets in this session and "
        "cannot be marked absent."
    )
    assert database_state() == before


def test_only_the_council_s_members_are_recorded_present(board):
    other = session_council(chair=board.cast.member, name="Hội đồng khác")
    with pytest.raises(ValidationError):
        board.attend([board.chair, other.members.first()])


# --- closing: the quorum ----------------------------------------------------------------------


def test_three_of_five_present_is_no_quorum_and_closing_changes_nothing(board, english):
    board.attend(board.scorers[:3])  # chair + 2 members: 3 of 5, 75% needs 4
    for seat in board.scorers[:3]:
        board.score(seat, board.item1, bo6_total(56))
        board.score(seat, board.item2, board.full(board.item2))
    before = database_state()
    with pytest.raises(WrongState) as caught:
        close_session(actor=board.chair.user, session=board.session)
    assert caught.value.text == (
        "The session has no quorum: 3 of 5 scoring members are present, and at least 4 (75%) "
        "are needed."
    )
    assert database_state() == before
    assert Session.objects.get(pk=board.session.pk).status == SessionStatus.OPEN


def test_the_chair_must_be_present(board, english):
    board.attend(board.members)  # 4 of 5 present, without the chair
    for seat in board.members:
        board.score(seat, board.item1, bo6_total(56))
        board.score(seat, board.item2, board.full(board.item2))
    before = database_state()
    with pytest.raises(WrongState) as caught:
        close_session(actor=board.chair.user, session=board.session)
    assert caught.value.text == (
        "The session has no quorum: the chair must be present (4 of 5 scoring members are "
        "present, without the chair)."
    )
    assert database_state() == before


def test_a_council_may_not_require_the_chair(board):
    board.council.quorum_requires_chair = False
    board.council.save()
    board.attend(board.members)
    for seat in board.members:
        board.score(seat, board.item1, bo6_total(56))
        board.score(seat, board.item2, board.full(board.item2))
    close_session(actor=board.chair.user, session=board.session)
    board.session.refresh_from_db()
    assert board.session.status == SessionStatus.CLOSED


def test_only_the_chair_closes(board):
    board.attend()
    score_everything(board)
    before = database_state()
    for user in (board.members[0].user, board.secretary.user, board.cast.office):
        with pytest.raises(NotAllowed):
            close_session(actor=user, session=board.session)
    assert database_state() == before


def test_closing_waits_for_every_present_member(board, english):
    board.attend()
    for seat in board.scorers[:4]:
        board.score(seat, board.item1, bo6_total(56))
        board.score(seat, board.item2, board.full(board.item2))
    board.score(board.members[3], board.item1, bo6_total(56))  # item 2 missing one sheet
    before = database_state()
    with pytest.raises(WrongState) as caught:
        close_session(actor=board.chair.user, session=board.session)
    assert caught.value.text == (
        f"The session cannot close yet: {board.item2.dossier.code}: waiting for "
        f"{board.members[3].user.get_full_name()}."
    )
    assert database_state() == before


def test_an_empty_agenda_cannot_close(classified):
    board = build_board(classified, items=1)
    SessionDossier.objects.all().delete()
    board.attend()
    with pytest.raises(WrongState):
        close_session(actor=board.chair.user, session=board.session)


# --- closing: the result ----------------------------------------------------------------------


def test_closing_stores_the_engine_s_result_and_scores_the_dossiers(board):
    board.attend()
    score_everything(board)
    close_session(actor=board.chair.user, session=board.session)

    board.session.refresh_from_db()
    assert (board.session.status, board.session.closed_by) == (
        SessionStatus.CLOSED,
        board.chair.user,
    )
    spec = load_scorecard_spec("qd26-2026", 6)
    ordered = [board.chair, *sorted(board.members, key=lambda s: s.user.username)]
    sheets = [
        score_sheet(
            spec,
            board.item1.sheets.get(member=seat).selections,
            member=seat.user.username,
        )
        for seat in ordered
    ]
    expected = combine_sheets(spec, policy_for(board.round.criteria_set), sheets)
    item = SessionDossier.objects.get(pk=board.item1.pk)
    assert item.result == result_to_dict(expected)
    assert (item.mean_total, item.stars, item.band_stars) == (
        Decimal("58.00"),
        expected.stars,
        expected.band_stars,
    )
    totals = dict(zip(board.scorers, (56, 58, 60, 57, 59), strict=True))
    assert [(m["member"], m["total"]) for m in item.result["members"]] == [
        (seat.user.username, totals[seat]) for seat in ordered
    ]
    for agenda_item in (board.item1, board.item2):
        agenda_item.dossier.refresh_from_db()
        assert agenda_item.dossier.status == DossierStatus.SCORED
    assert CriteriaSet.objects.get(code="qd26-2026").locked_at is not None
    assert ActivityLog.objects.filter(action="evaluation.session.close").count() == 1


def test_a_closed_session_cannot_close_again(board):
    board.attend()
    score_everything(board)
    close_session(actor=board.chair.user, session=board.session)
    before = database_state()
    with pytest.raises(WrongState):
        close_session(actor=board.chair.user, session=board.session)
    assert database_state() == before
