"""A correcting decision re-issues only what it changes: an unchanged product keeps its
certificate (number and dates); a changed star level gets a new certificate in its place."""

from __future__ import annotations

import datetime as dt

import pytest

from ocop.certificates.enums import CertificateStatus
from ocop.certificates.models import Certificate
from ocop.evaluation.enums import DecisionStatus
from ocop.evaluation.services.decisions import (
    change_decision_status,
    correct_decision,
    draft_decision,
)
from tests.evaluation.results_world import build_world

pytestmark = pytest.mark.django_db


def _approve(world, decision, day):
    return change_decision_status(
        actor=world.cast.approver, decision=decision, to=DecisionStatus.APPROVED, signed_on=day
    )


def test_a_correction_keeps_unchanged_certificates_and_replaces_changed_ones(qd26, cast):
    world = build_world(cast)
    decision = draft_decision(
        actor=cast.office, round=world.round, title="Quyết định", number="1147/QĐ-UBND"
    )
    _approve(world, decision, dt.date(2026, 7, 10))
    four = world.dossier("four")
    three = world.dossier("three")
    before = {c.product_id: c for c in Certificate.objects.all()}
    assert {c.stars for c in before.values()} == {3, 4}
    correction = correct_decision(
        actor=cast.office,
        decision=decision,
        reason="Nhầm hạng sao.",
        changes={three.code: {"stars": 4}},
        number="1200/QĐ-UBND",
    )
    _approve(world, correction, dt.date(2026, 8, 1))
    kept = Certificate.objects.get(pk=before[four.product_id].pk)
    assert (kept.status, kept.decision_number, kept.decided_on) == (
        CertificateStatus.VALID,
        "1147/QĐ-UBND",
        dt.date(2026, 7, 10),
    )
    assert Certificate.objects.filter(product_id=four.product_id).count() == 1
    old = Certificate.objects.get(pk=before[three.product_id].pk)
    new = Certificate.objects.get(product_id=three.product_id, status=CertificateStatus.VALID)
    assert old.status == CertificateStatus.SUPERSEDED
    assert (new.stars, new.decision_number, new.replaces) == (4, "1200/QĐ-UBND", old)
    # A correction of the correction still keeps what nothing changed.
    again = correct_decision(
        actor=cast.office, decision=correction, reason="Lần nữa", number="1300/QĐ-UBND"
    )
    _approve(world, again, dt.date(2026, 9, 1))
    assert Certificate.objects.filter(status=CertificateStatus.VALID).count() == 2
