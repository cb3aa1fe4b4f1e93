"""Every write to the products registry. The caller has passed the permission loader
(`access_product(..., write=True)` or `access_producer_for_products`) before calling."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from ocop.core.services.activity import log_action, snapshot
from ocop.core.services.uploads import (
    IMAGE_KINDS,
    delete_stored_file,
    stored_upload,
    validate_upload,
)
from ocop.core.text import nfc
from ocop.criteria.models import ClassificationNode
from ocop.producers.models import Producer
from ocop.products.enums import PRODUCT_TRANSITIONS, ProductStatus
from ocop.products.models import Product, ProductPhoto
from ocop.products.queries.classification import classification_problem
from ocop.products.validators import gtin_equivalents, validate_gtin

# The fields people edit: text, and the OCOP classification (a ClassificationNode or None).
TEXT_FIELDS = ("name", "description", "gtin", "producer_sku")
PRODUCT_FIELDS = (*TEXT_FIELDS, "classification")


def _text(value: Any) -> str:
    """NFC, trimmed, without NUL (PostgreSQL refuses it in text)."""
    return nfc("" if value is None else str(value)).replace("\x00", "")


def _max_length(model: type[models.Model], field: str) -> int:
    return cast(models.CharField, model._meta.get_field(field)).max_length or 0


def _lock(product: Product) -> str:
    """Lock the product's row until the transaction ends; return its current status."""
    return Product.objects.select_for_update().values_list("status", flat=True).get(pk=product.pk)


def _clean(
    data: Mapping[str, Any], *, producer: Producer, product: Product | None
) -> dict[str, Any]:
    """Normalised values of the fields in `data`, or ValidationError with every field's error."""
    unknown = set(data) - set(PRODUCT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown product fields: {', '.join(sorted(unknown))}")
    values: dict[str, Any] = {
        field: _text(value) for field, value in data.items() if field in TEXT_FIELDS
    }
    errors: dict[str, Any] = {}
    if "name" in values and not values["name"]:
        errors["name"] = _("Enter the name of the product.")
    for field in ("name", "producer_sku"):
        limit = _max_length(Product, field)
        if len(values.get(field, "")) > limit:
            errors[field] = _("At most %(count)s characters.") % {"count": limit}
    others = Product.objects.exclude(pk=product.pk) if product else Product.objects.all()
    if values.get("gtin"):
        try:
            values["gtin"] = validate_gtin(values["gtin"])
        except ValidationError as exc:
            errors["gtin"] = exc.error_list
        else:
            if others.filter(gtin__in=gtin_equivalents(values["gtin"])).exists():
                errors["gtin"] = _("Another product already has this GTIN.")
    if values.get("producer_sku") and "producer_sku" not in errors:
        taken = others.filter(producer=producer, producer_sku=values["producer_sku"]).exists()
        if taken:
            errors["producer_sku"] = _("Another product of this producer already has this code.")
    if "classification" in data:
        node = data["classification"] or None
        if node is not None and not isinstance(node, ClassificationNode):
            raise TypeError("classification must be a ClassificationNode or None")
        values["classification"] = node
        # A new choice must be usable; a product keeps the one it has even when its set has
        # since been superseded (editing its name must not force a new classification).
        unchanged = product is not None and _classification_id(product) == _node_id(node)
        problem = classification_problem(node) if node is not None and not unchanged else None
        if problem:
            errors["classification"] = problem
    if errors:
        raise ValidationError(errors)
    return values


def _node_id(node: ClassificationNode | None) -> int | None:
    return None if node is None else node.pk


def _classification_id(product: Product) -> int | None:
    return product.classification_id


def _differs(product: Product, field: str, value: Any) -> bool:
    if field == "classification":
        return _classification_id(product) != _node_id(value)
    return bool(getattr(product, field) != value)


@transaction.atomic
def create_product(*, actor: Any, producer: Producer, data: Mapping[str, Any]) -> Product:
    """Register a product of `producer`. `data` holds PRODUCT_FIELDS; only the name is required.
    `classification` is a leaf of a criteria set usable for new scoring, or None."""
    defaults: dict[str, Any] = {**dict.fromkeys(TEXT_FIELDS, ""), "classification": None}
    values = _clean(defaults | dict(data), producer=producer, product=None)
    product = Product(producer=producer, **values)
    product.save()
    log_action(
        actor,
        "products.product.create",
        product,
        new=snapshot(product, ("producer", *PRODUCT_FIELDS, "status")),
    )
    return product


@transaction.atomic
def update_product(*, actor: Any, product: Product, data: Mapping[str, Any]) -> Product:
    """Change some of PRODUCT_FIELDS (the keys present in `data`); the log keeps the diff."""
    values = _clean(data, producer=product.producer, product=product)
    changed = [field for field, value in values.items() if _differs(product, field, value)]
    if not changed:
        return product
    old = snapshot(product, changed)
    for field in changed:
        setattr(product, field, values[field])
    extra = ["name_folded"] if "name" in changed else []
    product.save(update_fields=[*changed, *extra, "updated_at"])
    log_action(actor, "products.product.update", product, old=old, new=snapshot(product, changed))
    return product


@transaction.atomic
def change_product_status(*, actor: Any, product: Product, to: str, reason: str = "") -> Product:
    """The one way to move a product between statuses (PRODUCT_TRANSITIONS in enums.py): checks
    the move against the product's status as stored, saves the status, logs it with the reason."""
    current = _lock(product)
    product.status = current
    if to not in PRODUCT_TRANSITIONS.get(current, frozenset()):
        labels = dict(ProductStatus.choices)
        raise ValidationError(
            {
                "status": _("A product that is %(current)s cannot become %(new)s.")
                % {"current": labels[current], "new": labels.get(to, to)}
            }
        )
    product.status = to
    product.save(update_fields=["status", "updated_at"])
    reason = _text(reason)
    log_action(
        actor,
        "products.product.archive" if to == ProductStatus.ARCHIVED else "products.product.restore",
        product,
        old={"status": current},
        new={"status": to},
        data={"reason": reason} if reason else None,
    )
    return product


def archive_product(*, actor: Any, product: Product, reason: str = "") -> Product:
    """The product is no longer made or offered; it stays in the registry and its history."""
    return change_product_status(
        actor=actor, product=product, to=ProductStatus.ARCHIVED, reason=reason
    )


def restore_product(*, actor: Any, product: Product, reason: str = "") -> Product:
    return change_product_status(
        actor=actor, product=product, to=ProductStatus.ACTIVE, reason=reason
    )


@transaction.atomic
def add_product_photo(
    *, actor: Any, product: Product, upload: Any, caption: str = ""
) -> ProductPhoto:
    """Store an image (JPEG, PNG or WebP, sniffed) as a photo of the product, at most
    PRODUCT_PHOTOS_MAX of them. If anything fails after the file was stored, it is deleted."""
    caption = _text(caption)
    limit = _max_length(ProductPhoto, "caption")
    if len(caption) > limit:
        raise ValidationError({"caption": _("At most %(count)s characters.") % {"count": limit}})
    try:
        validate_upload(upload, IMAGE_KINDS)
    except ValidationError as exc:
        raise ValidationError({"file": exc.error_list}) from None
    _lock(product)  # two uploads at once cannot both pass the count
    photos = product.photos.aggregate(count=Count("id"), last=Max("position"))
    if photos["count"] >= settings.PRODUCT_PHOTOS_MAX:
        raise ValidationError(
            {
                "file": _("A product has at most %(count)s photos; remove one first.")
                % {"count": settings.PRODUCT_PHOTOS_MAX}
            }
        )
    with stored_upload(upload, user=actor, allowed=IMAGE_KINDS) as stored:
        photo = ProductPhoto.objects.create(
            product=product, file=stored, caption=caption, position=(photos["last"] or 0) + 1
        )
        log_action(
            actor,
            "products.product.add_photo",
            product,
            data={"photo": stored.code, "file_name": stored.original_name, "caption": caption},
        )
    return photo


@transaction.atomic
def remove_product_photo(*, actor: Any, photo: ProductPhoto) -> None:
    """Delete the photo and its stored file (the file itself once the transaction commits)."""
    product, stored = photo.product, photo.file
    photo.delete()
    delete_stored_file(stored)
    log_action(
        actor,
        "products.product.remove_photo",
        product,
        data={"photo": stored.code, "file_name": stored.original_name},
    )
