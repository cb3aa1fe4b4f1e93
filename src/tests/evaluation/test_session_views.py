"""The session pages: "my sessions", a session (agenda, attendance, close), an agenda item (the
declaration, the scoring form without JavaScript, the autosave endpoint, the discussion), and
query counts that do not grow with the scorecard or the agenda."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ocop.criteria.queries.specs import load_scorecard_spec
from ocop.evaluation.enums import SessionStatus, SheetStatus
from ocop.evaluation.models import ConflictDeclaration, ScoreSheet, Session
from ocop.evaluation.queries.sheet import option_values
from tests.evaluation.council_setup import BO6_56, add_items, bo6_total, build_board

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(classified):
    return build_board(classified)


def session_url(board) -> str:
    return reverse("evaluation:session", args=[board.session.code])


def item_url(board, item=None) -> str:
    item = item or board.item1
    return reverse("evaluation:session_item", args=[board.session.code, item.dossier.code])


def posted(selections: dict, *, action="save", has_story=True, number=6, **fields) -> dict:
    """The scoring form's POST body for points per criterion (the option giving them)."""
    spec = load_scorecard_spec("qd26-2026", number)
    body: dict[str, str] = {"action": action}
    if has_story:
        body["has_story"] = "on"
    for criterion in spec.criteria:
        if criterion.code not in selections:
            continue
        for value, (_position, points) in option_values(criterion).items():
            if points == selections[criterion.code]:
                body[f"c-{criterion.code}"] = value
                break
    body.update(fields)
    return body


def test_the_urls_are_vietnamese_slugs(board):
    code, dossier = board.session.code, board.item1.dossier.code
    assert reverse("evaluation:my_sessions") == "/danh-gia/phien/"
    assert session_url(board) == f"/danh-gia/phien/{code}/"
    assert item_url(board) == f"/danh-gia/phien/{code}/ho-so/{dossier}/"
    assert reverse("evaluation:rounds") == "/danh-gia/dot/"
    assert reverse("evaluation:councils") == "/danh-gia/hoi-dong/"
    assert reverse("evaluation:member_statistics") == "/danh-gia/thong-ke-thanh-vien/"


# --- my sessions and the session page ---------------------------------------------------------


def test_my_sessions_lists_the_sessions_of_my_councils(board, client_for):
    board.attend()
    board.score(board.members[0], board.item1, BO6_56)
    response = client_for(board.members[0].user).get(reverse("evaluation:my_sessions"))
    assert [(s.code, s.item_count, s.my_submitted) for s in response.context["open_sessions"]] == [
        (board.session.code, 2, 1)
    ]
    other = client_for(board.cast.commune).get(reverse("evaluation:my_sessions"))
    assert other.context["open_sessions"] == []


def test_the_menu_leads_council_members_to_their_sessions(board, client_for):
    response = client_for(board.members[0].user).get(reverse("core:home"))
    urls = [item["url"] for item in response.context["nav_menu"]]
    assert reverse("evaluation:my_sessions") in urls
    office = client_for(board.cast.office).get(reverse("core:home"))
    assert reverse("evaluation:my_sessions") not in [i["url"] for i in office.context["nav_menu"]]


@pytest.mark.parametrize(
    ("who", "attendance", "agenda", "close"),
    [
        ("chair", True, False, True),
        ("secretary", True, False, False),
        ("member", False, False, False),
        ("office", True, True, False),
        ("admin", True, True, False),
    ],
)
def test_the_session_page_offers_each_role_its_actions(
    board, client_for, who, attendance, agenda, close
):
    user = {"chair": board.chair.user, "secretary": board.secretary.user}.get(who) or getattr(
        board.cast, who
    )
    response = client_for(user).get(session_url(board))
    assert response.status_code == 200
    context = response.context
    assert (
        "attendance_form" in context,
        "agenda_form" in context,
        context["can_close"],
    ) == (attendance, agenda, close)


def test_the_secretary_records_the_attendance_on_the_page(board, client_for):
    response = client_for(board.secretary.user).post(
        reverse("evaluation:session_attendance", args=[board.session.code]),
        {"present": [seat.user.username for seat in board.scorers[:4]]},
    )
    assert response.status_code == 302
    assert board.session.present.count() == 4
    page = client_for(board.chair.user).get(session_url(board))
    quorum = page.context["quorum"]
    assert (quorum.present, quorum.active, quorum.required, quorum.met) == (4, 5, 4, True)


def test_a_member_s_attendance_post_is_refused_with_a_message(board, english_client):
    response = english_client(board.members[0].user).post(
        reverse("evaluation:session_attendance", args=[board.session.code]),
        {"present": [board.members[0].user.username]},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        "The secretary or the chair records the attendance."
    ]
    assert board.session.present.count() == 0


def test_the_chair_s_close_is_refused_without_quorum_and_shows_why(board, english_client):
    board.attend(board.scorers[:3])
    response = english_client(board.chair.user).post(
        reverse("evaluation:session_close", args=[board.session.code]), follow=True
    )
    assert [str(m) for m in response.context["messages"]] == [
        "The session has no quorum: 3 of 5 scoring members are present, and at least 4 (75%) "
        "are needed."
    ]
    assert Session.objects.get(pk=board.session.pk).status == SessionStatus.OPEN


def test_the_office_puts_a_dossier_on_the_agenda_on_the_page(classified, client_for):
    board = build_board(classified, items=1)
    from tests.factories.evaluation import accepted_dossier

    dossier = accepted_dossier(classified.product2, board.round, office=classified.office)
    page = client_for(classified.office).get(session_url(board))
    choices = [
        str(value) for value, _label in page.context["agenda_form"].fields["dossier"].choices
    ]
    assert dossier.code in choices
    response = client_for(classified.office).post(
        reverse("evaluation:session_agenda_add", args=[board.session.code]),
        {"dossier": dossier.code},
    )
    assert response.status_code == 302
    assert board.session.agenda.filter(dossier=dossier).exists()
    member_try = client_for(board.chair.user).post(
        reverse("evaluation:session_agenda_add", args=[board.session.code]),
        {"dossier": dossier.code},
    )
    assert member_try.status_code == 404


# --- the item page: declaration and scoring form ---------------------------------------------


def test_the_member_declares_first_on_the_page(board, client_for):
    board.attend()
    client = client_for(board.members[0].user)
    page = client.get(item_url(board))
    assert ("declaration_form" in page.context, page.context["scoring"]) == (True, False)
    assert 'id="sa-form"' not in page.content.decode()
    response = client.post(
        reverse(
            "evaluation:session_declaration", args=[board.session.code, board.item1.dossier.code]
        ),
        {"has_conflict": "no"},
    )
    assert response.status_code == 302
    page = client.get(item_url(board))
    assert page.context["scoring"] is True
    assert 'id="sa-form"' in page.content.decode()


def test_a_conflict_declared_on_the_page_closes_the_sheet(board, client_for):
    client = client_for(board.members[0].user)
    url = reverse(
        "evaluation:session_declaration", args=[board.session.code, board.item1.dossier.code]
    )
    missing_note = client.post(url, {"has_conflict": "yes"})
    assert missing_note.status_code == 400
    assert ConflictDeclaration.objects.count() == 0
    client.post(url, {"has_conflict": "yes", "note": "Em gái là chủ cơ sở"})
    page = client.get(item_url(board))
    assert (page.context["scoring"], page.context["mine"].conflict) == (False, True)
    refused = client.post(item_url(board), posted(BO6_56), follow=True)
    assert ScoreSheet.objects.count() == 0
    assert len(list(refused.context["messages"])) == 1


def test_the_form_saves_a_draft_without_javascript_and_shows_the_part_totals(board, client_for):
    board.attend()
    board.declare(board.members[0], board.item1)
    client = client_for(board.members[0].user)
    partial = {code: BO6_56[code] for code in ("1.1", "4.1", "6.1")}
    response = client.post(item_url(board), posted(partial, **{"comment-1.1": "Tốt"}))
    assert response.status_code == 302
    sheet = ScoreSheet.objects.get(member=board.members[0])
    assert (sheet.selections, sheet.comments, sheet.status) == (
        {"1.1": 2, "4.1": 2, "6.1": 3},
        {"1.1": "Tốt"},
        SheetStatus.DRAFT,
    )
    page = client.get(item_url(board))
    assert [(code, value) for code, _t, value, _m in page.context["part_totals"]] == [
        ("A", 2),
        ("B", 2),
        ("C", 3),
    ]
    assert (page.context["running_total"], page.context["answered"]) == (7, 3)


def test_bad_points_are_shown_next_to_the_criterion(board, client_for):
    board.declare(board.members[0], board.item1)
    body = posted({"1.1": 2})
    body["c-1.1"] = "9"  # not an option
    response = client_for(board.members[0].user).post(item_url(board), body)
    assert response.status_code == 400
    rows = [c for p in response.context["parts"] for g in p.groups for c in g.criteria]
    assert [row.code for row in rows if row.errors] == ["1.1"]


def test_submitting_without_javascript_asks_for_a_confirmation(board, client_for):
    board.attend()
    board.declare(board.members[0], board.item1)
    client = client_for(board.members[0].user)
    response = client.post(item_url(board), posted(BO6_56, action="submit"))
    assert (response.status_code, response.context["confirm_submit"]) == (200, True)
    sheet = ScoreSheet.objects.get(member=board.members[0])
    assert sheet.status == SheetStatus.DRAFT  # saved, not submitted yet
    response = client.post(item_url(board), {"action": "confirm"})
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert (sheet.status, sheet.total) == (SheetStatus.SUBMITTED, 56)


def test_with_javascript_the_confirmation_comes_with_the_submission(board, client_for):
    board.attend()
    board.declare(board.members[0], board.item1)
    response = client_for(board.members[0].user).post(
        item_url(board), posted(BO6_56, action="submit", confirmed="1")
    )
    assert response.status_code == 302
    assert ScoreSheet.objects.get(member=board.members[0]).status == SheetStatus.SUBMITTED


def test_an_incomplete_submission_keeps_the_draft_and_names_the_missing(board, client_for):
    board.attend()
    board.declare(board.members[0], board.item1)
    partial = {code: p for code, p in BO6_56.items() if code != "11"}
    response = client_for(board.members[0].user).post(
        item_url(board), posted(partial, action="submit", confirmed="1")
    )
    assert response.status_code == 400
    rows = [c for p in response.context["parts"] for g in p.groups for c in g.criteria]
    assert [row.code for row in rows if row.errors] == ["11"]
    assert ScoreSheet.objects.get(member=board.members[0]).status == SheetStatus.DRAFT


def test_the_stop_rule_checkbox(board, client_for):
    board.declare(board.members[0], board.item1)
    client = client_for(board.members[0].user)
    client.post(item_url(board), posted({"1.1": 2}, **{"ko-6.1": "on"}))
    assert ScoreSheet.objects.get(member=board.members[0]).knockouts == ["6.1"]
    page = client.get(item_url(board))
    rules = [
        rule
        for p in page.context["parts"]
        for g in p.groups
        for c in g.criteria
        for rule in c.stop_rules
    ]
    assert [(rule["code"], rule["checked"]) for rule in rules] == [("2.1", False), ("6.1", True)]


# --- the autosave endpoint ------------------------------------------------------------------


def autosave_url(board, item=None) -> str:
    item = item or board.item1
    return reverse("evaluation:sheet_autosave", args=[board.session.code, item.dossier.code])


def test_the_autosave_answers_json(board, client_for):
    board.declare(board.members[0], board.item1)
    client = client_for(board.members[0].user)
    response = client.post(autosave_url(board), posted({"1.1": 2, "4.1": 2}))
    assert response.status_code == 200
    body = response.json()
    assert (body["saved"], body["version"], body["total"], body["parts"], body["answered"]) == (
        True,
        1,
        4,
        {"A": 2, "B": 2, "C": 0},
        2,
    )
    bad = posted({"1.1": 2})
    bad["c-1.1"] = "9"
    assert client.post(autosave_url(board), bad).status_code == 422


def test_the_autosave_refuses_like_the_service(board, client_for):
    assert client_for(board.members[0].user).post(autosave_url(board), posted({})).status_code == (
        409
    )  # not declared
    assert client_for(board.secretary.user).post(autosave_url(board), posted({})).status_code == (
        403
    )
    assert client_for(board.cast.producer1).post(autosave_url(board), posted({})).status_code == (
        404
    )


# --- discussion on the page -------------------------------------------------------------------


def test_the_chair_opens_a_discussion_round_and_the_page_shows_before_and_after(board, client_for):
    board.attend()
    for seat, total in zip(board.scorers, (56, 58, 70, 57, 59), strict=True):
        board.score(seat, board.item1, bo6_total(total))
    chair = client_for(board.chair.user)
    page = chair.get(item_url(board))
    assert page.context["can_discuss"] is True
    chair.post(
        reverse(
            "evaluation:session_discussion", args=[board.session.code, board.item1.dossier.code]
        ),
        {"reason": "Chênh lệch 14 điểm"},
    )
    high = board.members[1]
    client = client_for(high.user)
    client.post(item_url(board), posted(bo6_total(64), action="submit", confirmed="1"))
    page = client.get(item_url(board))
    [discussion] = page.context["discussions"]
    rows = {row["name"]: (row["before"], row["after"]) for row in discussion.rows}
    assert rows[high.user.get_full_name()] == (70, 64)
    assert rows[board.chair.user.get_full_name()] == (56, None)


# --- query counts -----------------------------------------------------------------------------


def test_the_scoring_form_costs_the_same_whatever_the_scorecard(
    board, client_for, django_assert_num_queries
):
    """Bộ 6 (32 criteria, 104 options), bộ 26 (alternative cases), bộ 25 (25 criteria) and
    bộ 13 (34 criteria): one number of queries."""
    board.attend()
    seat = board.members[0]
    items = [board.item1, board.item2, *add_items(board, 1, "V.3"), *add_items(board, 1, "I.6")]
    assert [item.dossier.scorecard.number for item in items] == [6, 26, 25, 13]
    client = client_for(seat.user)
    counts = []
    for item in items:
        board.declare(seat, item)
        board.score(seat, item, board.full(item, "min"), submit=False)
        client.get(item_url(board, item))  # warm the spec cache
        with CaptureQueriesContext(connection) as captured:
            response = client.get(item_url(board, item))
        assert (response.status_code, response.context["scoring"]) == (200, True)
        counts.append(len(captured))
    assert counts == [counts[0]] * 4
    with django_assert_num_queries(counts[0]):
        client.get(item_url(board, board.item2))


def test_the_item_page_costs_the_same_with_more_members(classified, client_for):
    counts = []
    for number, extra in ((1, 1), (2, 6)):
        board = build_board(classified, extra_members=extra, items=1, round_number=number)
        board.attend()
        for seat in board.scorers:
            board.score(seat, board.item1, BO6_56)
        client = client_for(board.secretary.user)
        client.get(item_url(board))
        with CaptureQueriesContext(connection) as captured:
            response = client.get(item_url(board))
        assert len(response.context["columns"]) == 2 + extra
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_the_session_page_costs_the_same_for_one_or_five_items(classified, client_for):
    counts = []
    for number, extra in ((1, 0), (2, 4)):
        board = build_board(classified, items=1, round_number=number)
        add_items(board, extra)
        board.attend()
        client = client_for(board.chair.user)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(session_url(board))
        assert len(response.context["progress"].items) == 1 + extra
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_the_pages_carry_no_inline_script_or_style(board, client_for):
    board.attend()
    board.declare(board.members[0], board.item1)
    client = client_for(board.members[0].user)
    for url in (
        session_url(board),
        item_url(board),
        reverse("evaluation:my_sessions"),
        reverse("evaluation:rounds"),
        reverse("evaluation:councils"),
        reverse("evaluation:council", args=[board.council.code]),
        reverse("evaluation:round", args=[board.round.code]),
    ):
        content = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)", content), url
        assert " style=" not in content, url
    page = client.get(item_url(board)).content.decode()
    assert "js/scoring.js" in page and "js/self-assessment.js" in page


def test_the_scoring_form_costs_the_same_for_one_or_five_items_on_the_agenda(
    classified, client_for
):
    counts = []
    for number, extra in ((1, 0), (2, 4)):
        board = build_board(classified, items=1, round_number=number)
        add_items(board, extra)
        board.attend()
        seat = board.members[0]
        board.declare(seat, board.item1)
        board.score(seat, board.item1, BO6_56, submit=False)
        client = client_for(seat.user)
        client.get(item_url(board))
        with CaptureQueriesContext(connection) as captured:
            response = client.get(item_url(board))
        assert response.context["scoring"] is True
        counts.append(len(captured))
    assert counts[0] == counts[1]
