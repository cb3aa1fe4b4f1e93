"""Independent scoring (services): declare first, a conflict blocks scoring, the secretary does
not score, a member of another council cannot, only present members submit, a closed session
refuses; drafts are checked by the engine and versioned; a submitted sheet is final until a
discussion round. Every refusal leaves the data as they were."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from ocop.evaluation.enums import SheetStatus
from ocop.evaluation.models import ConflictDeclaration, ScoreSheet, ScoreSheetVersion
from ocop.evaluation.services.refusals import NotAllowed, WrongState
from ocop.evaluation.services.sessions import (
    close_session,
    declare_conflict,
    save_sheet,
    submit_sheet,
)
from tests.evaluation.council_setup import BO6_56, bo6_total, build_board, database_state
from tests.factories.evaluation import session_council

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(classified):
    board = build_board(classified)
    board.attend()
    return board


def refused(kind, call, **kwargs):
    """Run a service that must refuse; return the message; check nothing changed."""
    before = database_state()
    with pytest.raises(kind) as caught:
        call(**kwargs)
    assert database_state() == before
    return caught.value.text if hasattr(caught.value, "text") else caught.value.message_dict


# --- who may score ------------------------------------------------------------------------------


def test_a_member_declares_before_the_sheet_opens(board, english):
    member = board.members[0]
    message = refused(
        WrongState, save_sheet, actor=member.user, item=board.item1, selections={"1.1": 2}
    )
    assert message == (
        f"Declare first whether you have a conflict of interest with dossier "
        f"{board.item1.dossier.code}: its sheet opens after the declaration."
    )
    board.declare(member, board.item1)
    sheet = save_sheet(actor=member.user, item=board.item1, selections={"1.1": 2})
    assert (sheet.status, sheet.selections, sheet.version) == (SheetStatus.DRAFT, {"1.1": 2}, 1)


def test_a_declared_conflict_blocks_scoring(board, english):
    member = board.members[1]
    board.declare(member, board.item1, conflict=True)
    expected = (
        f"You declared a conflict of interest with dossier {board.item1.dossier.code}: "
        "you cannot score it."
    )
    assert (
        refused(NotAllowed, save_sheet, actor=member.user, item=board.item1, selections=BO6_56)
        == expected
    )
    assert refused(NotAllowed, submit_sheet, actor=member.user, item=board.item1) == expected
    assert ScoreSheet.objects.filter(member=member).count() == 0


def test_a_conflict_needs_a_note(board):
    errors = refused(
        ValidationError,
        declare_conflict,
        actor=board.members[0].user,
        item=board.item1,
        has_conflict=True,
        note="  ",
    )
    assert list(errors) == ["note"]


def test_the_declaration_may_change_until_the_member_submits(board, english):
    member = board.members[0]
    board.declare(member, board.item1, conflict=True)
    board.declare(member, board.item1, conflict=False)
    assert ConflictDeclaration.objects.get(member=member, item=board.item1).has_conflict is False
    board.score(member, board.item1, bo6_total(56))
    message = refused(
        WrongState,
        declare_conflict,
        actor=member.user,
        item=board.item1,
        has_conflict=True,
        note="Con của chủ thể",
    )
    assert message == (
        f"You have submitted your sheet for dossier {board.item1.dossier.code}: your "
        "declaration can no longer change."
    )


def test_the_secretary_does_not_score(board, english):
    user = board.secretary.user
    expected = "The secretary keeps the minutes and does not score."
    assert (
        refused(NotAllowed, declare_conflict, actor=user, item=board.item1, has_conflict=False)
        == expected
    )
    assert (
        refused(NotAllowed, save_sheet, actor=user, item=board.item1, selections=BO6_56) == expected
    )
    assert refused(NotAllowed, submit_sheet, actor=user, item=board.item1) == expected


def test_a_member_of_another_council_cannot_score(board, english):
    from tests.factories.evaluation import session_council_user

    stranger = session_council_user()
    session_council(chair=stranger, name="Hội đồng khác")
    expected = f"You are not a member of {board.council.name}, the council of this session."
    for call, extra in (
        (declare_conflict, {"has_conflict": False}),
        (save_sheet, {"selections": BO6_56}),
        (submit_sheet, {}),
    ):
        assert refused(NotAllowed, call, actor=stranger, item=board.item1, **extra) == expected


def test_a_member_removed_from_the_council_cannot_score(board):
    member = board.members[2]
    member.is_active = False
    member.save()
    refused(NotAllowed, save_sheet, actor=member.user, item=board.item1, selections=BO6_56)


def test_only_a_present_member_submits(classified, english):
    board = build_board(classified)
    board.attend(board.scorers[:4])
    absent = board.members[3]
    board.declare(absent, board.item1)
    save_sheet(actor=absent.user, item=board.item1, selections=BO6_56)  # a draft is fine
    message = refused(NotAllowed, submit_sheet, actor=absent.user, item=board.item1)
    assert message == (
        f"You are not recorded as present at session {board.session.code}: the secretary "
        "records the attendance before the members submit."
    )


def test_a_closed_session_refuses_everything(board, english):
    for seat in board.scorers:
        board.score(seat, board.item1, bo6_total(56))
        board.score(seat, board.item2, board.full(board.item2))
    close_session(actor=board.chair.user, session=board.session)
    expected = f"Session {board.session.code} is closed: nothing in it can change any more."
    member = board.members[0]
    assert (
        refused(WrongState, save_sheet, actor=member.user, item=board.item1, selections=BO6_56)
        == expected
    )
    assert refused(WrongState, submit_sheet, actor=member.user, item=board.item1) == expected
    assert (
        refused(
            WrongState, declare_conflict, actor=member.user, item=board.item1, has_conflict=False
        )
        == expected
    )


# --- drafts -------------------------------------------------------------------------------------


def test_each_answer_of_a_draft_is_checked_by_the_engine(board, english):
    member = board.members[0]
    board.declare(member, board.item1)
    errors = refused(
        ValidationError,
        save_sheet,
        actor=member.user,
        item=board.item1,
        selections={"1.1": 7, "9.9": 1, "1.2": 1},
    )
    assert errors == {
        "selections.1.1": ["7 points is not an option of criterion 1.1 (allowed: 0, 1, 2, 3)."],
        "selections.9.9": ["There is no criterion 9.9 on this scorecard."],
    }


def test_a_draft_may_be_partial_and_each_change_is_a_version(board):
    member = board.members[0]
    board.declare(member, board.item1)
    save_sheet(actor=member.user, item=board.item1, selections={"1.1": 2})
    save_sheet(actor=member.user, item=board.item1, selections={"1.1": 2})  # nothing changed
    save_sheet(
        actor=member.user,
        item=board.item1,
        selections={"1.1": 3, "1.2": 1},
        comments={"1.1": "Nguyên liệu tại địa phương"},
    )
    sheet = ScoreSheet.objects.get(member=member, item=board.item1)
    assert (sheet.version, sheet.selections, sheet.comments, sheet.total) == (
        2,
        {"1.1": 3, "1.2": 1},
        {"1.1": "Nguyên liệu tại địa phương"},
        None,
    )
    assert list(sheet.versions.values_list("version", "status", "selections")) == [
        (1, SheetStatus.DRAFT, {"1.1": 2}),
        (2, SheetStatus.DRAFT, {"1.1": 3, "1.2": 1}),
    ]


def test_submitting_needs_every_criterion(board, english):
    member = board.members[0]
    board.declare(member, board.item1)
    partial = {code: points for code, points in BO6_56.items() if code not in ("9", "10")}
    save_sheet(actor=member.user, item=board.item1, selections=partial)
    errors = refused(ValidationError, submit_sheet, actor=member.user, item=board.item1)
    assert errors == {
        "selections.9": ["Criterion 9 is missing from the sheet."],
        "selections.10": ["Criterion 10 is missing from the sheet."],
    }


def test_submitting_computes_the_total_with_the_engine(board):
    member = board.members[0]
    board.declare(member, board.item1)
    save_sheet(actor=member.user, item=board.item1, selections=BO6_56)
    sheet = submit_sheet(actor=member.user, item=board.item1)
    assert (sheet.status, sheet.total, sheet.version) == (SheetStatus.SUBMITTED, 56, 2)
    assert list(sheet.versions.values_list("version", "status", "total")) == [
        (1, SheetStatus.DRAFT, None),
        (2, SheetStatus.SUBMITTED, Decimal(56)),
    ]


def test_a_submitted_sheet_is_final_until_a_discussion_round(board, english):
    member = board.members[0]
    board.score(member, board.item1, BO6_56)
    expected = (
        f"Your sheet for dossier {board.item1.dossier.code} is submitted: it changes only when "
        "the chair reopens it in a discussion round."
    )
    assert (
        refused(
            WrongState, save_sheet, actor=member.user, item=board.item1, selections=bo6_total(60)
        )
        == expected
    )
    assert refused(WrongState, submit_sheet, actor=member.user, item=board.item1) == expected
    assert ScoreSheetVersion.objects.filter(sheet__member=member).count() == 2


def test_without_a_story_criterion_5_2_is_not_scored(board, english):
    member = board.members[0]
    board.declare(member, board.item1)
    save_sheet(actor=member.user, item=board.item1, selections=BO6_56, has_story=False)
    sheet = submit_sheet(actor=member.user, item=board.item1)
    assert ("5.2" in sheet.selections, sheet.has_story, sheet.total) == (False, False, 55)


def test_with_a_story_criterion_5_2_must_be_answered(board, english):
    member = board.members[0]
    board.declare(member, board.item1)
    without = {code: points for code, points in BO6_56.items() if code != "5.2"}
    save_sheet(actor=member.user, item=board.item1, selections=without, has_story=True)
    errors = refused(ValidationError, submit_sheet, actor=member.user, item=board.item1)
    assert errors == {"selections.5.2": ["Criterion 5.2 is missing from the sheet."]}


def test_a_stop_rule_ends_the_sheet_and_knocks_the_product_out(board):
    from ocop.evaluation.services.sessions import open_discussion_round

    stopper = board.members[0]
    board.declare(stopper, board.item1)
    save_sheet(
        actor=stopper.user, item=board.item1, selections={"1.1": 2, "6.1": 0}, knockouts=["6.1"]
    )
    sheet = submit_sheet(actor=stopper.user, item=board.item1)
    assert (sheet.knockouts, sheet.total) == (["6.1"], 2)
    for seat in board.scorers:
        if seat != stopper:
            board.score(seat, board.item1, bo6_total(56))
        board.score(seat, board.item2, board.full(board.item2))
    open_discussion_round(actor=board.chair.user, item=board.item1, reason="Tạp chất")
    for seat in board.scorers:  # nobody changes their mind
        submit_sheet(actor=seat.user, item=board.item1)
    close_session(actor=board.chair.user, session=board.session)
    board.item1.refresh_from_db()
    assert board.item1.result["knocked_out"]["code"] == "6.1"
    assert board.item1.result["knocked_out"]["members"] == [stopper.user.username]
    assert board.item1.stars == 0


def test_an_unknown_stop_rule_is_refused(board, english):
    member = board.members[0]
    board.declare(member, board.item1)
    errors = refused(
        ValidationError,
        save_sheet,
        actor=member.user,
        item=board.item1,
        selections={"1.1": 2},
        knockouts=["9.9"],
    )
    assert errors == {"knockouts": ["There is no knock-out rule 9.9 on this scorecard."]}


def test_comments_are_kept_per_criterion(board, english):
    member = board.members[0]
    board.declare(member, board.item1)
    errors = refused(
        ValidationError,
        save_sheet,
        actor=member.user,
        item=board.item1,
        selections={"1.1": 2},
        comments={"99": "?"},
    )
    assert errors == {"comments.99": ["There is no criterion 99 on this scorecard."]}


def test_alternative_cases_remember_the_option_picked(board):
    """Bộ 26 items 8, 9 and 15: two cases with the same points; the option picked is kept."""
    member = board.members[0]
    board.declare(member, board.item2)
    spec = board.spec(board.item2)
    item8 = next(c for c in spec.criteria if c.code == "8")
    position = next(i for i, o in enumerate(item8.options, start=1) if o.case == "b")
    points = item8.options[position - 1].points
    sheet = save_sheet(
        actor=member.user,
        item=board.item2,
        selections={"8": points},
        choices={"8": position},
    )
    assert (sheet.selections, sheet.choices) == ({"8": int(points)}, {"8": position})
