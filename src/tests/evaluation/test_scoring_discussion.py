"""The spread rule and the discussion round: when every present member without a conflict has
submitted and the totals differ by more than the threshold, the item is flagged and the chair is
notified; the chair reopens the sheets in a discussion round (every version kept); the round
closes when all have submitted again; the session then closes with the engine's result on the
final sheets."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ocop.criteria.engine.scoring import combine_sheets, result_to_dict, score_sheet
from ocop.criteria.queries.specs import load_scorecard_spec, policy_for
from ocop.evaluation.enums import SheetStatus
from ocop.evaluation.models import DiscussionRound, Notification, ScoreSheetVersion
from ocop.evaluation.queries.sessions import spread_of
from ocop.evaluation.services.refusals import NotAllowed, WrongState
from ocop.evaluation.services.sessions import (
    close_session,
    open_discussion_round,
    save_sheet,
    submit_sheet,
)
from tests.evaluation.council_setup import bo6_total, build_board, database_state

pytestmark = pytest.mark.django_db

TOTALS = (56, 58, 70, 57, 59)  # members[1] is 14 points above the lowest


@pytest.fixture
def board(classified):
    board = build_board(classified)
    board.attend()
    for seat in board.scorers:
        board.score(seat, board.item2, board.full(board.item2))
    return board


def score_item1(board, totals=TOTALS):
    for seat, total in zip(board.scorers, totals, strict=True):
        board.score(seat, board.item1, bo6_total(total))


def test_the_spread_is_read_from_the_submitted_totals(board):
    for seat, total in zip(board.scorers[:3], TOTALS, strict=False):
        board.score(seat, board.item1, bo6_total(total))
    spread = spread_of(board.item1)
    assert (spread.lowest, spread.highest, spread.spread, spread.threshold, spread.exceeds) == (
        Decimal(56),
        Decimal(70),
        Decimal(14),
        Decimal(10),
        True,
    )
    board.item1.refresh_from_db()
    assert board.item1.flagged_for_discussion is False  # two members have not submitted yet


def test_the_item_is_flagged_once_everyone_has_submitted_and_the_chair_is_told(board, english):
    score_item1(board)
    board.item1.refresh_from_db()
    assert board.item1.flagged_for_discussion is True
    notices = Notification.objects.filter(
        user=board.chair.user, message__contains="open a discussion round"
    )
    assert [n.message for n in notices] == [
        f"The members' totals for dossier {board.item1.dossier.code} differ by 14 points, more "
        "than the threshold of 10: open a discussion round."
    ]


def test_a_spread_of_exactly_the_threshold_is_not_flagged(board):
    score_item1(board, (56, 58, 66, 57, 59))
    board.item1.refresh_from_db()
    assert board.item1.flagged_for_discussion is False


def test_the_council_s_own_threshold_applies(board):
    board.council.spread_threshold = Decimal(3)
    board.council.save()
    score_item1(board, (56, 58, 60, 57, 59))
    board.item1.refresh_from_db()
    assert board.item1.flagged_for_discussion is True


def test_a_flagged_item_must_be_discussed_before_closing(board, english):
    score_item1(board)
    before = database_state()
    with pytest.raises(WrongState) as caught:
        close_session(actor=board.chair.user, session=board.session)
    assert caught.value.text == (
        f"The session cannot close yet: {board.item1.dossier.code}: the spread is above the "
        "threshold and has not been discussed."
    )
    assert database_state() == before


def test_only_the_chair_opens_a_discussion_round(board, english):
    score_item1(board)
    before = database_state()
    with pytest.raises(NotAllowed) as caught:
        open_discussion_round(actor=board.members[0].user, item=board.item1, reason="Lệch điểm")
    assert caught.value.text == "Only the chair of the council opens a discussion round."
    assert database_state() == before


def test_a_discussion_round_needs_every_sheet(board, english):
    for seat, total in zip(board.scorers[:4], TOTALS, strict=False):
        board.score(seat, board.item1, bo6_total(total))
    before = database_state()
    with pytest.raises(WrongState):
        open_discussion_round(actor=board.chair.user, item=board.item1, reason="Lệch điểm")
    assert database_state() == before


def test_the_discussion_round_from_flag_to_close(board, english):
    score_item1(board)
    high = board.members[1]
    discussion = open_discussion_round(
        actor=board.chair.user, item=board.item1, reason="Chênh lệch 14 điểm ở phần A"
    )
    assert (discussion.number, discussion.spread_before, discussion.closed_at) == (
        1,
        Decimal(14),
        None,
    )
    statuses = set(board.item1.sheets.values_list("status", flat=True))
    assert statuses == {SheetStatus.REOPENED}
    reopened_notices = Notification.objects.filter(message__contains="your sheet is reopened")
    assert sorted(n.user.username for n in reopened_notices) == sorted(
        seat.user.username for seat in board.scorers
    )
    with pytest.raises(WrongState):  # one round at a time
        open_discussion_round(actor=board.chair.user, item=board.item1, reason="Lần nữa")

    # the high member lowers their sheet; the others submit theirs again unchanged
    save_sheet(actor=high.user, item=board.item1, selections=bo6_total(64))
    submit_sheet(actor=high.user, item=board.item1)
    for seat in board.scorers:
        if seat != high:
            submit_sheet(actor=seat.user, item=board.item1)
    discussion.refresh_from_db()
    board.item1.refresh_from_db()
    assert discussion.closed_at is not None
    assert board.item1.flagged_for_discussion is False  # 64 − 56 = 8

    # every version is kept: the trail shows before and after
    sheet = board.item1.sheets.get(member=high)
    assert list(sheet.versions.values_list("version", "status", "total", "discussion")) == [
        (1, SheetStatus.DRAFT, None, None),
        (2, SheetStatus.SUBMITTED, Decimal(70), None),
        (3, SheetStatus.REOPENED, Decimal(70), discussion.pk),
        (4, SheetStatus.REOPENED, None, discussion.pk),
        (5, SheetStatus.SUBMITTED, Decimal(64), discussion.pk),
    ]
    assert ScoreSheetVersion.objects.filter(
        sheet__item=board.item1, discussion=discussion, status=SheetStatus.SUBMITTED
    ).count() == len(board.scorers)

    close_session(actor=board.chair.user, session=board.session)
    board.item1.refresh_from_db()
    spec = load_scorecard_spec("qd26-2026", 6)
    ordered = [board.chair, *sorted(board.members, key=lambda s: s.user.username)]
    sheets = [
        score_sheet(spec, board.item1.sheets.get(member=s).selections, member=s.user.username)
        for s in ordered
    ]
    expected = combine_sheets(spec, policy_for(board.round.criteria_set), sheets)
    assert board.item1.result == result_to_dict(expected)
    assert board.item1.result["spread"] == 8
    assert board.item1.mean_total == Decimal("58.80")


def test_a_discussion_that_does_not_converge_still_lets_the_session_close(board):
    score_item1(board)
    open_discussion_round(actor=board.chair.user, item=board.item1, reason="Lệch điểm")
    for seat in board.scorers:
        submit_sheet(actor=seat.user, item=board.item1)
    board.item1.refresh_from_db()
    assert board.item1.flagged_for_discussion is True
    assert DiscussionRound.objects.get(item=board.item1).closed_at is not None
    close_session(actor=board.chair.user, session=board.session)
    board.item1.refresh_from_db()
    assert (board.item1.result["flag_discussion"], board.item1.result["spread"]) == (True, 14)


def test_a_session_with_an_open_discussion_cannot_close(board, english):
    score_item1(board)
    open_discussion_round(actor=board.chair.user, item=board.item1, reason="Lệch điểm")
    before = database_state()
    with pytest.raises(WrongState) as caught:
        close_session(actor=board.chair.user, session=board.session)
    assert caught.value.text == (
        f"The session cannot close yet: {board.item1.dossier.code}: discussion round 1 is "
        "still open."
    )
    assert database_state() == before


def test_a_conflicted_member_is_not_waited_for_and_not_counted(classified):
    board = build_board(classified)
    board.attend()
    conflicted = board.members[3]
    board.declare(conflicted, board.item1, conflict=True)
    for seat, total in zip(board.scorers[:4], (56, 58, 60, 57), strict=True):
        board.score(seat, board.item1, bo6_total(total))
    for seat in board.scorers:
        board.score(seat, board.item2, board.full(board.item2))
    close_session(actor=board.chair.user, session=board.session)
    board.item1.refresh_from_db()
    assert sorted(m["member"] for m in board.item1.result["members"]) == sorted(
        seat.user.username for seat in board.scorers[:4]
    )
    assert board.item1.mean_total == Decimal("57.75")
