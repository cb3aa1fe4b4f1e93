"""Reads of self-assessments and their permission loaders.

A self-assessment is the producer's own working paper until it goes into a dossier:

- the producer's owner and staff read and change it;
- the commune officer of the producer's commune, the provincial office and the administrator
  read it (to advise the producer), and change nothing;
- nobody else learns that it exists (404), council members and approvers included.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from ocop.accounts.enums import PRODUCER_ROLES
from ocop.accounts.rules import Access, as_access
from ocop.evaluation.models import SelfAssessment
from ocop.products.models import Product
from ocop.products.queries.products import access_product


def can_read_self_assessments_of(access: Access, product: Product) -> bool:
    if access.is_admin:
        return True
    if access.is_province_officer:
        return True
    if access.is_commune_officer and product.producer.commune_id in access.commune_unit_ids:
        return True
    return product.producer.organisation_id in access.organisations_with(*PRODUCER_ROLES)


def can_edit_self_assessments_of(access: Access, product: Product) -> bool:
    """Only the producer's own people fill in their self-assessment."""
    return product.producer.organisation_id in access.organisations_with(*PRODUCER_ROLES)


def self_assessments_visible_to(user_or_access: Any) -> QuerySet[SelfAssessment]:
    access = as_access(user_or_access)
    queryset = SelfAssessment.objects.all()
    if access.is_admin or access.is_province_officer:
        return queryset
    condition = Q(pk__in=[])
    if access.is_commune_officer:
        condition |= Q(product__producer__commune_id__in=access.commune_unit_ids)
    own_orgs = access.organisations_with(*PRODUCER_ROLES)
    if own_orgs:
        condition |= Q(product__producer__organisation_id__in=own_orgs)
    return queryset.filter(condition)


def with_list_columns(queryset: QuerySet[SelfAssessment]) -> QuerySet[SelfAssessment]:
    """What a row shows, in the list's one query: product, criteria set, scorecard, author."""
    return queryset.select_related(
        "product", "criteria_set", "scorecard", "created_by", "copied_from"
    ).order_by("-created_at", "-id")


def access_product_for_self_assessment(
    user_or_access: Any, code: str, *, write: bool = False
) -> Product:
    """The product with this code if the user may read its self-assessments (start one, when
    `write`); else 404."""
    access = as_access(user_or_access)
    product = access_product(access, code)
    if not can_read_self_assessments_of(access, product):
        raise Http404
    if write and not can_edit_self_assessments_of(access, product):
        raise Http404
    return product


def access_self_assessment(
    user_or_access: Any, code: str, *, write: bool = False
) -> SelfAssessment:
    """The self-assessment with this code if the user may read it (change it, when `write`);
    else 404. A final one is returned for `write` too: the services refuse to change it."""
    access = as_access(user_or_access)
    assessment = (
        self_assessments_visible_to(access)
        .select_related(
            "product__producer",
            "product__classification",
            "criteria_set",
            "scorecard",
            "created_by",
            "copied_from",
        )
        .filter(code=code)
        .first()
    )
    if assessment is None:
        raise Http404
    if write and not can_edit_self_assessments_of(access, assessment.product):
        raise Http404
    return assessment


def self_assessments_of(product: Product) -> QuerySet[SelfAssessment]:
    return with_list_columns(SelfAssessment.objects.filter(product=product))
