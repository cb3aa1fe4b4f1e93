"""The producers app's routes in the authorisation matrix (see tests/security/matrix.py).

Who is who in the registry (docs/ and ocop.producers.queries.producers):

- read a producer: the whole province (office, approver, council roles, administrator), the
  commune officer of the producer's commune, and the producer's own people;
- change its details: the administrator, the province office, the commune officer of its commune
  and its owner;
- approve, reject, suspend, reinstate: the administrator, the province office and the commune
  officer of its commune (never the producer itself, nor the committee's approver, who signs
  certification decisions, not registrations);
- add a producer for someone else: the administrator, the province office, commune officers.
"""

from __future__ import annotations

from typing import Any

from tests.security import matrix as m
from tests.security.matrix import E, Entry

READERS = m.PROVINCE | {m.COMMUNE_A, m.PRODUCER_A}
EDITORS = frozenset({m.ADMIN, m.OFFICE, m.COMMUNE_A, m.PRODUCER_A})
DECIDERS = frozenset({m.ADMIN, m.OFFICE, m.COMMUNE_A})
CREATORS = frozenset({m.ADMIN, m.OFFICE, m.COMMUNE_A, m.COMMUNE_B})


def _code(name: str):
    def kwargs(world: Any) -> dict[str, str]:
        producer = world.producer_a if name == "producer_a" else world.objects[name]
        return {"code": producer.code}

    return kwargs


def _form(world: Any) -> dict[str, Any]:
    """A complete, valid edit of producer A (a change of phone), as the form posts it."""
    producer = world.producer_a
    return {
        "kind": producer.kind,
        "name": producer.name,
        "address": producer.address,
        "commune": producer.commune.key,
        "phone": "0912345678",
        "representative_name": producer.representative_name,
        "representative_sex": producer.representative_sex,
        "representative_ethnicity": "Kinh",
        "workforce_total": producer.workforce_total,
        "workforce_local": producer.workforce_local,
    }


def _new_producer(world: Any) -> dict[str, Any]:
    return {
        "kind": "cooperative",
        "name": "Hợp tác xã Rau sạch Vân Nội",
        "address": "Thôn Đông",
        "commune": world.commune_a.key,
        "representative_name": "Lê Văn Nam",
        "representative_sex": "male",
        "representative_ethnicity": "Kinh",
        "workforce_total": 12,
        "workforce_local": 10,
    }


def _registration(world: Any) -> dict[str, Any]:
    """A complete self-registration; a visitor also creates the account (ignored when signed
    in)."""
    return {
        **_new_producer(world),
        "account-username": "nong_dan_moi",
        "account-email": "nong.dan.moi@example.vn",
        "account-password1": "Mat-khau-rat-dai-2026",
        "account-password2": "Mat-khau-rat-dai-2026",
    }


REASON = {"reason": "Hồ sơ chưa đủ giấy tờ"}

ENTRIES: list[Entry] = [
    # --- UI
    E(
        "producers:list",
        m.STAFF | {m.PRODUCER_A, m.PRODUCER_B},
        note="the registry is for staff; a producer is redirected to its own record",
    ),
    E(
        "producers:mine",
        m.SIGNED_IN,
        note="redirects: a producer to its record, staff to the registry, others to register",
    ),
    E(
        "producers:register",
        m.EVERYONE,
        method="post",
        data=_registration,
        note="self-registration is open to visitors (it creates the account in the same step) "
        "and to any signed-in person; an owner is sent to the producer it already has",
    ),
    E(
        "producers:create",
        CREATORS,
        method="post",
        data=_new_producer,
        note="a commune officer may only pick its own communes (commune B's form refuses A)",
    ),
    E("producers:detail", READERS, kwargs=_code("producer_a")),
    E("producers:products", READERS, kwargs=_code("producer_a")),
    E("producers:history", READERS, kwargs=_code("producer_a")),
    E("producers:edit", EDITORS, kwargs=_code("producer_a"), method="post", data=_form),
    E("producers:approve", DECIDERS, kwargs=_code("producers_pending"), method="post"),
    E(
        "producers:reject",
        DECIDERS,
        kwargs=_code("producers_pending"),
        method="post",
        data=REASON,
    ),
    E(
        "producers:suspend",
        DECIDERS,
        kwargs=_code("producer_a"),
        method="post",
        data=REASON,
    ),
    E("producers:reinstate", DECIDERS, kwargs=_code("producers_suspended"), method="post"),
    # --- API
    E(
        "GET /api/v1/producers/",
        m.SIGNED_IN,
        note="a list filtered by what the caller may see (empty for a buyer)",
    ),
    E(
        "POST /api/v1/producers/",
        m.SIGNED_IN,
        data=_new_producer,
        note="staff add a producer; anyone else registers their own (pending approval); "
        "producer A's owner already has one (422)",
    ),
    E("GET /api/v1/producers/{code}", READERS, kwargs=_code("producer_a")),
    E(
        "PATCH /api/v1/producers/{code}",
        EDITORS,
        kwargs=_code("producer_a"),
        data={"phone": "0912345678"},
    ),
    E(
        "POST /api/v1/producers/{code}/approve",
        DECIDERS,
        kwargs=_code("producers_pending"),
        data={},
    ),
    E(
        "POST /api/v1/producers/{code}/reject",
        DECIDERS,
        kwargs=_code("producers_pending"),
        data=REASON,
    ),
    E(
        "POST /api/v1/producers/{code}/suspend",
        DECIDERS,
        kwargs=_code("producer_a"),
        data=REASON,
    ),
    E(
        "POST /api/v1/producers/{code}/reinstate",
        DECIDERS,
        kwargs=_code("producers_suspended"),
        data={},
    ),
]
