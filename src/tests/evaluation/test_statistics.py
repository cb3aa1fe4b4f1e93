"""Spread statistics per member across closed sessions (a member always far from the others
shows up), per item, and the officials' page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ocop.evaluation.models import Council
from ocop.evaluation.queries.statistics import member_statistics, statistics_councils
from ocop.evaluation.services.sessions import close_session
from tests.evaluation.council_setup import bo6_total, build_board

pytestmark = pytest.mark.django_db

TOTALS = (56, 58, 60, 57, 59)  # chair, members 0–3; the mean is 58


def closed_board(cast, round_number=1, totals=TOTALS):
    board = build_board(cast, round_number=round_number)
    board.attend()
    for seat, total in zip(board.scorers, totals, strict=True):
        board.score(seat, board.item1, bo6_total(total))
        board.score(seat, board.item2, board.full(board.item2))  # everyone 100: no spread
    close_session(actor=board.chair.user, session=board.session)
    return board


def test_the_statistics_of_one_closed_session(classified):
    board = closed_board(classified)
    stats = member_statistics(Council.objects.all())
    rows = {
        m.username: (m.sheets, m.mean_deviation, m.farthest, m.departments) for m in stats.members
    }
    chair, m0, m1, m2, m3 = board.scorers
    assert rows == {
        chair.user.username: (2, Decimal("1.00"), 1, [chair.department]),
        m0.user.username: (2, Decimal("0.00"), 0, [m0.department]),
        m1.user.username: (2, Decimal("1.00"), 1, [m1.department]),
        m2.user.username: (2, Decimal("0.50"), 0, [m2.department]),
        m3.user.username: (2, Decimal("0.50"), 0, [m3.department]),
    }
    assert {m.username for m in stats.members[:2]} == {chair.user.username, m1.user.username}
    first = next(item for item in stats.items if item.dossier == board.item1.dossier.code)
    assert (first.count, first.lowest, first.highest, first.spread, first.mean) == (
        5,
        Decimal(56),
        Decimal(60),
        Decimal(4),
        Decimal("58.00"),
    )


def test_an_outlier_shows_up_at_the_top(classified):
    board = closed_board(classified, totals=(56, 58, 64, 57, 59))
    open_board = build_board(classified, round_number=2)  # open sessions do not count
    open_board.attend()
    open_board.score(open_board.members[0], open_board.item1, bo6_total(90))
    stats = member_statistics(Council.objects.all())
    top = stats.members[0]
    assert (top.username, top.farthest) == (board.members[1].user.username, 1)
    assert sum(m.sheets for m in stats.members) == 10


def test_who_reads_the_statistics(classified):
    closed_board(classified)
    assert statistics_councils(classified.office).count() == 1
    assert statistics_councils(classified.admin).count() == 1
    assert statistics_councils(classified.chair).count() == 1
    for name in ("member", "commune", "producer1", "approver", "outsider"):
        assert statistics_councils(getattr(classified, name)) is None


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("office", 200),
        ("admin", 200),
        ("chair", 200),
        ("member", 404),
        ("producer1", 404),
        ("buyer", 404),
    ],
)
def test_the_statistics_page(classified, client_for, who, status):
    closed_board(classified)
    response = client_for(getattr(classified, who)).get(reverse("evaluation:member_statistics"))
    assert response.status_code == status
    if status == 200:
        assert len(response.context["stats"].members) == 5


def test_a_chair_sees_only_the_councils_they_chair(classified, client_for):
    closed_board(classified)
    from ocop.accounts.enums import Role
    from tests.factories.evaluation import session_council, session_council_user

    session_council(chair=session_council_user(Role.COUNCIL_CHAIR), name="Hội đồng khác")
    response = client_for(classified.chair).get(reverse("evaluation:member_statistics"))
    assert [c.name for c in response.context["councils"]] == [
        "Hội đồng đánh giá, phân hạng sản phẩm OCOP cấp thành phố"
    ]


def test_the_statistics_page_costs_the_same_for_one_or_two_sessions(classified, client_for):
    closed_board(classified)
    client = client_for(classified.office)
    url = reverse("evaluation:member_statistics")
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    closed_board(classified, round_number=2)
    with CaptureQueriesContext(connection) as two:
        response = client.get(url)
    assert len(response.context["stats"].items) == 4
    assert len(one) == len(two)
