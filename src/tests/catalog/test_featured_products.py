"""The featured products: only listed products are featured (once, at most twelve), moved and
removed; only by the office (the page is 404 for everyone else); a featured product that leaves
the catalogue is kept in the list but not shown."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from ocop.catalog.models import FeaturedProduct
from ocop.catalog.services.featured import (
    FEATURED_MAX,
    feature_product,
    move_featured_product,
    unfeature_product,
)
from ocop.certificates.models import Certificate
from ocop.core.models import ActivityLog
from ocop.evaluation.services.refusals import NotAllowed
from tests.factories.catalog import listed_product
from tests.factories.news import feature
from tests.factories.products import ProductFactory

pytestmark = pytest.mark.django_db


def order() -> list[str]:
    return [
        row.product.name
        for row in FeaturedProduct.objects.select_related("product").order_by("position", "id")
    ]


def test_feature_move_and_remove(cast):
    a, b, c = (listed_product(name=name).product for name in ("A", "B", "C"))
    for product in (a, b, c):
        feature_product(actor=cast.office, product=product)
    assert order() == ["A", "B", "C"]
    move_featured_product(actor=cast.admin, product=c, direction="up")
    assert order() == ["A", "C", "B"]
    move_featured_product(actor=cast.office, product=a, direction="up")  # already first
    move_featured_product(actor=cast.office, product=b, direction="down")  # already last
    assert order() == ["A", "C", "B"]
    unfeature_product(actor=cast.office, product=a)
    assert order() == ["C", "B"]
    assert list(
        FeaturedProduct.objects.order_by("position").values_list("position", flat=True)
    ) == [0, 1]
    actions = list(
        ActivityLog.objects.filter(action__startswith="catalog.featured").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == sorted(
        ["catalog.featured.add"] * 3 + ["catalog.featured.move", "catalog.featured.remove"]
    )


def test_only_listed_products_once_and_at_most_twelve(cast):
    with pytest.raises(ValidationError):
        feature_product(actor=cast.office, product=ProductFactory())
    product = listed_product().product
    feature_product(actor=cast.office, product=product)
    with pytest.raises(ValidationError):
        feature_product(actor=cast.office, product=product)
    for _ in range(FEATURED_MAX - 1):
        feature(listed_product().product, position=5)
    with pytest.raises(ValidationError):
        feature_product(actor=cast.office, product=listed_product().product)
    with pytest.raises(ValidationError):
        unfeature_product(actor=cast.office, product=ProductFactory())
    with pytest.raises(ValidationError):
        move_featured_product(actor=cast.office, product=product, direction="sideways")


@pytest.mark.parametrize("name", ["commune", "producer1", "buyer", "chair", "outsider"])
def test_only_the_office_features(cast, client_for, name):
    product = listed_product().product
    actor = getattr(cast, name)
    with pytest.raises(NotAllowed):
        feature_product(actor=actor, product=product)
    feature(product)
    with pytest.raises(NotAllowed):
        unfeature_product(actor=actor, product=product)
    with pytest.raises(NotAllowed):
        move_featured_product(actor=actor, product=product, direction="down")
    client = client_for(actor)
    assert client.get(reverse("news:featured")).status_code == 404
    assert client.post(reverse("news:featured"), {"product": product.code}).status_code == 404
    assert (
        client.post(reverse("news:featured_remove"), {"product": product.code}).status_code == 404
    )
    assert FeaturedProduct.objects.count() == 1


def test_the_page(cast, client_for):
    client = client_for(cast.office)
    banh = listed_product(name="Bánh chưng Tranh Khúc")
    gone = listed_product(name="Mơ muối")
    feature(gone.product)
    Certificate.objects.filter(pk=gone.certificate.pk).update(status="revoked")
    page = client.get(reverse("news:featured"), {"q": "banh chung"})
    assert [entry.product for entry in page.context["candidates"]] == [banh.product]
    assert [(row.product, listed) for row, listed in page.context["rows"]] == [
        (gone.product, False)
    ]
    assert client.post(reverse("news:featured"), {"product": banh.product.code}).status_code == 302
    assert order() == ["Mơ muối", "Bánh chưng Tranh Khúc"]
    client.post(reverse("news:featured_move"), {"product": banh.product.code, "direction": "up"})
    assert order() == ["Bánh chưng Tranh Khúc", "Mơ muối"]
    response = client.post(reverse("news:featured"), {"product": ProductFactory().code})
    assert response.status_code == 422 and "product" in response.context["form"].errors
    client.post(reverse("news:featured_remove"), {"product": gone.product.code})
    assert order() == ["Bánh chưng Tranh Khúc"]
    assert client.post(reverse("news:featured_remove"), {"product": "SPNONE"}).status_code == 404
    anonymous = Client().get(reverse("news:featured"))
    assert anonymous.status_code == 302
