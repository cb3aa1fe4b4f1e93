"""A product's OCOP classification: which nodes of the criteria app's classification may be
chosen, how they are named, and how products are filtered by category.

A product is classified under a **leaf** (a node with its own scorecard: a sub-group such as
I.3.b, or a group without sub-groups such as IV.1) of a criteria set that is **usable for new
scoring**: published (not a draft, not superseded such as the QĐ 1048 history), not past its
last day in force, and with a complete scorecard.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.criteria.enums import ClassificationLevel, CriteriaSetStatus
from ocop.criteria.models import ClassificationNode, CriteriaSet
from ocop.products.models import Product

VALUE_SEPARATOR = ":"  # a choice's value: "<criteria set code>:<node code>", e.g. "qd26-2026:I.3.b"


def usable_criteria_sets() -> QuerySet[CriteriaSet]:
    """The criteria sets new scoring may use: published and not past their last day."""
    today = timezone.localdate()
    return CriteriaSet.objects.filter(status=CriteriaSetStatus.PUBLISHED).filter(
        Q(in_force_to__isnull=True) | Q(in_force_to__gte=today)
    )


def classification_leaves() -> QuerySet[ClassificationNode]:
    """Every node a product may be classified under, in the order of the decision (one query
    with its set, scorecard and parent)."""
    return (
        ClassificationNode.objects.filter(
            criteria_set__in=usable_criteria_sets(),
            scorecard__isnull=False,
            scorecard__usable=True,
        )
        .select_related("criteria_set", "scorecard", "parent")
        .order_by("-criteria_set__in_force_from", "criteria_set__code", "position")
    )


def criteria_set_problem(criteria_set: CriteriaSet) -> str | None:
    """Why new scoring may not use `criteria_set` (a draft, superseded, past its last day)."""
    expired = (
        criteria_set.in_force_to is not None and criteria_set.in_force_to < timezone.localdate()
    )
    if criteria_set.status != CriteriaSetStatus.PUBLISHED or expired:
        return _(
            "The criteria set %(set)s is not used for new evaluations: choose a classification "
            "of the criteria in force."
        ) % {"set": criteria_set.code}
    return None


def classification_problem(node: ClassificationNode) -> str | None:
    """Why a product may not be classified under `node` (or scored on its scorecard), or None."""
    if node.scorecard_id is None:
        return _(
            "The classification %(code)s “%(name)s” has no scorecard of its own: choose one of "
            "its sub-groups."
        ) % {"code": node.code, "name": node.name}
    problem = criteria_set_problem(node.criteria_set)
    if problem:
        return problem
    if node.scorecard is None or not node.scorecard.usable:
        return _(
            "The scorecard of the classification %(code)s is incomplete and cannot be used."
        ) % {"code": node.code}
    return None


def classification_value(node: ClassificationNode | None) -> str:
    """The value of a node in a form's choice ("qd26-2026:I.3.b"), "" for none."""
    if node is None:
        return ""
    return f"{node.criteria_set.code}{VALUE_SEPARATOR}{node.code}"


def classification_label(node: ClassificationNode) -> str:
    """ "I.3.b Chế biến từ gạo, ngũ cốc (bộ 6)": code, name and scorecard number."""
    if node.scorecard is None:
        return f"{node.code} {node.name}"
    return _("%(code)s %(name)s (scorecard %(number)s)") % {
        "code": node.code,
        "name": node.name,
        "number": node.scorecard.number,
    }


def find_classification(criteria_set: str, code: str) -> ClassificationNode | None:
    """The node `code` of the criteria set `criteria_set`, with its set and scorecard; or None."""
    return (
        ClassificationNode.objects.select_related("criteria_set", "scorecard")
        .filter(criteria_set__code=criteria_set, code=code)
        .first()
    )


def classification_choices(
    current: ClassificationNode | None = None,
) -> tuple[list[tuple[str, list[tuple[str, str]]]], dict[str, ClassificationNode]]:
    """The leaves as optgroups (one per parent: "I.3 Thực phẩm chế biến") and the nodes by
    value. `current` (a product's classification that is no longer usable) is kept as a choice
    so that editing the product's other fields does not force a new classification."""
    leaves = list(classification_leaves())
    several_sets = len({leaf.criteria_set_id for leaf in leaves}) > 1
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    nodes: dict[str, ClassificationNode] = {}
    last_parent: Any = object()
    for leaf in leaves:
        value = classification_value(leaf)
        nodes[value] = leaf
        if leaf.parent_id != last_parent:
            parent = leaf.parent
            label = f"{parent.code} {parent.name}" if parent is not None else leaf.code
            if several_sets:
                label = f"{label} · {leaf.criteria_set.code}"
            groups.append((label, []))
            last_parent = leaf.parent_id
        groups[-1][1].append((value, classification_label(leaf)))
    if current is not None and classification_value(current) not in nodes:
        value = classification_value(current)
        nodes[value] = current
        groups.append(
            (
                current.criteria_set.code,
                [(value, classification_label(current))],
            )
        )
    return groups, nodes


def categories_for_filter() -> list[tuple[str, str]]:
    """(code, name) of the product categories (I … VI) of the usable criteria sets (one query)."""
    rows = (
        ClassificationNode.objects.filter(
            criteria_set__in=usable_criteria_sets(), level=ClassificationLevel.CATEGORY
        )
        .order_by("-criteria_set__in_force_from", "criteria_set__code", "position")
        .values_list("code", "name")
    )
    seen: set[str] = set()
    result = []
    for code, name in rows:
        if code not in seen:
            seen.add(code)
            result.append((code, name))
    return result


def filter_by_category(queryset: QuerySet[Product], category: str | None) -> QuerySet[Product]:
    """Products classified under a leaf of the category `category` (a sub-group two levels
    down, or a group that is itself a leaf)."""
    if not category:
        return queryset
    return queryset.filter(
        Q(
            classification__parent__parent__code=category,
            classification__parent__parent__level=ClassificationLevel.CATEGORY,
        )
        | Q(
            classification__parent__code=category,
            classification__parent__level=ClassificationLevel.CATEGORY,
        )
    )
