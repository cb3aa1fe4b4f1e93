from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CatalogEntry(models.Model):
    """The search index row of a product in the public catalogue: one per product that holds a
    certificate in force when the row was written. Only `ocop.catalog.services.index` writes it
    (on the signals of the apps below and by `ocop catalog-rebuild`); the listing still joins
    `valid_certificates(today)`, so an expired or revoked certificate drops out at once even if a
    row is stale.

    Search columns:
    - `search_text`: the folded words (`core.text.fold`: lower case, no diacritics, đ -> d) of the
      product name, the producer name, the classification group and the commune, with a space
      at each end, so that a word prefix is the substring " <prefix>";
    - `search_lower`: the same words in NFC lower case with their diacritics (typed diacritics
      rank exact matches first);
    - `name_folded` / `name_lower`: the product name alone (matches in the name rank first).
    On PostgreSQL `search_text` has a trigram GIN index (migration 0002); on SQLite the same
    column is scanned.
    """

    product = models.OneToOneField(
        "products.Product",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="catalog_entry",
        verbose_name=_("product"),
    )
    certificate = models.ForeignKey(
        "certificates.Certificate",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("certificate"),
    )
    producer = models.ForeignKey(
        "producers.Producer",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("producer"),
    )
    commune = models.ForeignKey(
        "geo.AdministrativeUnit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("commune"),
    )
    producer_kind = models.CharField(_("producer kind"), max_length=30, db_index=True)
    category_code = models.CharField(_("product category"), max_length=20, blank=True)
    category_name = models.CharField(_("product category"), max_length=300, blank=True)
    group_code = models.CharField(_("product group"), max_length=20, blank=True, db_index=True)
    group_name = models.CharField(_("product group"), max_length=300, blank=True)
    stars = models.PositiveSmallIntegerField(_("stars"), db_index=True)
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    issued_on = models.DateField(_("issue date"))
    name = models.CharField(_("name"), max_length=255)
    name_folded = models.CharField(max_length=255)
    name_lower = models.CharField(max_length=255)
    search_text = models.TextField(blank=True)
    search_lower = models.TextField(blank=True)
    photo = models.ForeignKey(
        "products.ProductPhoto",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("photo"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("catalogue entry")
        verbose_name_plural = _("catalogue entries")
        ordering = ["name_folded", "product_id"]
        indexes = [
            models.Index(fields=["stars", "name_folded"], name="catalog_stars_name_idx"),
            models.Index(fields=["name_folded"], name="catalog_name_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class FeaturedProduct(models.Model):
    """A product the office puts on the home page (shown while it stays in the catalogue)."""

    product = models.OneToOneField(
        "products.Product",
        on_delete=models.CASCADE,
        related_name="featured",
        verbose_name=_("product"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("featured product")
        verbose_name_plural = _("featured products")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return str(self.product)
