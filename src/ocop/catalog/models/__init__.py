from .entries import CatalogEntry, FeaturedProduct
from .news import Article

__all__ = ["Article", "CatalogEntry", "FeaturedProduct"]
