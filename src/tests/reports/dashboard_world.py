"""Records for the dashboard, summary and ranked-list tests, written directly (the read side):
rounds, closed sessions with council results, approved decisions with their items.

    world = ReportWorld.build(cast)
    item = world.evaluate(product, year=2019, stars=4)            # a council result
    world.decide([(item, 4)], year=2019)                           # an approved decision: 4★
    world.decide([(item, "proposed")], year=2019)                  # proposed to the ministry
    world.decide([(item, 5)], year=2019, level="central")          # recognised 5★ by the ministry

An approved decision is final: it is written as a draft with its items, then approved once (the
model allows exactly that save), as `change_decision_status` does.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from ocop.evaluation.enums import (
    DecisionStatus,
    DossierStatus,
    Level,
    RoundStatus,
    SessionStatus,
)
from ocop.evaluation.models import (
    Council,
    Decision,
    DecisionItem,
    Dossier,
    Round,
    Session,
    SessionDossier,
)
from tests.factories.criteria import CriteriaSetFactory, ScorecardFactory
from tests.factories.products import ProductFactory

_numbers = itertools.count(1)


@dataclass
class ReportWorld:
    cast: Any
    criteria_set: Any
    scorecard: Any
    rounds: dict[tuple[int, str, int], Round] = field(default_factory=dict)
    sessions: dict[int, Session] = field(default_factory=dict)
    councils: dict[str, Council] = field(default_factory=dict)

    @classmethod
    def build(cls, cast: Any) -> ReportWorld:
        criteria_set = CriteriaSetFactory()
        return cls(
            cast=cast,
            criteria_set=criteria_set,
            scorecard=ScorecardFactory(criteria_set=criteria_set),
        )

    # --- rounds and sessions ------------------------------------------------------------------

    def round(self, year: int, level: str = Level.PROVINCE, number: int = 1) -> Round:
        key = (year, level, number)
        if key not in self.rounds:
            self.rounds[key] = Round.objects.create(
                name=f"Đợt {number} năm {year} ({level})",
                year=year,
                number=number,
                level=level,
                criteria_set=self.criteria_set,
                status=RoundStatus.CLOSED,
            )
        return self.rounds[key]

    def council(self, level: str) -> Council:
        if level not in self.councils:
            self.councils[level] = Council.objects.create(name=f"Hội đồng {level}", level=level)
        return self.councils[level]

    def session(
        self, round_: Round, *, closed: bool = True, held_on: dt.date | None = None
    ) -> Session:
        if closed and held_on is None and round_.pk in self.sessions:
            return self.sessions[round_.pk]
        session = Session.objects.create(
            council=self.council(round_.level),
            round=round_,
            held_on=held_on or dt.date(round_.year, 9, 15),
            status=SessionStatus.CLOSED if closed else SessionStatus.OPEN,
            closed_at=timezone.now() if closed else None,
        )
        if closed and held_on is None:
            self.sessions[round_.pk] = session
        return session

    # --- records ----------------------------------------------------------------------------

    def product(self, producer: Any = None, **fields: Any) -> Any:
        return ProductFactory(producer=producer or self.cast.prod1, **fields)

    def dossier(
        self,
        product: Any,
        *,
        commune: Any = None,
        status: str = DossierStatus.SCORED,
        level: str = Level.PROVINCE,
        round_: Round | None = None,
        due_on: dt.date | None = None,
    ) -> Dossier:
        return Dossier.objects.create(
            product=product,
            producer=product.producer,
            commune=commune or product.producer.commune,
            criteria_set=self.criteria_set,
            scorecard=self.scorecard,
            procedure_profile=self.criteria_set.procedure_profile,
            status=status,
            level=level,
            round=round_,
            due_on=due_on,
        )

    def evaluate(
        self,
        product: Any,
        *,
        year: int,
        stars: int | None = 4,
        mean: str = "78.50",
        level: str = Level.PROVINCE,
        commune: Any = None,
        dossier: Dossier | None = None,
        closed: bool = True,
        held_on: dt.date | None = None,
        result: bool = True,
        status: str = DossierStatus.RECOGNISED,
    ) -> SessionDossier:
        """A council result for the product in a round of `year` at `level` (its dossier
        finished: `status` recognised, so that it is not waiting)."""
        round_ = self.round(year, level)
        if dossier is None:
            dossier = self.dossier(
                product, commune=commune, level=level, round_=round_, status=status
            )
        session = self.session(round_, closed=closed, held_on=held_on)
        return SessionDossier.objects.create(
            session=session,
            dossier=dossier,
            position=session.agenda.count() + 1,
            result={"stars": stars, "mean_total": mean} if result else None,
            mean_total=Decimal(mean) if result else None,
            stars=stars if result else None,
        )

    def decide(
        self,
        entries: list[tuple[SessionDossier, Any]],
        *,
        year: int | None = None,
        level: str = Level.PROVINCE,
        signed_on: dt.date | None = None,
        replaces: Decision | None = None,
        approved: bool = True,
        number: str | None = None,
    ) -> Decision:
        """A decision of the round of `year` at `level` (the first entry's round by default).
        Each entry is (agenda item, outcome): 3, 4 or 5 (recognised with those stars),
        "proposed" (proposed to the ministry, not recognised), (4, "proposed") (recognised 4★
        and proposed), or None (not recognised)."""
        round_ = self.round(year, level) if year is not None else entries[0][0].session.round
        decision = Decision.objects.create(
            round=round_,
            level=level,
            number=number or f"{next(_numbers)}/QĐ-UBND",
            title=f"Quyết định công nhận năm {round_.year}",
            status=DecisionStatus.DRAFT,
            signed_on=signed_on or dt.date(round_.year, 12, 20),
            replaces=replaces,
            drafted_by=self.cast.office,
        )
        for agenda_item, outcome in entries:
            stars: int | None = None
            proposed = False
            if isinstance(outcome, tuple):
                stars, proposed = outcome[0], True
            elif outcome == "proposed":
                proposed = True
            elif isinstance(outcome, int):
                stars = outcome
            DecisionItem.objects.create(
                decision=decision,
                dossier=agenda_item.dossier,
                agenda_item=agenda_item,
                recognised=stars is not None,
                stars=stars,
                mean_total=agenda_item.mean_total or Decimal("0"),
                proposed_central=proposed,
            )
        if approved:
            decision.status = DecisionStatus.APPROVED
            decision.approved_by = self.cast.approver
            decision.approved_at = timezone.now()
            decision.save()
        return decision

    def rank(
        self,
        product: Any,
        outcome: Any,
        *,
        year: int,
        level: str = Level.PROVINCE,
        commune: Any = None,
        mean: str = "78.50",
    ) -> SessionDossier:
        """Evaluate and decide in one step (one decision per product)."""
        stars = outcome if isinstance(outcome, int) else 4
        item = self.evaluate(
            product, year=year, stars=stars, level=level, commune=commune, mean=mean
        )
        self.decide([(item, outcome)], year=year, level=level)
        return item
