"""A product's OCOP classification: a leaf of the criteria in force, in the services, the form,
the pages and the API (on the real imported criteria: QĐ 26/2026 and the QĐ 1048 history)."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from ocop.accounts.rules import access_for
from ocop.core.queries.activity import history_for
from ocop.criteria.enums import CriteriaSetStatus
from ocop.criteria.models import ClassificationNode, CriteriaSet
from ocop.products.forms import ProductForm
from ocop.products.models import Product
from ocop.products.queries.classification import (
    categories_for_filter,
    classification_label,
    classification_problem,
)
from ocop.products.services.products import create_product, update_product
from tests.factories.products import ProductFactory, classification_leaf

pytestmark = pytest.mark.django_db


def node(code: str, criteria_set: str = "qd26-2026") -> ClassificationNode:
    return classification_leaf(code, criteria_set)


# --- services ---------------------------------------------------------------------------------


def test_a_product_is_classified_under_a_leaf_and_the_log_keeps_its_code(both, cast):
    product = create_product(
        actor=cast.producer1,
        producer=cast.prod1,
        data={"name": "Bánh đa nem", "classification": node("I.3.b")},
    )
    product.refresh_from_db()
    assert (product.classification.code, product.classification.scorecard.number) == ("I.3.b", 6)
    [entry] = history_for(product)
    assert entry.data["new"]["classification"] == "I.3.b"


def test_a_group_that_is_a_leaf_is_accepted(both, cast):
    update_product(actor=cast.office, product=cast.product1, data={"classification": node("IV.1")})
    cast.product1.refresh_from_db()
    assert (cast.product1.classification.code, cast.product1.classification.scorecard.number) == (
        "IV.1",
        21,
    )


@pytest.mark.parametrize("code", ["I", "I.3"])
def test_a_category_or_a_group_with_sub_groups_is_refused(both, cast, english, code):
    with pytest.raises(ValidationError) as caught:
        create_product(
            actor=cast.producer1,
            producer=cast.prod1,
            data={"name": "Bánh đa nem", "classification": node(code)},
        )
    [message] = caught.value.message_dict["classification"]
    assert message.startswith(f"The classification {code} “")
    assert message.endswith("has no scorecard of its own: choose one of its sub-groups.")
    assert not Product.objects.filter(name="Bánh đa nem").exists()


def test_a_node_of_the_qd1048_history_is_refused(both, cast, english):
    with pytest.raises(ValidationError) as caught:
        update_product(
            actor=cast.producer1,
            product=cast.product1,
            data={"classification": node("1.3.b", "qd1048-2019")},
        )
    assert caught.value.message_dict == {
        "classification": [
            "The criteria set qd1048-2019 is not used for new evaluations: choose a "
            "classification of the criteria in force."
        ]
    }
    cast.product1.refresh_from_db()
    assert cast.product1.classification is None


def test_an_incomplete_scorecard_is_refused(both, english):
    leaf = node("I.3.b")
    leaf.scorecard.usable = False
    assert classification_problem(leaf) == (
        "The scorecard of the classification I.3.b is incomplete and cannot be used."
    )


def test_a_product_keeps_its_classification_when_its_set_is_superseded(both, cast):
    update_product(actor=cast.office, product=cast.product1, data={"classification": node("IV.1")})
    CriteriaSet.objects.filter(code="qd26-2026").update(status=CriteriaSetStatus.SUPERSEDED)
    product = Product.objects.get(pk=cast.product1.pk)
    update_product(
        actor=cast.office,
        product=product,
        data={"name": "Bình gốm men lam mới", "classification": product.classification},
    )
    product.refresh_from_db()
    assert (product.name, product.classification.code) == ("Bình gốm men lam mới", "IV.1")


def test_the_classification_can_be_removed_and_the_change_is_logged(both, cast):
    update_product(actor=cast.office, product=cast.product1, data={"classification": node("IV.1")})
    update_product(actor=cast.office, product=cast.product1, data={"classification": None})
    cast.product1.refresh_from_db()
    assert cast.product1.classification is None
    entry = history_for(cast.product1).first()
    assert (entry.data["old"], entry.data["new"]) == (
        {"classification": "IV.1"},
        {"classification": None},
    )


def test_something_else_than_a_node_is_a_programming_error(both, cast):
    with pytest.raises(TypeError):
        update_product(actor=cast.office, product=cast.product1, data={"classification": "I.3.b"})


# --- the form ---------------------------------------------------------------------------------


def test_the_form_offers_the_leaves_of_the_criteria_in_force_grouped_by_group(both, cast, english):
    form = ProductForm(access=access_for(cast.office))
    choices = form.fields["classification"].choices
    assert choices[0] == ("", "Not classified yet")
    groups = dict(choices[1:])
    assert groups["I.3 Thực phẩm chế biến"] == [
        ("qd26-2026:I.3.a", "I.3.a Đồ ăn nhanh (scorecard 5)"),
        ("qd26-2026:I.3.b", "I.3.b Chế biến từ gạo, ngũ cốc (scorecard 6)"),
        ("qd26-2026:I.3.c", "I.3.c Chế biến từ rau, củ, quả, hạt (scorecard 7)"),
        (
            "qd26-2026:I.3.d",
            "I.3.d Chế biến từ thịt, trứng, sữa, thủy sản, các sản phẩm từ mật ong, mật khác "
            "và nông sản thực phẩm khác (scorecard 8)",
        ),
    ]
    assert groups["IV SẢN PHẨM HÀNG THỦ CÔNG MỸ NGHỆ"] == [
        ("qd26-2026:IV.1", "IV.1 Thủ công mỹ nghệ gia dụng, trang trí (scorecard 21)"),
        ("qd26-2026:IV.2", "IV.2 Vải, may mặc (scorecard 22)"),
    ]
    values = [value for _label, options in choices[1:] for value, _text in options]
    assert len(values) == 26
    assert all(value.startswith("qd26-2026:") for value in values)


def test_the_label_names_code_name_and_scorecard(both, english):
    assert classification_label(node("I.5.a")) == "I.5.a Chè tươi, chế biến (scorecard 11)"


def test_the_categories_of_the_filter_are_those_of_the_criteria_in_force(both):
    assert [code for code, _name in categories_for_filter()] == ["I", "II", "III", "IV", "V", "VI"]


# --- pages ------------------------------------------------------------------------------------


def test_create_a_classified_product_in_the_form(both, cast, client_for):
    response = client_for(cast.producer1).post(
        reverse("products:create"), {"name": "Bánh đa nem", "classification": "qd26-2026:I.3.b"}
    )
    product = Product.objects.get(name="Bánh đa nem")
    assert response.status_code == 302
    assert product.classification == node("I.3.b")


def test_the_form_refuses_a_value_that_is_not_offered(both, cast, client_for):
    response = client_for(cast.producer1).post(
        reverse("products:create"), {"name": "Bánh đa nem", "classification": "qd26-2026:I.3"}
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["classification"]
    assert not Product.objects.filter(name="Bánh đa nem").exists()


def test_the_edit_form_shows_the_current_classification(both, cast, client_for):
    update_product(actor=cast.office, product=cast.product1, data={"classification": node("IV.1")})
    response = client_for(cast.producer1).get(reverse("products:edit", args=[cast.product1.code]))
    assert response.context["form"].initial["classification"] == "qd26-2026:IV.1"
    assert '<option value="qd26-2026:IV.1" selected>' in response.content.decode()


def test_the_detail_links_the_public_scorecard(both, cast, client_for):
    update_product(actor=cast.office, product=cast.product1, data={"classification": node("IV.1")})
    response = client_for(cast.producer1).get(reverse("products:detail", args=[cast.product1.code]))
    content = response.content.decode()
    assert "<code>IV.1</code> Thủ công mỹ nghệ gia dụng, trang trí" in content
    assert f'href="{reverse("criteria:scorecard", args=["qd26-2026", 21])}"' in content


def test_the_detail_of_an_unclassified_product_invites_the_editor_to_choose(both, cast, client_for):
    edit = reverse("products:edit", args=[cast.product1.code])
    editor = client_for(cast.producer1).get(reverse("products:detail", args=[cast.product1.code]))
    reader = client_for(cast.chair).get(reverse("products:detail", args=[cast.product1.code]))
    assert f'href="{edit}">' in editor.content.decode()
    assert f'href="{edit}">' not in reader.content.decode()


def test_the_list_filters_by_category_and_shows_the_code(both, cast, client_for):
    update_product(actor=cast.office, product=cast.product1, data={"classification": node("IV.1")})
    update_product(actor=cast.office, product=cast.product2, data={"classification": node("I.5.a")})
    ProductFactory(producer=cast.prod2, name="Bánh đa nem", classification=node("I.3.b"))
    client = client_for(cast.office)

    def names(category):
        response = client.get(reverse("products:list"), {"category": category})
        return [product.name for product in response.context["state"].items]

    assert names("I") == ["Bánh đa nem", "Trà sen Tây Hồ"]
    assert names("IV") == ["Bình gốm men lam"]
    assert names("V") == []
    assert names("") == ["Bánh đa nem", "Bình gốm men lam", "Trà sen Tây Hồ"]
    content = client.get(reverse("products:list")).content.decode()
    assert '<option value="IV">IV SẢN PHẨM HÀNG THỦ CÔNG MỸ NGHỆ</option>' in content
    assert 'title="Chè tươi, chế biến">I.5.a</span>' in content


# --- API --------------------------------------------------------------------------------------


def api_call(client: Client, headers, method: str, path: str, body=None):
    call = getattr(client, method)
    if body is None:
        return call("/api/v1/products" + path, **headers)
    return call(
        "/api/v1/products" + path, json.dumps(body), content_type="application/json", **headers
    )


def test_the_api_round_trip_by_codes(both, cast, api_token):
    client, headers = Client(), api_token(cast.producer1)
    created = api_call(
        client,
        headers,
        "post",
        "/",
        {
            "producer": cast.prod1.code,
            "name": "Bánh đa nem",
            "classification": {"criteria_set": "qd26-2026", "code": "I.3.b"},
        },
    )
    assert created.status_code == 201
    expected = {
        "criteria_set": "qd26-2026",
        "code": "I.3.b",
        "name": "Chế biến từ gạo, ngũ cốc",
        "scorecard": 6,
    }
    assert created.json()["classification"] == expected
    code = created.json()["code"]
    assert api_call(client, headers, "get", f"/{code}").json()["classification"] == expected
    listed = api_call(client, headers, "get", "/?category=I").json()["items"]
    assert [(item["code"], item["classification"]) for item in listed] == [(code, expected)]
    moved = api_call(
        client,
        headers,
        "patch",
        f"/{code}",
        {"classification": {"criteria_set": "qd26-2026", "code": "I.3.c"}},
    )
    assert moved.json()["classification"]["code"] == "I.3.c"
    kept = api_call(client, headers, "patch", f"/{code}", {"name": "Bánh đa nem Phú Đô"})
    assert kept.json()["classification"]["code"] == "I.3.c"
    cleared = api_call(client, headers, "patch", f"/{code}", {"classification": None})
    assert cleared.json()["classification"] is None


@pytest.mark.parametrize(
    ("criteria_set", "code", "message"),
    [
        ("qd26-2026", "I.9", "The criteria set qd26-2026 has no classification I.9."),
        ("khong-co", "I.3.b", "The criteria set khong-co has no classification I.3.b."),
        (
            "qd1048-2019",
            "1.3.b",
            "The criteria set qd1048-2019 is not used for new evaluations: choose a "
            "classification of the criteria in force.",
        ),
    ],
)
def test_the_api_refuses_what_is_not_a_usable_leaf(
    both, cast, api_token, criteria_set, code, message
):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["ocop_language"] = "en"
    response = api_call(
        client,
        api_token(cast.producer1),
        "patch",
        f"/{cast.product1.code}",
        {"classification": {"criteria_set": criteria_set, "code": code}},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "classification", "message": message}]
