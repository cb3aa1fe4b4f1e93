"""Listed products for the public catalogue's tests.

`listed_product(...)` makes what the catalogue lists: an approved producer, an active product and
a certificate in force (through the certificates factories), then writes the product's catalogue
row with `refresh_product` (the signals would do it on commit, which a test in a transaction
never reaches). Every helper of issue 7 imports it: keep its name and keyword arguments stable.

    entry = listed_product(name="Bánh chưng Tranh Khúc", stars=5, group=("G0101", "Bánh"))
    entry.product, entry.producer, entry.certificate, entry.commune
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from ocop.catalog.models import CatalogEntry
from ocop.criteria.enums import ClassificationLevel
from ocop.criteria.models import ClassificationNode, CriteriaSet

from .certificates import CertificateFactory
from .criteria import CriteriaSetFactory
from .geo import CommuneFactory
from .producers import ProducerFactory
from .products import ProductFactory, ProductPhotoFactory

TEST_SET_CODE = "catalog-test-set"


def _criteria_set() -> CriteriaSet:
    found = CriteriaSet.objects.filter(code=TEST_SET_CODE).first()
    return found or CriteriaSetFactory(code=TEST_SET_CODE, name="Phân loại thử của danh mục")


def classification_group(
    code: str = "G01",
    name: str = "Thực phẩm chế biến",
    *,
    category: tuple[str, str] = ("C01", "Thực phẩm"),
) -> ClassificationNode:
    """A category and a group under it (get or create, in one test criteria set); the group is
    what a product's classification points to."""
    criteria_set = _criteria_set()
    cat, _ = ClassificationNode.objects.get_or_create(
        criteria_set=criteria_set,
        code=category[0],
        defaults={"level": ClassificationLevel.CATEGORY, "name": category[1]},
    )
    group, _ = ClassificationNode.objects.get_or_create(
        criteria_set=criteria_set,
        code=code,
        defaults={"level": ClassificationLevel.GROUP, "name": name, "parent": cat},
    )
    return group


def listed_product(
    *,
    name: str | None = None,
    stars: int = 4,
    producer: Any = None,
    commune: Any = None,
    producer_name: str | None = None,
    producer_kind: str | None = None,
    group: ClassificationNode | tuple[str, str] | None = None,
    year: int | None = None,
    decided_on: dt.date | None = None,
    expires_on: dt.date | None = None,
    photo: bool = False,
    **product_kwargs: Any,
) -> CatalogEntry:
    """A product listed in the catalogue today; returns its `CatalogEntry` (with product,
    producer, commune, certificate and photo loaded).

    - `producer`: an existing producer (approved), else a new one in `commune` (a new commune
      when not given), named `producer_name`, of kind `producer_kind`;
    - `group`: a ClassificationNode, or (code, name) for `classification_group`; none by default;
    - `year`: the certificate's year (decided on 15/06 of it, or `decided_on`); the certificate
      stays in force until `expires_on` (by default three years on, and at least a year from
      today so that the product is listed whatever the year);
    - `photo`: add a stored photo to the product;
    - other keyword arguments go to the product (e.g. `description`).
    """
    from ocop.catalog.services.index import refresh_product

    if producer is None:
        producer_fields: dict[str, Any] = {"commune": commune or CommuneFactory()}
        if producer_name is not None:
            producer_fields["name"] = producer_name
        if producer_kind is not None:
            producer_fields["kind"] = producer_kind
        producer = ProducerFactory(**producer_fields)
    if isinstance(group, tuple):
        group = classification_group(*group)
    product_fields = dict(product_kwargs)
    if name is not None:
        product_fields["name"] = name
    if group is not None:
        product_fields["classification"] = group
    product = ProductFactory(producer=producer, **product_fields)
    if photo:
        ProductPhotoFactory(product=product, position=0)
    today = timezone.localdate()
    if decided_on is None:
        decided_on = dt.date(year, 6, 15) if year else dt.date(2026, 6, 15)
    if expires_on is None:
        three_years = decided_on.replace(year=decided_on.year + 3)
        expires_on = max(three_years, today + dt.timedelta(days=365))
    CertificateFactory(
        product=product,
        stars=stars,
        decided_on=decided_on,
        issued_on=decided_on,
        expires_on=expires_on,
        year=decided_on.year,
    )
    entry = refresh_product(product.pk)
    assert entry is not None, "the product should be listed"
    return CatalogEntry.objects.select_related(
        "product", "producer", "commune", "certificate", "photo__file"
    ).get(pk=entry.pk)
