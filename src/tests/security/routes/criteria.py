"""The criteria app's routes in the authorisation matrix (see tests/security/matrix.py).

The OCOP rules are public (transparency: `ocop.criteria.queries.sets`), and so is the scoring
preview, which stores nothing: every role reads them, signed in or not."""

from __future__ import annotations

from tests.criteria.test_cli import GOOD
from tests.security.matrix import EVERYONE, E, Entry


def _set(world):
    return {"code": world.criteria_set.code}


def _scorecard(world):
    return {"code": world.criteria_set.code, "number": world.criteria_scorecard.number}


def _preview(world):
    """Two members' sheets of scorecard 6: a real score, computed and not stored."""
    return {
        "criteria_set": world.criteria_set.code,
        "scorecard": world.criteria_scorecard.number,
        "sheets": [
            {"member": "m1", "selections": GOOD},
            {"member": "m2", "selections": {**GOOD, "5.1": 3}},
        ],
    }


ENTRIES: list[Entry] = [
    E("criteria:sets", EVERYONE),
    E("criteria:set", EVERYONE, kwargs=_set),
    E("criteria:scorecard", EVERYONE, kwargs=_scorecard),
    E("criteria:sheet", EVERYONE, kwargs=_scorecard),
    E("GET /api/v1/criteria/sets", EVERYONE),
    E("GET /api/v1/criteria/sets/{code}", EVERYONE, kwargs=_set),
    E("GET /api/v1/criteria/sets/{code}/scorecards/{number}", EVERYONE, kwargs=_scorecard),
    E(
        "POST /api/v1/scoring/preview",
        EVERYONE,
        data=_preview,
        note="public: scores the sheets in the body, reads nothing private, stores nothing",
    ),
]
