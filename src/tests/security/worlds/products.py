"""Objects of the products app (and of the self-assessments, which hang off a product) for the
authorisation matrix (see tests/security/world.py).

All belong to producer A (commune A):

- `products_product`: an active product classified under I.3.b (bộ 6), so a self-assessment can
  start on it; it has one photo, `products_photo`;
- `products_archived`: an archived product (restore);
- `self_assessments_draft`: a draft self-assessment of `products_product` by producer A's owner,
  with a few answers and a comment (the producer's own working paper).

The photo's file is stored in the world's media folder (see tests/security/world.py), which every
test reads: a download finds it, so a denial is a real one.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from ocop.core.services.uploads import store_upload
from ocop.evaluation.services.self_assessment import save_self_assessment, start_self_assessment
from ocop.products.enums import ProductStatus
from tests.factories.products import (
    ProductFactory,
    ProductPhotoFactory,
    classification_leaf,
    png_bytes,
)

PHOTO_BYTES = png_bytes((20, 90, 160))


def build(world: Any) -> None:
    owner = world.user("producer_a")
    product = ProductFactory(
        producer=world.producer_a,
        name="Lọ hoa gốm men rạn",
        classification=classification_leaf("I.3.b"),
    )
    world.objects["products_product"] = product
    world.objects["products_archived"] = ProductFactory(
        producer=world.producer_a, name="Đĩa gốm cũ", status=ProductStatus.ARCHIVED
    )
    stored = store_upload(SimpleUploadedFile("lo-hoa.png", PHOTO_BYTES, "image/png"))
    world.objects["products_photo"] = ProductPhotoFactory(
        product=product, file=stored, caption="Mặt trước"
    )
    draft = start_self_assessment(actor=owner, product=product)
    save_self_assessment(
        actor=owner,
        assessment=draft,
        selections={"1.1": 2, "1.2": 1},
        has_story=True,
        comments={"1.1": "Chưa có hợp đồng liên kết vùng nguyên liệu"},
    )
    world.objects["self_assessments_draft"] = draft
