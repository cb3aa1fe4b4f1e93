"""The products the office puts on the home page (FeaturedProduct): feature, unfeature, reorder.
Only a product listed in the catalogue (a certificate in force) may be featured; one that later
leaves the catalogue stays in the list but is not shown until it is listed again. The
activity-log rows are written on the product (its History tab shows them)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ocop.accounts.rules import access_for
from ocop.catalog.models import FeaturedProduct
from ocop.catalog.queries.listing import listed_entries
from ocop.catalog.queries.news import can_manage_news
from ocop.core.services.activity import log_action
from ocop.evaluation.services.refusals import NotAllowed
from ocop.products.models import Product

FEATURED_MAX = 12
MOVES = ("up", "down")


def _require_office(actor: Any) -> None:
    if not can_manage_news(access_for(actor)):
        raise NotAllowed(_("Only the provincial OCOP office chooses the featured products."))


def _renumber(rows: list[FeaturedProduct]) -> None:
    for position, row in enumerate(rows):
        if row.position != position:
            row.position = position
            row.save(update_fields=["position"])


@transaction.atomic
def feature_product(*, actor: Any, product: Product) -> FeaturedProduct:
    """Put a listed product last among the featured ones."""
    _require_office(actor)
    if not listed_entries().filter(product_id=product.pk).exists():
        raise ValidationError(
            {
                "product": _(
                    "Only products with an OCOP certificate in force can be featured: "
                    "%(product)s has none."
                )
                % {"product": product.name}
            }
        )
    rows = list(FeaturedProduct.objects.select_for_update().order_by("position", "id"))
    if any(row.product_id == product.pk for row in rows):
        raise ValidationError(
            {"product": _("%(product)s is already featured.") % {"product": product.name}}
        )
    if len(rows) >= FEATURED_MAX:
        raise ValidationError(
            {
                "product": _("At most %(max)d products are featured: remove one first.")
                % {"max": FEATURED_MAX}
            }
        )
    last = max((row.position for row in rows), default=-1)
    featured = FeaturedProduct.objects.create(product=product, position=last + 1, added_by=actor)
    log_action(actor, "catalog.featured.add", product, data={"position": featured.position + 1})
    return featured


@transaction.atomic
def unfeature_product(*, actor: Any, product: Product) -> None:
    _require_office(actor)
    deleted, _rows = FeaturedProduct.objects.filter(product=product).delete()
    if not deleted:
        raise ValidationError(
            {"product": _("%(product)s is not featured.") % {"product": product.name}}
        )
    _renumber(list(FeaturedProduct.objects.select_for_update().order_by("position", "id")))
    log_action(actor, "catalog.featured.remove", product)


@transaction.atomic
def move_featured_product(*, actor: Any, product: Product, direction: str) -> None:
    """One place up (shown earlier) or down."""
    _require_office(actor)
    if direction not in MOVES:
        raise ValidationError({"direction": _("Move a product up or down.")})
    rows = list(FeaturedProduct.objects.select_for_update().order_by("position", "id"))
    index = next((i for i, row in enumerate(rows) if row.product_id == product.pk), None)
    if index is None:
        raise ValidationError(
            {"product": _("%(product)s is not featured.") % {"product": product.name}}
        )
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(rows):
        return
    rows[index], rows[other] = rows[other], rows[index]
    _renumber(rows)
    log_action(
        actor,
        "catalog.featured.move",
        product,
        data={"direction": direction, "position": other + 1},
    )
