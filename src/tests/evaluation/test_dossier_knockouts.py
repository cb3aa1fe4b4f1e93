"""Knock-outs of the whole dossier ("Hồ sơ bị loại khi: giả mạo hồ sơ …"): the secretary or the
chair records them on an agenda item, the engine applies them when the session closes."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ocop.core.models import ActivityLog
from ocop.evaluation.enums import DossierStatus
from ocop.evaluation.models import SessionDossier
from ocop.evaluation.queries.results import dossier_result
from ocop.evaluation.services.refusals import NotAllowed, WrongState
from ocop.evaluation.services.sessions import close_session, record_dossier_knockouts
from tests.evaluation.council_setup import bo6_total, build_board, database_state

pytestmark = pytest.mark.django_db
FORGED = "Giấy chứng nhận an toàn thực phẩm trong hồ sơ là giả."


@pytest.fixture
def board(classified):
    board = build_board(classified)
    board.attend()
    return board


def score_everything(board):
    for seat, total in zip(board.scorers, (80, 82, 81, 79, 83), strict=True):
        board.score(seat, board.item1, bo6_total(total))
        board.score(seat, board.item2, board.full(board.item2, "max"))


def refused(kind, **kwargs):
    before = database_state()
    with pytest.raises(kind) as caught:
        record_dossier_knockouts(**kwargs)
    assert database_state() == before
    return caught.value


def test_closing_with_a_recorded_knockout_stores_knocked_out_and_no_star(board):
    record_dossier_knockouts(
        actor=board.secretary.user, item=board.item1, knockouts={"dossier": FORGED}
    )
    score_everything(board)
    close_session(actor=board.chair.user, session=board.session)
    item = SessionDossier.objects.get(pk=board.item1.pk)
    assert item.stars == 0
    assert item.result["stars"] == 0
    assert item.result["knocked_out"]["code"] == "dossier"
    assert item.result["knocked_out"]["scope"] == "dossier"
    assert item.result["knocked_out"]["members"] == []
    assert item.result["mean_total"] == 81  # still computed, for transparency
    assert item.dossier.status == DossierStatus.SCORED
    other = SessionDossier.objects.get(pk=board.item2.pk)  # the other item is not touched
    assert (other.result["knocked_out"], other.stars) == (None, 5)
    # The officials' result page says which rule and what the council found.
    shown = dossier_result(board.cast.office, item.dossier)
    assert shown.stars == 0
    assert shown.knocked_out.endswith(f"({FORGED})")


def test_the_minutes_say_what_the_council_found(board, client_for):
    from tests.evaluation.test_pdf import squeeze, text_of

    record_dossier_knockouts(
        actor=board.secretary.user, item=board.item1, knockouts={"dossier": FORGED}
    )
    score_everything(board)
    close_session(actor=board.chair.user, session=board.session)
    response = client_for(board.cast.office).get(
        reverse("evaluation:minutes_pdf", args=[board.session.code])
    )
    assert response.status_code == 200
    assert f"({FORGED})" in squeeze(text_of(response.content))


def test_the_secretary_records_and_the_chair_clears(board):
    item = record_dossier_knockouts(
        actor=board.secretary.user, item=board.item1, knockouts={"dossier": f"  {FORGED} "}
    )
    (entry,) = SessionDossier.objects.get(pk=item.pk).dossier_knockouts
    assert (entry["code"], entry["reason"], entry["by"]) == (
        "dossier",
        FORGED,
        board.secretary.user.username,
    )
    log = ActivityLog.objects.get(action="evaluation.session.dossier_knockouts")
    assert log.data["new"] == {"dossier_knockouts": [{"code": "dossier", "reason": FORGED}]}
    # Recording the same again changes nothing and writes nothing.
    record_dossier_knockouts(
        actor=board.chair.user, item=board.item1, knockouts={"dossier": FORGED}
    )
    assert ActivityLog.objects.filter(action="evaluation.session.dossier_knockouts").count() == 1
    record_dossier_knockouts(actor=board.chair.user, item=board.item1, knockouts={})
    assert SessionDossier.objects.get(pk=item.pk).dossier_knockouts == []
    score_everything(board)
    close_session(actor=board.chair.user, session=board.session)
    assert SessionDossier.objects.get(pk=item.pk).result["knocked_out"] is None


def test_only_the_secretary_or_the_chair_records_it(board, english):
    for user in (board.members[0].user, board.cast.office, board.cast.producer1):
        error = refused(NotAllowed, actor=user, item=board.item1, knockouts={"dossier": FORGED})
        assert error.text == "The secretary or the chair records a knock-out of the whole dossier."


def test_a_rule_of_the_whole_dossier_with_a_reason(board, english):
    error = refused(
        ValidationError, actor=board.secretary.user, item=board.item1, knockouts={"6.1": FORGED}
    )
    assert error.message_dict == {
        "knockouts": ["There is no knock-out rule 6.1 for the whole dossier on this scorecard."]
    }
    error = refused(
        ValidationError, actor=board.secretary.user, item=board.item1, knockouts={"dossier": " "}
    )
    assert error.message_dict == {
        "reason": ["Say why the dossier is knocked out (what the council found)."]
    }


def test_a_closed_session_refuses_it(board):
    score_everything(board)
    close_session(actor=board.chair.user, session=board.session)
    refused(WrongState, actor=board.chair.user, item=board.item1, knockouts={"dossier": FORGED})


# --- the page --------------------------------------------------------------------------------


def _url(board, name="evaluation:session_dossier_knockouts"):
    return reverse(name, kwargs={"code": board.session.code, "dossier": board.item1.dossier.code})


def test_the_secretary_records_it_on_the_item_page(board, english_client):
    client = english_client(board.secretary.user)
    page = client.get(_url(board, "evaluation:session_item")).content.decode()
    assert "Record a knock-out of the whole dossier" in page
    response = client.post(_url(board), {"knockout-rule": "dossier", "knockout-reason": FORGED})
    assert response.status_code == 302
    assert response["Location"].endswith("#loai-ho-so")
    assert SessionDossier.objects.get(pk=board.item1.pk).dossier_knockouts[0]["reason"] == FORGED
    page = client.get(_url(board, "evaluation:session_item")).content.decode()
    assert FORGED in page
    assert "Remove the knock-out" in page
    session_page = client.get(
        reverse("evaluation:session", kwargs={"code": board.session.code})
    ).content.decode()
    assert "knock-out of the whole dossier recorded" in session_page
    client.post(_url(board), {"action": "clear"})
    assert SessionDossier.objects.get(pk=board.item1.pk).dossier_knockouts == []


def test_the_form_needs_a_reason(board, english_client):
    client = english_client(board.chair.user)
    response = client.post(_url(board), {"knockout-rule": "dossier", "knockout-reason": ""})
    assert response.status_code == 400
    assert SessionDossier.objects.get(pk=board.item1.pk).dossier_knockouts == []


def test_a_member_sees_it_but_cannot_record_it(board, english_client):
    record_dossier_knockouts(
        actor=board.secretary.user, item=board.item1, knockouts={"dossier": FORGED}
    )
    client = english_client(board.members[0].user)
    page = client.get(_url(board, "evaluation:session_item")).content.decode()
    assert FORGED in page
    assert "Record a knock-out of the whole dossier" not in page
    response = client.post(_url(board), {"action": "clear"})
    assert response.status_code == 302
    assert SessionDossier.objects.get(pk=board.item1.pk).dossier_knockouts != []


def test_people_outside_the_council_get_404(board, client_for):
    for user in (board.cast.producer1, board.cast.commune, board.cast.buyer):
        response = client_for(user).post(
            _url(board), {"knockout-rule": "dossier", "knockout-reason": FORGED}
        )
        assert response.status_code == 404
    assert SessionDossier.objects.get(pk=board.item1.pk).dossier_knockouts == []


# --- the API ---------------------------------------------------------------------------------


def _api_path(board):
    return f"/sessions/{board.session.code}/items/{board.item1.dossier.code}/dossier-knockouts"


def test_the_secretary_records_it_through_the_api(board):
    from tests.evaluation.council_setup import Api

    api = Api(board.secretary.user)
    response = api.put(_api_path(board), {"knockouts": [{"code": "dossier", "reason": FORGED}]})
    assert response.status_code == 200
    body = response.json()
    assert body["dossier"] == board.item1.dossier.code
    assert [(k["code"], k["reason"], k["by"]) for k in body["knockouts"]] == [
        ("dossier", FORGED, board.secretary.user.username)
    ]
    session = api.get(f"/sessions/{board.session.code}").json()
    codes = {item["dossier"]: item["dossier_knockouts"] for item in session["agenda"]}
    assert codes == {board.item1.dossier.code: ["dossier"], board.item2.dossier.code: []}


def test_the_api_refuses_a_member_and_hides_it_from_outsiders(board):
    from tests.evaluation.council_setup import Api

    body = {"knockouts": [{"code": "dossier", "reason": FORGED}]}
    response = Api(board.members[0].user).put(_api_path(board), body)
    assert (response.status_code, response.json()["type"].rsplit("/", 1)[-1]) == (403, "forbidden")
    assert Api(board.cast.producer1).put(_api_path(board), body).status_code == 404
    response = Api(board.chair.user).put(
        _api_path(board), {"knockouts": [{"code": "9.9", "reason": FORGED}]}
    )
    assert response.status_code == 422
    assert SessionDossier.objects.get(pk=board.item1.pk).dossier_knockouts == []
