"""/api/v1/rounds and /api/v1/sessions: the same rules as the pages, a member scores through the
API too. 404 for what one may not see, 403 and 409 problem details for refusals (the message in
`detail`), 422 for the engine's errors naming the criterion."""

from __future__ import annotations

import pytest

from ocop.evaluation.enums import DossierStatus, RoundStatus, SessionStatus
from ocop.evaluation.models import Round, ScoreSheet, Session
from tests.evaluation.council_setup import BO6_56, Api, bo6_total, build_board, database_state
from tests.factories.evaluation import session_round

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


@pytest.fixture
def board(classified):
    return build_board(classified)


def item_path(board, item=None) -> str:
    item = item or board.item1
    return f"/sessions/{board.session.code}/items/{item.dossier.code}"


def problem(response) -> tuple[int, str, str]:
    body = response.json()
    assert response["Content-Type"] == PROBLEM
    return response.status_code, body["type"].rsplit("/", 1)[-1], body.get("detail", "")


# --- rounds -------------------------------------------------------------------------------------


def test_the_office_creates_a_round_with_the_calendar_s_deadlines(classified):
    response = Api(classified.office).post(
        "/rounds", {"year": 2027, "number": 2, "criteria_set": "qd26-2026"}
    )
    assert response.status_code == 201
    body = response.json()
    assert {k: body[k] for k in ("year", "number", "level", "criteria_set", "status")} == {
        "year": 2027,
        "number": 2,
        "level": "province",
        "criteria_set": "qd26-2026",
        "status": "planned",
    }
    assert (body["proposal_deadline"], body["evaluation_deadline"]) == ("2027-10-30", "2027-12-30")


def test_a_member_cannot_create_a_round(classified):
    response = Api(classified.member).post(
        "/rounds", {"year": 2027, "number": 1, "criteria_set": "qd26-2026"}
    )
    assert problem(response) == (
        403,
        "forbidden",
        "Only the provincial OCOP office manages rounds, councils and agendas.",
    )
    assert Round.objects.count() == 0


def test_a_round_moves_one_step_at_a_time(classified):
    round_ = session_round(
        classified_set(), number=1, status=RoundStatus.PLANNED
    )  # planned → open → scoring → closed
    api = Api(classified.office)
    response = api.post(f"/rounds/{round_.code}/status", {"to": "scoring"})
    assert problem(response) == (409, "conflict", "A round cannot go from “planned” to “scoring”.")
    response = api.post(f"/rounds/{round_.code}/status", {"to": "open"})
    assert (response.status_code, response.json()["status"]) == (200, "open")


def classified_set():
    from ocop.criteria.models import CriteriaSet

    return CriteriaSet.objects.get(code="qd26-2026")


@pytest.mark.parametrize("count", [1, 4])
def test_the_rounds_list_costs_the_same_for_one_or_many(
    classified, django_assert_num_queries, count
):
    for number in range(1, count + 1):
        session_round(classified_set(), number=number)
    api = Api(classified.office)
    # token, memberships, count, page
    with django_assert_num_queries(5):
        response = api.get("/rounds")
    assert response.json()["count"] == count


def test_rounds_are_not_for_producers(board):
    assert Api(board.cast.producer1).get("/rounds").json()["items"] == []
    assert Api(board.cast.producer1).get(f"/rounds/{board.round.code}").status_code == 404


# --- sessions -------------------------------------------------------------------------------


def test_a_member_lists_their_sessions_and_reads_the_agenda(board):
    api = Api(board.members[0].user)
    listed = api.get("/sessions").json()
    assert [s["code"] for s in listed["items"]] == [board.session.code]
    assert listed["items"][0]["items"] == 2
    detail = api.get(f"/sessions/{board.session.code}").json()
    assert detail["quorum"] == {
        "active": 5,
        "present": 0,
        "required": 4,
        "ratio": 0.75,
        "chair_required": True,
        "chair_present": False,
        "met": False,
    }
    assert [item["dossier"] for item in detail["agenda"]] == [
        board.item1.dossier.code,
        board.item2.dossier.code,
    ]
    assert [m["state"] for m in detail["agenda"][0]["members"]] == ["absent"] * 5


@pytest.mark.parametrize("count", [1, 3])
def test_the_sessions_list_costs_the_same_for_one_or_many(
    classified, django_assert_num_queries, count
):
    board = build_board(classified, items=1)
    import datetime as dt

    from ocop.evaluation.services.sessions import create_session

    for day in range(count - 1):
        create_session(
            actor=classified.office,
            council=board.council,
            round=board.round,
            held_on=dt.date(2026, 6, 20 + day),
        )
    api = Api(board.members[0].user)
    with django_assert_num_queries(5):
        response = api.get("/sessions")
    assert response.json()["count"] == count


def test_the_whole_session_through_the_api(board):
    secretary = Api(board.secretary.user)
    everyone = [seat.user.username for seat in board.scorers]
    response = secretary.post(f"/sessions/{board.session.code}/attendance", {"present": everyone})
    assert (response.status_code, response.json()["quorum"]["met"]) == (200, True)

    for seat, total in zip(board.scorers, (56, 58, 60, 57, 59), strict=True):
        api = Api(seat.user)
        for item, sheet in (
            (board.item1, bo6_total(total)),
            (board.item2, board.full(board.item2)),
        ):
            declared = api.post(item_path(board, item) + "/declaration", {"has_conflict": False})
            assert declared.status_code == 200
            saved = api.put(item_path(board, item) + "/sheet", {"selections": sheet})
            assert (saved.status_code, saved.json()["status"]) == (200, "draft")
            submitted = api.post(item_path(board, item) + "/sheet/submit")
            assert (submitted.status_code, submitted.json()["status"]) == (200, "submitted")
    assert Api(board.chair.user).get(item_path(board)).json()["complete"] is True

    response = Api(board.chair.user).post(f"/sessions/{board.session.code}/close")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == SessionStatus.CLOSED
    assert body["agenda"][0]["result"] == {"mean_total": 58, "stars": 3, "band_stars": 3}
    board.item1.dossier.refresh_from_db()
    assert board.item1.dossier.status == DossierStatus.SCORED


def test_an_engine_error_names_the_criterion(board):
    board.attend()
    api = Api(board.members[0].user)
    api.post(item_path(board) + "/declaration", {"has_conflict": False})
    response = api.put(item_path(board) + "/sheet", {"selections": {"1.1": 5}})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "selections.1.1",
            "message": "5 points is not an option of criterion 1.1 (allowed: 0, 1, 2, 3).",
        }
    ]
    response = api.post(item_path(board) + "/sheet/submit")
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {
        f"selections.{code}" for code in BO6_56
    }


def test_refusals_are_problem_details(board):
    board.attend(board.scorers[:4])
    member = Api(board.members[0].user)
    assert problem(member.put(item_path(board) + "/sheet", {"selections": BO6_56})) == (
        409,
        "conflict",
        f"Declare first whether you have a conflict of interest with dossier "
        f"{board.item1.dossier.code}: its sheet opens after the declaration.",
    )
    conflicted = Api(board.members[1].user)
    conflicted.post(
        item_path(board) + "/declaration", {"has_conflict": True, "note": "Anh ruột chủ thể"}
    )
    assert problem(conflicted.put(item_path(board) + "/sheet", {"selections": BO6_56})) == (
        403,
        "forbidden",
        f"You declared a conflict of interest with dossier {board.item1.dossier.code}: you "
        "cannot score it.",
    )
    secretary = Api(board.secretary.user)
    assert problem(secretary.post(item_path(board) + "/declaration", {"has_conflict": False})) == (
        403,
        "forbidden",
        "The secretary keeps the minutes and does not score.",
    )
    absent = Api(board.members[3].user)
    absent.post(item_path(board) + "/declaration", {"has_conflict": False})
    absent.put(item_path(board) + "/sheet", {"selections": BO6_56})
    assert problem(absent.post(item_path(board) + "/sheet/submit"))[:2] == (403, "forbidden")
    chair = Api(board.chair.user)
    before = database_state()
    assert problem(member.post(f"/sessions/{board.session.code}/close")) == (
        403,
        "forbidden",
        "Only the chair of the council closes the session.",
    )
    assert problem(chair.post(f"/sessions/{board.session.code}/close"))[:2] == (409, "conflict")
    assert database_state() == before


def test_quorum_refusal_names_the_numbers(board):
    board.attend(board.scorers[:3])
    response = Api(board.chair.user).post(f"/sessions/{board.session.code}/close")
    assert problem(response) == (
        409,
        "conflict",
        "The session has no quorum: 3 of 5 scoring members are present, and at least 4 (75%) "
        "are needed.",
    )
    assert Session.objects.get(pk=board.session.pk).status == SessionStatus.OPEN


def test_double_submission_and_the_closed_session_are_conflicts(board):
    board.attend()
    api = Api(board.members[0].user)
    api.post(item_path(board) + "/declaration", {"has_conflict": False})
    api.put(item_path(board) + "/sheet", {"selections": BO6_56})
    assert api.post(item_path(board) + "/sheet/submit").status_code == 200
    assert problem(api.post(item_path(board) + "/sheet/submit"))[:2] == (409, "conflict")
    assert ScoreSheet.objects.get(member=board.members[0]).versions.count() == 2


def test_the_chair_opens_a_discussion_round_through_the_api(board):
    board.attend()
    for seat, total in zip(board.scorers, (56, 58, 70, 57, 59), strict=True):
        board.score(seat, board.item1, bo6_total(total))
    assert problem(
        Api(board.members[0].user).post(item_path(board) + "/discussion", {"reason": "Lệch"})
    ) == (403, "forbidden", "Only the chair of the council opens a discussion round.")
    response = Api(board.chair.user).post(
        item_path(board) + "/discussion", {"reason": "Chênh lệch 14 điểm"}
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["number"], body["spread_before"], sorted(body["reopened"])) == (
        1,
        14,
        sorted(seat.user.username for seat in board.scorers),
    )
    mine = Api(board.members[1].user).get(item_path(board) + "/sheet").json()
    assert (mine["status"], mine["total"]) == ("reopened", 70)
