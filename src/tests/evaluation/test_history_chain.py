"""History before the platform, end to end: under QĐ 1048 (and 148) the district council
evaluates first, its decision forwards the products above what it certifies to the province, and
the province decides. The results are transcribed from the archived minutes (never recomputed
from the unofficial 1048 scorecards)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from ocop.criteria.engine.scoring import band_for
from ocop.criteria.queries.specs import policy_for
from ocop.evaluation.enums import (
    DossierStatus,
    EvidenceCategory,
    Level,
    RoundStatus,
    SessionSource,
    SessionStatus,
)
from ocop.evaluation.models import DecisionItem, SessionDossier
from ocop.evaluation.queries.results import dossier_result
from ocop.evaluation.services.archive import (
    create_archive_session,
    record_archived_result,
)
from ocop.evaluation.services.decisions import (
    change_decision_status,
    draft_decision,
    outcome_for,
    update_draft,
)
from ocop.evaluation.services.dossiers import (
    accept_dossier,
    create_dossier,
    forward_dossier,
    submit_dossier,
    update_registration,
)
from ocop.evaluation.services.procedures import profile_by_code
from ocop.evaluation.services.refusals import NotAllowed, WrongState
from ocop.evaluation.services.sessions import add_to_agenda, close_session, save_sheet
from tests.evaluation.dossier_setup import REGISTRATION, add_document, open_round
from tests.factories.evaluation import decision_council

pytestmark = pytest.mark.django_db

LODGED_ON = dt.date(2020, 3, 2)


def test_outcomes_of_the_three_level_profiles():
    p1048 = profile_by_code("qd1048-2019-three-level")
    p148 = profile_by_code("qd148-2023-three-level")
    # 1048: the district certifies nothing and forwards from 50 points (3–5★).
    assert outcome_for(p1048, Level.DISTRICT, 3, Decimal("55.00")).forwarded
    assert outcome_for(p1048, Level.DISTRICT, 5, Decimal("91.00")).forwarded
    below = outcome_for(p1048, Level.DISTRICT, 2, Decimal("45.00"))
    assert (below.recognised, below.forwarded, below.proposed_central) == (False, False, False)
    # ... the province recognises 3★/4★ and proposes 90+ to the ministry.
    assert outcome_for(p1048, Level.PROVINCE, 4, Decimal("75.00")).recognised
    at_province = outcome_for(p1048, Level.PROVINCE, 5, Decimal("92.00"))
    assert (at_province.proposed_central, at_province.forwarded) == (True, False)
    # 148: the district certifies 3★ itself and forwards 70+ (4★ and up) to the province.
    three = outcome_for(p148, Level.DISTRICT, 3, Decimal("62.00"))
    assert (three.recognised, three.forwarded) == (True, False)
    four = outcome_for(p148, Level.DISTRICT, 4, Decimal("72.00"))
    assert (four.recognised, four.forwarded) == (False, True)
    # 26/2026 has no district: nothing is ever forwarded.
    p26 = profile_by_code("qd26-2026-two-level")
    assert not outcome_for(p26, Level.PROVINCE, 4, Decimal("80.00")).forwarded


def test_archived_results_are_banded_by_the_criteria_set(qd1048):
    policy = policy_for("qd1048-2019")
    assert [band_for(policy, Decimal(v)) for v in ("95", "89.99", "70", "50", "12")] == [
        5,
        4,
        4,
        3,
        1,
    ]


def _district_dossier(world):
    owner, officer = world["owner"], world["district_officer"]
    dossier = create_dossier(actor=owner, product=world["product"], kind="first", on=LODGED_ON)
    update_registration(actor=owner, dossier=dossier, data=REGISTRATION, samples_count=5)
    for category in (EvidenceCategory.REGISTRATION_FORM, EvidenceCategory.BUSINESS_REGISTRATION):
        add_document(world["cast"], dossier, category, user=owner)
    submit_dossier(actor=owner, dossier=dossier)
    forward_dossier(actor=officer, dossier=dossier, note="Hồ sơ đủ thành phần.")
    district_round = open_round("qd1048-2019", level=Level.DISTRICT, year=2020)
    accept_dossier(actor=officer, dossier=dossier, round=district_round)
    dossier.refresh_from_db()
    return dossier, district_round


def _archive_result(office, council, round_, dossier, mean, stars, minutes):
    session = create_archive_session(
        actor=office,
        council=council,
        round=round_,
        held_on=dt.date(2020, 6, 10),
        minutes_reference=minutes,
    )
    item = add_to_agenda(actor=office, session=session, dossier=dossier)
    record_archived_result(actor=office, item=item, mean_total=mean, stars=stars)
    close_session(actor=office, session=session)
    return session, item


def _decide(office, approver, round_, number, signed_on):
    decision = draft_decision(actor=office, round=round_, title=f"Quyết định {number}")
    update_draft(actor=office, decision=decision, data={"number": number})
    return change_decision_status(
        actor=approver, decision=decision, to="approved", signed_on=signed_on
    )


def test_a_1048_product_goes_from_the_district_to_the_province(district_world, english):
    world = district_world
    cast = world["cast"]
    dossier, district_round = _district_dossier(world)
    district_council = decision_council(name="Hội đồng OCOP huyện Gia Lâm", level=Level.DISTRICT)
    session, item = _archive_result(
        cast.office, district_council, district_round, dossier, "72,50", 4, "Biên bản số 12/BB-HĐ"
    )
    assert session.source == SessionSource.ARCHIVE
    item.refresh_from_db()
    assert (item.mean_total, item.stars, item.band_stars) == (Decimal("72.50"), 4, 4)
    dossier.refresh_from_db()
    assert (dossier.status, dossier.level) == (DossierStatus.SCORED, Level.DISTRICT)
    assert dossier.events.order_by("-pk").first().reason == (
        "Result transcribed from the archived minutes (Biên bản số 12/BB-HĐ): 72.5 points, 4★."
    )

    district_decision = _decide(
        cast.office, cast.approver, district_round, "35/QĐ-UBND", dt.date(2020, 6, 20)
    )
    row = DecisionItem.objects.get(decision=district_decision)
    assert (row.forwarded, row.recognised, row.proposed_central) == (True, False, False)
    dossier.refresh_from_db()
    assert (dossier.status, dossier.level) == (DossierStatus.FORWARDED, Level.PROVINCE)
    assert "forwarded to the provincial council (4★, mean score 72.50)" in (
        dossier.events.order_by("-pk").first().reason
    )

    province_round = open_round("qd1048-2019", level=Level.PROVINCE, year=2020, number=2)
    accept_dossier(actor=cast.office, dossier=dossier, round=province_round)
    province_council = decision_council(name="Hội đồng OCOP thành phố 2020")
    _archive_result(
        cast.office, province_council, province_round, dossier, "74.00", 4, "Biên bản số 3/BB-HĐ"
    )
    province_decision = _decide(
        cast.office, cast.approver, province_round, "4123/QĐ-UBND", dt.date(2020, 9, 1)
    )
    row = DecisionItem.objects.get(decision=province_decision)
    assert (row.recognised, row.stars, row.mean_total) == (True, 4, Decimal("74.00"))
    dossier.refresh_from_db()
    assert (dossier.status, dossier.level) == (DossierStatus.RECOGNISED, Level.PROVINCE)
    # The producer sees the published result as the minutes give it, with no criteria.
    result = dossier_result(world["owner"], dossier)
    assert (result.mean_total, result.stars, result.archived, result.parts) == (
        Decimal("74.00"),
        4,
        True,
        [],
    )
    assert result.minutes == "Biên bản số 3/BB-HĐ"


def test_a_district_result_below_50_is_not_forwarded(district_world):
    world = district_world
    cast = world["cast"]
    dossier, district_round = _district_dossier(world)
    council = decision_council(name="Hội đồng OCOP huyện Gia Lâm", level=Level.DISTRICT)
    _archive_result(cast.office, council, district_round, dossier, "44.00", 2, "Biên bản 7")
    _decide(cast.office, cast.approver, district_round, "36/QĐ-UBND", dt.date(2020, 6, 20))
    dossier.refresh_from_db()
    assert (dossier.status, dossier.level) == (DossierStatus.NOT_RECOGNISED, Level.DISTRICT)


def test_archive_sessions_refuse_bad_input_and_change_nothing(district_world, english):
    world = district_world
    cast = world["cast"]
    dossier, district_round = _district_dossier(world)
    council = decision_council(
        name="Hội đồng OCOP huyện Gia Lâm", level=Level.DISTRICT, members=[cast.member]
    )
    with pytest.raises(ValidationError) as caught:
        create_archive_session(
            actor=cast.office,
            council=council,
            round=district_round,
            held_on=dt.date(2020, 6, 10),
            minutes_reference="  ",
        )
    assert list(caught.value.message_dict) == ["minutes_reference"]
    with pytest.raises(NotAllowed):
        create_archive_session(
            actor=cast.member,
            council=council,
            round=district_round,
            held_on=dt.date(2020, 6, 10),
            minutes_reference="Biên bản 1",
        )
    session = create_archive_session(
        actor=cast.office,
        council=council,
        round=district_round,
        held_on=dt.date(2020, 6, 10),
        minutes_reference="Biên bản 1",
    )
    item = add_to_agenda(actor=cast.office, session=session, dossier=dossier)
    # Nobody scores in an archive session, not even a seated member.
    with pytest.raises(WrongState) as refused:
        save_sheet(actor=cast.member, item=item, selections={})
    assert "transcribed from archived minutes" in str(refused.value.message)
    # Closing without every result is refused.
    with pytest.raises(WrongState):
        close_session(actor=cast.office, session=session)
    for mean, stars, field in (
        ("101", 4, "mean_total"),
        ("abc", 4, "mean_total"),
        ("60", 0, "stars"),
        ("60", True, "stars"),
        ("60", 4, "stars"),  # 60 points is the 3★ band: 4★ is impossible
    ):
        with pytest.raises(ValidationError) as caught:
            record_archived_result(actor=cast.office, item=item, mean_total=mean, stars=stars)
        assert field in caught.value.message_dict
    with pytest.raises(NotAllowed):
        record_archived_result(actor=cast.member, item=item, mean_total="60", stars=3)
    item.refresh_from_db()
    assert (item.result, item.mean_total, item.stars) == (None, None, None)
    session.refresh_from_db()
    assert session.status == SessionStatus.OPEN
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.IN_SESSION
    # A live session does not take typed results.
    live_round = open_round("qd1048-2019", level=Level.DISTRICT, year=2020, number=3)
    live_round.status = RoundStatus.SCORING
    live_round.save()
    from ocop.evaluation.services.sessions import create_session

    live = create_session(
        actor=cast.office, council=council, round=live_round, held_on=dt.date(2020, 6, 11)
    )
    assert live.source == SessionSource.LIVE
    live_item = SessionDossier.objects.create(session=live, dossier=dossier, position=1)
    with pytest.raises(WrongState):
        record_archived_result(actor=cast.office, item=live_item, mean_total="60", stars=3)


def test_the_office_records_an_archive_session_through_the_pages(district_world, client_for):
    world = district_world
    cast = world["cast"]
    dossier, district_round = _district_dossier(world)
    council = decision_council(name="Hội đồng OCOP huyện Gia Lâm", level=Level.DISTRICT)
    office = client_for(cast.office)
    response = office.post(
        f"/danh-gia/hoi-dong/{council.code}/phien/",
        {
            "round": district_round.code,
            "held_on": "2020-06-10",
            "place": "UBND huyện Gia Lâm",
            "minutes_reference": "Biên bản số 12/BB-HĐ ngày 10/6/2020",
        },
    )
    assert response.status_code == 302
    session = district_round.sessions.get()
    assert (session.source, session.minutes_reference) == (
        SessionSource.ARCHIVE,
        "Biên bản số 12/BB-HĐ ngày 10/6/2020",
    )
    add_to_agenda(actor=cast.office, session=session, dossier=dossier)
    page = office.get(f"/danh-gia/phien/{session.code}/")
    assert page.status_code == 200
    assert page.context["archived"] and page.context["can_close"]
    assert page.context["progress"].items[0].minutes_form is not None
    url = f"/danh-gia/phien/{session.code}/bien-ban-luu/{dossier.code}/"
    # A council member cannot record (404: managing sessions is the office's).
    assert client_for(cast.member).post(url, {}).status_code == 404
    assert office.post(f"/danh-gia/phien/{session.code}/bien-ban-luu/XXXX/", {}).status_code == 404
    bad = office.post(url, {f"{dossier.code}-mean_total": "60", f"{dossier.code}-stars": "5"})
    assert bad.status_code == 302
    assert SessionDossier.objects.get(session=session).result is None
    good = office.post(url, {f"{dossier.code}-mean_total": "61,5", f"{dossier.code}-stars": "3"})
    assert good.status_code == 302
    item = SessionDossier.objects.get(session=session)
    assert (item.mean_total, item.stars) == (Decimal("61.50"), 3)
    assert office.post(f"/danh-gia/phien/{session.code}/ket-thuc/").status_code == 302
    session.refresh_from_db()
    assert session.status == SessionStatus.CLOSED
