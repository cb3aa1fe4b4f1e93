from .product import Product, ProductPhoto

__all__ = ["Product", "ProductPhoto"]
