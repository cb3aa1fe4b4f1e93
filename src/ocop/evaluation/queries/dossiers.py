"""Reads of dossiers and their permission loaders.

Who sees a dossier:

- the producer's owner and staff: their own producer's dossiers;
- a commune officer: the dossiers of their commune(s); an officer of an old district's office
  (an organisation whose unit is the district, for the 1048/148 history): those of its communes;
- the provincial office, the administrator and the approver: all;
- a council member (chair, member, secretary): the dossiers on the agenda of a session of a
  council they sit on (`dossier_ids_for_council_member`);
- nobody else learns that a dossier exists (404).

Who acts (`access_dossier(..., action=...)`; the services then check the status):

- "edit", "submit", "withdraw": the producer's owner and staff;
- "commune_assess", "forward", "accept", "return": the office of the level the dossier is at
  (the commune's officers, the old district's officers, the provincial office or the
  administrator for the province and the ministry proposal).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from ocop.accounts.enums import PRODUCER_ROLES
from ocop.accounts.rules import Access, as_access
from ocop.evaluation.enums import DOSSIER_TRANSITIONS, DossierStatus, Level
from ocop.evaluation.models import Dossier, DossierEvent, Evidence, SessionDossier
from ocop.evaluation.services.procedures import ProcedureProfile
from ocop.products.models import Product
from ocop.products.queries.products import access_product

PRODUCER_ACTIONS = frozenset({"edit", "submit", "withdraw"})
OFFICE_ACTIONS = frozenset({"commune_assess", "forward", "accept", "return"})
ACTIONS = PRODUCER_ACTIONS | OFFICE_ACTIONS


def dossier_ids_for_council_member(access: Access) -> QuerySet[Any]:
    """The ids of the dossiers on the agenda of a session of a council the user sits on (a
    subquery: no query of its own). Engineer B's hook: refine here (e.g. only from the day the
    agenda is sent) and every list, page and API call follows."""
    return SessionDossier.objects.filter(
        session__council__members__user_id=access.user_id,
        session__council__members__is_active=True,
    ).values("dossier_id")


def dossiers_visible_to(user_or_access: Any) -> QuerySet[Dossier]:
    access = as_access(user_or_access)
    queryset = Dossier.objects.all()
    if not access.is_authenticated:
        return queryset.none()
    if access.is_admin or access.is_province_officer or access.is_approver:
        return queryset
    condition = Q(pk__in=[])
    own = access.organisations_with(*PRODUCER_ROLES)
    if own:
        condition |= Q(producer__organisation_id__in=own)
    if access.is_commune_officer:
        units = access.commune_unit_ids
        condition |= Q(commune_id__in=units) | Q(commune__parent_id__in=units)
    if access.is_council:
        condition |= Q(pk__in=dossier_ids_for_council_member(access))
    return queryset.filter(condition)


def is_producer_of(access: Access, dossier: Dossier) -> bool:
    return dossier.producer.organisation_id in access.organisations_with(*PRODUCER_ROLES)


def acts_at_level(access: Access, dossier: Dossier) -> bool:
    """Whether the user is the office of the level the dossier is at now."""
    if dossier.level == Level.COMMUNE:
        return access.is_commune_officer and dossier.commune_id in access.commune_unit_ids
    if dossier.level == Level.DISTRICT:
        return access.is_commune_officer and dossier.commune.parent_id in access.commune_unit_ids
    if access.is_admin:
        return True
    return access.is_province_officer


ENTRY_LEVELS = frozenset({Level.COMMUNE, Level.DISTRICT})  # offices that receive dossiers
ROUND_LEVELS = frozenset({Level.DISTRICT, Level.PROVINCE, Level.CENTRAL})  # levels with rounds


def may(access: Access, dossier: Dossier, action: str) -> bool:
    """The role half of an action (who); the services check the status half (when)."""
    if action in PRODUCER_ACTIONS:
        return is_producer_of(access, dossier)
    if action == "commune_assess":
        return dossier.level == Level.COMMUNE and acts_at_level(access, dossier)
    if action == "forward":
        return dossier.level in ENTRY_LEVELS and acts_at_level(access, dossier)
    if action == "accept":
        return dossier.level in ROUND_LEVELS and acts_at_level(access, dossier)
    if action == "return":
        return acts_at_level(access, dossier)
    return False


def available_actions(
    access: Access, dossier: Dossier, profile: ProcedureProfile | None
) -> frozenset[str]:
    """What the page offers the user now: the role may do it and the status allows it."""
    allowed = DOSSIER_TRANSITIONS.get(dossier.status, frozenset())
    at_entry = (
        profile is not None
        and dossier.status == DossierStatus.SUBMITTED
        and dossier.level == profile.entry_level
    )
    found: set[str] = set()
    if is_producer_of(access, dossier):
        if dossier.status in (DossierStatus.DRAFT, DossierStatus.RETURNED):
            found.update({"edit", "submit"})
        if DossierStatus.WITHDRAWN in allowed:
            found.add("withdraw")
    if acts_at_level(access, dossier):
        if at_entry and profile is not None and profile.has_commune_review:
            found.add("commune_assess")
        if at_entry and profile is not None and not profile.has_commune_review:
            found.add("forward")
        if DossierStatus.ACCEPTED in allowed:
            found.add("accept")
        if DossierStatus.RETURNED in allowed:
            found.add("return")
    return frozenset(found)


def access_dossier(
    user_or_access: Any, code: str, *, write: bool = False, action: str | None = None
) -> Dossier:
    """The dossier with this code if the user may see it and, when asked, do `action` ("edit"
    when only `write` is given); else 404. The status is the services' concern (a clear
    refusal, not a 404)."""
    access = as_access(user_or_access)
    if action is None and write:
        action = "edit"
    if action is not None and action not in ACTIONS:
        raise ValueError(f"unknown dossier action {action!r}")
    dossier = (
        dossiers_visible_to(access)
        .select_related(
            "product__classification",
            "producer",
            "commune__parent",
            "criteria_set",
            "scorecard",
            "self_assessment",
            "round",
            "previous",
            "created_by",
        )
        .filter(code=code)
        .first()
    )
    if dossier is None:
        raise Http404
    if action is not None and not may(access, dossier, action):
        raise Http404
    return dossier


def access_product_for_dossier(user_or_access: Any, code: str) -> Product:
    """The product with this code if the user may lodge a dossier for it (the producer's own
    owner and staff); else 404."""
    access = as_access(user_or_access)
    product = access_product(access, code)
    if product.producer.organisation_id not in access.organisations_with(*PRODUCER_ROLES):
        raise Http404
    return product


def access_product_dossiers(user_or_access: Any, code: str) -> Product:
    """The product with this code if the user may see it (its dossiers are then filtered by
    `dossiers_visible_to`); else 404."""
    return access_product(as_access(user_or_access), code)


def access_evidence(
    user_or_access: Any, code: str, file_code: str, *, write: bool = False
) -> Evidence:
    """A document of a dossier the user may see (edit, when asked). A file that is not a
    document of this very dossier is 404, whoever asks."""
    dossier = access_dossier(user_or_access, code, action="edit" if write else None)
    evidence = (
        Evidence.objects.select_related("file")
        .filter(dossier=dossier, file__code=file_code)
        .order_by("id")
        .first()
    )
    if evidence is None:
        raise Http404
    evidence.dossier = dossier
    return evidence


# --- lists -----------------------------------------------------------------------------------


def with_list_columns(queryset: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """What a list row shows, in the list's one query."""
    return queryset.select_related("product", "producer", "commune", "round", "scorecard")


def filter_dossiers(
    queryset: QuerySet[Dossier],
    *,
    status: str | None = None,
    product: str | None = None,
    round: str | None = None,
    commune: str | None = None,
    overdue: Any = None,
    today: dt.date | None = None,
    level: str | None = None,
) -> QuerySet[Dossier]:
    """The filters of the list pages and the API: an unknown status or level is ignored; an
    unknown product, round or commune matches nothing; `overdue` keeps the dossiers past their
    step's deadline."""
    if status in DossierStatus.values:
        queryset = queryset.filter(status=status)
    if level in Level.values:
        queryset = queryset.filter(level=level)
    if product:
        queryset = queryset.filter(product__code=product)
    if round:
        queryset = queryset.filter(round__code=round)
    if commune:
        queryset = queryset.filter(commune__key=commune)
    if overdue in (True, "1", "true", "on", "yes"):
        queryset = overdue_dossiers(queryset, today=today)
    return queryset


def overdue_dossiers(
    queryset: QuerySet[Dossier], *, today: dt.date | None = None
) -> QuerySet[Dossier]:
    """Dossiers whose current step is past its deadline (due_on before today)."""
    today = today or timezone.localdate()
    return queryset.filter(due_on__lt=today).exclude(
        status__in=(
            DossierStatus.WITHDRAWN,
            DossierStatus.RECOGNISED,
            DossierStatus.NOT_RECOGNISED,
        )
    )


def is_overdue(dossier: Dossier, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return dossier.due_on is not None and dossier.due_on < today


def timeline_of(dossier: Dossier) -> QuerySet[DossierEvent]:
    """The dossier's steps, oldest first, with who made them (one query)."""
    return dossier.events.select_related("actor").order_by("created_at", "id")


def evidence_of(dossier: Dossier) -> QuerySet[Evidence]:
    return dossier.evidence.select_related("file").order_by("category", "id")


def product_dossiers(user_or_access: Any, product: Product) -> QuerySet[Dossier]:
    return with_list_columns(dossiers_visible_to(user_or_access).filter(product=product)).order_by(
        "-created_at", "-id"
    )
