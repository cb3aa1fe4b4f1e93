"""The data of the issuing, life-cycle, revocation, inspection and management tests.

- `approved_world(cast)`: the decision world of the evaluation tests (four dossiers scored by the
  real engine: product1 4★, product2 3★, a 5★ proposed to the ministry, a 2★), drafted and
  approved, and the certificates issued through `issue_certificates_for_decision`.
- `certificate(product, profile=…)`: a certificate made directly (the factory signs it), on a
  criteria set of the given procedure profile, for the life-cycle and management tests.
- `vi(msgid)`: the Vietnamese of a msgid (the msgid until the catalogue translates it), to check
  messages without depending on the state of the translation.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import translation

from ocop.certificates.models import Certificate
from ocop.certificates.services.certificates import issue_certificates_for_decision
from ocop.evaluation.enums import DecisionStatus
from ocop.evaluation.services.decisions import change_decision_status, draft_decision
from tests.evaluation.results_world import World, build_world
from tests.factories.certificates import CertificateFactory
from tests.factories.criteria import CriteriaSetFactory

SIGNED = dt.date(2026, 7, 10)
QD26 = "qd26-2026-two-level"
QD1048 = "qd1048-2019-three-level"
# A certificate decided on 15/06/2026 expires on 15/06/2029: its re-evaluation window (QĐ 26/2026)
# runs from 17/12/2028 (180 days before) to 15/02/2029 (120 days before); the reminder comes a
# week before it closes (08/02/2029); the notice before the expiry from 16/05/2029 (30 days).
DECIDED = dt.date(2026, 6, 15)
EXPIRES = dt.date(2029, 6, 15)
WINDOW_OPENS = dt.date(2028, 12, 17)
WINDOW_CLOSES = dt.date(2029, 2, 15)
CLOSING_REMINDER = dt.date(2029, 2, 8)
EXPIRY_NOTICE = dt.date(2029, 5, 16)


def vi(msgid: str) -> str:
    with translation.override("vi"):
        return str(translation.gettext(msgid))


def vi_context(context: str, msgid: str) -> str:
    with translation.override("vi"):
        return str(translation.pgettext(context, msgid))


def draft_and_approve(world: World, *, number: str = "1147/QĐ-UBND", signed_on: dt.date = SIGNED):
    decision = draft_decision(
        actor=world.cast.office,
        round=world.round,
        title="Quyết định công nhận sản phẩm OCOP năm 2026 (đợt 1)",
        number=number,
    )
    change_decision_status(
        actor=world.cast.approver,
        decision=decision,
        to=DecisionStatus.APPROVED,
        signed_on=signed_on,
    )
    decision.refresh_from_db()
    return decision


def approved_world(cast: Any, *, signed_on: dt.date = SIGNED, level: str | None = None):
    """(world, decision, certificates by world item name) after the approval and the issue."""
    world = build_world(cast, level=level) if level else build_world(cast)
    decision = draft_and_approve(world, signed_on=signed_on)
    issue_certificates_for_decision(actor=cast.approver, decision=decision)
    by_name = {}
    for name, item in world.items.items():
        found = Certificate.objects.filter(decision_item__agenda_item=item).first()
        if found is not None:
            by_name[name] = found
    return world, decision, by_name


def criteria_set(profile: str = QD26, **fields: Any) -> Any:
    return CriteriaSetFactory(procedure_profile=profile, **fields)


def certificate(product: Any, *, profile: str = QD26, **fields: Any) -> Certificate:
    """A valid certificate of `product`, decided on 15/06/2026 and expiring on 15/06/2029
    unless told otherwise, on a criteria set of `profile`."""
    fields.setdefault("decided_on", DECIDED)
    fields.setdefault("expires_on", EXPIRES)
    if "criteria_set" not in fields:
        fields["criteria_set"] = criteria_set(profile)
    return CertificateFactory(product=product, **fields)
