"""Products from a spreadsheet: each row a product of a registered producer.

The producer is named by its code in the platform (CT…) or its tax code; the classification by
the code of a leaf of the criteria set in force ("I.3.b", or "qd26-2026:I.3.b" to name the set);
the GTIN is checked (GS1 check digit) and must be new to the registry and to the file, as must
the producer's own product code. Rows are written by `create_product`, which checks them again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocop.criteria.models import ClassificationNode
from ocop.producers.models import Producer
from ocop.producers.validators import normalise_tax_code
from ocop.products.models import Product
from ocop.products.queries.classification import (
    VALUE_SEPARATOR,
    classification_leaves,
    classification_problem,
)
from ocop.products.queries.products import producers_open_to
from ocop.products.services.products import create_product
from ocop.products.validators import gtin_equivalents, validate_gtin
from ocop.reports.enums import ImportKind
from ocop.reports.imports.cells import Column, Row, problem
from ocop.reports.imports.spec import ImportSpec

DESCRIPTION_LIMIT = 5000
PRODUCER_CODE_PREFIX = Producer.CODE_PREFIX


def _max(name: str) -> int | None:
    return getattr(Product._meta.get_field(name), "max_length", None)


COLUMNS: tuple[Column, ...] = (
    Column(
        "producer",
        "Mã chủ thể hoặc mã số thuế",
        "code",
        required=True,
        digits=10,
        max_length=20,
        help=gettext_lazy(
            "The producer's code in the platform (CT…) or its tax code; the producer must be "
            "registered already (import the producers first)."
        ),
        example="0100233488",
        width=18,
    ),
    Column(
        "name",
        "Tên sản phẩm",
        required=True,
        max_length=_max("name"),
        help=gettext_lazy("The product's name as on its label."),
        example="Gạo nếp cái hoa vàng Đông Anh",
        width=34,
    ),
    Column(
        "description",
        "Mô tả",
        max_length=DESCRIPTION_LIMIT,
        multiline=True,
        help=gettext_lazy("Free text; line breaks are kept."),
        example="Gạo nếp truyền thống, trồng tại xã Đông Anh.",
        width=40,
    ),
    Column(
        "classification",
        "Mã phân loại",
        "code",
        max_length=60,
        help=gettext_lazy(
            "The code of the product's group in the criteria in force (the “Danh mục” sheet), "
            "e.g. I.1.a; empty if not classified yet."
        ),
        example="",
        width=14,
        list_range="A",
    ),
    Column(
        "gtin",
        "Mã GTIN (mã vạch)",
        "code",
        max_length=20,
        help=gettext_lazy(
            "Optional: the barcode number (8, 12, 13 or 14 digits). Format the column as text."
        ),
        example="8936061000012",
        width=16,
    ),
    Column(
        "producer_sku",
        "Mã sản phẩm của chủ thể",
        max_length=_max("producer_sku"),
        help=gettext_lazy(
            "Optional: the producer's own code for the product, unique per producer."
        ),
        example="GN-01",
        width=16,
    ),
)


def _producer_keys(value: str) -> tuple[str, str]:
    """("code", CT…) or ("tax_code", the canonical MST) or ("", "") when it is neither."""
    text = value.strip().upper()
    if text.startswith(PRODUCER_CODE_PREFIX):
        return "code", text
    try:
        return "tax_code", normalise_tax_code(text)
    except ValidationError:
        return "", ""


def _producers(actor: Any, rows: list[Row]) -> dict[tuple[str, str], Producer]:
    codes: set[str] = set()
    taxes: set[str] = set()
    for row in rows:
        kind, key = _producer_keys(row.values.get("producer") or "")
        row.extra["producer_key"] = (kind, key)
        if kind == "code":
            codes.add(key)
        elif kind == "tax_code":
            taxes.add(key)
    if not codes and not taxes:
        return {}
    found = producers_open_to(actor).filter(Q(code__in=codes) | Q(tax_code__in=taxes))
    result: dict[tuple[str, str], Producer] = {}
    for producer in found:
        result[("code", producer.code)] = producer
        if producer.tax_code:
            result[("tax_code", producer.tax_code)] = producer
    return result


def _leaves() -> dict[str, ClassificationNode]:
    """Every usable leaf by "code" (the newest criteria set's first) and by "set:code"."""
    nodes: dict[str, ClassificationNode] = {}
    for leaf in classification_leaves():
        nodes.setdefault(leaf.code.upper(), leaf)
        nodes[f"{leaf.criteria_set.code}{VALUE_SEPARATOR}{leaf.code}".upper()] = leaf
    return nodes


def check(
    actor: Any, rows: list[Row], letters: dict[str, str], tick: Callable[[], None]
) -> list[dict[str, Any]]:
    problems: list[dict[str, Any]] = []
    producers = _producers(actor, rows)
    leaves = _leaves()
    gtins: dict[str, str] = {}  # row → its valid GTIN
    for row in rows:
        gtin = row.values.get("gtin") or ""
        if gtin and "gtin" not in row.failed:
            try:
                gtins[str(row.number)] = validate_gtin(gtin)
            except ValidationError as exc:
                row.failed.add("gtin")
                for message in exc.messages:
                    problems.append(
                        problem(row.number, letters["gtin"], "gtin", exc.code or "gtin", message)
                    )
    spellings = {spelling for gtin in gtins.values() for spelling in gtin_equivalents(gtin)}
    taken_gtins = set(
        Product.objects.filter(gtin__in=spellings).values_list("gtin", flat=True)
        if spellings
        else []
    )
    skus = {row.values.get("producer_sku") for row in rows if row.values.get("producer_sku")}
    taken_skus = (
        set(
            Product.objects.filter(
                producer__in=[producer.pk for producer in producers.values()],
                producer_sku__in=skus,
            ).values_list("producer_id", "producer_sku")
        )
        if skus and producers
        else set()
    )
    first_gtin: dict[str, int] = {}
    first_sku: dict[tuple[int, str], int] = {}
    for row in rows:
        producer = _check_producer(row, producers, letters, problems)
        node = _check_classification(row, leaves, letters, problems)
        gtin = gtins.get(str(row.number), "")
        if gtin:
            _check_gtin(row, gtin, taken_gtins, first_gtin, letters, problems)
        sku = row.values.get("producer_sku") or ""
        if sku and producer is not None and "producer_sku" not in row.failed:
            earlier = first_sku.setdefault((producer.pk, sku), row.number)
            if (producer.pk, sku) in taken_skus:
                problems.append(
                    problem(
                        row.number,
                        letters["producer_sku"],
                        "producer_sku",
                        "duplicate",
                        _("Another product of this producer already has this code."),
                    )
                )
            elif earlier != row.number:
                problems.append(
                    problem(
                        row.number,
                        letters["producer_sku"],
                        "producer_sku",
                        "duplicate_in_file",
                        _("The same producer's code %(code)s is also in row %(row)s of this file.")
                        % {"code": sku, "row": earlier},
                    )
                )
        row.extra["producer"] = producer
        row.extra["data"] = {
            "name": row.values.get("name") or "",
            "description": row.values.get("description") or "",
            "gtin": gtin,
            "producer_sku": sku,
            "classification": node,
        }
        tick()
    return problems


def _check_producer(
    row: Row,
    producers: dict[tuple[str, str], Producer],
    letters: dict[str, str],
    problems: list[dict[str, Any]],
) -> Producer | None:
    if "producer" in row.failed:
        return None
    kind, key = row.extra.get("producer_key", ("", ""))
    producer = producers.get((kind, key)) if kind else None
    if producer is None:
        value = row.values.get("producer") or ""
        message = (
            _("No registered producer has the code or tax code %(value)s.") % {"value": value}
            if kind
            else _("“%(value)s” is neither a producer's code (CT…) nor a valid tax code.")
            % {"value": value[:30]}
        )
        problems.append(
            problem(row.number, letters["producer"], "producer", "unknown_producer", message)
        )
    return producer


def _check_classification(
    row: Row,
    leaves: dict[str, ClassificationNode],
    letters: dict[str, str],
    problems: list[dict[str, Any]],
) -> ClassificationNode | None:
    value = row.values.get("classification") or ""
    if not value or "classification" in row.failed:
        return None
    node = leaves.get(value.replace(" ", "").upper())
    if node is None:
        problems.append(
            problem(
                row.number,
                letters["classification"],
                "classification",
                "unknown_classification",
                _(
                    "%(value)s is not the code of a product group of the criteria in force "
                    "(see the “Danh mục” sheet of the template)."
                )
                % {"value": value[:30]},
            )
        )
        return None
    reason = classification_problem(node)
    if reason:
        problems.append(
            problem(
                row.number, letters["classification"], "classification", "classification", reason
            )
        )
        return None
    return node


def _check_gtin(
    row: Row,
    gtin: str,
    taken: set[str],
    first: dict[str, int],
    letters: dict[str, str],
    problems: list[dict[str, Any]],
) -> None:
    spellings = gtin_equivalents(gtin)
    if spellings & taken:
        problems.append(
            problem(
                row.number,
                letters["gtin"],
                "gtin",
                "duplicate",
                _("Another product already has this GTIN."),
            )
        )
        return
    key = gtin.zfill(14)
    earlier = first.setdefault(key, row.number)
    if earlier != row.number:
        problems.append(
            problem(
                row.number,
                letters["gtin"],
                "gtin",
                "duplicate_in_file",
                _("The GTIN %(gtin)s is also in row %(row)s of this file.")
                % {"gtin": gtin, "row": earlier},
            )
        )


def write(actor: Any, row: Row) -> Product:
    return create_product(actor=actor, producer=row.extra["producer"], data=row.extra["data"])


def lists() -> list[tuple[str, tuple[str, ...], list[tuple[Any, ...]]]]:
    rows = [(leaf.code, leaf.name, leaf.criteria_set.code) for leaf in classification_leaves()]
    return [("Danh mục", ("Mã phân loại", "Tên nhóm sản phẩm", "Bộ tiêu chí"), rows)]


def notes() -> list[str]:
    return [
        _(
            "Each row is a product of a producer already registered in the platform: import the "
            "producers first. The producers' codes are on their pages (%(url)s)."
        )
        % {"url": f"{settings.SITE_URL}{reverse('producers:list')}"},
        _(
            "The classification is a code of the “Danh mục” sheet (the product groups of the "
            "criteria in force); a product can also be classified later, on its page."
        ),
    ]


SPEC = ImportSpec(
    kind=ImportKind.PRODUCTS,
    sheet_title="Sản phẩm",
    columns=COLUMNS,
    check=check,
    write=write,
    lists=lists,
    notes=notes,
)
