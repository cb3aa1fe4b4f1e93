"""The self-assessment pages: the product's list, start, the form with its result, copy; who
may see and change what; query counts that do not grow with the scorecard."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from django.test import Client
from django.urls import reverse

from ocop.evaluation.enums import SelfAssessmentStatus
from ocop.evaluation.models import SelfAssessment
from ocop.evaluation.services.self_assessment import (
    finalise_self_assessment,
    save_self_assessment,
    start_self_assessment,
)
from ocop.products.services.products import update_product
from tests.evaluation.conftest import BO6
from tests.factories.products import ProductFactory, classification_leaf

pytestmark = pytest.mark.django_db


def list_url(product) -> str:
    return reverse("self_assessments:list", args=[product.code])


def start_url(product) -> str:
    return reverse("self_assessments:start", args=[product.code])


def form_url(assessment) -> str:
    return reverse("evaluation:self_assessment", args=[assessment.code])


def copy_url(assessment) -> str:
    return reverse("evaluation:self_assessment_copy", args=[assessment.code])


def text(response) -> str:
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def draft(cast, selections=None, product=None, **extra):
    assessment = start_self_assessment(actor=cast.producer1, product=product or cast.product1)
    if selections is not None:
        save_self_assessment(
            actor=cast.producer1,
            assessment=assessment,
            selections=selections,
            has_story=extra.pop("has_story", True),
            **extra,
        )
    return assessment


def posted(selections: dict, *, has_story=True, action="save", **fields) -> dict:
    """The form's POST body for points per criterion (bộ 6: the option with those points)."""
    from ocop.criteria.queries.specs import load_scorecard_spec
    from ocop.evaluation.queries.sheet import option_values

    spec = load_scorecard_spec("qd26-2026", 6)
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


def test_the_urls_are_vietnamese_slugs(classified):
    assessment = draft(classified)
    assert list_url(classified.product1) == f"/san-pham/{classified.product1.code}/tu-danh-gia/"
    assert start_url(classified.product1).endswith("/tu-danh-gia/bat-dau/")
    assert form_url(assessment) == f"/danh-gia/tu-danh-gia/{assessment.code}/"
    assert copy_url(assessment) == f"/danh-gia/tu-danh-gia/{assessment.code}/sao-chep/"


# --- the product's list -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status", "can_start"),
    [
        ("producer1", 200, True),
        ("producer1_staff", 200, True),
        ("commune", 200, False),
        ("office", 200, False),
        ("admin", 200, False),
        ("producer2", 404, False),
        ("commune2", 404, False),
        ("chair", 404, False),
        ("approver", 404, False),
        ("buyer", 404, False),
        ("outsider", 404, False),
    ],
)
def test_the_list_is_for_the_producer_and_its_advisers(
    classified, client_for, who, status, can_start
):
    draft(classified, BO6)
    response = client_for(getattr(classified, who)).get(list_url(classified.product1))
    assert response.status_code == status
    if status == 200:
        assert [a.total for a in response.context["assessments"]] == [56]
        assert response.context["can_assess"] is can_start
        assert (start_url(classified.product1) in response.content.decode()) is can_start


def test_the_list_needs_a_signed_in_user(classified):
    response = Client().get(list_url(classified.product1))
    assert response.status_code == 302


def test_the_list_shows_date_set_scorecard_total_stars_and_status(classified, english_client):
    first = draft(classified, BO6)
    finalise_self_assessment(actor=classified.producer1, assessment=first)
    second = draft(classified, {"1.1": 2})
    response = english_client(classified.producer1).get(list_url(classified.product1))
    assert [a.code for a in response.context["assessments"]] == [second.code, first.code]
    page = text(response)
    assert f"{first.code} " in page
    assert "qd26-2026 Scorecard 6 56 ★★★ Final 32 criteria answered" in page
    assert "Scorecard 6 2 ★ Draft 1 criteria answered" in page
    assert 'aria-label="3 stars"' in response.content.decode()


def test_the_product_pages_have_a_self_assessment_tab_for_those_who_may_read(
    classified, client_for
):
    url = list_url(classified.product1)
    detail = reverse("products:detail", args=[classified.product1.code])
    assert url in client_for(classified.producer1).get(detail).content.decode()
    assert url in client_for(classified.commune).get(detail).content.decode()
    assert url not in client_for(classified.chair).get(detail).content.decode()


def test_the_list_explains_a_missing_classification(qd26, cast, english_client):
    response = english_client(cast.producer1).get(list_url(cast.product1))
    page = text(response)
    assert "The product “Bình gốm men lam” has no OCOP classification yet" in page
    assert "Choose the classification" in page
    assert start_url(cast.product1) not in response.content.decode()


@pytest.mark.parametrize("extra", [0, 4])
def test_the_list_makes_the_same_number_of_queries_for_one_row_or_many(
    classified, client_for, django_assert_num_queries, extra
):
    source = draft(classified, BO6)
    for _ in range(extra):
        draft(classified, {"1.1": 1})
    SelfAssessment.objects.filter(pk=source.pk).update(copied_from=source)
    client = client_for(classified.producer1)
    # session, user, memberships, product, self-assessments
    with django_assert_num_queries(5):
        response = client.get(list_url(classified.product1))
    assert len(response.context["assessments"]) == 1 + extra


# --- start and copy ---------------------------------------------------------------------------


def test_the_producer_starts_a_draft(classified, client_for):
    response = client_for(classified.producer1_staff).post(start_url(classified.product1))
    assessment = SelfAssessment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == form_url(assessment)
    assert (assessment.created_by, assessment.scorecard.number) == (classified.producer1_staff, 6)


def test_start_without_a_classification_says_why(qd26, cast, english_client):
    response = english_client(cast.producer1).post(start_url(cast.product1), follow=True)
    assert response.redirect_chain == [(list_url(cast.product1), 302)]
    assert "has no OCOP classification yet" in text(response)
    assert SelfAssessment.objects.count() == 0


def test_start_needs_post(classified, client_for):
    assert client_for(classified.producer1).get(start_url(classified.product1)).status_code == 405


def test_copy_makes_a_new_draft(classified, client_for):
    source = draft(classified, BO6)
    response = client_for(classified.producer1).post(copy_url(source))
    copy = SelfAssessment.objects.exclude(pk=source.pk).get()
    assert response["Location"] == form_url(copy)
    assert (copy.copied_from, copy.selections) == (source, BO6)


# --- the form ---------------------------------------------------------------------------------


def test_the_form_shows_parts_groups_criteria_and_options(classified, english_client):
    assessment = draft(classified, {"1.1": 2, "2.4": 1}, comments={"1.1": "Gạo nếp Phú Thượng"})
    response = english_client(classified.producer1).get(form_url(assessment))
    assert response.status_code == 200
    content = response.content.decode()
    parts = response.context["parts"]
    assert [part.code for part in parts] == ["A", "B", "C"]
    assert [group.code for group in parts[0].groups] == ["1", "2", "3"]
    criteria = [c.code for part in parts for group in part.groups for c in group.criteria]
    assert len(criteria) == 32
    one_one = parts[0].groups[0].criteria[0]
    assert [(o.value, o.points, o.marker, o.checked) for o in one_one.options] == [
        ("1", 1, None, False),
        ("2", 2, 3, True),
        ("3", 3, None, False),
    ]
    assert one_one.none_option.value == "0"
    assert 'id="c-1-1-2" value="2" data-points="2.00" checked' in content
    assert 'role="img" aria-label="minimum 3 stars">★★★ minimum</span>' in content
    assert "Gạo nếp Phú Thượng</textarea>" in content
    assert '<details class="sa-comment" open>' in content
    # yes/no item: "Yes" checked
    assert 'name="c-2.4" id="c-2-4-1" value="1" data-points="1.00" checked' in content
    # a group scored directly has no heading of its own
    assert '<h4 class="sa-group">7.' not in content
    assert 'id="tc-7"' in content
    assert '<script src="/static/js/self-assessment.js" defer></script>' in content


def test_the_tourism_scorecard_groups_alternative_cases(classified, english_client):
    assessment = draft(classified, product=classified.product2)
    response = english_client(classified.producer2).get(form_url(assessment))
    eight = next(
        c
        for part in response.context["parts"]
        for group in part.groups
        for c in group.criteria
        if c.code == "8"
    )
    assert eight.options == []
    assert [(block.case, block.heading, len(block.options)) for block in eight.cases] == [
        ("a", "a. Trường hợp 1: Dịch vụ du lịch do cộng đồng cung cấp", 2),
        ("b", "b. Trường hợp 2: Điểm dịch vụ du lịch", 2),
    ]
    assert eight.case_intro == "Lựa chọn một trong hai trường hợp sau:"
    assert "a. Trường hợp 1: Dịch vụ du lịch do cộng đồng cung cấp" in text(response)


def test_a_case_b_answer_stays_case_b(classified, client_for):
    assessment = draft(classified, product=classified.product2)
    client = client_for(classified.producer2)
    response = client.post(form_url(assessment), {"action": "save", "has_story": "on", "c-8": "4"})
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert (assessment.selections, assessment.choices) == ({"8": 3}, {"8": 4})
    content = client.get(form_url(assessment)).content.decode()
    assert 'name="c-8" id="c-8-4" value="4" data-points="3.00" checked' in content
    assert 'name="c-8" id="c-8-2" value="2" data-points="3.00">' in content


def test_saving_recomputes_and_shows_what_to_improve(classified, english_client):
    assessment = draft(classified)
    client = english_client(classified.producer1)
    response = client.post(form_url(assessment), posted(BO6, **{"comment-8": "  Sắp có ISO "}))
    assert response.status_code == 302
    assert response["Location"] == form_url(assessment) + "#ket-qua"
    assessment.refresh_from_db()
    assert (assessment.selections, assessment.comments) == (BO6, {"8": "Sắp có ISO"})
    assert (assessment.total, assessment.predicted_stars) == (56, 3)
    page = text(client.get(form_url(assessment)))
    assert "3 stars predicted · 56 of 100 points" in page
    assert "To reach 4★, improve 14 more points are needed to reach the threshold of 70." in page
    assert "1.5 Liên kết chuỗi trong sản xuất: needs 2 points, has 1." in page
    assert "For 5★ these requirements would also apply" in page
    assert "A. SẢN PHẨM VÀ SỨC MẠNH CỦA CỘNG ĐỒNG 25 40" in page


def test_a_partial_draft_lists_what_is_not_answered(classified, english_client):
    assessment = draft(classified, {"1.1": 2})
    response = english_client(classified.producer1).get(form_url(assessment))
    assert response.context["unanswered"][:3] == ("1.2", "1.3", "1.4")
    assert "31 criteria are not answered yet; they count 0 points in the prediction:" in text(
        response
    )
    assert "1 of 32 criteria answered" in text(response)


def test_a_value_that_is_not_offered_is_an_error_next_to_the_criterion(classified, english_client):
    assessment = draft(classified, {"1.1": 1})
    response = english_client(classified.producer1).post(
        form_url(assessment), posted({"1.2": 1}, **{"c-1.1": "9"})
    )
    assert response.status_code == 200
    [message] = response.context["errors"]
    assert message.startswith("Criterion 1.1: Select a valid choice.")
    one_one = response.context["parts"][0].groups[0].criteria[0]
    assert one_one.errors == [message]
    assert 'id="tc-1.1-errors"' in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.selections == {"1.1": 1}


def test_a_tampered_action_is_an_error_at_the_top(classified, english_client):
    assessment = draft(classified, {"1.1": 1})
    response = english_client(classified.producer1).post(
        form_url(assessment), posted({"1.1": 2}, action="delete")
    )
    assert response.status_code == 200
    assert response.context["errors"] == [
        "Select a valid choice. delete is not one of the available choices."
    ]
    assessment.refresh_from_db()
    assert assessment.selections == {"1.1": 1}


def test_a_comment_too_long_is_an_error_next_to_the_criterion(classified, english_client):
    assessment = draft(classified, {"1.1": 1})
    response = english_client(classified.producer1).post(
        form_url(assessment), posted({"1.1": 2}, **{"comment-1.1": "x" * 2001})
    )
    assert response.status_code == 200
    [message] = response.context["errors"]
    assert "Criterion 1.1" in message
    assessment.refresh_from_db()
    assert assessment.selections == {"1.1": 1}


def test_finalising_with_missing_answers_saves_and_names_them(classified, english_client):
    assessment = draft(classified)
    sheet = {code: value for code, value in BO6.items() if code not in ("9", "1.1")}
    response = english_client(classified.producer1).post(
        form_url(assessment), posted(sheet, action="finalise")
    )
    assert response.status_code == 200
    assert response.context["errors"] == [
        "The draft has been saved, but it cannot be finalised yet:",
        "Criterion 1.1 is not answered yet: answer it before finalising.",
        "Criterion 9 is not answered yet: answer it before finalising.",
    ]
    nine = response.context["parts"][2].groups[3].criteria[0]
    assert (nine.code, nine.errors) == (
        "9",
        ["Criterion 9 is not answered yet: answer it before finalising."],
    )
    assessment.refresh_from_db()
    assert (assessment.status, assessment.answered) == (SelfAssessmentStatus.DRAFT, 30)


def test_finalise_then_the_page_is_read_only(classified, english_client):
    assessment = draft(classified)
    client = english_client(classified.producer1)
    response = client.post(form_url(assessment), posted(BO6, action="finalise"))
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == SelfAssessmentStatus.FINAL
    page = client.get(form_url(assessment))
    content = page.content.decode()
    assert page.context["editable"] is False
    assert 'value="save"' not in content
    assert 'name="c-1.1" id="c-1-1-2" value="2" data-points="2.00" checked disabled' in content
    assert "<script" not in content
    assert copy_url(assessment) in content
    again = client.post(form_url(assessment), posted({"1.1": 3}), follow=True)
    assert (
        f"Self-assessment {assessment.code} is final and cannot be changed: copy it into a new "
        "draft." in text(again)
    )
    assessment.refresh_from_db()
    assert assessment.selections == BO6


def test_without_a_story_5_2_is_hidden_and_ignored(classified, client_for):
    assessment = draft(classified)
    client = client_for(classified.producer1)
    client.post(form_url(assessment), posted(BO6, has_story=False))
    assessment.refresh_from_db()
    assert ("5.2" in assessment.selections, assessment.has_story) == (False, False)
    content = client.get(form_url(assessment)).content.decode()
    assert 'id="tc-5.2" data-part="B" data-conditional hidden>' in content
    assert '<input type="checkbox" name="has_story" id="id_has_story">' in content


def test_staff_read_but_do_not_change(classified, english_client):
    assessment = draft(classified, BO6)
    for who in ("commune", "office", "admin"):
        client = english_client(getattr(classified, who))
        page = client.get(form_url(assessment))
        assert page.status_code == 200, who
        assert page.context["editable"] is False
        assert copy_url(assessment) not in page.content.decode()
        assert client.post(form_url(assessment), posted({"1.1": 3})).status_code == 404
        assert client.post(copy_url(assessment)).status_code == 404
        assert client.post(start_url(classified.product1)).status_code == 404
    assessment.refresh_from_db()
    assert assessment.selections == BO6
    assert SelfAssessment.objects.count() == 1


@pytest.mark.parametrize("who", ["producer2", "commune2", "chair", "approver", "buyer", "outsider"])
def test_strangers_get_404_everywhere(classified, client_for, who):
    assessment = draft(classified, BO6)
    client = client_for(getattr(classified, who))
    assert client.get(list_url(classified.product1)).status_code == 404
    assert client.post(start_url(classified.product1)).status_code == 404
    assert client.get(form_url(assessment)).status_code == 404
    assert client.post(form_url(assessment), posted({"1.1": 3})).status_code == 404
    assert client.post(copy_url(assessment)).status_code == 404
    assert SelfAssessment.objects.count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(classified):
    assessment = draft(classified)
    for url in (form_url(assessment), list_url(classified.product1)):
        assert Client().get(url).status_code == 302


def test_the_form_page_costs_the_same_queries_whatever_the_scorecard(
    classified, client_for, django_assert_num_queries
):
    bo6 = draft(classified, BO6)
    bo26 = start_self_assessment(actor=classified.producer2, product=classified.product2)
    small = ProductFactory(producer=classified.prod1, name="Hoa lan")
    update_product(
        actor=classified.office, product=small, data={"classification": classification_leaf("V.1")}
    )
    bo23 = start_self_assessment(actor=classified.producer1, product=small)
    for user, assessment in (
        (classified.producer1, bo6),
        (classified.producer2, bo26),
        (classified.producer1, bo23),
    ):
        client = client_for(user)
        client.get(form_url(assessment))  # the spec is built once, then cached
        # session, user, memberships, self-assessment, spec checksum, case headings
        with django_assert_num_queries(6):
            response = client.get(form_url(assessment))
        assert response.status_code == 200
    assert [bo6.scorecard.number, bo26.scorecard.number, bo23.scorecard.number] == [6, 26, 23]


def test_pages_carry_no_inline_script_or_style(classified, client_for):
    assessment = draft(classified, BO6)
    client = client_for(classified.producer1)
    for url in (form_url(assessment), list_url(classified.product1)):
        content = client.get(url).content.decode()
        assert "<script>" not in content
        assert not re.search(r"<script(?![^>]*\bsrc=)", content), url
        assert "style=" not in content
        assert "<style" not in content
