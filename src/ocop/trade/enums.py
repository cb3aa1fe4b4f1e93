from django.db import models
from django.utils.translation import gettext_lazy as _


class BuyerKind(models.TextChoices):
    SUPERMARKET_CHAIN = "supermarket_chain", _("supermarket chain")
    SHOP = "shop", _("shop")
    EXPORTER = "exporter", _("exporter")
    RESTAURANT = "restaurant", _("restaurant or hotel")
    DISTRIBUTOR = "distributor", _("distributor or wholesaler")
    OTHER = "other", _("other buyer")


class BuyerStatus(models.TextChoices):
    PENDING = "pending", _("waiting for approval")
    ACTIVE = "active", _("active")
    REJECTED = "rejected", _("registration rejected")
    SUSPENDED = "suspended", _("suspended")


# The one state machine of a buyer (`change_buyer_status`): the provincial office approves or
# rejects a registration (and may still approve one it rejected), suspends and reinstates.
BUYER_TRANSITIONS: dict[str, frozenset[str]] = {
    BuyerStatus.PENDING: frozenset({BuyerStatus.ACTIVE, BuyerStatus.REJECTED}),
    BuyerStatus.REJECTED: frozenset({BuyerStatus.ACTIVE}),
    BuyerStatus.ACTIVE: frozenset({BuyerStatus.SUSPENDED}),
    BuyerStatus.SUSPENDED: frozenset({BuyerStatus.ACTIVE}),
}


class PointOfSaleKind(models.TextChoices):
    OCOP_POINT = "ocop_point", _("OCOP introduction and sales point")
    SUPERMARKET = "supermarket", _("supermarket")
    SHOP = "shop", _("shop")
    FAIR = "fair", _("fair or exhibition")
    OTHER = "other", _("other point of sale")


class PointOfSaleStatus(models.TextChoices):
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


# The one state machine of a point of sale (`change_point_of_sale_status`): open <-> closed.
POINT_OF_SALE_TRANSITIONS: dict[str, frozenset[str]] = {
    PointOfSaleStatus.OPEN: frozenset({PointOfSaleStatus.CLOSED}),
    PointOfSaleStatus.CLOSED: frozenset({PointOfSaleStatus.OPEN}),
}


class StorePlatform(models.TextChoices):
    SHOPEE = "shopee", "Shopee"
    LAZADA = "lazada", "Lazada"
    TIKI = "tiki", "Tiki"
    TIKTOK = "tiktok", "TikTok Shop"
    SENDO = "sendo", "Sendo"
    POSTMART = "postmart", "Postmart"
    VOSO = "voso", "Voso"
    WEBSITE = "website", _("own website")
    OTHER = "other", _("other store")


class QualityCertification(models.TextChoices):
    """Certifications a buyer may require and a producer may hold besides OCOP."""

    VIETGAP = "vietgap", "VietGAP"
    GLOBALGAP = "globalgap", "GlobalG.A.P."
    ORGANIC = "organic", _("organic")
    HACCP = "haccp", "HACCP"
    ISO22000 = "iso22000", "ISO 22000"
    FOOD_SAFETY = "food_safety", _("food safety certificate")
    GEOGRAPHICAL_INDICATION = "gi", _("geographical indication")
    HALAL = "halal", "Halal"


class DemandStatus(models.TextChoices):
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")
    CANCELLED = "cancelled", _("cancelled")


# `change_demand_status`: the buyer closes (filled) or cancels an open demand, and may reopen a
# closed one; a cancelled demand stays cancelled.
DEMAND_TRANSITIONS: dict[str, frozenset[str]] = {
    DemandStatus.OPEN: frozenset({DemandStatus.CLOSED, DemandStatus.CANCELLED}),
    DemandStatus.CLOSED: frozenset({DemandStatus.OPEN}),
    DemandStatus.CANCELLED: frozenset(),
}


class OfferStatus(models.TextChoices):
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


# `change_offer_status`: the producer closes an offer and may reopen it.
OFFER_TRANSITIONS: dict[str, frozenset[str]] = {
    OfferStatus.OPEN: frozenset({OfferStatus.CLOSED}),
    OfferStatus.CLOSED: frozenset({OfferStatus.OPEN}),
}


class ConnectionStatus(models.TextChoices):
    NEW = "new", _("new")
    CONTACTED = "contacted", _("contacted")
    SAMPLE_SENT = "sample_sent", _("sample sent")
    DEAL = "deal", _("deal")
    CLOSED_NO_DEAL = "closed_no_deal", _("closed without a deal")


# `change_connection_status`: forward only (a step may be skipped), moved by the producer or the
# buyer of the connection; a deal and a close without a deal are final.
CONNECTION_TRANSITIONS: dict[str, frozenset[str]] = {
    ConnectionStatus.NEW: frozenset(
        {
            ConnectionStatus.CONTACTED,
            ConnectionStatus.SAMPLE_SENT,
            ConnectionStatus.DEAL,
            ConnectionStatus.CLOSED_NO_DEAL,
        }
    ),
    ConnectionStatus.CONTACTED: frozenset(
        {ConnectionStatus.SAMPLE_SENT, ConnectionStatus.DEAL, ConnectionStatus.CLOSED_NO_DEAL}
    ),
    ConnectionStatus.SAMPLE_SENT: frozenset(
        {ConnectionStatus.DEAL, ConnectionStatus.CLOSED_NO_DEAL}
    ),
    ConnectionStatus.DEAL: frozenset(),
    ConnectionStatus.CLOSED_NO_DEAL: frozenset(),
}
CONNECTION_FINAL = frozenset({ConnectionStatus.DEAL, ConnectionStatus.CLOSED_NO_DEAL})
