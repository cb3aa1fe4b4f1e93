from django.db import models
from django.utils.translation import pgettext_lazy


class ProductStatus(models.TextChoices):
    # A context keeps Django's own "active" (= "Kích hoạt", switch on) out of the way.
    ACTIVE = "active", pgettext_lazy("product status", "active")
    ARCHIVED = "archived", pgettext_lazy("product status", "archived")


# The one table of allowed moves; change_product_status is the only way through it.
PRODUCT_TRANSITIONS: dict[str, frozenset[str]] = {
    ProductStatus.ACTIVE: frozenset({ProductStatus.ARCHIVED}),
    ProductStatus.ARCHIVED: frozenset({ProductStatus.ACTIVE}),
}
