"""The reads of the public product and producer pages (`/san-pham-ocop/<code>/`,
`/co-so-ocop/<code>/`) and their schema.org data.

What a page may show is decided once, by the loaders of `queries/listing.py`
(`access_listed_product`, `access_listed_producer`): a product is public while it holds a
certificate in force today (`valid_certificates`), so a revoked, replaced or expired certificate
takes the page away at once (404), and nothing here ever shows a certificate that is not in
force. Everything else the pages show is read in a fixed number of queries, whatever the number
of photos, points of sale, store links or products:

- product page: the entry (the loader), the commune's province, the photos, the points of sale,
  the store links, the producer's other products (6 queries);
- producer page: the producer (the loader, and its listed check), the products' count and page,
  the points of sale with the products they carry (5 to 6 queries).

Points of sale are those everyone sees (`ocop.trade.queries.points.public_points`: open, and a
fair whose last day has passed is left out even before someone closes it).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ocop.catalog.models import CatalogEntry
from ocop.catalog.queries.listing import (
    access_listed_producer,
    access_listed_product,
    listed_entries,
)
from ocop.certificates.enums import VerificationState
from ocop.certificates.models import Certificate
from ocop.geo.models import AdministrativeUnit
from ocop.producers.enums import ProducerStatus
from ocop.producers.models import Producer
from ocop.products.enums import ProductStatus
from ocop.products.models import Product, ProductPhoto
from ocop.traceability.identifiers import IdentifierError, digital_link
from ocop.traceability.queries.trace import address_of
from ocop.trade.models import PointOfSale, PointOfSaleProduct, StoreLink
from ocop.trade.queries.points import public_points

# The producer's other products shown under a product (the producer page has them all).
OTHER_PRODUCTS = 8
# Products per page on the producer page.
PRODUCTS_PER_PAGE = 24
# The description in the schema.org data and the Open Graph tags.
DESCRIPTION_LIMIT = 500
OG_DESCRIPTION_LIMIT = 200


# --- small reads ------------------------------------------------------------------------------


def open_points(on: dt.date) -> QuerySet[PointOfSale]:
    """Points of sale a visitor can go to on `on` (`public_points`: open, and not past their
    last day), by commune and name."""
    return (
        public_points(on)
        .select_related("commune")
        .order_by("commune__name_folded", "name_folded", "pk")
    )


def photos_of(product: Product) -> list[ProductPhoto]:
    return list(
        ProductPhoto.objects.filter(product=product)
        .select_related("file")
        .order_by("position", "id")
    )


def photo_path(product_code: str, file_code: str) -> str:
    return reverse("catalog:photo", kwargs={"code": product_code, "file_code": file_code})


def absolute(path: str) -> str:
    """An address on the platform's own domain (SITE_URL), for schema.org and Open Graph."""
    return f"{settings.SITE_URL}{path}"


def trace_path(product: Product) -> str:
    """The GS1 Digital Link of the product on the platform (`/01/<gtin14>`), "" without a GTIN
    (or with one that is not a valid GTIN)."""
    if not product.gtin:
        return ""
    try:
        return digital_link(product.gtin).path()
    except IdentifierError:
        return ""


def gtin_fields(gtin: str) -> dict[str, str]:
    """schema.org's GTIN properties of a product's GTIN: `gtin14` (the form of the Digital
    Link) always, and the GTIN as printed (`gtin13` for the EAN-13 of Vietnamese barcodes,
    `gtin12`, `gtin8`) when it is shorter."""
    if not gtin:
        return {}
    try:
        gtin14 = digital_link(gtin).gtin
    except IdentifierError:
        return {}
    found = {"gtin14": gtin14}
    printed = gtin.strip()
    if len(printed) in (8, 12, 13):
        found[f"gtin{len(printed)}"] = printed
    return found


def web_address(url: str) -> str:
    """An address the pages may link to: http(s) only ("" for anything else)."""
    text = (url or "").strip()
    return text if text.lower().startswith(("https://", "http://")) else ""


def commune_catalogue_url(commune: AdministrativeUnit) -> str:
    """The catalogue filtered by a commune."""
    return f"{reverse('catalog:list')}?{urlencode({'commune': commune.key})}"


def province_name(commune: AdministrativeUnit | None) -> str:
    province = commune.province if commune is not None else None
    return province.name if province is not None else ""


def listed_entry(code: str, *, on: dt.date | None = None) -> CatalogEntry:
    """`access_listed_product`, and 404 as well for a product archived or a producer no longer
    approved whose row is still there (it goes on the commit of the change: catalog/signals.py;
    a bulk update waits for `ocop catalog-rebuild`)."""
    entry = access_listed_product(code, on=on)
    if (
        entry.product.status != ProductStatus.ACTIVE
        or entry.producer.status != ProducerStatus.APPROVED
    ):
        raise Http404
    return entry


# --- the product page -------------------------------------------------------------------------


@dataclass(frozen=True)
class ProductPage:
    """Everything the product page shows; the certificate is the entry's, in force on `today`."""

    entry: CatalogEntry
    producer: Producer
    today: dt.date
    photos: list[ProductPhoto]
    points: list[PointOfSale]
    store_links: list[StoreLink]
    others: list[CatalogEntry]

    @property
    def product(self) -> Product:
        return self.entry.product

    @property
    def commune(self) -> AdministrativeUnit:
        return self.producer.commune

    @property
    def address(self) -> str:
        return address_of(self.producer)

    @property
    def website(self) -> str:
        return web_address(self.producer.website)

    @property
    def gtin(self) -> str:
        return gtin_fields(self.product.gtin).get("gtin14", "")

    @property
    def award(self) -> str:
        return stars_award(self.certificate.stars)

    @property
    def certificate(self) -> Certificate:
        return self.entry.certificate

    @property
    def state(self) -> str:
        """valid or expiring (listed: in force today)."""
        return str(self.certificate.state_on(self.today))

    @property
    def state_label(self) -> str:
        return str(VerificationState(self.state).label)

    @property
    def expiring(self) -> bool:
        return self.state == VerificationState.EXPIRING

    @property
    def days_left(self) -> int:
        return (self.certificate.expires_on - self.today).days

    @property
    def verification_path(self) -> str:
        return reverse("verify:verify_vi", kwargs={"code": self.certificate.verification_code})

    @property
    def trace_path(self) -> str:
        return trace_path(self.product)

    @property
    def path(self) -> str:
        return reverse("catalog:product", kwargs={"code": self.product.code})

    def photo_url(self, photo: ProductPhoto) -> str:
        return photo_path(self.product.code, photo.file.code)

    @property
    def first_photo_url(self) -> str:
        return self.photo_url(self.photos[0]) if self.photos else ""


def product_page(code: str, *, on: dt.date | None = None) -> ProductPage:
    """The product page of a listed product (404 otherwise, through `access_listed_product`)."""
    day = on or timezone.localdate()
    entry = listed_entry(code, on=day)
    product = entry.product
    # The producer again, with its commune and province (addresses, schema.org): one query.
    producer = Producer.objects.select_related("commune__province").get(pk=entry.producer_id)
    points = list(open_points(day).filter(carried__product=product).distinct())
    links = [
        link
        for link in StoreLink.objects.filter(product=product).order_by("position", "id")
        if web_address(link.url)
    ]
    others = list(
        listed_entries(day)
        .filter(producer_id=entry.producer_id)
        .exclude(product_id=product.pk)
        .order_by("-stars", "name_folded", "product_id")[:OTHER_PRODUCTS]
    )
    return ProductPage(
        entry=entry,
        producer=producer,
        today=day,
        photos=photos_of(product),
        points=points,
        store_links=links,
        others=others,
    )


# --- the producer page ------------------------------------------------------------------------


@dataclass(frozen=True)
class ProducerPage:
    """Everything the producer page shows: its listed products (a page of them) and the open
    points of sale that carry any of them, each with the producer's products it carries."""

    producer: Producer
    today: dt.date
    products: Page
    points: Sequence[PointOfSale] = field(default_factory=list)

    @property
    def entries(self) -> list[CatalogEntry]:
        return list(self.products.object_list)

    @property
    def path(self) -> str:
        return reverse("catalog:producer", kwargs={"code": self.producer.code})

    @property
    def commune(self) -> AdministrativeUnit:
        return self.producer.commune

    @property
    def address(self) -> str:
        return address_of(self.producer)

    @property
    def website(self) -> str:
        return web_address(self.producer.website)

    @property
    def commune_catalogue_url(self) -> str:
        return commune_catalogue_url(self.producer.commune)


def producer_page(code: str, *, page: Any = None, on: dt.date | None = None) -> ProducerPage:
    """The producer page of an approved producer with a listed product (404 otherwise, through
    `access_listed_producer`); `page` is the page number of its products."""
    day = on or timezone.localdate()
    producer = access_listed_producer(code, on=day)
    listed = listed_entries(day).filter(producer=producer)
    products = Paginator(
        listed.order_by("-stars", "name_folded", "product_id"), PRODUCTS_PER_PAGE
    ).get_page(page)
    listed_ids = listed.values("product_id")
    carried = (
        PointOfSaleProduct.objects.filter(product_id__in=listed_ids)
        .select_related("product")
        .order_by("product__name_folded", "product_id")
    )
    points = list(
        open_points(day)
        .filter(carried__product_id__in=listed_ids)
        .distinct()
        .prefetch_related(Prefetch("carried", queryset=carried, to_attr="carried_here"))
    )
    return ProducerPage(producer=producer, today=day, products=products, points=points)


# --- schema.org (JSON-LD) and Open Graph --------------------------------------------------------

# `<`, `>` and `&` written as JSON escapes: the text inside `<script type="application/ld+json">`
# can then never close the element ("</script>") or open a comment, whatever a name contains.
# U+2028/U+2029 are escaped too (valid in JSON, but not in older JavaScript parsers).
JSON_SCRIPT_ESCAPES = {
    ord("<"): "\\u003C",
    ord(">"): "\\u003E",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def json_ld(data: dict[str, Any]) -> SafeString:
    """The JSON text of `data`, safe to place inside `<script type="application/ld+json">` (a
    data block: the CSP's script-src does not apply to it, and nothing in it is executed)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return mark_safe(text.translate(JSON_SCRIPT_ESCAPES))  # noqa: S308 - escaped just above


def stars_award(stars: int) -> str:
    """ "OCOP 4 sao" in Vietnamese."""
    return ngettext("OCOP %(stars)d star", "OCOP %(stars)d stars", stars) % {"stars": stars}


def postal_address(producer: Producer) -> dict[str, Any]:
    commune = producer.commune
    address: dict[str, Any] = {"@type": "PostalAddress", "addressCountry": "VN"}
    if producer.address:
        address["streetAddress"] = producer.address
    if commune is not None:
        address["addressLocality"] = commune.name
        region = province_name(commune)
        if region:
            address["addressRegion"] = region
    return address


def organisation_data(producer: Producer) -> dict[str, Any]:
    """The producer as a schema.org Organization (what the public page shows, no personal data
    of its representative)."""
    url = absolute(reverse("catalog:producer", kwargs={"code": producer.code}))
    data: dict[str, Any] = {
        "@type": "Organization",
        "@id": f"{url}#organization",
        "name": producer.name,
        "url": url,
        "identifier": producer.code,
        "address": postal_address(producer),
    }
    if producer.phone:
        data["telephone"] = producer.phone
    if producer.email:
        data["email"] = producer.email
    if web_address(producer.website):
        data["sameAs"] = [web_address(producer.website)]
    if producer.founded_on:
        data["foundingDate"] = producer.founded_on.isoformat()
    if producer.workforce_total:
        data["numberOfEmployees"] = {
            "@type": "QuantitativeValue",
            "value": producer.workforce_total,
        }
    return data


def certification_data(certificate: Certificate) -> dict[str, Any]:
    """The OCOP certificate as a schema.org Certification (only certificates in force are ever
    given here)."""
    return {
        "@type": "Certification",
        "name": stars_award(certificate.stars),
        "certificationIdentification": certificate.number,
        "certificationRating": {
            "@type": "Rating",
            "ratingValue": certificate.stars,
            "bestRating": 5,
            "worstRating": 3,
        },
        "certificationStatus": "https://schema.org/CertificationActive",
        "issuedBy": {"@type": "Organization", "name": certificate.authority_name},
        "validFrom": certificate.issued_on.isoformat(),
        "expires": certificate.valid_until.isoformat(),
        "url": absolute(reverse("verify:verify", kwargs={"code": certificate.verification_code})),
    }


def product_data(page: ProductPage) -> dict[str, Any]:
    """The product page's schema.org Product, with its producer (Organization) as brand and
    manufacturer and its OCOP certificate (award and hasCertification)."""
    product = page.product
    certificate = page.certificate
    organisation = organisation_data(page.producer)
    url = absolute(page.path)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Product",
        "@id": f"{url}#product",
        "name": product.name,
        "url": url,
        "sku": product.code,
        "brand": {"@type": "Brand", "name": page.producer.name},
        "manufacturer": organisation,
        "award": stars_award(certificate.stars),
        "hasCertification": certification_data(certificate),
    }
    if product.description:
        data["description"] = product.description[:DESCRIPTION_LIMIT]
    if page.photos:
        data["image"] = [absolute(page.photo_url(photo)) for photo in page.photos]
    if page.entry.group_name or page.entry.category_name:
        data["category"] = page.entry.group_name or page.entry.category_name
    data.update(gtin_fields(product.gtin))
    if page.trace_path:
        data["hasGS1DigitalLink"] = absolute(page.trace_path)
    return data


def producer_data(page: ProducerPage) -> dict[str, Any]:
    """The producer page's schema.org graph: the producer (Organization) and its listed products
    of this page (Product, each with the producer as manufacturer)."""
    organisation = organisation_data(page.producer)
    graph: list[dict[str, Any]] = [organisation]
    for entry in page.entries:
        item: dict[str, Any] = {
            "@type": "Product",
            "name": entry.name,
            "url": absolute(reverse("catalog:product", kwargs={"code": entry.product.code})),
            "sku": entry.product.code,
            "award": stars_award(entry.stars),
            "manufacturer": {"@id": organisation["@id"]},
        }
        if entry.photo is not None:
            item["image"] = absolute(photo_path(entry.product.code, entry.photo.file.code))
        graph.append(item)
    return {"@context": "https://schema.org", "@graph": graph}


@dataclass(frozen=True)
class OpenGraph:
    """The Open Graph tags of a page (Zalo and Facebook read them when the link is shared)."""

    title: str
    description: str
    url: str
    image: str = ""
    kind: str = "website"


def _short(text: str, limit: int) -> str:
    words = " ".join((text or "").split())
    if len(words) <= limit:
        return words
    return words[: limit - 1].rsplit(" ", 1)[0] + "…"


def product_open_graph(page: ProductPage) -> OpenGraph:
    certificate = page.certificate
    summary = _("%(award)s product of %(producer)s.") % {
        "award": stars_award(certificate.stars),
        "producer": page.producer.name,
    }
    description = page.product.description or ""
    return OpenGraph(
        title=page.product.name,
        description=_short(f"{summary} {description}".strip(), OG_DESCRIPTION_LIMIT),
        url=absolute(page.path),
        image=absolute(page.first_photo_url) if page.first_photo_url else "",
        kind="product",
    )


def producer_open_graph(page: ProducerPage) -> OpenGraph:
    producer = page.producer
    count = page.products.paginator.count
    description = ngettext(
        "%(count)d OCOP product of %(producer)s, %(commune)s.",
        "%(count)d OCOP products of %(producer)s, %(commune)s.",
        count,
    ) % {"count": count, "producer": producer.name, "commune": producer.commune.name}
    first = next((entry for entry in page.entries if entry.photo is not None), None)
    image = (
        absolute(photo_path(first.product.code, first.photo.file.code))
        if first is not None and first.photo is not None
        else ""
    )
    return OpenGraph(
        title=producer.name,
        description=_short(description, OG_DESCRIPTION_LIMIT),
        url=absolute(page.path),
        image=image,
    )


# --- the public photo -------------------------------------------------------------------------


def access_listed_photo(code: str, file_code: str, *, on: dt.date | None = None) -> ProductPhoto:
    """A photo of a listed product (404 for a product that is not listed, or a file that is not
    one of its photos)."""
    entry = listed_entry(code, on=on)
    photo = (
        ProductPhoto.objects.filter(product_id=entry.product_id, file__code=file_code)
        .select_related("file")
        .first()
    )
    if photo is None:
        raise Http404
    return photo
