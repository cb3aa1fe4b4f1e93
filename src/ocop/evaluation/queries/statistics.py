"""Spread statistics of the councils' closed sessions, per member and per item.

For the officials' page (/danh-gia/thong-ke-thanh-vien/): a member who is always far from the
others shows up. Per member, across the closed sessions in scope: how many sheets they
submitted, the mean absolute deviation of their total from the item's mean, and how many times
they were the farthest from it (ties count for each; an item where everyone agrees counts for
nobody). Per item: the number of sheets, the lowest and highest totals, the spread and the mean.

Everything is computed from one query over the submitted sheets of closed sessions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import QuerySet

from ocop.accounts.rules import as_access
from ocop.evaluation.enums import CouncilRole, SessionStatus, SheetStatus
from ocop.evaluation.models import Council, CouncilMember, ScoreSheet
from ocop.evaluation.queries.councils import can_manage_councils

CENT = Decimal("0.01")


def statistics_councils(user_or_access: Any) -> QuerySet[Council] | None:
    """The councils whose statistics the user may read: every council for the provincial office
    and the administrator, the councils they chair for a chair; None for anyone else."""
    access = as_access(user_or_access)
    if can_manage_councils(access):
        return Council.objects.all()
    if not access.is_authenticated:
        return None
    chaired = CouncilMember.objects.filter(
        user_id=access.user_id, role=CouncilRole.CHAIR, is_active=True
    ).values("council_id")
    queryset = Council.objects.filter(pk__in=chaired)
    return queryset if queryset.exists() else None


@dataclass
class MemberStats:
    username: str
    name: str
    departments: list[str] = field(default_factory=list)
    sheets: int = 0
    deviation_sum: Decimal = Decimal(0)
    farthest: int = 0

    @property
    def mean_deviation(self) -> Decimal | None:
        if not self.sheets:
            return None
        return (self.deviation_sum / self.sheets).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class ItemStats:
    session: str
    held_on: dt.date
    council: str
    dossier: str
    product: str
    totals: dict[str, Decimal] = field(default_factory=dict)  # username → total

    @property
    def count(self) -> int:
        return len(self.totals)

    @property
    def lowest(self) -> Decimal:
        return min(self.totals.values())

    @property
    def highest(self) -> Decimal:
        return max(self.totals.values())

    @property
    def spread(self) -> Decimal:
        return self.highest - self.lowest

    @property
    def exact_mean(self) -> Decimal:
        return sum(self.totals.values(), Decimal(0)) / len(self.totals)

    @property
    def mean(self) -> Decimal:
        return self.exact_mean.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Statistics:
    members: list[MemberStats]
    items: list[ItemStats]


def member_statistics(councils: QuerySet[Council]) -> Statistics:
    """The statistics of the closed sessions of `councils` (one query)."""
    rows = (
        ScoreSheet.objects.filter(
            status=SheetStatus.SUBMITTED,
            total__isnull=False,
            item__session__status=SessionStatus.CLOSED,
            item__session__council__in=councils,
        )
        .order_by("-item__session__held_on", "item__session__code", "item__position", "item_id")
        .values_list(
            "item_id",
            "item__session__code",
            "item__session__held_on",
            "item__session__council__name",
            "item__dossier__code",
            "item__dossier__product__name",
            "member__user__username",
            "member__user__full_name",
            "member__department",
            "total",
        )
    )
    items: dict[int, ItemStats] = {}
    members: dict[str, MemberStats] = {}
    for (
        item_id,
        session,
        held_on,
        council,
        dossier,
        product,
        username,
        full_name,
        department,
        total,
    ) in rows:
        entry = items.get(item_id)
        if entry is None:
            entry = items[item_id] = ItemStats(session, held_on, council, dossier, product)
        entry.totals[username] = Decimal(total)
        member = members.get(username)
        if member is None:
            member = members[username] = MemberStats(username, full_name or username)
        if department and department not in member.departments:
            member.departments.append(department)
    for entry in items.values():
        mean = entry.exact_mean
        deviations = {username: abs(total - mean) for username, total in entry.totals.items()}
        farthest = max(deviations.values())
        for username, deviation in deviations.items():
            member = members[username]
            member.sheets += 1
            member.deviation_sum += deviation
            if farthest > 0 and deviation == farthest and len(deviations) > 1:
                member.farthest += 1
    ordered = sorted(
        members.values(),
        key=lambda m: (-(m.mean_deviation or Decimal(0)), -m.farthest, m.name, m.username),
    )
    return Statistics(members=ordered, items=list(items.values()))
