"""Objects of the evaluation app for the authorisation matrix (see tests/security/world.py).

Everything belongs to producer A (commune A) and to the world's council (`eval_council`: the
world's chair in the CHAIR seat, member_in in a MEMBER seat, a secretary), so that every route
has something that could leak:

- `eval_dossier`: a dossier of product_a at the commune (SUBMITTED: the commune acts on it),
  with one evidence document (`eval_evidence`);
- `eval_forwarded`: a dossier of producer A forwarded to the province (the office accepts it);
- `eval_round`: an open provincial round; `eval_session`: an open session of the council, with
  `eval_item` (a dossier of producer A) on its agenda, the chair and member_in present and
  declared (no conflict), member_in's draft sheet saved;
- `eval_closed`: a closed session of the same council: `eval_scored` (5★, proposed to the
  ministry, in the approved decision `eval_approved`) and `eval_pending` (4★, in the draft
  decision `eval_decision`), each with the chair's and member_in's submitted sheets, and a
  commune report (Mẫu 03) for `eval_scored`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ocop.accounts.enums import Role
from ocop.evaluation.enums import (
    CommuneConclusion,
    CouncilRole,
    DossierStatus,
    EvidenceCategory,
    Level,
)
from ocop.evaluation.models import CommuneAssessment, Dossier, DossierEvent
from ocop.evaluation.services.decisions import change_decision_status, draft_decision
from ocop.evaluation.services.dossiers import add_evidence, create_dossier
from ocop.evaluation.services.sessions import (
    add_to_agenda,
    create_session,
    declare_conflict,
    record_attendance,
    save_sheet,
)
from tests.factories.evaluation import (
    accepted_dossier,
    closed_session,
    scored_dossier,
    session_council,
    session_council_user,
    session_round,
)
from tests.factories.products import PDF_BYTES, ProductFactory, classification_leaf

LEAF = "I.3.b"  # bộ 6 (food): the scorecard of every dossier here


def _classified(product: Any) -> Any:
    type(product).objects.filter(pk=product.pk).update(classification=classification_leaf(LEAF))
    product.refresh_from_db()
    return product


def _product(world: Any, name: str) -> Any:
    return _classified(ProductFactory(producer=world.producer_a, name=name))


def _move(dossier: Dossier, steps: list[tuple[str, str, str]], **fields: Any) -> Dossier:
    """Record the dossier's earlier steps (events) and put it in its last status."""
    for before, after, level in steps:
        DossierEvent.objects.create(
            dossier=dossier, from_status=before, to_status=after, level=level
        )
    Dossier.objects.filter(pk=dossier.pk).update(status=steps[-1][1], **fields)
    dossier.refresh_from_db()
    return dossier


def build(world: Any) -> None:
    """Add this app's objects to world.objects (producer A's, commune A's, the world council's)."""
    office = world.user("office")
    producer = world.user("producer_a")
    chair = world.user("chair")
    member = world.user("member_in")
    product = _classified(world.product_a)
    criteria_set = product.classification.criteria_set

    # A dossier at the commune, with a document: producer A's, commune A acts on it.
    dossier = create_dossier(actor=producer, product=product, kind="first")
    evidence = add_evidence(
        actor=producer,
        dossier=dossier,
        category=EvidenceCategory.BUSINESS_REGISTRATION,
        title="Giấy chứng nhận đăng ký hợp tác xã",
        upload=SimpleUploadedFile("dang-ky.pdf", PDF_BYTES, "application/pdf"),
    )
    dossier = _move(
        dossier,
        [(DossierStatus.DRAFT, DossierStatus.SUBMITTED, Level.COMMUNE)],
        submitted_at=timezone.now(),
        due_on=timezone.localdate() + dt.timedelta(days=10),
    )

    # A dossier forwarded to the province, waiting for the office to accept it into a round.
    forwarded = Dossier.objects.create(
        product=_product(world, "Lọ gốm men rạn"),
        producer=world.producer_a,
        commune=world.producer_a.commune,
        criteria_set=criteria_set,
        scorecard=product.classification.scorecard,
        procedure_profile=criteria_set.procedure_profile,
        status=DossierStatus.DRAFT,
        level=Level.PROVINCE,
    )
    forwarded = _move(
        forwarded,
        [
            ("", DossierStatus.DRAFT, Level.COMMUNE),
            (DossierStatus.DRAFT, DossierStatus.SUBMITTED, Level.COMMUNE),
            (DossierStatus.SUBMITTED, DossierStatus.FORWARDED, Level.PROVINCE),
        ],
        submitted_at=timezone.now(),
    )

    # The council: the world's chair and member_in seated, and a secretary.
    round_ = session_round(criteria_set, number=7)
    council = session_council(
        chair=chair,
        members=[member],
        secretary=session_council_user(Role.COUNCIL_SECRETARY, username="m_eval_secretary"),
        name="Hội đồng đánh giá sản phẩm OCOP (ma trận)",
    )

    # An open session with producer A's dossier on its agenda, members present and declared.
    session = create_session(
        actor=office, council=council, round=round_, held_on=dt.date(2026, 12, 10), place="Hà Nội"
    )
    on_agenda = accepted_dossier(_product(world, "Đĩa gốm vẽ tay"), round_, office=office)
    item = add_to_agenda(actor=office, session=session, dossier=on_agenda)
    seats = {s.user_id: s for s in council.members.all()}
    record_attendance(
        actor=office, session=session, present_members=[seats[chair.pk], seats[member.pk]]
    )
    for user in (chair, member):
        declare_conflict(actor=user, item=item, has_conflict=False, note="")
    save_sheet(actor=member, item=item, selections={"1.1": 2})

    # A closed session: a 5★ dossier (approved decision, proposed to the ministry) and a 4★ one
    # (draft decision). The sheets are the chair's and member_in's (the scoring seats).
    closed = closed_session(council, round_, held_on=dt.date(2026, 6, 15))
    scored_item = scored_dossier(_product(world, "Bình hút lộc"), closed, [95, 96], keep_level=5)
    scored = scored_item.dossier
    CommuneAssessment.objects.create(
        dossier=scored,
        local_materials="Đất sét của làng Bát Tràng.",
        local_materials_met=True,
        local_labour="12 lao động địa phương.",
        local_labour_met=True,
        idea_origin="Mẫu gốm truyền thống của làng.",
        idea_origin_met=True,
        local_identity="Men lam Bát Tràng.",
        local_identity_met=True,
        completeness_ok=True,
        conclusion=CommuneConclusion.FORWARD,
        report="Đủ điều kiện đề nghị đánh giá cấp thành phố.",
        assessed_by=world.user("commune_a"),
    )
    approved = draft_decision(
        actor=office, round=round_, title="Công nhận sản phẩm OCOP đợt 7", number="101/QĐ-UBND"
    )
    approved = change_decision_status(
        actor=world.user("approver"),
        decision=approved,
        to="approved",
        signed_on=dt.date(2026, 7, 1),
    )
    pending_item = scored_dossier(
        _product(world, "Ấm chén men lam"), closed, [80, 82], keep_level=4
    )
    decision = draft_decision(
        actor=office, round=round_, title="Công nhận sản phẩm OCOP đợt 7 (bổ sung)", number=""
    )

    assert {s.role for s in council.members.all()} == {
        CouncilRole.CHAIR,
        CouncilRole.MEMBER,
        CouncilRole.SECRETARY,
    }
    world.objects.update(
        {
            "eval_dossier": dossier,
            "eval_evidence": evidence,
            "eval_forwarded": forwarded,
            "eval_round": round_,
            "eval_council": council,
            "eval_session": session,
            "eval_item": item,
            "eval_closed": closed,
            "eval_scored": scored,
            "eval_scored_item": scored_item,
            "eval_pending": pending_item.dossier,
            "eval_approved": approved,
            "eval_decision": decision,
        }
    )
