"""A product's links to e-commerce stores (Shopee, Lazada, Tiki, TikTok Shop, Sendo, Postmart,
Voso) or to the producer's own site: the platform links out, it never sells.

Who: whoever may edit the product (`ocop.products.queries.products.can_edit_product`: the
producer's owner and staff, the commune officer of the producer's commune, the provincial office,
the administrator). The activity-log rows are written on the product, so its History tab shows
them.

What a link may be (`clean_store_url`), since it is shown on a public page to people who will
follow it:

- an `https://` address only (a shop that still serves plain http is refused with a message),
  at most 500 characters, with no spaces, no control characters and no user name or password in
  it; `javascript:`, `data:` and every other scheme are refused;
- for a named platform, the host must be the platform's own domain or a sub-domain of it
  (`PLATFORM_HOSTS`: a "Shopee" link on another site is REFUSED, not merely warned about, so that
  the label people trust always tells the truth); "own website" and "other store" take any host;
- the same address once per product, and at most `STORE_LINKS_MAX` links per product.
"""

from __future__ import annotations

import unicodedata
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from ocop.accounts.rules import access_for
from ocop.core.services.activity import log_action
from ocop.core.text import nfc
from ocop.evaluation.services.refusals import NotAllowed
from ocop.products.models import Product
from ocop.products.queries.products import can_edit_product
from ocop.trade.enums import StorePlatform
from ocop.trade.models import StoreLink

URL_MAX = 500
STORE_LINKS_MAX = 10
# The domains of each named platform (the host is one of them or a sub-domain of one).
PLATFORM_HOSTS: dict[str, tuple[str, ...]] = {
    StorePlatform.SHOPEE: ("shopee.vn", "shope.ee"),
    StorePlatform.LAZADA: ("lazada.vn", "lzd.co"),
    StorePlatform.TIKI: ("tiki.vn",),
    StorePlatform.TIKTOK: ("tiktok.com",),
    StorePlatform.SENDO: ("sendo.vn",),
    StorePlatform.POSTMART: ("postmart.vn",),
    StorePlatform.VOSO: ("voso.vn",),
}
MOVES = ("up", "down")


def host_belongs(host: str, domains: tuple[str, ...]) -> bool:
    host = host.lower().rstrip(".")
    return any(host == domain or host.endswith("." + domain) for domain in domains)


def clean_store_url(platform: str, url: Any) -> str:
    """The link, checked (see the module's docstring); ValidationError with field names."""
    if platform not in StorePlatform.values:
        raise ValidationError({"platform": _("Choose the store.")})
    text = nfc(url if isinstance(url, str) else "")
    if not text:
        raise ValidationError({"url": _("Enter the address of the product's page.")})
    if len(text) > URL_MAX:
        raise ValidationError({"url": _("Enter at most %(max)d characters.") % {"max": URL_MAX}})
    if any(ch.isspace() or unicodedata.category(ch).startswith("C") for ch in text):
        raise ValidationError({"url": _("A web address has no spaces or control characters.")})
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme == "http":
        raise ValidationError({"url": _("Use the secure address, starting with https://.")})
    if scheme != "https":
        raise ValidationError({"url": _("Enter a web address starting with https://.")})
    try:
        URLValidator(schemes=["https"])(text)
    except ValidationError:
        raise ValidationError({"url": _("Enter a valid web address.")}) from None
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise ValidationError({"url": _("A store link cannot contain a user name or password.")})
    host = parts.hostname or ""
    domains = PLATFORM_HOSTS.get(platform)
    if domains and not host_belongs(host, domains):
        raise ValidationError(
            {
                "url": _("A %(platform)s link must be an address on %(domains)s.")
                % {"platform": StorePlatform(platform).label, "domains": ", ".join(domains)}
            }
        )
    return text


def _require_editor(actor: Any, product: Product) -> None:
    if not can_edit_product(access_for(actor), product):
        raise NotAllowed(_("Only those who keep the product change its store links."))


def links_of(product: Product) -> list[StoreLink]:
    return list(StoreLink.objects.filter(product=product).order_by("position", "pk"))


@transaction.atomic
def add_store_link(*, actor: Any, product: Product, platform: str, url: str) -> StoreLink:
    """A new link, last in the product's list."""
    _require_editor(actor, product)
    text = clean_store_url(platform, url)
    locked = Product.objects.select_for_update().get(pk=product.pk)
    existing = StoreLink.objects.filter(product=locked)
    if existing.filter(url=text).exists():
        raise ValidationError({"url": _("This address is already among the product's links.")})
    if existing.count() >= STORE_LINKS_MAX:
        raise ValidationError(
            {"url": _("A product has at most %(max)d store links.") % {"max": STORE_LINKS_MAX}}
        )
    last = existing.aggregate(last=Max("position"))["last"]
    link = StoreLink.objects.create(
        product=locked, platform=platform, url=text, position=0 if last is None else last + 1
    )
    log_action(actor, "trade.storelink.add", locked, data={"platform": platform, "url": text})
    return link


def _link(product: Product, url: str) -> StoreLink:
    link = StoreLink.objects.filter(product=product, url=nfc(url or "")).first()
    if link is None:
        raise ValidationError({"url": _("This link is not among the product's links.")})
    return link


@transaction.atomic
def remove_store_link(*, actor: Any, product: Product, url: str) -> None:
    """Remove the link with this address (the address identifies a link of a product)."""
    _require_editor(actor, product)
    locked = Product.objects.select_for_update().get(pk=product.pk)
    link = _link(locked, url)
    data = {"platform": link.platform, "url": link.url}
    link.delete()
    log_action(actor, "trade.storelink.remove", locked, data=data)


@transaction.atomic
def move_store_link(*, actor: Any, product: Product, url: str, direction: str) -> None:
    """Move a link one place up or down the list (the first place is shown first)."""
    _require_editor(actor, product)
    if direction not in MOVES:
        raise ValidationError({"direction": _("Move a link up or down.")})
    locked = Product.objects.select_for_update().get(pk=product.pk)
    link = _link(locked, url)
    links = links_of(locked)
    index = next(i for i, item in enumerate(links) if item.pk == link.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(links):
        return
    links[index], links[other] = links[other], links[index]
    for position, item in enumerate(links):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position", "updated_at"])
    log_action(
        actor,
        "trade.storelink.move",
        locked,
        data={"url": link.url, "direction": direction, "position": other + 1},
    )
