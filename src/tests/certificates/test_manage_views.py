"""The certificate pages for officials and producers: who sees which certificates (404 to anyone
else), the list's filters, search without diacritics and its query-count guard, the detail page
(state in words, window, revocations, inspections, actions), the History tab and the work list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ocop.certificates.enums import CertificateStatus, InspectionKind, VerificationState
from ocop.certificates.services.inspections import plan_inspection
from ocop.certificates.services.revocations import propose_revocation
from tests.certificates.manage_setup import certificate, vi
from tests.factories.products import ProductFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def certs(cast):
    """A valid certificate of each producer (expiring in two years)."""
    far = TODAY + dt.timedelta(days=730)
    return {
        "one": certificate(
            cast.product1, decided_on=TODAY - dt.timedelta(days=365), expires_on=far
        ),
        "two": certificate(
            cast.product2, decided_on=TODAY - dt.timedelta(days=365), expires_on=far
        ),
    }


def _numbers(response):
    return sorted(cert.number for cert, _state in response.context["rows"])


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("office", ["one", "two"]),
        ("admin", ["one", "two"]),
        ("approver", ["one", "two"]),
        ("commune", ["one"]),
        ("commune2", ["two"]),
        ("producer1", ["one"]),
        ("producer1_staff", ["one"]),
        ("producer2", ["two"]),
    ],
)
def test_each_role_lists_the_certificates_it_sees(cast, certs, client_for, name, expected):
    response = client_for(getattr(cast, name)).get(reverse("certificates:list"))
    assert response.status_code == 200
    assert _numbers(response) == sorted(certs[key].number for key in expected)


@pytest.mark.parametrize("name", ["buyer", "outsider", "member", "chair"])
def test_the_list_is_not_for_others(cast, certs, client_for, name):
    assert client_for(getattr(cast, name)).get(reverse("certificates:list")).status_code == 404


def test_the_list_needs_a_sign_in(db):
    assert Client().get(reverse("certificates:list")).status_code == 302


def test_the_filters_and_the_search_without_diacritics(cast, certs, client_for, settings):
    settings.OCOP_CERTIFICATE_EXPIRING_DAYS = 30
    soon = certificate(
        ProductFactory(producer=cast.prod1, name="Ấm chén men rạn"),
        stars=3,
        decided_on=dt.date(2024, 1, 5),
        expires_on=TODAY + dt.timedelta(days=10),
    )
    gone = certificate(
        ProductFactory(producer=cast.prod1, name="Đĩa gốm cổ"),
        stars=5,
        decided_on=dt.date(2023, 1, 5),
        expires_on=dt.date(2026, 1, 5),
        status=CertificateStatus.EXPIRED,
    )
    client = client_for(cast.office)

    def get(**params):
        return _numbers(client.get(reverse("certificates:list"), params))

    assert get(status="expiring") == [soon.number]
    assert get(status="expired") == [gone.number]
    assert get(status="valid") == sorted([certs["one"].number, certs["two"].number])
    assert get(stars="3") == [soon.number]
    assert get(year="2023") == [gone.number]
    assert get(q="binh gom") == [certs["one"].number]  # "Bình gốm men lam"
    assert get(q="AM CHEN") == [soon.number]
    assert get(q="tra sen") == [certs["two"].number]  # "Công ty Trà Sen" / "Trà sen Tây Hồ"
    assert get(q=gone.number) == [gone.number]
    assert get(status="nonsense") == get()  # unknown values are ignored
    response = client.get(reverse("certificates:list"), {"status": "expiring"})
    assert [state for _cert, state in response.context["rows"]] == [VerificationState.EXPIRING]


def test_the_list_costs_the_same_queries_for_1_or_30_certificates(cast, client_for):
    client = client_for(cast.office)
    certificate(cast.product1)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("certificates:list"))
    for index in range(29):
        certificate(ProductFactory(producer=cast.prod2, name=f"Trà số {index}"))
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("certificates:list"))
    assert len(response.context["rows"]) == 25  # one page
    assert response.context["state"].page.paginator.count == 30
    assert len(many.captured_queries) == len(one.captured_queries)
    second = client.get(reverse("certificates:list"), {"page": 2})
    assert len(second.context["rows"]) == 5


# --- the detail page --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["office", "admin", "approver", "commune", "producer1", "producer1_staff"]
)
def test_the_detail_page_for_those_who_see_it(cast, certs, client_for, name):
    cert = certs["one"]
    response = client_for(getattr(cast, name)).get(reverse("certificates:detail", args=[cert.code]))
    assert response.status_code == 200
    page = response.content.decode()
    assert cert.number in page
    assert cert.verification_code in page
    assert response.context["state"] == VerificationState.VALID
    history = client_for(getattr(cast, name)).get(reverse("certificates:history", args=[cert.code]))
    assert history.status_code == 200


@pytest.mark.parametrize("name", ["producer2", "commune2", "buyer", "outsider", "member"])
def test_the_detail_page_does_not_leak(cast, certs, client_for, name):
    client = client_for(getattr(cast, name))
    cert = certs["one"]
    assert client.get(reverse("certificates:detail", args=[cert.code])).status_code == 404
    assert client.get(reverse("certificates:history", args=[cert.code])).status_code == 404
    assert client.get(reverse("certificates:detail", args=["CXXXXXXXX"])).status_code == 404


def test_the_detail_page_shows_the_window_and_the_actions_of_the_user(cast, client_for):
    # Expiring in 150 days: the window (180 → 120 days before) is open.
    cert = certificate(
        cast.product1,
        decided_on=TODAY - dt.timedelta(days=900),
        expires_on=TODAY + dt.timedelta(days=150),
    )
    producer = client_for(cast.producer1).get(reverse("certificates:detail", args=[cert.code]))
    context = producer.context
    assert (context["window_open"], context["can_reevaluate"], context["can_upgrade"]) == (
        True,
        True,
        True,
    )
    assert (context["can_propose"], context["can_plan"]) == (False, False)
    assert "propose_form" not in context
    assert vi("The re-evaluation window is open.") in producer.content.decode()
    office = client_for(cast.office).get(reverse("certificates:detail", args=[cert.code]))
    assert (office.context["can_propose"], office.context["can_plan"]) == (True, True)
    commune = client_for(cast.commune).get(reverse("certificates:detail", args=[cert.code]))
    assert commune.context["can_reevaluate"] is False


def test_a_late_window_is_warned_and_an_early_one_gives_its_opening_day(cast, client_for):
    late = certificate(
        cast.product1,
        decided_on=TODAY - dt.timedelta(days=1000),
        expires_on=TODAY + dt.timedelta(days=60),
    )
    response = client_for(cast.producer1).get(reverse("certificates:detail", args=[late.code]))
    assert response.context["window_late"] is True
    assert response.context["can_reevaluate"] is True
    early = certificate(
        cast.product2,
        decided_on=TODAY - dt.timedelta(days=10),
        expires_on=TODAY + dt.timedelta(days=400),
    )
    response = client_for(cast.producer2).get(reverse("certificates:detail", args=[early.code]))
    assert (response.context["window_not_yet"], response.context["can_reevaluate"]) == (True, False)


def test_the_producer_does_not_see_an_unannounced_inspection_or_a_proposal(cast, certs, client_for):
    cert = certs["one"]
    plan_inspection(
        actor=cast.office, certificate=cert, kind=InspectionKind.UNANNOUNCED, planned_on=TODAY
    )
    announced = plan_inspection(
        actor=cast.office, certificate=cert, kind=InspectionKind.PLANNED, planned_on=TODAY
    )
    proposal = propose_revocation(
        actor=cast.office,
        certificate=cert,
        ground="mark_misuse",
        basis="Biên bản 12/BB",
        concluded_on=TODAY,
    )
    producer = client_for(cast.producer1).get(reverse("certificates:detail", args=[cert.code]))
    assert producer.context["inspections"] == [announced]
    assert producer.context["revocations"] == []
    assert proposal.code not in producer.content.decode()
    office = client_for(cast.office).get(reverse("certificates:detail", args=[cert.code]))
    assert len(office.context["inspections"]) == 2
    assert [r for r, _overdue in office.context["revocations"]] == [proposal]
    approver = client_for(cast.approver).get(reverse("certificates:detail", args=[cert.code]))
    assert approver.context["can_decide"] is True


def test_the_history_tab_shows_the_life_of_the_certificate(cast, certs, client_for):
    cert = certs["one"]
    propose_revocation(
        actor=cast.office, certificate=cert, ground="mark_misuse", basis="BB 1", concluded_on=TODAY
    )
    from ocop.certificates.services.certificates import change_certificate_status

    change_certificate_status(
        actor=cast.office, certificate=cert, to=CertificateStatus.SUPERSEDED, reason="Thử"
    )
    response = client_for(cast.producer1).get(reverse("certificates:history", args=[cert.code]))
    actions = [entry.action for entry in response.context["history"]]
    assert actions == ["certificates.certificate.supersede"]


# --- the work list ----------------------------------------------------------------------------


def test_the_work_list_of_the_office(cast, certs, client_for, settings):
    settings.OCOP_CERTIFICATE_EXPIRING_DAYS = 30
    cert = certs["one"]
    soon = certificate(
        ProductFactory(producer=cast.prod2, name="Trà ướp sen"),
        decided_on=dt.date(2024, 1, 5),
        expires_on=TODAY + dt.timedelta(days=20),
    )
    overdue = propose_revocation(
        actor=cast.office,
        certificate=cert,
        ground="mark_misuse",
        basis="BB 1",
        concluded_on=TODAY - dt.timedelta(days=20),
    )
    inspection = plan_inspection(
        actor=cast.office, certificate=certs["two"], kind="planned", planned_on=TODAY
    )
    response = client_for(cast.office).get(reverse("certificates:worklist"))
    assert response.status_code == 200
    assert response.context["proposals"] == [(overdue, True, False)]
    assert response.context["inspections"] == [(inspection, False)]
    assert [c for c, _state in response.context["expiring"]] == [soon]
    approver = client_for(cast.approver).get(reverse("certificates:worklist"))
    assert approver.context["proposals"] == [(overdue, True, True)]
    assert "inspections" not in approver.context


@pytest.mark.parametrize("name", ["producer1", "commune", "member", "buyer", "outsider"])
def test_the_work_list_is_the_officials(cast, client_for, name):
    assert client_for(getattr(cast, name)).get(reverse("certificates:worklist")).status_code == 404


def test_the_menu_leads_to_the_certificates(cast, client_for):
    response = client_for(cast.producer1).get(reverse("core:home"))
    urls = [item["url"] for item in response.context["nav_menu"]]
    assert reverse("certificates:list") in urls
    response = client_for(cast.buyer).get(reverse("core:home"))
    assert reverse("certificates:list") not in [
        item["url"] for item in response.context["nav_menu"]
    ]


def test_the_pages_have_no_inline_script_or_style(cast, certs, client_for):
    cert = certs["one"]
    inspection = plan_inspection(
        actor=cast.office, certificate=cert, kind=InspectionKind.PLANNED, planned_on=TODAY
    )
    proposal = propose_revocation(
        actor=cast.office, certificate=cert, ground="mark_misuse", basis="BB", concluded_on=TODAY
    )
    client = client_for(cast.office)
    for url in (
        reverse("certificates:list"),
        reverse("certificates:worklist"),
        reverse("certificates:detail", args=[cert.code]),
        reverse("certificates:history", args=[cert.code]),
        reverse("certificates:revocation", args=[proposal.code]),
        reverse("certificates:inspection", args=[inspection.code]),
    ):
        page = client.get(url).content.decode()
        assert "<script" not in page, url
        assert "style=" not in page, url


def test_the_loader_for_managing(cast, certs):
    from django.http import Http404

    from ocop.certificates.queries.certificates import access_certificate

    cert = certs["one"]
    assert access_certificate(cast.office, cert.code, write=True) == cert
    assert access_certificate(cast.admin, cert.code, write=True) == cert
    for name in ("producer1", "commune", "approver"):
        assert access_certificate(getattr(cast, name), cert.code) == cert
        with pytest.raises(Http404):
            access_certificate(getattr(cast, name), cert.code, write=True)


def test_the_admin_lists_certificates_read_only(cast, certs, client_for):
    client = client_for(cast.admin)
    for model in ("certificate", "revocation", "inspection", "certificatenotice"):
        assert client.get(reverse(f"admin:certificates_{model}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:certificates_{model}_add")).status_code == 403
    page = client.get(reverse("admin:certificates_certificate_change", args=[certs["one"].pk]))
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
