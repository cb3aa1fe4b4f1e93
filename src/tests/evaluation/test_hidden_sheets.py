"""Hidden sheets, in the pages and the API, for every role.

The setting: everyone is present; members 1 and 2 have submitted (each with a comment nobody
else may read before submitting), member 0 (the cast's member) has a draft with a comment,
member 3 declared a conflict of interest, the chair declared and has no sheet yet.
"""

from __future__ import annotations

import html
import json

import pytest
from django.urls import reverse

from ocop.evaluation.services.sessions import save_sheet
from tests.evaluation.council_setup import BO6_56, Api, bo6_total, build_board

pytestmark = pytest.mark.django_db


def secret(seat) -> str:
    return f"Nhận xét riêng của {seat.user.username}"


@pytest.fixture
def board(classified):
    board = build_board(classified)
    board.attend()
    m0, m1, m2, m3 = board.members
    for seat, total in ((m1, 60), (m2, 58)):
        board.declare(seat, board.item1)
        save_sheet(
            actor=seat.user,
            item=board.item1,
            selections=bo6_total(total),
            comments={"1.1": secret(seat)},
        )
        from ocop.evaluation.services.sessions import submit_sheet

        submit_sheet(actor=seat.user, item=board.item1)
    board.declare(m0, board.item1)
    save_sheet(actor=m0.user, item=board.item1, selections={"1.1": 2}, comments={"1.1": secret(m0)})
    board.declare(m3, board.item1, conflict=True)
    board.declare(board.chair, board.item1)
    return board


def item_url(board) -> str:
    return reverse("evaluation:session_item", args=[board.session.code, board.item1.dossier.code])


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def sheets_path(board) -> str:
    return f"/sessions/{board.session.code}/items/{board.item1.dossier.code}/sheets"


def visible_secrets(board, text: str) -> list[str]:
    return [seat.user.username for seat in board.scorers if secret(seat) in text]


# (who, usernames of the sheets they may read: by position in board.members, "chair")
CASES = [
    ("member0", ["m0"]),  # a draft: only their own
    ("member1", ["m1", "m2"]),  # submitted: the others' submitted sheets, not member 0's draft
    ("member3", []),  # a conflict of interest: nothing
    ("chair", []),  # not submitted yet: nothing (the progress only)
    ("secretary", ["m0", "m1", "m2"]),  # officials see every sheet
    ("office", ["m0", "m1", "m2"]),
    ("admin", ["m0", "m1", "m2"]),
]


def who(board, name):
    if name.startswith("member"):
        return board.members[int(name[-1])].user
    if name == "chair":
        return board.chair.user
    if name == "secretary":
        return board.secretary.user
    return getattr(board.cast, name)


def usernames(board, keys) -> list[str]:
    seats = {f"m{i}": seat for i, seat in enumerate(board.members)}
    return sorted(seats[key].user.username for key in keys)


@pytest.mark.parametrize(("name", "keys"), CASES)
def test_the_page_shows_only_the_sheets_one_may_read(board, client_for, name, keys):
    response = client_for(who(board, name)).get(item_url(board))
    assert response.status_code == 200
    assert sorted(visible_secrets(board, page_text(response))) == usernames(board, keys)


@pytest.mark.parametrize(("name", "keys"), CASES)
def test_the_api_returns_only_the_sheets_one_may_read(board, name, keys):
    response = Api(who(board, name)).get(sheets_path(board))
    assert response.status_code == 200
    assert sorted(sheet["member"] for sheet in response.json()) == usernames(board, keys)
    text = json.dumps(response.json(), ensure_ascii=False)
    assert sorted(visible_secrets(board, text)) == usernames(board, keys)


@pytest.mark.parametrize(
    "name",
    ["producer1", "producer1_staff", "producer2", "commune", "approver", "buyer", "outsider"],
)
def test_people_outside_the_council_get_404_everywhere(board, client_for, name):
    user = getattr(board.cast, name)
    client = client_for(user)
    session_url = reverse("evaluation:session", args=[board.session.code])
    for url in (session_url, item_url(board)):
        assert client.get(url).status_code == 404, url
    api = Api(user)
    for path in (
        f"/sessions/{board.session.code}",
        f"/sessions/{board.session.code}/items/{board.item1.dossier.code}",
        sheets_path(board),
        f"/sessions/{board.session.code}/items/{board.item1.dossier.code}/sheet",
    ):
        response = api.get(path)
        assert (response.status_code, response["Content-Type"]) == (
            404,
            "application/problem+json",
        ), path
    assert api.get("/sessions").json()["items"] == []


def test_a_member_of_another_council_gets_404(board, client_for):
    from tests.factories.evaluation import session_council, session_council_user

    stranger = session_council_user()
    session_council(chair=stranger, name="Hội đồng quận khác")
    assert client_for(stranger).get(item_url(board)).status_code == 404
    response = Api(stranger).put(
        f"/sessions/{board.session.code}/items/{board.item1.dossier.code}/sheet",
        {"selections": BO6_56},
    )
    assert response.status_code == 404


def test_after_submitting_the_member_sees_the_others(board, client_for):
    from ocop.evaluation.services.sessions import submit_sheet

    m0 = board.members[0]
    save_sheet(actor=m0.user, item=board.item1, selections=BO6_56, comments={"1.1": secret(m0)})
    submit_sheet(actor=m0.user, item=board.item1)
    response = client_for(m0.user).get(item_url(board))
    assert sorted(visible_secrets(board, page_text(response))) == usernames(
        board, ["m0", "m1", "m2"]
    )
    names = [column.name for column in response.context["columns"]]
    assert sorted(names) == sorted(board.members[i].user.get_full_name() for i in (0, 1, 2))


def test_the_session_page_shows_progress_but_no_points(board, client_for):
    for name in ("member0", "chair", "member3"):
        response = client_for(who(board, name)).get(
            reverse("evaluation:session", args=[board.session.code])
        )
        text = page_text(response)
        assert visible_secrets(board, text) == []
        states = {
            m.seat.user.username: m.state for m in response.context["progress"].items[0].members
        }
        assert states == {
            board.chair.user.username: "declared",
            board.members[0].user.username: "draft",
            board.members[1].user.username: "submitted",
            board.members[2].user.username: "submitted",
            board.members[3].user.username: "conflict",
        }


def test_a_member_s_own_sheet_in_the_api_before_any_save(board):
    response = Api(board.chair.user).get(
        f"/sessions/{board.session.code}/items/{board.item1.dossier.code}/sheet"
    )
    assert response.status_code == 200
    assert (
        response.json()["status"],
        response.json()["version"],
        response.json()["selections"],
    ) == (
        "draft",
        0,
        {},
    )
    secretary = Api(board.secretary.user).get(
        f"/sessions/{board.session.code}/items/{board.item1.dossier.code}/sheet"
    )
    assert secretary.status_code == 404


def test_the_sheet_loader_follows_the_same_rule(board):
    from django.http import Http404

    from ocop.evaluation.queries.sessions import access_sheet
    from ocop.evaluation.services.sessions import submit_sheet

    m0, m1 = board.members[0], board.members[1]
    code, dossier = board.session.code, board.item1.dossier.code
    assert access_sheet(m0.user, code, dossier, m0.user.username).member == m0
    with pytest.raises(Http404):
        access_sheet(m0.user, code, dossier, m1.user.username)
    save_sheet(actor=m0.user, item=board.item1, selections=BO6_56)
    submit_sheet(actor=m0.user, item=board.item1)
    assert access_sheet(m0.user, code, dossier, m1.user.username).member == m1
    for user in (board.cast.producer1, board.members[3].user):
        with pytest.raises(Http404):
            access_sheet(user, code, dossier, m1.user.username)
