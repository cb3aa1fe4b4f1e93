"""The work list: what waits for each role, overdue flags, expiring documents; constant queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ocop.evaluation.enums import DossierStatus, EvidenceCategory
from ocop.evaluation.models import Dossier
from ocop.evaluation.queries.worklists import worklist_for
from ocop.evaluation.services.dossiers import assess_at_commune, submit_dossier
from tests.evaluation.dossier_setup import (
    COMMUNE_FORWARD,
    add_document,
    complete_dossier,
    new_dossier,
)
from tests.factories.products import ProductFactory

pytestmark = pytest.mark.django_db


def codes(items) -> list[str]:
    return [item.dossier.code for item in items]


@pytest.fixture
def world(classified):
    """product1's dossier submitted to commune A (overdue), a draft of product2, documents that
    expire in 10 and 45 days and one that expired."""
    cast = classified
    today = timezone.localdate()
    submitted = complete_dossier(cast)
    add_document(
        cast,
        submitted,
        EvidenceCategory.TEST_REPORT,
        expires_on=today + dt.timedelta(days=10),
        title="Phiếu kiểm nghiệm",
    )
    add_document(
        cast,
        submitted,
        EvidenceCategory.QUALITY_DECLARATION,
        expires_on=today + dt.timedelta(days=45),
        title="Công bố chất lượng",
    )
    submit_dossier(actor=cast.producer1, dossier=submitted)
    Dossier.objects.filter(pk=submitted.pk).update(due_on=today - dt.timedelta(days=2))
    draft = new_dossier(cast, product=cast.product2, user=cast.producer2)
    add_document(
        cast,
        draft,
        EvidenceCategory.BUSINESS_REGISTRATION,
        expires_on=today - dt.timedelta(days=3),
        title="ĐKKD cũ",
        user=cast.producer2,
    )
    return {"cast": cast, "submitted": submitted, "draft": draft, "today": today}


def test_the_commune_sees_its_submitted_dossiers_with_deadlines_and_30_days_of_expiry(world):
    cast = world["cast"]
    work = worklist_for(cast.commune)
    assert work.sections == ["commune"]
    assert codes(work.to_assess) == [world["submitted"].code]
    assert work.to_assess[0].overdue is True
    assert [(i.evidence.title, i.days_left) for i in work.expiring] == [("Phiếu kiểm nghiệm", 10)]
    other = worklist_for(cast.commune2)
    assert (codes(other.to_assess), [(i.evidence.title, i.expired) for i in other.expiring]) == (
        [],
        [("ĐKKD cũ", True)],
    )


def test_the_office_sees_forwarded_dossiers_and_everything_overdue(world):
    cast = world["cast"]
    work = worklist_for(cast.office)
    assert work.sections == ["province"]
    assert (codes(work.to_accept), codes(work.overdue)) == ([], [world["submitted"].code])
    assess_at_commune(actor=cast.commune, dossier=world["submitted"], data=COMMUNE_FORWARD)
    work = worklist_for(cast.office)
    assert (codes(work.to_accept), codes(work.overdue)) == ([world["submitted"].code], [])


def test_the_producer_sees_what_waits_for_them_and_60_days_of_expiry(world, english):
    cast = world["cast"]
    work = worklist_for(cast.producer2)
    assert work.sections == ["producer"]
    assert codes(work.needs_action) == [world["draft"].code]
    missing = work.needs_action[0].missing
    assert not [line for line in missing if line.startswith("Samples")]  # tourism: no samples
    assert (
        "Evidence: the business registration certificate expired on "
        f"{world['today'] - dt.timedelta(days=3):%d/%m/%Y}: upload a valid one." in missing
    )
    assert [(i.evidence.title, i.expired) for i in work.expiring] == [("ĐKKD cũ", True)]
    first = worklist_for(cast.producer1)
    assert codes(first.needs_action) == []  # submitted: waiting for the commune, not for them
    assert [(i.evidence.title, i.days_left) for i in first.expiring] == [
        ("Phiếu kiểm nghiệm", 10),
        ("Công bố chất lượng", 45),
    ]


def test_outsiders_have_nothing_to_do(world):
    for who in ("buyer", "outsider", "member"):
        work = worklist_for(getattr(world["cast"], who))
        assert (work.sections, work.is_empty) == ([], True)


def test_the_page_shows_each_section(world, english_client):
    cast = world["cast"]
    page = english_client(cast.commune).get(reverse("evaluation:worklist"))
    body = page.content.decode()
    assert page.status_code == 200
    assert world["submitted"].code in body
    assert "overdue" in body
    assert "Phiếu kiểm nghiệm" in body
    page = english_client(cast.producer2).get(reverse("evaluation:worklist"))
    assert "ĐKKD cũ" in page.content.decode()
    assert "expired" in page.content.decode()


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("evaluation:worklist")).status_code == 200
    return len(captured)


def test_the_work_list_makes_the_same_number_of_queries_for_one_row_or_many(world, client_for):
    cast = world["cast"]
    node = cast.product1.classification
    today = world["today"]

    def add_rows(count: int) -> None:
        for index in range(count):
            product = ProductFactory(producer=cast.prod1, classification=node, name=f"SP {index}")
            dossier = new_dossier(cast, product=product)
            add_document(
                cast, dossier, EvidenceCategory.AWARDS, expires_on=today + dt.timedelta(days=5)
            )
            Dossier.objects.create(
                product=ProductFactory(producer=cast.prod1, classification=node),
                producer=cast.prod1,
                commune=cast.commune_a,
                criteria_set=dossier.criteria_set,
                scorecard=dossier.scorecard,
                procedure_profile=dossier.procedure_profile,
                status=DossierStatus.SUBMITTED,
                due_on=today - dt.timedelta(days=1),
            )

    add_rows(1)
    clients = {
        who: client_for(getattr(cast, who))
        for who in ("commune", "office", "producer1", "producer2")
    }
    before = {who: _queries(client) for who, client in clients.items()}
    add_rows(3)
    after = {who: _queries(client) for who, client in clients.items()}
    assert after == before
    assert len(worklist_for(cast.producer1).needs_action) == 4
