"""The dossier pages: create from the product, the tabs, the moves, Mẫu 03, the lists; who may
see and do what (the leak matrix); query counts that do not grow with the rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ocop.evaluation.enums import DossierStatus, EvidenceCategory, Level
from ocop.evaluation.models import CommuneAssessment, Dossier, Evidence
from ocop.evaluation.services.dossiers import (
    accept_dossier,
    assess_at_commune,
    submit_dossier,
)
from tests.evaluation.dossier_setup import (
    COMMUNE_FORWARD,
    REGISTRATION,
    add_document,
    complete_dossier,
    final_self_assessment,
    new_dossier,
    open_round,
    pdf,
    state,
)
from tests.factories.products import PDF_BYTES, ProductFactory

pytestmark = pytest.mark.django_db


def url(name: str, dossier, *args) -> str:
    return reverse(f"evaluation:{name}", args=[dossier.code, *args])


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def count_queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured)


# --- create from the product ---------------------------------------------------------------------


def test_the_product_page_links_to_its_dossiers_and_starts_one(classified, english_client):
    client = english_client(classified.producer1)
    product_page = client.get(reverse("products:detail", args=[classified.product1.code]))
    page_url = reverse("evaluation:product_dossiers", args=[classified.product1.code])
    assert page_url in product_page.content.decode()
    page = client.get(page_url)
    assert page.status_code == 200
    assert page.context["may_create"] is True
    response = client.post(page_url, {"kind": "first", "current_stars": ""})
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("dossier", dossier)
    page = client.get(page_url)
    assert (page.context["may_create"], page.context["unfinished"]) == (False, dossier)
    assert [d.code for d in page.context["dossiers"]] == [dossier.code]


def test_starting_an_upgrade_without_stars_shows_the_error(classified, english_client):
    client = english_client(classified.producer1)
    page_url = reverse("evaluation:product_dossiers", args=[classified.product1.code])
    response = client.post(page_url, {"kind": "upgrade", "current_stars": ""})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "current_stars": [
            "Give the star rating the product holds now (an upgrade or a re-evaluation "
            "starts from it)."
        ]
    }
    assert Dossier.objects.count() == 0


def test_officers_see_the_products_dossiers_but_cannot_start_one(classified, english_client):
    new_dossier(classified)
    client = english_client(classified.commune)
    page_url = reverse("evaluation:product_dossiers", args=[classified.product1.code])
    page = client.get(page_url)
    assert (page.status_code, page.context["may_create"], len(page.context["dossiers"])) == (
        200,
        False,
        1,
    )
    assert client.post(page_url, {"kind": "first"}).status_code == 404


# --- the tabs ----------------------------------------------------------------------------------


def test_the_overview_lists_what_is_missing_and_the_producers_moves(classified, english_client):
    dossier = new_dossier(classified)
    page = english_client(classified.producer1).get(url("dossier", dossier))
    assert page.status_code == 200
    assert page.context["actions"] == frozenset({"edit", "submit", "withdraw"})
    assert len(page.context["missing"]) == 13
    body = page.content.decode()
    assert "Samples: 5 product samples are needed (0 declared)." in body
    assert url("dossier_submit", dossier) in body


def test_registration_is_a_form_for_the_producer_and_read_only_for_the_commune(
    classified, english_client
):
    dossier = new_dossier(classified)
    client = english_client(classified.producer1)
    page = client.get(url("dossier_registration", dossier))
    assert page.context["form"] is not None
    data = {**REGISTRATION, "capacity_per_year": "1200", "samples_count": "5"}
    response = client.post(url("dossier_registration", dossier), data)
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.registration["packaging"] == "Hộp giấy có lót xốp"
    assert (dossier.registration["capacity_per_year"], dossier.samples_count) == (1200, 5)
    officer = english_client(classified.commune)
    page = officer.get(url("dossier_registration", dossier))
    assert page.context["form"] is None
    assert "Hộp giấy có lót xốp" in page.content.decode()
    assert officer.post(url("dossier_registration", dossier), data).status_code == 404


def test_a_bad_registration_answer_shows_on_its_field(classified, english_client):
    dossier = new_dossier(classified)
    response = english_client(classified.producer1).post(
        url("dossier_registration", dossier), {**REGISTRATION, "brand_status": "famous"}
    )
    assert response.status_code == 200
    assert "brand_status" in response.context["form"].errors


def test_evidence_is_uploaded_listed_with_expiry_warnings_downloaded_and_removed(
    classified, english_client
):
    dossier = new_dossier(classified)
    client = english_client(classified.producer1)
    soon = timezone.localdate() + dt.timedelta(days=20)
    response = client.post(
        url("dossier_evidence", dossier),
        {
            "category": EvidenceCategory.FOOD_SAFETY,
            "title": "Giấy chứng nhận ATTP",
            "file": pdf("attp.pdf"),
            "issued_on": "01/01/2025",
            "expires_on": soon.strftime("%d/%m/%Y"),
        },
    )
    assert response.status_code == 302
    item = Evidence.objects.get()
    assert (item.issued_on, item.expires_on) == (dt.date(2025, 1, 1), soon)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    add_document(classified, dossier, EvidenceCategory.TEST_REPORT, expires_on=yesterday)
    page = client.get(url("dossier_evidence", dossier))
    rows = {row["item"].category: row for row in page.context["rows"]}
    assert (rows["food_safety"]["expiring"], rows["food_safety"]["days_left"]) == (True, 20)
    assert rows["test_report"]["expired"] is True
    body = page.content.decode()
    assert "expires in 20 days" in body and "expired" in body
    download = client.get(url("dossier_evidence_file", dossier, item.file.code))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert download["Content-Type"] == "application/pdf"
    response = client.post(url("dossier_evidence_remove", dossier, item.file.code))
    assert response.status_code == 302
    assert Evidence.objects.count() == 1


def test_a_wrong_file_is_refused_on_the_form(classified, english_client):
    dossier = new_dossier(classified)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = english_client(classified.producer1).post(
        url("dossier_evidence", dossier),
        {
            "category": EvidenceCategory.AWARDS,
            "title": "Giải thưởng",
            "file": SimpleUploadedFile("x.pdf", b"plain text", "application/pdf"),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "file": ["This file type is not accepted. Accepted types: JPEG, PDF, PNG, WEBP."]
    }
    assert Evidence.objects.count() == 0


def test_the_self_assessment_tab_attaches_a_final_one(classified, english_client):
    dossier = new_dossier(classified)
    assessment = final_self_assessment(classified)
    client = english_client(classified.producer1)
    page = client.get(url("dossier_self_assessment", dossier))
    assert page.context["form"] is not None
    response = client.post(
        url("dossier_self_assessment", dossier), {"self_assessment": assessment.code}
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.self_assessment == assessment
    page = client.get(url("dossier_self_assessment", dossier))
    assert reverse("evaluation:self_assessment", args=[assessment.code]) in page.content.decode()


def test_submitting_an_incomplete_dossier_lists_what_is_missing(classified, english_client):
    dossier = new_dossier(classified)
    before = state(dossier)
    response = english_client(classified.producer1).post(
        url("dossier_submit", dossier), follow=True
    )
    shown = messages_of(response)
    assert shown[0] == "The dossier cannot be submitted yet; this is still missing:"
    assert shown[1:] == response.context["missing"]
    assert len(shown) == 14
    assert state(dossier) == before


def test_the_whole_path_through_the_pages(classified, english_client):
    cast = classified
    dossier = complete_dossier(cast)
    producer = english_client(cast.producer1)
    response = producer.post(url("dossier_submit", dossier), follow=True)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED
    assert messages_of(response) == [
        f"The dossier has been submitted. The commune answers by {dossier.due_on:%d/%m/%Y}."
    ]
    commune = english_client(cast.commune)
    inbox = commune.get(reverse("evaluation:dossier_inbox"))
    assert [(row.code, late) for row, late in inbox.context["rows"]] == [(dossier.code, False)]
    form_page = commune.get(url("dossier_assess", dossier))
    assert form_page.status_code == 200
    post = {
        **{k: v for k, v in COMMUNE_FORWARD.items() if not k.endswith("_met")},
        "local_materials_met": "1",
        "local_labour_met": "1",
        "idea_origin_met": "0",
        "local_identity_met": "1",
        "completeness_ok": "on",
    }
    response = commune.post(url("dossier_assess", dossier), post)
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert (dossier.status, dossier.level) == (DossierStatus.FORWARDED, Level.PROVINCE)
    report = CommuneAssessment.objects.get()
    assert (report.idea_origin_met, report.local_labour_met) == (False, True)
    mau03 = commune.get(url("dossier_commune_report", dossier))
    body = mau03.content.decode()
    assert mau03.status_code == 200
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in body
    assert "12 lao động địa phương có bảo hiểm." in body
    assert 'class="site-header"' not in body  # self-contained, for print and the PDF
    office = english_client(cast.office)
    round_ = open_round()
    page = office.get(url("dossier", dossier))
    assert page.context["actions"] == frozenset({"accept", "return"})
    response = office.post(url("dossier_accept", dossier), {"round": round_.code})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert (dossier.status, dossier.round) == (DossierStatus.ACCEPTED, round_)
    response = office.post(url("dossier_return", dossier), {"reasons": "Thiếu mẫu."}, follow=True)
    dossier.refresh_from_db()
    assert (dossier.status, dossier.round) == (DossierStatus.RETURNED, None)
    timeline = producer.get(url("dossier", dossier)).context["timeline"]
    assert [(e.to_status, e.reason) for e in timeline][-1] == ("returned", "Thiếu mẫu.")
    history = producer.get(url("dossier_history", dossier))
    assert history.status_code == 200
    assert len(history.context["history"]) >= 8


def test_the_commune_returns_with_reasons_through_the_form(classified, english_client):
    dossier = complete_dossier(classified)
    submit_dossier(actor=classified.producer1, dossier=dossier)
    commune = english_client(classified.commune)
    response = commune.post(url("dossier_assess", dossier), {"conclusion": "return", "reasons": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["reasons"] == [
        "Give the reasons for returning the dossier."
    ]
    response = commune.post(
        url("dossier_assess", dossier),
        {"conclusion": "return", "reasons": "Nhãn chưa đúng.", "local_labour_met": "0"},
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RETURNED
    # Not waiting for the commune any more: the form sends back to the dossier.
    response = commune.get(url("dossier_assess", dossier))
    assert response.status_code == 302


def test_mau_03_is_404_before_the_commune_assessed(classified, client_for):
    dossier = new_dossier(classified)
    assert (
        client_for(classified.producer1).get(url("dossier_commune_report", dossier)).status_code
        == 404
    )


# --- lists -------------------------------------------------------------------------------------


def test_the_list_filters_by_status_commune_and_overdue(classified, english_client):
    cast = classified
    late = complete_dossier(cast)
    submit_dossier(actor=cast.producer1, dossier=late)
    Dossier.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    other = new_dossier(cast, product=cast.product2, user=cast.producer2)
    office = english_client(cast.office)
    listing = reverse("evaluation:dossiers")

    def codes(**params):
        response = office.get(listing, params)
        return sorted(d.code for d, _late in response.context["rows"])

    assert codes() == sorted([late.code, other.code])
    assert codes(status="submitted") == [late.code]
    assert codes(commune=cast.commune_b.key) == [other.code]
    assert codes(overdue="1") == [late.code]
    assert codes(q="trà sen") == [other.code]
    assert codes(status="bogus") == sorted([late.code, other.code])
    response = office.get(listing, {"overdue": "1"})
    assert response.context["rows"][0][1] is True
    # A producer sees only their own.
    mine = english_client(cast.producer2).get(listing)
    assert [d.code for d, _late in mine.context["rows"]] == [other.code]


def test_the_inbox_is_for_commune_officers(classified, client_for):
    assert (
        client_for(classified.producer1).get(reverse("evaluation:dossier_inbox")).status_code == 404
    )
    assert client_for(classified.office).get(reverse("evaluation:dossier_inbox")).status_code == 404


def test_the_dashboard_links_to_the_work_list(classified, client_for):
    page = client_for(classified.producer1).get(reverse("core:dashboard"))
    assert reverse("evaluation:worklist") in page.content.decode()


# --- query counts ----------------------------------------------------------------------------------


def _many_dossiers(cast, count: int) -> None:
    node = cast.product1.classification
    for index in range(count):
        product = ProductFactory(producer=cast.prod1, classification=node, name=f"SP {index}")
        dossier = new_dossier(cast, product=product)
        add_document(cast, dossier, EvidenceCategory.AWARDS)


def test_the_lists_make_the_same_number_of_queries_for_one_row_or_many(classified, client_for):
    cast = classified
    _many_dossiers(cast, 1)
    paths = {
        "list": reverse("evaluation:dossiers"),
        "product": reverse("evaluation:product_dossiers", args=[cast.product1.code]),
    }
    clients = {"producer": client_for(cast.producer1), "office": client_for(cast.office)}
    one = {
        (who, name): count_queries(client, path)
        for who, client in clients.items()
        for name, path in paths.items()
    }
    _many_dossiers(cast, 4)
    many = {
        (who, name): count_queries(client, path)
        for who, client in clients.items()
        for name, path in paths.items()
    }
    assert many == one


def test_the_inbox_makes_the_same_number_of_queries_for_one_row_or_many(classified, client_for):
    cast = classified
    node = cast.product1.classification
    dossier = complete_dossier(cast)
    submit_dossier(actor=cast.producer1, dossier=dossier)
    client = client_for(cast.commune)
    one = count_queries(client, reverse("evaluation:dossier_inbox"))
    for index in range(3):
        product = ProductFactory(producer=cast.prod1, classification=node, name=f"SP {index}")
        Dossier.objects.create(
            product=product,
            producer=cast.prod1,
            commune=cast.commune_a,
            criteria_set=dossier.criteria_set,
            scorecard=dossier.scorecard,
            procedure_profile=dossier.procedure_profile,
            status=DossierStatus.SUBMITTED,
            due_on=dossier.due_on,
        )
    assert count_queries(client, reverse("evaluation:dossier_inbox")) == one


def test_the_dossier_tabs_do_not_grow_with_the_evidence(classified, client_for):
    cast = classified
    dossier = complete_dossier(cast)
    client = client_for(cast.producer1)
    tabs = ["dossier", "dossier_evidence", "dossier_registration", "dossier_self_assessment"]
    before = {tab: count_queries(client, url(tab, dossier)) for tab in tabs}
    for category in (EvidenceCategory.AWARDS, EvidenceCategory.STORY, EvidenceCategory.IP_TITLE):
        add_document(cast, dossier, category)
    after = {tab: count_queries(client, url(tab, dossier)) for tab in tabs}
    assert after == before


# --- the leak matrix ---------------------------------------------------------------------------


@pytest.fixture
def leak_dossier(classified):
    """producer1's dossier, submitted to commune A, with a document and a commune report."""
    cast = classified
    dossier = complete_dossier(cast)
    submit_dossier(actor=cast.producer1, dossier=dossier)
    assess_at_commune(
        actor=cast.commune,
        dossier=dossier,
        data={**COMMUNE_FORWARD, "conclusion": "return", "reasons": "Bổ sung."},
    )
    submit_dossier(actor=cast.producer1, dossier=dossier)
    return dossier


def _get_urls(dossier) -> list[str]:
    file_code = Evidence.objects.filter(dossier=dossier).first().file.code
    return [
        url("dossier", dossier),
        url("dossier_registration", dossier),
        url("dossier_self_assessment", dossier),
        url("dossier_evidence", dossier),
        url("dossier_evidence_file", dossier, file_code),
        url("dossier_history", dossier),
        url("dossier_commune_report", dossier),
        url("dossier_assess", dossier),
        reverse("evaluation:product_dossiers", args=[dossier.product.code]),
    ]


def _post_urls(dossier) -> list[tuple[str, dict]]:
    file_code = Evidence.objects.filter(dossier=dossier).first().file.code
    round_ = open_round()
    return [
        (url("dossier_registration", dossier), REGISTRATION),
        (url("dossier_self_assessment", dossier), {"self_assessment": "TD0000"}),
        (url("dossier_evidence", dossier), {"category": "awards", "title": "x", "file": pdf()}),
        (url("dossier_evidence_remove", dossier, file_code), {}),
        (url("dossier_submit", dossier), {}),
        (url("dossier_withdraw", dossier), {"note": "x"}),
        (url("dossier_assess", dossier), COMMUNE_FORWARD),
        (url("dossier_forward", dossier), {"note": ""}),
        (url("dossier_accept", dossier), {"round": round_.code}),
        (url("dossier_return", dossier), {"reasons": "x"}),
        (reverse("evaluation:product_dossiers", args=[dossier.product.code]), {"kind": "first"}),
    ]


@pytest.mark.parametrize("who", ["producer2", "commune2", "buyer", "outsider"])
def test_nobody_else_learns_that_the_dossier_exists(leak_dossier, client_for, classified, who):
    dossier = leak_dossier
    client = client_for(getattr(classified, who))
    before = state(dossier)
    for path in _get_urls(dossier):
        assert client.get(path).status_code == 404, path
    for path, data in _post_urls(dossier):
        assert client.post(path, data).status_code == 404, path
    assert state(dossier) == before


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("producer1", set()),
        ("producer1_staff", set()),
        ("commune", {"dossier_assess", "dossier_forward", "dossier_return"}),
        ("office", set()),
        ("chair", set()),
        ("approver", set()),
    ],
)
def test_each_role_may_only_make_its_own_moves(leak_dossier, client_for, classified, who, allowed):
    """The dossier waits for commune A: only its officer may assess or return it; the others'
    moves answer 404 (the producer may still withdraw it: not tried here) and change nothing."""
    dossier = leak_dossier
    client = client_for(getattr(classified, who))
    before = state(dossier)
    moves = {
        "dossier_assess": {"conclusion": "forward"},
        "dossier_forward": {"note": ""},
        "dossier_accept": {"round": open_round().code},
        "dossier_return": {"reasons": ""},
    }
    answered = {}
    for name, data in moves.items():
        answered[name] = client.post(url(name, dossier), data).status_code
    assert {name for name, status in answered.items() if status != 404} == allowed
    assert state(dossier) == before  # the allowed ones were refused by the form (incomplete)


def test_the_commune_officer_of_a_cannot_assess_bs_dossier(classified, client_for):
    cast = classified
    dossier = new_dossier(cast, product=cast.product2, user=cast.producer2)
    client = client_for(cast.commune)
    assert client.get(url("dossier", dossier)).status_code == 404
    assert client.post(url("dossier_assess", dossier), COMMUNE_FORWARD).status_code == 404


def test_council_members_see_dossiers_on_their_sessions_agenda_only(classified, client_for):
    from ocop.evaluation.models import Council, CouncilMember, Session, SessionDossier

    cast = classified
    dossier = complete_dossier(cast)
    submit_dossier(actor=cast.producer1, dossier=dossier)
    assess_at_commune(actor=cast.commune, dossier=dossier, data=COMMUNE_FORWARD)
    round_ = open_round()
    accept_dossier(actor=cast.office, dossier=dossier, round=round_)
    client = client_for(cast.member)
    assert client.get(url("dossier", dossier)).status_code == 404
    council = Council.objects.create(name="Hội đồng tỉnh")
    seat = CouncilMember.objects.create(council=council, user=cast.member)
    session = Session.objects.create(council=council, round=round_, held_on=dt.date(2026, 6, 1))
    SessionDossier.objects.create(session=session, dossier=dossier)
    assert client.get(url("dossier", dossier)).status_code == 200
    seat.is_active = False
    seat.save()
    assert client.get(url("dossier", dossier)).status_code == 404
