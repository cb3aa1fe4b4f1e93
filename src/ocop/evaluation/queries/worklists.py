"""The work list (việc cần làm): what waits for the signed-in user, by role.

- commune officer (and an old district's office): dossiers submitted to their commune(s), with
  the deadline and an OVERDUE flag; evidence of their communes' dossiers expiring within 30 days;
- provincial office and administrator: dossiers forwarded to the province (to accept into a
  round), and every dossier past its step's deadline;
- producer's owner and staff: their dossiers waiting for them (returned for completion, drafts
  with what is still missing) and their evidence expiring within 60 days.

Each section is one query (the producer's drafts: three, for the missing items), whatever the
number of rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from ocop.accounts.enums import PRODUCER_ROLES
from ocop.accounts.rules import Access, as_access
from ocop.evaluation.enums import OPEN_DOSSIER_STATUSES, DossierStatus, Level
from ocop.evaluation.models import Dossier, Evidence
from ocop.evaluation.queries.dossiers import is_overdue, overdue_dossiers
from ocop.evaluation.services.dossiers import category_codes, missing_items

OFFICER_EXPIRY_DAYS = 30
PRODUCER_EXPIRY_DAYS = 60
SECTION_LIMIT = 100  # rows per section; the lists pages have the rest
ACTIVE_STATUSES = frozenset({DossierStatus.DRAFT, *OPEN_DOSSIER_STATUSES})


@dataclass
class WorkItem:
    dossier: Dossier
    overdue: bool
    missing: list[str] = field(default_factory=list)


@dataclass
class ExpiringItem:
    evidence: Evidence
    days_left: int  # negative once expired

    @property
    def expired(self) -> bool:
        return self.days_left < 0


@dataclass
class Worklist:
    today: dt.date
    to_assess: list[WorkItem] = field(default_factory=list)
    to_accept: list[WorkItem] = field(default_factory=list)
    overdue: list[WorkItem] = field(default_factory=list)
    needs_action: list[WorkItem] = field(default_factory=list)
    expiring: list[ExpiringItem] = field(default_factory=list)
    expiry_days: int = 0
    sections: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (
            self.to_assess or self.to_accept or self.overdue or self.needs_action or self.expiring
        )


def _columns(queryset: QuerySet[Dossier]) -> QuerySet[Dossier]:
    return queryset.select_related("product", "producer", "commune", "round")


def _items(queryset: QuerySet[Dossier], today: dt.date) -> list[WorkItem]:
    return [
        WorkItem(dossier=dossier, overdue=is_overdue(dossier, today))
        for dossier in queryset[:SECTION_LIMIT]
    ]


def entry_condition(access: Access) -> Q:
    """Dossiers at the entry level of the officer's commune(s) or old district(s)."""
    units = access.commune_unit_ids
    return Q(level=Level.COMMUNE, commune_id__in=units) | Q(
        level=Level.DISTRICT, commune__parent_id__in=units
    )


def commune_inbox(access: Access) -> QuerySet[Dossier]:
    """Submitted dossiers waiting for the officer's commune (or old district), the earliest
    deadline first."""
    return _columns(
        Dossier.objects.filter(entry_condition(access), status=DossierStatus.SUBMITTED)
    ).order_by("due_on", "submitted_at", "id")


def _expiring(dossiers: QuerySet[Dossier], today: dt.date, days: int) -> list[ExpiringItem]:
    """Evidence of these dossiers that expires within `days` (or has expired), each file once
    (a document carried over into a newer dossier is shown there)."""
    rows = (
        Evidence.objects.filter(
            dossier__in=dossiers,
            expires_on__isnull=False,
            expires_on__lte=today + dt.timedelta(days=days),
        )
        .select_related("file", "dossier__product")
        .order_by("expires_on", "-dossier__created_at", "-id")
    )
    seen: set[int] = set()
    items: list[ExpiringItem] = []
    for evidence in rows[: SECTION_LIMIT * 2]:
        if evidence.file_id in seen:
            continue
        seen.add(evidence.file_id)
        assert evidence.expires_on is not None
        items.append(ExpiringItem(evidence, (evidence.expires_on - today).days))
    return items[:SECTION_LIMIT]


def worklist_for(user_or_access: Any, *, today: dt.date | None = None) -> Worklist:
    access = as_access(user_or_access)
    today = today or timezone.localdate()
    work = Worklist(today=today)
    if access.is_commune_officer:
        work.sections.append("commune")
        work.to_assess = _items(commune_inbox(access), today)
        units = access.commune_unit_ids
        mine = Dossier.objects.filter(
            Q(commune_id__in=units) | Q(commune__parent_id__in=units),
            status__in=ACTIVE_STATUSES,
        )
        work.expiring = _expiring(mine, today, OFFICER_EXPIRY_DAYS)
        work.expiry_days = OFFICER_EXPIRY_DAYS
    if access.is_admin or access.is_province_officer:
        work.sections.append("province")
        forwarded = Dossier.objects.filter(
            status=DossierStatus.FORWARDED, level__in=(Level.PROVINCE, Level.CENTRAL)
        )
        work.to_accept = _items(_columns(forwarded).order_by("updated_at", "id"), today)
        late = overdue_dossiers(Dossier.objects.all(), today=today)
        work.overdue = _items(_columns(late).order_by("due_on", "id"), today)
    own = access.organisations_with(*PRODUCER_ROLES)
    if own:
        work.sections.append("producer")
        waiting = (
            _columns(
                Dossier.objects.filter(
                    producer__organisation_id__in=own,
                    status__in=(DossierStatus.DRAFT, DossierStatus.RETURNED),
                )
            )
            .select_related("self_assessment")
            .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("id")))
            .order_by("-updated_at", "-id")
        )
        rows = list(waiting[:SECTION_LIMIT])
        categories = category_codes(row.scorecard_id for row in rows)
        work.needs_action = [
            WorkItem(
                dossier=row,
                overdue=is_overdue(row, today),
                missing=missing_items(
                    row,
                    today=today,
                    category=categories.get(row.scorecard_id),
                    category_known=True,
                ),
            )
            for row in rows
        ]
        theirs = Dossier.objects.filter(
            producer__organisation_id__in=own,
            status__in=(*ACTIVE_STATUSES, DossierStatus.RECOGNISED),
        )
        producer_expiring = _expiring(theirs, today, PRODUCER_EXPIRY_DAYS)
        if access.is_commune_officer:  # both roles: one list, the longer horizon
            known = {item.evidence.file_id for item in work.expiring}
            work.expiring += [i for i in producer_expiring if i.evidence.file_id not in known]
        else:
            work.expiring = producer_expiring
        work.expiry_days = PRODUCER_EXPIRY_DAYS
    return work
