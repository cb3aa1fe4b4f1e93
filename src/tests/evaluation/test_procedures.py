"""Procedure profiles as data: the bundled file loads, every bundled criteria set names a profile
that exists, and a wrong file is refused with every problem named."""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest

from ocop.criteria.services.reading import QD26_FILE
from ocop.evaluation.enums import EvidenceCategory, Level
from ocop.evaluation.services.procedures import (
    PROCEDURES_FILE,
    ProcedureError,
    RoundSlot,
    UnknownProcedure,
    next_level,
    parse_profile,
    profile_by_code,
    profile_for,
    profiles,
    read_profiles,
)

REGISTRY = QD26_FILE.parent / "criteria-sets.json"
RAW = json.loads(PROCEDURES_FILE.read_text(encoding="utf-8"))["profiles"]


def test_the_bundled_profiles_load():
    assert sorted(profiles()) == [
        "qd1048-2019-three-level",
        "qd148-2023-three-level",
        "qd1489-2025-two-level",
        "qd26-2026-two-level",
    ]


def test_every_bundled_criteria_set_names_a_profile_that_exists():
    registry = json.loads(REGISTRY.read_text(encoding="utf-8"))["files"]
    named = {entry["procedure_profile"] for entry in registry.values()}
    assert named == {"qd26-2026-two-level", "qd1048-2019-three-level"}
    for code in named:
        assert profile_by_code(code).code == code


def test_the_26_2026_profile():
    profile = profile_by_code("qd26-2026-two-level")
    assert profile.entry_level == Level.COMMUNE
    assert profile.has_commune_review
    assert profile.review_days == 15
    assert profile.commune_review is not None
    assert profile.commune_review.criteria == (
        "local_materials",
        "local_labour",
        "idea_origin",
        "local_identity",
    )
    assert profile.chain == ("commune", "province", "central")
    assert profile.evaluation_levels == ("province", "central")
    assert (profile.certified_at("province"), profile.certified_at("central")) == ((3, 4), (5,))
    assert profile.central_threshold == Decimal(90)
    assert profile.rounds["province"] == (
        RoundSlot(1, "04-30", "06-30"),
        RoundSlot(2, "10-30", "12-30"),
    )
    assert profile.rounds["province"][0].get("proposal_deadline") == "04-30"
    assert profile.needs_self_assessment
    assert profile.evidence_for("I") == (
        EvidenceCategory.REGISTRATION_FORM,
        EvidenceCategory.SELF_ASSESSMENT_REPORT,
        EvidenceCategory.BUSINESS_REGISTRATION,
        EvidenceCategory.FOOD_SAFETY,
    )
    assert EvidenceCategory.FOOD_SAFETY not in profile.evidence_for("IV")
    assert (profile.samples_for("I"), profile.samples_for("VI"), profile.samples_for(None)) == (
        5,
        0,
        5,
    )


def test_the_three_level_profiles_enter_at_the_district():
    for code in ("qd1048-2019-three-level", "qd148-2023-three-level"):
        profile = profile_by_code(code)
        assert (profile.entry_level, profile.has_commune_review, profile.review_days) == (
            Level.DISTRICT,
            False,
            None,
        )
        assert profile.chain == ("district", "province", "central")
        assert next_level(profile, "district") == "province"
    assert profile_by_code("qd148-2023-three-level").forward_threshold == {"district": Decimal(70)}
    assert profile_by_code("qd1048-2019-three-level").forward_threshold == {"district": Decimal(50)}
    assert not profile_by_code("qd1048-2019-three-level").needs_self_assessment


def test_next_level_walks_the_chain():
    profile = profile_by_code("qd26-2026-two-level")
    assert next_level(profile, "commune") == "province"
    assert profile.next_level("province") == "central"
    assert next_level(profile, "central") is None
    with pytest.raises(ProcedureError):
        next_level(profile, "district")


def test_profile_for_takes_a_criteria_set_a_dossier_or_a_code(english):
    class Named:
        procedure_profile = "qd26-2026-two-level"

    assert profile_for(Named()).code == "qd26-2026-two-level"
    assert profile_for("qd1489-2025-two-level").review_days is None
    with pytest.raises(UnknownProcedure) as caught:
        profile_for("qd99-2099")
    assert str(caught.value) == (
        "The procedure profile “qd99-2099” is not defined: add it to the procedures file "
        "(evaluation/data/procedures.json)."
    )
    assert isinstance(caught.value, LookupError)


def test_a_wrong_profile_is_refused_with_every_problem():
    raw = copy.deepcopy(RAW["qd26-2026-two-level"])
    raw["entry_level"] = "hamlet"
    raw["evaluation_levels"] = ["central", "province"]
    raw["commune_review"]["criteria"].append("weather")
    raw["certifies"]["ward"] = [3]
    raw["central_threshold"] = 120
    raw["rounds"]["province"][0]["proposal_deadline"] = "30-04"
    raw["samples"]["default"] = -1
    raw["required_evidence"].append("passport")
    with pytest.raises(ProcedureError) as caught:
        parse_profile("broken", raw)
    problems = str(caught.value).split("; ")
    assert problems == [
        "broken.evaluation_levels: levels must go up, each once",
        "broken.entry_level: unknown level 'hamlet'",
        "broken.commune_review.criteria: unknown 'weather'",
        "broken.certifies: 'ward' is not an evaluation level",
        "broken.central_threshold: a number of points from 0 to 100 is expected",
        "broken.rounds.province.0: '30-04' is not a MM-DD date",
        "broken.samples.default: a whole number ≥ 0 is expected",
        "broken.required_evidence: unknown evidence category 'passport'",
    ]


def test_a_file_without_profiles_is_refused(tmp_path):
    path = tmp_path / "p.json"
    path.write_text("{}", "utf-8")
    with pytest.raises(ProcedureError, match="an object 'profiles' is expected"):
        read_profiles(path)
    path.write_text("not json", "utf-8")
    with pytest.raises(ProcedureError):
        read_profiles(path)
