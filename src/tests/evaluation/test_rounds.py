"""Evaluation rounds: created by the office with the procedure calendar's deadlines, one
transition function, and their pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ocop.core.models import ActivityLog
from ocop.criteria.models import CriteriaSet
from ocop.evaluation.enums import Level, RoundStatus
from ocop.evaluation.models import Round
from ocop.evaluation.services.refusals import NotAllowed, WrongState
from ocop.evaluation.services.rounds import change_round_status, create_round, round_calendar
from tests.evaluation.council_setup import build_board, database_state
from tests.factories.criteria import CriteriaSetFactory
from tests.factories.evaluation import session_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def qd26_set(qd26):
    return CriteriaSet.objects.get(code="qd26-2026")


def test_the_calendar_of_qd26():
    assert round_calendar("qd26-2026-two-level", Level.PROVINCE, 1, 2026) == (
        dt.date(2026, 4, 30),
        dt.date(2026, 6, 30),
    )
    assert round_calendar("qd26-2026-two-level", Level.CENTRAL, 1, 2026) == (
        dt.date(2026, 7, 30),
        dt.date(2026, 9, 30),
    )
    assert round_calendar("qd26-2026-two-level", Level.PROVINCE, 3, 2026) == (None, None)
    assert round_calendar("qd148-2023-three-level", Level.PROVINCE, 1, 2024) == (None, None)
    assert round_calendar("no-such-profile", Level.PROVINCE, 1, 2024) == (None, None)


def test_the_office_creates_a_round_with_the_calendar_s_deadlines(cast, qd26_set, english):
    round_ = create_round(
        actor=cast.office, year=2026, number=1, level=Level.PROVINCE, criteria_set=qd26_set
    )
    assert (
        round_.name,
        round_.proposal_deadline,
        round_.evaluation_deadline,
        round_.status,
    ) == ("Round 1 of 2026", dt.date(2026, 4, 30), dt.date(2026, 6, 30), RoundStatus.PLANNED)
    entry = ActivityLog.objects.get(action="evaluation.round.create")
    assert entry.data["new"]["criteria_set"] == "qd26-2026"


def test_given_deadlines_win(cast, qd26_set):
    round_ = create_round(
        actor=cast.office,
        year=2026,
        number=3,
        level=Level.PROVINCE,
        criteria_set=qd26_set,
        proposal_deadline=dt.date(2026, 8, 1),
        evaluation_deadline=dt.date(2026, 9, 1),
        name="Đợt bổ sung",
    )
    assert (round_.name, round_.proposal_deadline, round_.evaluation_deadline) == (
        "Đợt bổ sung",
        dt.date(2026, 8, 1),
        dt.date(2026, 9, 1),
    )


def test_a_round_number_is_unique_per_year_and_level(cast, qd26_set):
    create_round(actor=cast.office, year=2026, number=1, level="province", criteria_set=qd26_set)
    with pytest.raises(ValidationError) as caught:
        create_round(
            actor=cast.office, year=2026, number=1, level="province", criteria_set=qd26_set
        )
    assert list(caught.value.message_dict) == ["number"]
    central = create_round(
        actor=cast.office, year=2026, number=1, level="central", criteria_set=qd26_set
    )
    assert central.level == "central"


def test_bad_input_is_refused(cast, qd26_set):
    draft = CriteriaSetFactory(status="draft")
    with pytest.raises(ValidationError) as caught:
        create_round(actor=cast.office, year=1990, number=0, level="nowhere", criteria_set=draft)
    assert sorted(caught.value.message_dict) == ["criteria_set", "level", "number", "year"]
    with pytest.raises(ValidationError) as caught:
        create_round(
            actor=cast.office,
            year=2026,
            number=1,
            level="province",
            criteria_set=qd26_set,
            proposal_deadline=dt.date(2026, 6, 1),
            evaluation_deadline=dt.date(2026, 5, 1),
        )
    assert list(caught.value.message_dict) == ["evaluation_deadline"]


@pytest.mark.parametrize("who", ["chair", "member", "commune", "approver", "producer1"])
def test_only_the_office_creates_rounds(cast, qd26_set, who):
    with pytest.raises(NotAllowed):
        create_round(
            actor=getattr(cast, who), year=2026, number=1, level="province", criteria_set=qd26_set
        )
    assert Round.objects.count() == 0


def test_the_one_transition(cast, qd26_set, english):
    round_ = session_round(qd26_set, status=RoundStatus.PLANNED)
    before = database_state()
    with pytest.raises(WrongState) as caught:
        change_round_status(actor=cast.office, round=round_, to=RoundStatus.CLOSED)
    assert caught.value.text == "A round cannot go from “planned” to “closed”."
    assert database_state() == before
    for status in (RoundStatus.OPEN, RoundStatus.SCORING, RoundStatus.CLOSED):
        change_round_status(actor=cast.office, round=round_, to=status)
    round_.refresh_from_db()
    assert round_.status == RoundStatus.CLOSED
    assert list(
        ActivityLog.objects.filter(action__startswith="evaluation.round.")
        .order_by("id")
        .values_list("action", flat=True)
    ) == [
        "evaluation.round.open",
        "evaluation.round.start_scoring",
        "evaluation.round.close",
    ]


def test_a_round_does_not_close_with_an_open_session(classified, english):
    board = build_board(classified, items=1)
    change_round_status(actor=classified.office, round=board.round, to=RoundStatus.SCORING)
    with pytest.raises(WrongState) as caught:
        change_round_status(actor=classified.office, round=board.round, to=RoundStatus.CLOSED)
    assert caught.value.text == "The round cannot close while 1 of its sessions is still open."


# --- pages --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status", "form"),
    [
        ("office", 200, True),
        ("admin", 200, True),
        ("commune", 200, False),
        ("chair", 200, False),
        ("approver", 200, False),
        ("producer1", 404, False),
        ("buyer", 404, False),
        ("outsider", 404, False),
    ],
)
def test_the_rounds_page(cast, qd26_set, client_for, who, status, form):
    session_round(qd26_set)
    response = client_for(getattr(cast, who)).get(reverse("evaluation:rounds"))
    assert response.status_code == status
    if status == 200:
        assert (response.context["form"] is not None) is form
        assert len(response.context["rounds"]) == 1


def test_the_office_creates_a_round_on_the_page(cast, qd26_set, client_for):
    response = client_for(cast.office).post(
        reverse("evaluation:rounds"),
        {"year": 2026, "number": 2, "level": "province", "criteria_set": "qd26-2026"},
    )
    round_ = Round.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("evaluation:round", args=[round_.code])
    assert round_.proposal_deadline == dt.date(2026, 10, 30)


def test_a_member_cannot_post_a_round(cast, qd26_set, client_for):
    response = client_for(cast.chair).post(
        reverse("evaluation:rounds"),
        {"year": 2026, "number": 2, "level": "province", "criteria_set": "qd26-2026"},
    )
    assert response.status_code == 404
    assert Round.objects.count() == 0


def test_the_office_moves_a_round_on_its_page(cast, qd26_set, client_for):
    round_ = session_round(qd26_set, status=RoundStatus.PLANNED)
    client = client_for(cast.office)
    page = client.get(reverse("evaluation:round", args=[round_.code]))
    assert [status for status, _label in page.context["moves"]] == [RoundStatus.OPEN]
    response = client.post(reverse("evaluation:round_status", args=[round_.code]), {"to": "open"})
    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.status == RoundStatus.OPEN
    refused = client_for(cast.chair).post(
        reverse("evaluation:round_status", args=[round_.code]), {"to": "scoring"}
    )
    assert refused.status_code == 404


@pytest.mark.parametrize("count", [1, 5])
def test_the_rounds_list_costs_the_same(
    cast, qd26_set, client_for, django_assert_num_queries, count
):
    for number in range(count):
        session_round(qd26_set, number=number + 1)
    client = client_for(cast.office)
    # session, user, memberships, rounds (one query with counts), criteria sets of the form
    with django_assert_num_queries(5):
        response = client.get(reverse("evaluation:rounds"))
    assert len(response.context["rounds"]) == count
