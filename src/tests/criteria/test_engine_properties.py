"""Properties of the scoring engine on random scorecards and random councils (hypothesis).

Every generated scorecard has up to 8 small marked criteria and a "filler" criterion (no marker,
every whole number from 0 to what is left of 100), so a council can be steered into any band
while the marked criteria decide the requirements.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import event, given, settings
from hypothesis import strategies as st

from ocop.criteria.engine.errors import ScoringError
from ocop.criteria.engine.scoring import SheetInput, score_council, score_sheet
from ocop.criteria.engine.types import CriterionSpec, OptionSpec, Policy, ScorecardSpec

D = Decimal
POLICY = Policy()
EVERY_MEMBER = Policy(requirement_policy="every_member")
PROPERTY_SETTINGS = settings(max_examples=150, deadline=None)


@st.composite
def marked_criteria(draw, at_least=0, top=8):
    criteria = []
    for index in range(draw(st.integers(at_least, 8))):
        part = draw(st.sampled_from("ABC"))
        code = f"{index + 1}.1"
        if draw(st.integers(0, 9)) == 0:
            criteria.append(
                CriterionSpec(code, code, part, code[0], D(draw(st.integers(1, 3))), binary=True)
            )
            continue
        points = sorted(draw(st.sets(st.integers(0, top), min_size=1, max_size=4)))
        options = tuple(
            OptionSpec(f"{code}/{p}", D(p), draw(st.sampled_from([None, None, 3, 4, 5])))
            for p in points
        )
        criteria.append(
            CriterionSpec(
                code,
                code,
                part,
                code[0],
                D(points[-1]),
                options,
                conditional=draw(st.integers(0, 9)) == 0,
            )
        )
    return criteria


def with_filler(criteria, room=100):
    left = room - sum(int(c.max_points) for c in criteria)
    filler = CriterionSpec(
        "F", "filler", "C", "F", D(left), tuple(OptionSpec(str(p), D(p)) for p in range(left + 1))
    )
    return ScorecardSpec("prop", 1, "random", (), (), (*criteria, filler))


@st.composite
def specs(draw):
    return with_filler(draw(marked_criteria()))


def allowed(criterion):
    if criterion.binary:
        return [D(0), criterion.max_points]
    return sorted({D(0)} | {o.points for o in criterion.options})


@st.composite
def sheet_for(draw, spec):
    return {c.code: draw(st.sampled_from(allowed(c))) for c in spec.criteria}


def council_of(spec, sheets, policy=POLICY):
    inputs = [SheetInput(f"m{i}", s) for i, s in enumerate(sheets)]
    return score_council(spec, policy, inputs)


# --- the oracle: the rules read naively from the options ----------------------------------


def requirement(criterion, level):
    markers = [o.min_star_marker for o in criterion.options if o.min_star_marker is not None]
    below = [m for m in markers if m <= level]
    if not below:
        return None
    return min(o.points for o in criterion.options if o.min_star_marker == max(below))


def level_met(spec, sheets, level, policy=POLICY):
    if level not in policy.certified_levels:
        return True
    for c in spec.criteria:
        needed = requirement(c, level)
        if needed is None:
            continue
        values = [D(s.get(c.code, 0)) for s in sheets]
        if policy.requirement_policy == "every_member":
            if min(values) < needed:
                return False
        elif sum(values) / len(values) < needed:
            return False
    return True


def expected_band(mean):
    for stars, lower in ((5, 90), (4, 70), (3, 50), (2, 30)):
        if mean >= lower:
            return stars
    return 1


def expected_stars(spec, sheets, band, policy=POLICY):
    stars = 0
    for level in range(1, band + 1):
        if not level_met(spec, sheets, level, policy):
            break
        stars = level
    return stars


# --- properties -----------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(data=st.data(), criteria=marked_criteria(top=40), room=st.integers(0, 60))
def test_a_total_is_never_above_100(data, criteria, room):
    """Also on scorecards whose maxima add up to more than 100: such a sheet is refused."""
    spec = with_filler(criteria, room=room + sum(int(c.max_points) for c in criteria))
    selections = data.draw(sheet_for(spec))
    try:
        sheet = score_sheet(spec, selections)
    except ScoringError as exc:
        assert sum(selections.values()) > 100
        assert [(i.field, i.criterion) for i in exc.issues] == [("selections", None)]
    else:
        assert sheet.total == sum(selections.values()) <= 100
        assert sum(sheet.parts.values()) == sum(sheet.groups.values()) == sheet.total


@PROPERTY_SETTINGS
@given(data=st.data(), spec=specs(), members=st.integers(1, 5), strict=st.booleans())
def test_raising_one_selection_never_lowers_the_stars(data, spec, members, strict):
    policy = EVERY_MEMBER if strict else POLICY
    sheets = [data.draw(sheet_for(spec)) for _ in range(members)]
    who = data.draw(st.integers(0, members - 1))
    criterion = data.draw(st.sampled_from(spec.criteria))
    higher = [p for p in allowed(criterion) if p > sheets[who][criterion.code]]
    before = council_of(spec, sheets, policy)
    if higher:
        sheets[who] = {**sheets[who], criterion.code: data.draw(st.sampled_from(higher))}
    after = council_of(spec, sheets, policy)
    assert after.mean_total >= before.mean_total
    assert after.band_stars >= before.band_stars
    assert after.stars >= before.stars


@PROPERTY_SETTINGS
@given(
    edge=st.sampled_from([30, 50, 70, 90]),
    below=st.booleans(),
    data=st.data(),
)
def test_band_edges_land_on_the_right_side(edge, below, data):
    """A council whose mean is exactly 29.99/30, 49.99/50, 69.99/70 or 89.99/90."""
    target = D(edge) - (D("0.01") if below else 0)
    members = data.draw(st.integers(1, 4))
    # n members whose hundredths of a point add up to n × target, spread unevenly.
    cents = [int(target * 100)] * members
    for _ in range(data.draw(st.integers(0, 5))):
        i, j = data.draw(st.integers(0, members - 1)), data.draw(st.integers(0, members - 1))
        shift = data.draw(st.integers(0, min(cents[i], 10000 - cents[j], 500)))
        if i != j:
            cents[i], cents[j] = cents[i] - shift, cents[j] + shift
    spec = ScorecardSpec(
        "prop",
        1,
        "fine",
        (),
        (),
        (
            CriterionSpec(
                "1", "1", "A", "1", D(100), tuple(OptionSpec("", D(n) / 100) for n in range(10001))
            ),
        ),
    )
    result = council_of(spec, [{"1": D(c) / 100} for c in cents])
    assert result.mean_total == target
    below_edge, at_edge = {30: (1, 2), 50: (2, 3), 70: (3, 4), 90: (4, 5)}[edge]
    assert result.band_stars == (below_edge if below else at_edge)


@PROPERTY_SETTINGS
@given(data=st.data(), spec=specs(), members=st.integers(1, 5))
def test_the_stars_follow_the_rules_read_from_the_options(data, spec, members):
    sheets = [data.draw(sheet_for(spec)) for _ in range(members)]
    result = council_of(spec, sheets)
    mean = sum(sum(s.values()) for s in sheets) / members
    assert result.band_stars == expected_band(mean.quantize(D("0.01"), rounding="ROUND_HALF_UP"))
    assert result.stars == expected_stars(spec, sheets, result.band_stars)
    assert (result.stars < result.band_stars) == bool(result.capped_by)


@PROPERTY_SETTINGS
@given(data=st.data(), criteria=marked_criteria(at_least=1), band=st.sampled_from([3, 4, 5]))
def test_missing_one_requirement_of_the_band_drops_to_the_level_whose_requirements_are_met(
    data, criteria, band
):
    spec = with_filler(criteria)
    marked = [c for c in spec.criteria if (requirement(c, band) or 0) > 0]
    if not marked:
        return
    members = data.draw(st.integers(1, 4))
    best = {c.code: max(allowed(c)) for c in spec.criteria if c.code != "F"}
    others = sum(best.values())
    filler_max = int(spec.criteria[-1].max_points)
    lower = {3: 50, 4: 70, 5: 90}[band]
    low, high = max(lower - others, 0), min(lower + 19 - others, filler_max)
    if low > high:  # the marked criteria alone overshoot this band
        return
    filler = D(data.draw(st.integers(int(low), int(high))))
    sheets = [{**best, "F": filler} for _ in range(members)]
    full = council_of(spec, sheets)
    assert (full.band_stars, full.stars, full.capped_by) == (band, band, ())

    # Every member lowers one criterion below its requirement for the band; the filler makes
    # up the difference, so the mean (and the band) stay where they were.
    missed = data.draw(st.sampled_from(marked))
    needed = requirement(missed, band)
    value = data.draw(st.sampled_from([p for p in allowed(missed) if p < needed]))
    gap = best[missed.code] - value
    if filler + gap > filler_max:
        return
    sheets = [{**s, missed.code: value, "F": filler + gap} for s in sheets]
    result = council_of(spec, sheets)
    assert (result.mean_total, result.band_stars) == (full.mean_total, band)
    assert result.stars < band
    assert result.stars == expected_stars(spec, sheets, band)
    assert all(level_met(spec, sheets, level) for level in range(1, result.stars + 1))
    assert (missed.code, band) in {(s.criterion, s.level) for s in result.capped_by}
    event("reached")
