"""The evaluation app's routes in the authorisation matrix (see tests/security/matrix.py): the
dossiers, rounds, councils, sessions and sheets, decisions, results and the printable PDFs (the
self-assessment pages are in routes/self_assessments.py). The objects are those of
worlds/evaluation.py.

Who sees what (the loaders in ocop/evaluation/queries/):

- a dossier: the producer's people, the officer of its commune, the office, the approver and
  the administrator; the seats of a council with the dossier on a session's agenda;
- a round: the programme's staff and every council role; the office (and the administrator)
  manages rounds, councils, agendas and decisions;
- a council and its sessions: the office, the administrator and the council's own seats;
- a decision: the office, the approver and the administrator (the approver alone approves).

A service refusing someone who may see the object (a member closing the session) answers in
the UI with a message and a redirect (OK here) and in the API with 403 problem details: the
object is theirs to see, so 403 reveals nothing. `expect={role: FORBIDDEN}` pins exactly that
403 for those roles (anyone else still has to get 404).
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories.products import PDF_BYTES
from tests.security.matrix import (
    ADMIN,
    APPROVER,
    CHAIR,
    COMMUNE_A,
    COMMUNE_B,
    EVERYONE,
    FORBIDDEN,
    MANAGERS,
    MEMBER_IN,
    MEMBER_OUT,
    OFFICE,
    OWNER_A,
    SIGNED_IN,
    STAFF,
    E,
    Entry,
)

# The answer of a role that sees the object but is refused the action: exactly 403 (the test
# prints a denial with its status as "denied [403]"; a 404 or anything else fails).

OFFICIALS = frozenset({OFFICE, APPROVER, ADMIN})  # read decisions, results, every sheet
DOSSIER = OWNER_A | {COMMUNE_A} | OFFICIALS  # who sees producer A's dossier
ON_AGENDA = DOSSIER | {MEMBER_IN, CHAIR}  # … once it is on the agenda of the council's session
SEATED = frozenset({MEMBER_IN, CHAIR})  # scoring seats on the world's council
SESSION = SEATED | MANAGERS  # who sees the council and its sessions


def _dossier(world: Any) -> dict[str, str]:
    return {"code": world.eval_dossier.code}


def _scored(world: Any) -> dict[str, str]:
    return {"code": world.eval_scored.code}


def _forwarded(world: Any) -> dict[str, str]:
    return {"code": world.eval_forwarded.code}


def _evidence(world: Any) -> dict[str, str]:
    return {"code": world.eval_dossier.code, "file_code": world.eval_evidence.file.code}


def _round(world: Any) -> dict[str, str]:
    return {"code": world.eval_round.code}


def _council(world: Any) -> dict[str, str]:
    return {"code": world.eval_council.code}


def _session(world: Any) -> dict[str, str]:
    return {"code": world.eval_session.code}


def _item(world: Any) -> dict[str, str]:
    return {"code": world.eval_session.code, "dossier": world.eval_item.dossier.code}


def _api_item(world: Any) -> dict[str, str]:
    return {"code": world.eval_session.code, "dossier_code": world.eval_item.dossier.code}


def _draft(world: Any) -> dict[str, str]:
    return {"code": world.eval_decision.code}


def _approved(world: Any) -> dict[str, str]:
    return {"code": world.eval_approved.code}


def _closed_item(world: Any) -> dict[str, str]:
    return {"session": world.eval_closed.code, "dossier": world.eval_scored.code}


def _upload(world: Any) -> dict[str, Any]:
    return {
        "__multipart__": True,
        "file": SimpleUploadedFile("ve-sinh.pdf", PDF_BYTES, "application/pdf"),
        "category": "food_safety",
        "title": "Giấy chứng nhận cơ sở đủ điều kiện ATTP",
    }


SHEET = {"selections": {"1.1": 2, "1.2": 1}, "comments": {"1.1": "Nguyên liệu của làng."}}
REFUSED_NOTE = (
    "who sees the session reaches the view; the service refuses anyone but {who} with a "
    "message (UI: a redirect back)"
)

ENTRIES: list[Entry] = [
    # --- dossiers: lists --------------------------------------------------------------------
    E("evaluation:worklist", SIGNED_IN, note="everyone's own work list (empty for most)"),
    E("evaluation:dossiers", SIGNED_IN, note="the dossiers the user may see (none for some)"),
    E("evaluation:dossier_inbox", {COMMUNE_A, COMMUNE_B}, note="the commune officers' inbox"),
    E(
        "evaluation:product_dossiers",
        OWNER_A,
        kwargs=lambda w: {"code": w.product_a.code},
        method="post",
        data={"kind": "first"},
        note="lodging a dossier is the producer's (it has an unfinished one: the form again)",
    ),
    # --- a dossier at the commune (submitted): tabs, documents, moves ----------------------
    E("evaluation:dossier", DOSSIER, kwargs=_dossier),
    E(
        "evaluation:dossier_registration",
        OWNER_A,
        kwargs=_dossier,
        method="post",
        data={"product_name": "Bình gốm men lam", "price": "450000"},
    ),
    E(
        "evaluation:dossier_self_assessment",
        OWNER_A,
        kwargs=_dossier,
        method="post",
        data={"self_assessment": "SA-0"},
    ),
    E(
        "evaluation:dossier_evidence",
        OWNER_A,
        kwargs=_dossier,
        method="post",
        data={"category": "other", "title": "Ảnh sản phẩm"},
    ),
    E("evaluation:dossier_evidence_file", DOSSIER, kwargs=_evidence),
    E("evaluation:dossier_evidence_remove", OWNER_A, kwargs=_evidence, method="post"),
    E("evaluation:dossier_history", DOSSIER, kwargs=_dossier),
    E("evaluation:dossier_submit", OWNER_A, kwargs=_dossier, method="post"),
    E(
        "evaluation:dossier_withdraw",
        OWNER_A,
        kwargs=_dossier,
        method="post",
        data={"note": "Chưa kịp chuẩn bị mẫu."},
    ),
    E(
        "evaluation:dossier_assess",
        {COMMUNE_A},
        kwargs=_dossier,
        method="post",
        data={"conclusion": "forward", "report": "Đủ điều kiện."},
        note="the commune's assessment is its own commune's officer's alone (not the office's, "
        "nor the administrator's: the dossier is at the commune level)",
    ),
    E(
        "evaluation:dossier_forward",
        {COMMUNE_A},
        kwargs=_dossier,
        method="post",
        note="the office of the level the dossier is at: commune A's",
    ),
    E(
        "evaluation:dossier_return",
        {COMMUNE_A},
        kwargs=_dossier,
        method="post",
        data={"reasons": "Thiếu giấy chứng nhận an toàn thực phẩm."},
        note="the office of the level the dossier is at: commune A's",
    ),
    E(
        "evaluation:dossier_accept",
        MANAGERS,
        kwargs=_forwarded,
        method="post",
        data=lambda w: {"round": w.eval_round.code},
        note="a dossier forwarded to the province: the office accepts it into a round",
    ),
    # --- a scored dossier: its result, Mẫu 03 -----------------------------------------------
    E(
        "evaluation:dossier_result",
        DOSSIER,
        kwargs=_scored,
        note="council members read the sheets on their session's pages, not the result page",
    ),
    E(
        "evaluation:dossier_commune_report",
        ON_AGENDA,
        kwargs=_scored,
        note="whoever sees the dossier: the council's seats see those on their agenda",
    ),
    E("evaluation:commune_report_pdf", ON_AGENDA, kwargs=_scored, note="as the Mẫu 03 page"),
    # --- rounds -----------------------------------------------------------------------------
    E(
        "evaluation:rounds",
        MANAGERS,
        method="post",
        data={"name": "", "year": "2027", "number": "1", "level": "province"},
        note="the staff read the list; creating a round is the office's",
    ),
    E("evaluation:round", STAFF, kwargs=_round, note="the programme's staff and every council"),
    E(
        "evaluation:round_status",
        MANAGERS,
        kwargs=_round,
        method="post",
        data={"to": "scoring"},
    ),
    E(
        "evaluation:round_summary_pdf",
        OFFICIALS,
        kwargs=_round,
        note="the round's table of results is the officials' (unpublished results)",
    ),
    # --- councils ---------------------------------------------------------------------------
    E(
        "evaluation:councils",
        MANAGERS,
        method="post",
        data={"name": "Hội đồng mới", "level": "province"},
        note="council roles read the list (their councils); creating one is the office's",
    ),
    E("evaluation:council", SESSION, kwargs=_council, note="the office and the council's seats"),
    E(
        "evaluation:council_settings",
        MANAGERS,
        kwargs=_council,
        method="post",
        data={"name": "Hội đồng (đổi tên)", "quorum_percent": "75"},
    ),
    E(
        "evaluation:council_member_add",
        MANAGERS,
        kwargs=_council,
        method="post",
        data={"user": "m_member_out", "role": "member", "department": "Sở Y tế"},
    ),
    E(
        "evaluation:council_member_remove",
        MANAGERS,
        kwargs=lambda w: {"code": w.eval_council.code, "username": "m_member_in"},
        method="post",
    ),
    E(
        "evaluation:sub_council_create",
        MANAGERS,
        kwargs=_council,
        method="post",
        data={"name": "Tiểu ban thực phẩm", "quorum_percent": "75"},
    ),
    E(
        "evaluation:session_create",
        MANAGERS,
        kwargs=_council,
        method="post",
        data=lambda w: {"round": w.eval_round.pk, "held_on": "2026-12-20", "place": "Hà Nội"},
    ),
    # --- sessions ---------------------------------------------------------------------------
    E("evaluation:my_sessions", SIGNED_IN, note="the user's own sessions (none for most)"),
    E("evaluation:session", SESSION, kwargs=_session),
    E(
        "evaluation:session_agenda_add",
        MANAGERS,
        kwargs=_session,
        method="post",
        data=lambda w: {"dossier": w.eval_forwarded.code},
    ),
    E(
        "evaluation:session_attendance",
        SESSION,
        kwargs=_session,
        method="post",
        data={"present": ["m_chair", "m_member_in"]},
        note=REFUSED_NOTE.format(who="the chair, the secretary and the office"),
    ),
    E(
        "evaluation:session_close",
        SESSION,
        kwargs=_session,
        method="post",
        note=REFUSED_NOTE.format(who="the chair"),
    ),
    E(
        "evaluation:session_minutes_result",
        MANAGERS,
        kwargs=lambda w: {"code": w.eval_session.code, "dossier": w.eval_item.dossier.code},
        method="post",
        note="the office transcribes archived minutes",
    ),
    E(
        "evaluation:session_item",
        SESSION,
        kwargs=_item,
        method="post",
        data={"action": "save", "1.1": "2"},
        note="member_out (another council) must not reach the scoring page: 404; "
        + REFUSED_NOTE.format(who="the scoring seats"),
    ),
    E(
        "evaluation:session_declaration",
        SESSION,
        kwargs=_item,
        method="post",
        data={"has_conflict": "no", "note": ""},
        note=REFUSED_NOTE.format(who="the scoring seats"),
    ),
    E(
        "evaluation:sheet_autosave",
        SESSION,
        kwargs=_item,
        method="post",
        data={"1.1": "2"},
        expect={OFFICE: FORBIDDEN, ADMIN: FORBIDDEN},
        note="JSON for scoring.js: the scoring seats save; the office sees the item but does "
        "not score, so the refusal is the JSON 403 the script shows",
    ),
    E(
        "evaluation:session_discussion",
        SESSION,
        kwargs=_item,
        method="post",
        data={"reason": "Chênh lệch điểm lớn."},
        note=REFUSED_NOTE.format(who="the chair"),
    ),
    E(
        "evaluation:session_dossier_knockouts",
        SESSION,
        kwargs=_item,
        method="post",
        data={"action": "clear"},
        note=REFUSED_NOTE.format(who="the chair and the secretary"),
    ),
    E(
        "evaluation:member_statistics",
        {CHAIR} | MANAGERS,
        note="the office and the chairs (their councils)",
    ),
    # --- the council's documents -------------------------------------------------------------
    E(
        "evaluation:minutes_pdf",
        SEATED | OFFICIALS,
        kwargs=lambda w: {"session": w.eval_closed.code},
        note="the council's seats and the officials",
    ),
    E(
        "evaluation:sheet_pdf",
        SEATED,
        kwargs=_closed_item,
        note="the caller's own sheet: only the members who scored have one",
    ),
    E(
        "evaluation:member_sheet_pdf",
        SEATED | OFFICIALS,
        kwargs=lambda w: {**_closed_item(w), "username": "m_member_in"},
        note="member_in's own; the chair once their own sheet is submitted; the officials",
    ),
    # --- decisions --------------------------------------------------------------------------
    E("evaluation:decisions", OFFICIALS),
    E(
        "evaluation:decision_create",
        MANAGERS,
        method="post",
        data=lambda w: {"round": w.eval_round.code, "title": "Công nhận bổ sung"},
    ),
    E("evaluation:decision", OFFICIALS, kwargs=_approved),
    E(
        "evaluation:decision_update",
        MANAGERS,
        kwargs=_draft,
        method="post",
        data={"title": "Công nhận sản phẩm OCOP (bổ sung)", "number": "102/QĐ-UBND"},
    ),
    E(
        "evaluation:decision_remove_item",
        MANAGERS,
        kwargs=lambda w: {"code": w.eval_decision.code, "dossier": w.eval_pending.code},
        method="post",
    ),
    E(
        "evaluation:decision_approve",
        {APPROVER},
        kwargs=_draft,
        method="post",
        data={"signed_on": "2026-07-02"},
        expect={OFFICE: FORBIDDEN, ADMIN: FORBIDDEN},
        note="the approver alone approves; the office and the administrator read the decision, "
        "so they are refused (403), everyone else gets 404",
    ),
    E(
        "evaluation:decision_correct",
        MANAGERS,
        kwargs=_approved,
        method="post",
        data={"reason": "Sai tên sản phẩm."},
    ),
    E("evaluation:central_proposal", OFFICIALS, kwargs=_approved),
    E(
        "evaluation:outbox",
        MANAGERS,
        method="post",
        data={"action": "none"},
        note="the office reviews the result e-mails",
    ),
    # --- notifications, public results -------------------------------------------------------
    E("evaluation:notifications", SIGNED_IN),
    E("evaluation:notifications_read", SIGNED_IN, method="post"),
    E("results:rounds", EVERYONE),
    E("results:round", EVERYONE, kwargs=_round, note="a round with an approved decision: public"),
    # --- API: dossiers ----------------------------------------------------------------------
    E("GET /api/v1/dossiers", SIGNED_IN, note="the dossiers the caller may see"),
    E(
        "POST /api/v1/dossiers",
        OWNER_A,
        data=lambda w: {"product": w.product_a.code, "kind": "first"},
        hidden=True,
        note="product_a exists: lodging for it is its producer's; anyone else gets 404",
    ),
    E("GET /api/v1/dossiers/{code}", DOSSIER, kwargs=_dossier),
    E(
        "PATCH /api/v1/dossiers/{code}/registration",
        OWNER_A,
        kwargs=_dossier,
        data={"product_name": "Bình gốm men lam"},
    ),
    E(
        "POST /api/v1/dossiers/{code}/self-assessment",
        OWNER_A,
        kwargs=_dossier,
        data={"self_assessment": "SA-0"},
    ),
    E("POST /api/v1/dossiers/{code}/evidence", OWNER_A, kwargs=_dossier, data=_upload),
    E("GET /api/v1/dossiers/{code}/evidence/{file_code}", DOSSIER, kwargs=_evidence),
    E("DELETE /api/v1/dossiers/{code}/evidence/{file_code}", OWNER_A, kwargs=_evidence),
    E("POST /api/v1/dossiers/{code}/submit", OWNER_A, kwargs=_dossier),
    E(
        "POST /api/v1/dossiers/{code}/commune-assessment",
        {COMMUNE_A},
        kwargs=_dossier,
        data={"conclusion": "return", "reasons": "Thiếu giấy tờ."},
    ),
    E("POST /api/v1/dossiers/{code}/forward", {COMMUNE_A}, kwargs=_dossier, data={"note": ""}),
    E(
        "POST /api/v1/dossiers/{code}/accept",
        MANAGERS,
        kwargs=_forwarded,
        data=lambda w: {"round": w.eval_round.code},
    ),
    E(
        "POST /api/v1/dossiers/{code}/return",
        {COMMUNE_A},
        kwargs=_dossier,
        data={"reasons": "Thiếu giấy tờ."},
    ),
    E("POST /api/v1/dossiers/{code}/withdraw", OWNER_A, kwargs=_dossier, data={"note": ""}),
    # --- API: results and decisions -----------------------------------------------------------
    E("GET /api/v1/results", EVERYONE, query="?year=2026"),
    E("GET /api/v1/decisions", SIGNED_IN, note="the decisions the caller may read (none)"),
    E(
        "POST /api/v1/decisions",
        MANAGERS,
        data=lambda w: {"round": w.eval_round.code, "title": "Công nhận bổ sung"},
        note="the approver reads decisions but does not draft them: refused (403)",
    ),
    E("GET /api/v1/decisions/{code}", OFFICIALS, kwargs=_approved),
    E(
        "PATCH /api/v1/decisions/{code}",
        MANAGERS,
        kwargs=_draft,
        data={"number": "102/QĐ-UBND"},
    ),
    E(
        "POST /api/v1/decisions/{code}/approve",
        {APPROVER},
        kwargs=_draft,
        data={"signed_on": "2026-07-02"},
        expect={OFFICE: FORBIDDEN, ADMIN: FORBIDDEN},
        note="the approver alone approves; the office and the administrator read the decision",
    ),
    E(
        "POST /api/v1/decisions/{code}/corrections",
        MANAGERS,
        kwargs=_approved,
        data={"reason": "Sai tên sản phẩm.", "changes": {}},
    ),
    E("GET /api/v1/decisions/{code}/central-proposal", OFFICIALS, kwargs=_approved),
    # --- API: rounds --------------------------------------------------------------------------
    E("GET /api/v1/rounds", SIGNED_IN, note="the rounds the caller may see (none for some)"),
    E(
        "POST /api/v1/rounds",
        MANAGERS,
        data={"year": 2027, "number": 1, "level": "province", "criteria_set": "qd26-2026"},
        note="creating a round is the office's (403 for anyone else)",
    ),
    E("GET /api/v1/rounds/{code}", STAFF, kwargs=_round),
    E(
        "POST /api/v1/rounds/{code}/status",
        MANAGERS,
        kwargs=_round,
        data={"to": "scoring"},
        expect=dict.fromkeys(
            (COMMUNE_A, COMMUNE_B, MEMBER_IN, MEMBER_OUT, CHAIR, APPROVER), FORBIDDEN
        ),
        note="the staff see the round, so the service's refusal (403) reveals nothing",
    ),
    # --- API: sessions and sheets ---------------------------------------------------------------
    E("GET /api/v1/sessions", SIGNED_IN, note="the sessions the caller may see (none for most)"),
    E("GET /api/v1/sessions/{code}", SESSION, kwargs=_session),
    E(
        "POST /api/v1/sessions/{code}/attendance",
        {CHAIR} | MANAGERS,
        kwargs=_session,
        data={"present": ["m_chair", "m_member_in"]},
        expect={MEMBER_IN: FORBIDDEN},
        note="the chair, the secretary or the office record who is present",
    ),
    E(
        "POST /api/v1/sessions/{code}/close",
        {CHAIR},
        kwargs=_session,
        expect={MEMBER_IN: FORBIDDEN, OFFICE: FORBIDDEN, ADMIN: FORBIDDEN},
        note="the chair alone closes (409 here: the item is not fully scored)",
    ),
    E("GET /api/v1/sessions/{code}/items/{dossier_code}", SESSION, kwargs=_api_item),
    E(
        "POST /api/v1/sessions/{code}/items/{dossier_code}/declaration",
        SEATED,
        kwargs=_api_item,
        data={"has_conflict": False, "note": ""},
        expect={OFFICE: FORBIDDEN, ADMIN: FORBIDDEN},
        note="the scoring seats declare; the office sees the item but does not score",
    ),
    E(
        "GET /api/v1/sessions/{code}/items/{dossier_code}/sheet",
        SEATED,
        kwargs=_api_item,
        note="the caller's own sheet: 404 for whoever does not score on the council",
    ),
    E(
        "PUT /api/v1/sessions/{code}/items/{dossier_code}/sheet",
        SEATED,
        kwargs=_api_item,
        data=SHEET,
        expect={OFFICE: FORBIDDEN, ADMIN: FORBIDDEN},
        note="the scoring seats; the office sees the item but does not score",
    ),
    E(
        "POST /api/v1/sessions/{code}/items/{dossier_code}/sheet/submit",
        SEATED,
        kwargs=_api_item,
        expect={OFFICE: FORBIDDEN, ADMIN: FORBIDDEN},
        note="the scoring seats (422 here: the sheet is incomplete)",
    ),
    E(
        "GET /api/v1/sessions/{code}/items/{dossier_code}/sheets",
        SESSION,
        kwargs=_api_item,
        note="each sees the sheets the rules allow (their own; the office all)",
    ),
    E(
        "POST /api/v1/sessions/{code}/items/{dossier_code}/discussion",
        {CHAIR},
        kwargs=_api_item,
        data={"reason": "Chênh lệch điểm lớn."},
        expect={MEMBER_IN: FORBIDDEN, OFFICE: FORBIDDEN, ADMIN: FORBIDDEN},
        note="the chair opens a discussion round (409 here: not fully scored)",
    ),
    E(
        "PUT /api/v1/sessions/{code}/items/{dossier_code}/dossier-knockouts",
        {CHAIR},
        kwargs=_api_item,
        data={"knockouts": []},
        expect={MEMBER_IN: FORBIDDEN, OFFICE: FORBIDDEN, ADMIN: FORBIDDEN},
        note="the chair or the secretary records a knock-out of the whole dossier",
    ),
]
