"""The data of the decision, result and document tests: one provincial round of QĐ 26/2026 whose
closed session scored four dossiers with the real engine (sheets → `combine_sheets`):

- `four`: product1 (producer1, commune A, bộ 6) 4★, three sheets with comments;
- `three`: product2 (producer2, commune B, bộ 26) 3★;
- `five`: a second product of producer1 (bộ 6) 5★ with a mean ≥ 90: proposed to the ministry;
- `two`: a second product of producer2 (bộ 26) 2★: not recognised.

The council: the cast's chair and member, one more member, a secretary (absent: no, present) and
one member who is absent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ocop.evaluation.enums import Level
from ocop.evaluation.models import Council, Round, Session, SessionDossier
from tests.factories.evaluation import (
    closed_session,
    decision_council,
    decision_round,
    scored_dossier,
)
from tests.factories.products import ProductFactory, classification_leaf

COMMENTS = {
    0: {"1.1": "Nguyên liệu địa phương, ổn định.", "2.1": "Cần thêm bao bì thân thiện."},
    1: {"1.1": "Đạt yêu cầu về nguồn nguyên liệu."},
    2: {"2.1": "Bao bì còn đơn giản."},
}


@dataclass
class World:
    cast: Any
    round: Round
    council: Council
    session: Session
    secretary: Any
    absent: Any
    items: dict[str, SessionDossier] = field(default_factory=dict)

    def dossier(self, name: str) -> Any:
        return self.items[name].dossier


def classify(product: Any, code: str) -> Any:
    type(product).objects.filter(pk=product.pk).update(classification=classification_leaf(code))
    product.refresh_from_db()
    return product


def build_world(cast: Any, *, level: str = Level.PROVINCE) -> World:
    from tests.factories.accounts import MembershipFactory, OrganisationFactory

    criteria_set = classification_leaf("I.3.b").criteria_set
    round_ = decision_round(criteria_set, level=level, name="Đợt 1 năm 2026 – Hà Nội")
    org = OrganisationFactory(kind="council", name="Hội đồng thư ký")
    secretary = MembershipFactory(role="council_secretary", organisation=org).user
    absent = MembershipFactory(role="council_member", organisation=org).user
    council = decision_council(
        chair=cast.chair, members=[cast.member, absent], secretary=secretary, extra_members=1
    )
    session = closed_session(council, round_, absent=[absent])
    world = World(
        cast=cast,
        round=round_,
        council=council,
        session=session,
        secretary=secretary,
        absent=absent,
    )
    product1 = classify(cast.product1, "I.3.b")
    product2 = classify(cast.product2, "VI.1")
    product3 = classify(ProductFactory(producer=cast.prod1, name="Gốm men rạn cổ"), "I.3.b")
    product4 = classify(ProductFactory(producer=cast.prod2, name="Trà búp Ba Vì"), "VI.1")
    world.items["four"] = scored_dossier(
        product1, session, [74, 78, 82], keep_level=4, comments=COMMENTS
    )
    world.items["three"] = scored_dossier(product2, session, [55, 60, 58], keep_level=3)
    world.items["five"] = scored_dossier(product3, session, [95, 96, 94], keep_level=5)
    world.items["two"] = scored_dossier(product4, session, [35, 40, 38], keep_level=0)
    return world


def more_recognised(world: World, count: int) -> list[SessionDossier]:
    """`count` more 4★ dossiers on the session (for the query guards)."""
    items = []
    for index in range(count):
        product = classify(
            ProductFactory(producer=world.cast.prod1, name=f"Bình hoa men lam số {index}"),
            "I.3.b",
        )
        items.append(scored_dossier(product, world.session, [75, 76, 77], keep_level=4))
    return items
