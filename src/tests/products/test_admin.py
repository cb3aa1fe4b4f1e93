import pytest
from django.urls import reverse

from ocop.products.models import Product
from tests.factories.products import ProductPhotoFactory

pytestmark = pytest.mark.django_db


def test_products_are_listed_and_shown_read_only_with_their_photos(cast, client_for):
    photo = ProductPhotoFactory(product=cast.product1, caption="Mặt trước")
    client = client_for(cast.admin)
    listing = client.get(reverse("admin:products_product_changelist"), {"q": "gốm"})
    assert listing.status_code == 200
    assert [p.name for p in listing.context["cl"].result_list] == ["Bình gốm men lam"]
    detail = client.get(reverse("admin:products_product_change", args=[cast.product1.pk]))
    assert detail.status_code == 200
    assert detail.context["has_change_permission"] is False
    content = detail.content.decode()
    assert 'name="_save"' not in content
    assert photo.file.original_name in content


def test_products_cannot_be_added_or_deleted_in_the_admin(cast, client_for):
    client = client_for(cast.admin)
    assert client.get(reverse("admin:products_product_add")).status_code == 403
    delete = reverse("admin:products_product_delete", args=[cast.product1.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert list(Product.objects.order_by("name").values_list("name", flat=True)) == [
        "Bình gốm men lam",
        "Trà sen Tây Hồ",
    ]
