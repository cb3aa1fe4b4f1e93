"""Self-assessments in the authorisation matrix (see tests/security/matrix.py): the routes
`self_assessments:*` (under a product), `evaluation:self_assessment(_copy)` and
/api/v1/self-assessments.

A self-assessment is the producer's own working paper until it goes into a dossier
(ocop.evaluation.queries.self_assessments): the producer's own people read and change it; the
commune officer of its commune, the province office and the administrator read it (to advise),
and change nothing; nobody else learns that it exists, council members and the approver
included, although they read the product itself.
"""

from __future__ import annotations

from typing import Any

from tests.security import matrix as m
from tests.security.matrix import E, Entry

READERS = frozenset({m.ADMIN, m.OFFICE, m.COMMUNE_A, m.PRODUCER_A})
AUTHORS = m.OWNER_A
NOT_SHOWN = "council members and the approver read the product, not its self-assessments"
ADVISERS = "staff who advise the producer read its self-assessments but never change them"


def _product(world: Any) -> dict[str, str]:
    return {"code": world.products_product.code}


def _draft(world: Any) -> dict[str, str]:
    return {"code": world.self_assessments_draft.code}


ENTRIES: list[Entry] = [
    # --- UI
    E("self_assessments:list", READERS, kwargs=_product, note=NOT_SHOWN),
    E("self_assessments:start", AUTHORS, kwargs=_product, method="post", note=ADVISERS),
    E(
        "evaluation:self_assessment",
        AUTHORS,
        kwargs=_draft,
        method="post",
        data={"has_story": "on", "action": "save"},
        note=ADVISERS + " (the GET is the API's GET /api/v1/self-assessments/{code})",
    ),
    E("evaluation:self_assessment_copy", AUTHORS, kwargs=_draft, method="post", note=ADVISERS),
    # --- API
    E(
        "GET /api/v1/self-assessments",
        m.SIGNED_IN,
        note="a list filtered by what the caller may see (empty for everyone else)",
    ),
    E(
        "POST /api/v1/self-assessments",
        AUTHORS,
        data=lambda w: {"product": w.products_product.code},
        hidden=True,
        note="the product exists: " + ADVISERS + "; anyone else gets 404",
    ),
    E("GET /api/v1/self-assessments/{code}", READERS, kwargs=_draft, note=NOT_SHOWN),
    E(
        "PUT /api/v1/self-assessments/{code}",
        AUTHORS,
        kwargs=_draft,
        data={"selections": {"1.1": 2, "1.2": 1, "1.3": 2}, "has_story": True},
        note=ADVISERS,
    ),
    E("POST /api/v1/self-assessments/{code}/finalise", AUTHORS, kwargs=_draft, note=ADVISERS),
    E("POST /api/v1/self-assessments/{code}/copy", AUTHORS, kwargs=_draft, note=ADVISERS),
]
