"""The council workflow's test setting (councils, sessions, sheets), built on the cast and the
real QĐ 26/2026 criteria (`classified`: product1 on bộ 6, product2 on bộ 26).

`build_board(cast)` makes an open provincial round, a council of five scoring members (the
cast's chair, the cast's member and three more) and a secretary, an open session, and the two
products' dossiers accepted into the round and put on the agenda through the services. Nobody
is recorded present yet and nobody has declared.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ocop.accounts.enums import Role
from ocop.criteria.queries.specs import load_scorecard_spec
from ocop.evaluation.enums import CouncilRole
from ocop.evaluation.models import CouncilMember, Session, SessionDossier
from ocop.evaluation.services.sessions import (
    add_to_agenda,
    create_session,
    declare_conflict,
    record_attendance,
    save_sheet,
    submit_sheet,
)
from tests.factories.evaluation import (
    accepted_dossier,
    complete_sheet,
    session_council,
    session_council_user,
    session_round,
)

# bộ 6: a complete sheet of 56 points (A 25, B 12, C 19), the self-assessment tests' sheet.
BO6_56: dict[str, int] = {
    "1.1": 2, "1.2": 1, "1.3": 2, "1.4": 2, "1.5": 1, "1.6": 1, "1.7": 1,
    "2.1": 2, "2.2": 2, "2.3": 2, "2.4": 1,
    "3.1": 3, "3.2": 0, "3.3": 3, "3.4": 1, "3.5": 1,
    "4.1": 2, "4.2": 1, "4.3": 2,
    "5.1": 3, "5.2": 1, "5.3": 3,
    "6.1": 3, "6.2": 2, "6.3": 2, "6.4": 2, "6.5": 2,
    "7": 3, "8": 2, "9": 1, "10": 1, "11": 1,
}  # fmt: skip


def bo6_total(total: int) -> dict[str, int]:
    """A complete bộ 6 sheet of exactly `total` points (from 56, raising or lowering criteria
    in scorecard order through their options)."""
    spec = load_scorecard_spec("qd26-2026", 6)
    sheet = dict(BO6_56)
    current = sum(sheet.values())
    options = {
        c.code: sorted({0, *(int(o.points) for o in c.options)} if c.options else {0, 1})
        for c in spec.criteria
    }
    for criterion in spec.criteria:
        code = criterion.code
        if current == total:
            break
        values = options[code]
        if current < total:
            best = max((v for v in values if v - sheet[code] <= total - current), default=None)
        else:
            best = min((v for v in values if sheet[code] - v <= current - total), default=None)
        if best is not None:
            current += best - sheet[code]
            sheet[code] = best
    assert current == total, (total, current)
    return sheet


@dataclass
class Board:
    cast: Any
    round: Any
    council: Any
    session: Session
    chair: CouncilMember
    members: list[CouncilMember]  # the four members (the cast's member first)
    secretary: CouncilMember
    item1: SessionDossier  # product1, bộ 6
    item2: SessionDossier  # product2, bộ 26
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def scorers(self) -> list[CouncilMember]:
        return [self.chair, *self.members]

    def users(self, seats: list[CouncilMember]) -> list[Any]:
        return [seat.user for seat in seats]

    def attend(self, seats: list[CouncilMember] | None = None) -> None:
        record_attendance(
            actor=self.secretary.user,
            session=self.session,
            present_members=self.scorers if seats is None else seats,
        )

    def declare(self, seat: CouncilMember, item: SessionDossier, conflict: bool = False) -> None:
        declare_conflict(
            actor=seat.user,
            item=item,
            has_conflict=conflict,
            note="Người thân của chủ thể" if conflict else "",
        )

    def score(
        self, seat: CouncilMember, item: SessionDossier, selections: dict, *, submit: bool = True
    ) -> Any:
        """Declare (no conflict) when not yet declared, save the sheet, submit it."""
        if not item.declarations.filter(member=seat).exists():
            self.declare(seat, item)
        sheet = save_sheet(actor=seat.user, item=item, selections=selections)
        if submit:
            sheet = submit_sheet(actor=seat.user, item=item)
        return sheet

    def spec(self, item: SessionDossier) -> Any:
        return load_scorecard_spec("qd26-2026", item.dossier.scorecard.number)

    def full(self, item: SessionDossier, pick: str = "max") -> dict:
        return complete_sheet(self.spec(item), pick)


def build_board(
    cast: Any, *, extra_members: int = 3, items: int = 2, round_number: int = 1
) -> Board:
    from ocop.criteria.models import CriteriaSet

    criteria_set = CriteriaSet.objects.get(code="qd26-2026")
    round_ = session_round(criteria_set, number=round_number)
    council = session_council(
        chair=cast.chair,
        members=[cast.member],
        extra_members=extra_members,
        secretary=session_council_user(Role.COUNCIL_SECRETARY),
    )
    session = create_session(
        actor=cast.office,
        council=council,
        round=round_,
        held_on=dt.date(2026, 6, 15),
        place="Trụ sở Văn phòng Điều phối",
    )
    seats = list(council.members.select_related("user").order_by("id"))
    chair = next(s for s in seats if s.role == CouncilRole.CHAIR)
    members = [s for s in seats if s.role == CouncilRole.MEMBER]
    secretary = next(s for s in seats if s.role == CouncilRole.SECRETARY)
    agenda = []
    for product in (cast.product1, cast.product2)[:items]:
        dossier = accepted_dossier(product, round_, office=cast.office)
        agenda.append(add_to_agenda(actor=cast.office, session=session, dossier=dossier))
    return Board(
        cast=cast,
        round=round_,
        council=council,
        session=session,
        chair=chair,
        members=members,
        secretary=secretary,
        item1=agenda[0],
        item2=agenda[1] if len(agenda) > 1 else agenda[0],
    )


def database_state() -> dict[str, Any]:
    """Everything a refused action must leave as it was: sheets and their versions, the
    declarations, discussions, the agenda's results and flags, sessions, dossiers, criteria-set
    locks, the activity log and the notices."""
    from ocop.core.models import ActivityLog
    from ocop.criteria.models import CriteriaSet
    from ocop.evaluation.models import (
        ConflictDeclaration,
        DiscussionRound,
        Dossier,
        DossierEvent,
        Notification,
        ScoreSheet,
        ScoreSheetVersion,
    )

    return {
        "sheets": sorted(
            ScoreSheet.objects.values_list("id", "status", "version", "total", "selections")
        ),
        "versions": ScoreSheetVersion.objects.count(),
        "declarations": sorted(
            ConflictDeclaration.objects.values_list("id", "has_conflict", "note")
        ),
        "discussions": sorted(DiscussionRound.objects.values_list("id", "closed_at")),
        "items": sorted(
            SessionDossier.objects.values_list(
                "id", "flagged_for_discussion", "result", "mean_total", "stars", "dossier_knockouts"
            )
        ),
        "sessions": sorted(Session.objects.values_list("id", "status", "closed_at")),
        "present": sorted(
            Session.present.through.objects.values_list("session_id", "councilmember_id")
        ),
        "dossiers": sorted(Dossier.objects.values_list("id", "status")),
        "events": DossierEvent.objects.count(),
        "locks": sorted(CriteriaSet.objects.values_list("code", "locked_at")),
        "log": ActivityLog.objects.count(),
        "notices": Notification.objects.count(),
    }


def add_items(board: Board, count: int, leaf: str = "I.3.b") -> list[SessionDossier]:
    """`count` more products of producer 1 (classified under `leaf`: bộ 6 by default) accepted
    into the round and put on the agenda."""
    from ocop.products.services.products import update_product
    from tests.factories.products import ProductFactory, classification_leaf

    items = []
    for index in range(count):
        product = ProductFactory(producer=board.cast.prod1, name=f"Bánh cốm {index}")
        update_product(
            actor=board.cast.office,
            product=product,
            data={"classification": classification_leaf(leaf)},
        )
        dossier = accepted_dossier(product, board.round, office=board.cast.office)
        items.append(add_to_agenda(actor=board.cast.office, session=board.session, dossier=dossier))
    return items


class Api:
    """A JSON client of /api/v1 with a user's real bearer token (pages in English)."""

    BASE = "/api/v1"

    def __init__(self, user: Any) -> None:
        import json

        from django.test import Client

        from ocop.accounts.services.tokens import issue_api_token

        self._json = json
        self.client = Client()
        self.client.cookies["ocop_language"] = "en"
        _, raw = issue_api_token(user=user, name="test")
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(self.BASE + path, params, **self.headers)

    def post(self, path: str, body: Any = None) -> Any:
        return self.client.post(
            self.BASE + path,
            self._json.dumps(body or {}),
            content_type="application/json",
            **self.headers,
        )

    def put(self, path: str, body: Any) -> Any:
        return self.client.put(
            self.BASE + path,
            self._json.dumps(body),
            content_type="application/json",
            **self.headers,
        )
