"""Pages with several forms give every input its own id, so that each label points at its own
input (found while writing the browser journey: the council's page had two `id_name`, two
`id_quorum_percent` …, one in its settings and one in the sub-council form)."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from ocop.evaluation.services.sessions import declare_conflict, save_sheet, submit_sheet
from tests.evaluation.council_setup import build_board

pytestmark = pytest.mark.django_db


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: Counter[str] = Counter()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value:
                self.ids[value] += 1


def duplicate_ids(html: str) -> list[str]:
    parser = _Ids()
    parser.feed(html)
    return sorted(key for key, count in parser.ids.items() if count > 1)


@pytest.fixture
def board(classified):
    return build_board(classified, items=1)


def test_the_council_page_of_the_office(board, client_for):
    response = client_for(board.cast.office).get(
        reverse("evaluation:council", args=[board.council.code])
    )
    html = response.content.decode()
    assert duplicate_ids(html) == []
    assert 'for="id_sub_name"' in html
    assert 'for="id_name"' in html


def test_the_session_and_item_pages_of_the_chair(board, client_for):
    board.attend()
    for seat in board.scorers:
        declare_conflict(actor=seat.user, item=board.item1, has_conflict=False)
        save_sheet(actor=seat.user, item=board.item1, selections=board.full(board.item1))
        submit_sheet(actor=seat.user, item=board.item1)
    client = client_for(board.chair.user)
    item_url = reverse(
        "evaluation:session_item",
        kwargs={"code": board.session.code, "dossier": board.item1.dossier.code},
    )
    page = client.get(item_url)
    html = page.content.decode()
    # The chair may open a discussion round and record a knock-out: two "reason" fields.
    assert page.context["discussion_form"] is not None
    assert page.context["knockout_form"] is not None
    assert duplicate_ids(html) == []
    session = client_for(board.cast.office).get(
        reverse("evaluation:session", args=[board.session.code])
    )
    assert duplicate_ids(session.content.decode()) == []
