"""Spreadsheet imports: the templates, reading and checking a workbook, writing its rows.

`spec_for(kind)` is the description of one kind (producers, products); the service
`ocop.reports.services.imports` runs an import job with it.
"""

from __future__ import annotations

from ocop.reports.enums import ImportKind
from ocop.reports.imports.spec import ImportSpec

SUPPORTED_KINDS: tuple[str, ...] = (ImportKind.PRODUCERS, ImportKind.PRODUCTS)


def spec_for(kind: str) -> ImportSpec | None:
    """The spec of `kind`, or None for a kind that cannot be imported from a spreadsheet."""
    if kind == ImportKind.PRODUCERS:
        from ocop.reports.imports.producers import SPEC

        return SPEC
    if kind == ImportKind.PRODUCTS:
        from ocop.reports.imports.products import SPEC as PRODUCTS

        return PRODUCTS
    return None
