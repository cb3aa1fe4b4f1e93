"""Objects of the catalog app (the public catalogue, the news, the home page's featured products)
for the authorisation matrix (see tests/security/world.py).

- `catalog_listed`: a product of producer A listed in the catalogue today (a certificate in
  force, a photo, its catalogue row written), featured on the home page, with a store link;
- `catalog_unlisted`: a product of producer A with a certificate in force and a catalogue row
  that is still there, but ARCHIVED (written with `update`, as a bulk change that bypassed the
  signals would leave it): the most revealing state of a product that must not be public;
- `news_article`: a published article; `news_draft`: a draft (only the office and the
  administrator may see it).
"""

from __future__ import annotations

from typing import Any

from ocop.catalog.enums import ArticleStatus
from ocop.catalog.models import CatalogEntry
from ocop.products.enums import ProductStatus
from ocop.products.models import Product
from tests.factories.catalog import listed_product
from tests.factories.news import ArticleFactory, feature
from tests.factories.points import StoreLinkFactory


def build(world: Any) -> None:
    producer_a = world.producer_a
    listed = listed_product(
        producer=producer_a, name="Bộ ấm chén men rạn Bát Tràng", stars=4, photo=True
    )
    world.objects["catalog_listed"] = listed.product
    photo = listed.product.photos.select_related("file").get()
    world.objects["catalog_photo"] = photo
    feature(listed.product)
    world.objects["catalog_store_link"] = StoreLinkFactory(
        product=listed.product, url="https://shopee.vn/am-chen-men-ran-bat-trang"
    )

    unlisted = listed_product(producer=producer_a, name="Lọ hoa men lam cổ", stars=3)
    Product.objects.filter(pk=unlisted.product_id).update(status=ProductStatus.ARCHIVED)
    unlisted.product.refresh_from_db()
    assert CatalogEntry.objects.filter(product=unlisted.product).exists()  # the stale row stays
    world.objects["catalog_unlisted"] = unlisted.product

    world.objects["news_article"] = ArticleFactory(
        title="Hà Nội công nhận thêm sản phẩm OCOP", slug="ha-noi-cong-nhan-them-san-pham-ocop"
    )
    world.objects["news_draft"] = ArticleFactory(
        title="Bản nháp: kế hoạch đánh giá đợt 2",
        slug="ban-nhap-ke-hoach-danh-gia-dot-2",
        status=ArticleStatus.DRAFT,
        published_at=None,
    )
