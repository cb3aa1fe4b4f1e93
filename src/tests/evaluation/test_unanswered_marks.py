"""The "not answered yet" mark of a criterion in the self-assessment and scoring forms carries
`data-unanswered`, so that self-assessment.js hides it as soon as the criterion is answered, and
the stylesheet lets the `hidden` attribute win over the badge's display (found by the browser
test: the mark stayed on a criterion just answered, until the page was reloaded)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from ocop.evaluation.services.self_assessment import start_self_assessment
from ocop.evaluation.services.sessions import declare_conflict
from tests.evaluation.council_setup import build_board

pytestmark = pytest.mark.django_db
STATIC = Path(__file__).resolve().parents[2] / "ocop" / "static"


def test_the_self_assessment_form_marks_the_unanswered_criteria(classified, client_for):
    assessment = start_self_assessment(actor=classified.producer1, product=classified.product1)
    response = client_for(classified.producer1).get(
        reverse("evaluation:self_assessment", args=[assessment.code])
    )
    assert response.content.decode().count("data-unanswered") == 32  # bộ 6, nothing answered


def test_the_scoring_form_marks_the_unanswered_criteria(classified, client_for):
    board = build_board(classified, items=1)
    member = board.members[0]
    declare_conflict(actor=member.user, item=board.item1, has_conflict=False)
    response = client_for(member.user).get(
        reverse(
            "evaluation:session_item",
            kwargs={"code": board.session.code, "dossier": board.item1.dossier.code},
        )
    )
    assert response.content.decode().count("data-unanswered") == 32


def test_the_hidden_attribute_wins_over_a_class_s_display():
    css = (STATIC / "css" / "ocop.css").read_text(encoding="utf-8")
    assert "[hidden] { display: none !important; }" in css
    script = (STATIC / "js" / "self-assessment.js").read_text(encoding="utf-8")
    assert "[data-unanswered]" in script
