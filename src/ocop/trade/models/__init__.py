from .board import Connection, Demand, DemandNotice, Offer
from .buyers import Buyer
from .points import PointOfSale, PointOfSaleProduct, StoreLink

__all__ = [
    "Buyer",
    "Connection",
    "Demand",
    "DemandNotice",
    "Offer",
    "PointOfSale",
    "PointOfSaleProduct",
    "StoreLink",
]
