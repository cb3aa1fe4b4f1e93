"""The certificates app's routes in the authorisation matrix (see tests/security/matrix.py).

Who sees a certificate (`queries/certificates.py`): the office, the approver and the
administrator every one; the commune officer of the producer's commune and the producer's own
people theirs. Council members and buyers have no certificate pages at all. A proposal under
examination and an unannounced inspection not yet carried out are read by the office, the
approver and the administrator only (the world holds both, in these states).

A refusal to someone who sees the object is 403 by design (`NotAllowed`: it reveals nothing
they cannot read). Each action pins exactly those roles to 403 with `expect=refused(readers,
actors)` (`FORBIDDEN`), and everyone else must get 404, so existence never leaks:

- a certificate's re-evaluation and upgrade: the commune A officer and the approver read it but
  do not start them (403); a revocation proposal or an inspection plan: producer A, the commune
  A officer and the approver (403);
- a revocation proposal's decision (provincial certificate): the office and the administrator
  read it but the approver decides (403);
- an inspection's record, close and cancel: the approver reads it but the office acts (403).

The public half (`verify:`, the register, `/api/v1/certificates/verify/…` and `/register`) is
open to everyone: the verification code is the capability.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from tests.security.matrix import (
    ADMIN,
    APPROVER,
    COMMUNE_A,
    COMMUNE_B,
    EVERYONE,
    FORBIDDEN,
    OFFICE,
    PRODUCER_A,
    PRODUCER_B,
    SIGNED_IN,
    E,
    Entry,
)

# The certificate's readers; the readers of its proposal and its unannounced inspection.
SEES_CERTIFICATE = frozenset({PRODUCER_A, COMMUNE_A, OFFICE, APPROVER, ADMIN})
SEES_ALL = frozenset({OFFICE, APPROVER, ADMIN})
MANAGES = frozenset({OFFICE, ADMIN})  # can_manage_certificates
STARTS = frozenset({PRODUCER_A, OFFICE, ADMIN})  # re-evaluation and upgrade
HAS_LIST = frozenset({PRODUCER_A, PRODUCER_B, COMMUNE_A, COMMUNE_B, OFFICE, APPROVER, ADMIN})

SEEN_403 = (
    "refused with exactly 403 to the roles that see the object but may not act (NotAllowed, by "
    "design: nothing is revealed to them); everyone else gets 404"
)


def refused(readers: frozenset[str], actors: Iterable[str]) -> dict[str, str]:
    """`expect` of an action: the readers of its object who may not perform it get exactly 403."""
    return dict.fromkeys(readers - frozenset(actors), FORBIDDEN)


def _day(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def _certificate(w):
    return {"code": w.cert_certificate.code}


def _revocation(w):
    return {"code": w.cert_revocation.code}


def _inspection(w):
    return {"code": w.cert_inspection.code}


def _verification(w):
    return {"code": w.cert_certificate.verification_code}


def _revoked_verification(w):
    return {"code": w.cert_revoked.verification_code}


def _proposal(w):
    return {
        "ground": "food_safety_law",
        "basis": "Kết luận thanh tra số 12/KL-TTr",
        "concluded_on": _day(-1),
        "note": "",
    }


def _plan(w):
    return {"kind": "planned", "planned_on": _day(20), "inspectors": "Đoàn kiểm tra"}


def _result(w):
    return {
        "carried_out_on": _day(0),
        "findings": "Sản phẩm đúng hồ sơ.",
        "outcome": "compliant",
    }


UI: list[Entry] = [
    E(
        "certificates:list",
        HAS_LIST,
        note="officials and producers (each sees their scope); council members and buyers "
        "have no certificate list (404)",
    ),
    E("certificates:worklist", SEES_ALL),
    E("certificates:detail", SEES_CERTIFICATE, kwargs=_certificate),
    E("certificates:history", SEES_CERTIFICATE, kwargs=_certificate),
    E(
        "certificates:reevaluate",
        STARTS,
        kwargs=_certificate,
        method="post",
        expect=refused(SEES_CERTIFICATE, STARTS),
        note=SEEN_403,
    ),
    E(
        "certificates:upgrade",
        STARTS,
        kwargs=_certificate,
        method="post",
        expect=refused(SEES_CERTIFICATE, STARTS),
        note=SEEN_403,
    ),
    E(
        "certificates:propose_revocation",
        MANAGES,
        kwargs=_certificate,
        method="post",
        data=_proposal,
        expect=refused(SEES_CERTIFICATE, MANAGES),
        note=SEEN_403,
    ),
    E(
        "certificates:plan_inspection",
        MANAGES,
        kwargs=_certificate,
        method="post",
        data=_plan,
        expect=refused(SEES_CERTIFICATE, MANAGES),
        note=SEEN_403,
    ),
    E(
        "certificates:revocation",
        SEES_ALL,
        kwargs=_revocation,
        note="a proposal under examination: not the producer's nor the commune's to read",
    ),
    E(
        "certificates:revocation_decide",
        {APPROVER},
        kwargs=_revocation,
        method="post",
        data={"decision_number": "15/QĐ-UBND"},
        expect=refused(SEES_ALL, {APPROVER}),
        note="the approver decides a provincial certificate's revocation; " + SEEN_403,
    ),
    E(
        "certificates:revocation_reject",
        {APPROVER},
        kwargs=_revocation,
        method="post",
        data={"reason": "Chưa đủ căn cứ."},
        expect=refused(SEES_ALL, {APPROVER}),
        note="the approver decides a provincial certificate's revocation; " + SEEN_403,
    ),
    E(
        "certificates:inspection",
        SEES_ALL,
        kwargs=_inspection,
        note="an unannounced inspection not yet carried out is hidden from the producer and "
        "the commune",
    ),
    E(
        "certificates:inspection_record",
        MANAGES,
        kwargs=_inspection,
        method="post",
        data=_result,
        expect=refused(SEES_ALL, MANAGES),
        note=SEEN_403,
    ),
    E(
        "certificates:inspection_close",
        MANAGES,
        kwargs=_inspection,
        method="post",
        data={"note": "Đã khắc phục."},
        expect=refused(SEES_ALL, MANAGES),
        note="(the inspection is not carried out yet: the office is told so) " + SEEN_403,
    ),
    E(
        "certificates:inspection_cancel",
        MANAGES,
        kwargs=_inspection,
        method="post",
        data={"reason": "Đổi lịch."},
        expect=refused(SEES_ALL, MANAGES),
        note=SEEN_403,
    ),
    # The public pages: the code is the capability.
    E("verify:form", EVERYONE),
    E("verify:verify", EVERYONE, kwargs=_verification),
    E(
        "verify:verify_vi",
        EVERYONE,
        kwargs=_revoked_verification,
        note="a revoked certificate verifies as revoked, with its public decision",
    ),
    E("verify:certificate_pdf", EVERYONE, kwargs=_verification),
    E(
        "verify:certificate_pdf_vi",
        EVERYONE,
        kwargs=_revoked_verification,
        note="printed with a stamp across it once it is no longer in force",
    ),
    E("verify:register", EVERYONE),
    E("verify:register_csv", EVERYONE),
    E("verify:register_json", EVERYONE),
]

API: list[Entry] = [
    E("GET /api/v1/certificates/verify/{code}", EVERYONE, kwargs=_verification),
    E("GET /api/v1/certificates/register", EVERYONE),
    E(
        "GET /api/v1/certificates",
        SIGNED_IN,
        note="a list: empty for whoever sees no certificate",
    ),
    E("GET /api/v1/certificates/{code}", SEES_CERTIFICATE, kwargs=_certificate),
    E(
        "POST /api/v1/certificates/{code}/reevaluation",
        STARTS,
        kwargs=_certificate,
        expect=refused(SEES_CERTIFICATE, STARTS),
        note=SEEN_403,
    ),
    E(
        "POST /api/v1/certificates/{code}/upgrade",
        STARTS,
        kwargs=_certificate,
        expect=refused(SEES_CERTIFICATE, STARTS),
        note=SEEN_403,
    ),
    E(
        "POST /api/v1/certificates/{code}/revocations",
        MANAGES,
        kwargs=_certificate,
        data=_proposal,
        expect=refused(SEES_CERTIFICATE, MANAGES),
        note=SEEN_403,
    ),
    E("GET /api/v1/certificates/revocations/{code}", SEES_ALL, kwargs=_revocation),
    E(
        "POST /api/v1/certificates/revocations/{code}/decide",
        {APPROVER},
        kwargs=_revocation,
        data={"decision_number": "15/QĐ-UBND"},
        expect=refused(SEES_ALL, {APPROVER}),
        note=SEEN_403,
    ),
    E(
        "POST /api/v1/certificates/revocations/{code}/reject",
        {APPROVER},
        kwargs=_revocation,
        data={"reason": "Chưa đủ căn cứ."},
        expect=refused(SEES_ALL, {APPROVER}),
        note=SEEN_403,
    ),
    E(
        "POST /api/v1/certificates/{code}/inspections",
        MANAGES,
        kwargs=_certificate,
        data=_plan,
        expect=refused(SEES_CERTIFICATE, MANAGES),
        note=SEEN_403,
    ),
    E("GET /api/v1/certificates/inspections/{code}", SEES_ALL, kwargs=_inspection),
    E(
        "POST /api/v1/certificates/inspections/{code}/record",
        MANAGES,
        kwargs=_inspection,
        data=_result,
        expect=refused(SEES_ALL, MANAGES),
        note=SEEN_403,
    ),
    E(
        "POST /api/v1/certificates/inspections/{code}/close",
        MANAGES,
        kwargs=_inspection,
        data={"note": "Đã khắc phục."},
        expect=refused(SEES_ALL, MANAGES),
        note=SEEN_403,
    ),
    E(
        "POST /api/v1/certificates/inspections/{code}/cancel",
        MANAGES,
        kwargs=_inspection,
        data={"reason": "Đổi lịch."},
        expect=refused(SEES_ALL, MANAGES),
        note=SEEN_403,
    ),
]

ENTRIES: list[Entry] = UI + API
