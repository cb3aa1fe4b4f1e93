"""Two submissions at the same moment (PostgreSQL, real threads, committed data).

Submissions lock the session, then the agenda item, then the sheet: two members submitting at
once both persist and the spread check sees both sheets; one member submitting twice at once
gets one submission and one refusal, never two versions with the same number.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from ocop.accounts.enums import OrganisationKind, Role
from ocop.evaluation.enums import SheetStatus
from ocop.evaluation.models import ScoreSheet, ScoreSheetVersion
from ocop.evaluation.services.refusals import WrongState
from ocop.evaluation.services.sessions import (
    add_to_agenda,
    create_session,
    declare_conflict,
    record_attendance,
    save_sheet,
    submit_sheet,
)
from tests.factories.accounts import MembershipFactory, OrganisationFactory
from tests.factories.evaluation import (
    accepted_dossier,
    session_council,
    session_council_user,
    session_round,
    tiny_scorecard,
)
from tests.factories.producers import ProducerFactory
from tests.factories.products import ProductFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]

HIGH = {"1.1": 30, "1.2": 30, "2.1": 40}  # 100
LOW = {"1.1": 10, "1.2": 15, "2.1": 20}  # 45


@pytest.fixture
def setting():
    office_org = OrganisationFactory(kind=OrganisationKind.PROVINCE_OFFICE)
    office = MembershipFactory(role=Role.PROVINCE_OFFICER, organisation=office_org).user
    criteria_set, scorecard = tiny_scorecard()
    round_ = session_round(criteria_set)
    chair = session_council_user(Role.COUNCIL_CHAIR)
    member = session_council_user(Role.COUNCIL_MEMBER)
    council = session_council(chair=chair, members=[member])
    session = create_session(
        actor=office, council=council, round=round_, held_on=dt.date(2026, 6, 15)
    )
    product = ProductFactory(producer=ProducerFactory())
    dossier = accepted_dossier(product, round_, office=office, scorecard=scorecard)
    item = add_to_agenda(actor=office, session=session, dossier=dossier)
    seats = list(council.members.filter(role__in=["chair", "member"]).order_by("role"))
    record_attendance(actor=office, session=session, present_members=seats)
    for user in (chair, member):
        declare_conflict(actor=user, item=item, has_conflict=False)
    return {"item": item, "chair": chair, "member": member}


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released together; each result or the exception raised."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def fresh_item(item):
    return (
        type(item)
        .objects.select_related(
            "session__council", "dossier__criteria_set", "dossier__scorecard", "dossier__product"
        )
        .get(pk=item.pk)
    )


def test_two_members_submitting_at_once_both_persist(setting):
    item = setting["item"]
    save_sheet(actor=setting["chair"], item=item, selections=HIGH)
    save_sheet(actor=setting["member"], item=item, selections=LOW)
    results = at_once(
        lambda: submit_sheet(actor=setting["chair"], item=fresh_item(item)),
        lambda: submit_sheet(actor=setting["member"], item=fresh_item(item)),
    )
    assert [type(r).__name__ for r in results] == ["ScoreSheet", "ScoreSheet"]
    assert sorted(
        ScoreSheet.objects.filter(item=item).values_list("status", "total", "version")
    ) == [(SheetStatus.SUBMITTED, 45, 2), (SheetStatus.SUBMITTED, 100, 2)]
    # the second submission saw the first: the spread of 55 is flagged
    assert fresh_item(item).flagged_for_discussion is True


def test_one_member_submitting_twice_at_once_submits_once(setting):
    item = setting["item"]
    save_sheet(actor=setting["member"], item=item, selections=LOW)
    results = at_once(
        lambda: submit_sheet(actor=setting["member"], item=fresh_item(item)),
        lambda: submit_sheet(actor=setting["member"], item=fresh_item(item)),
    )
    assert sorted(type(r).__name__ for r in results) == ["ScoreSheet", "WrongState"]
    refusal = next(r for r in results if isinstance(r, WrongState))
    assert item.dossier.code in refusal.text
    sheet = ScoreSheet.objects.get(item=item, member__user=setting["member"])
    assert list(sheet.versions.values_list("version", "status")) == [
        (1, SheetStatus.DRAFT),
        (2, SheetStatus.SUBMITTED),
    ]


def test_two_first_saves_at_once_make_one_sheet_and_two_versions(setting):
    item = setting["item"]
    results = at_once(
        lambda: save_sheet(actor=setting["member"], item=fresh_item(item), selections={"1.1": 10}),
        lambda: save_sheet(actor=setting["member"], item=fresh_item(item), selections={"1.1": 30}),
    )
    assert [type(r).__name__ for r in results] == ["ScoreSheet", "ScoreSheet"]
    sheet = ScoreSheet.objects.get(item=item, member__user=setting["member"])
    versions = list(
        ScoreSheetVersion.objects.filter(sheet=sheet).order_by("version").values_list("version")
    )
    assert versions == [(1,), (2,)]
    assert sheet.version == 2
