"""The three-level procedures of the history (QĐ 1048/2019, QĐ 148/2023): a dossier enters at
the old district's office, with no commune pre-assessment, and is evaluated there first. The
same services, driven by the criteria set's procedure profile."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from ocop.evaluation.enums import DossierStatus, EvidenceCategory, Level
from ocop.evaluation.models import Notification
from ocop.evaluation.queries.dossiers import access_dossier, dossiers_visible_to
from ocop.evaluation.services.dossiers import (
    accept_dossier,
    assess_at_commune,
    create_dossier,
    forward_dossier,
    missing_items,
    submit_dossier,
    update_registration,
)
from ocop.evaluation.services.procedures import next_level, profile_by_code
from tests.evaluation.dossier_setup import COMMUNE_FORWARD, REGISTRATION, add_document, open_round

pytestmark = pytest.mark.django_db

LODGED_ON = dt.date(2020, 3, 2)


def test_a_1048_dossier_enters_at_the_district_and_is_evaluated_there(district_world, english):
    world = district_world
    owner, officer = world["owner"], world["district_officer"]
    dossier = create_dossier(actor=owner, product=world["product"], kind="first", on=LODGED_ON)
    assert (dossier.procedure_profile, dossier.level, dossier.criteria_set.code) == (
        "qd1048-2019-three-level",
        Level.DISTRICT,
        "qd1048-2019",
    )
    update_registration(actor=owner, dossier=dossier, data=REGISTRATION, samples_count=5)
    assert missing_items(dossier) == [
        "Evidence: the registration form (Mẫu 01) is missing.",
        "Evidence: the business registration certificate is missing.",
    ]
    for category in (EvidenceCategory.REGISTRATION_FORM, EvidenceCategory.BUSINESS_REGISTRATION):
        add_document(world["cast"], dossier, category, user=owner)
    submit_dossier(actor=owner, dossier=dossier)
    dossier.refresh_from_db()
    assert (dossier.status, dossier.level, dossier.due_on) == (
        DossierStatus.SUBMITTED,
        Level.DISTRICT,
        None,
    )
    # The district's office is told, and sees it; the new commune's officer does not.
    assert list(Notification.objects.filter(user=officer).values_list("url", flat=True)) == [
        f"/danh-gia/ho-so/{dossier.code}/"
    ]
    assert list(dossiers_visible_to(officer)) == [dossier]
    assert list(dossiers_visible_to(world["cast"].commune)) == []
    # No commune pre-assessment under 1048: the district checks and keeps it for its council.
    with pytest.raises(ValidationError) as caught:
        assess_at_commune(actor=officer, dossier=dossier, data=COMMUNE_FORWARD)
    assert "does not pre-assess" in caught.value.message_dict["status"][0]
    access_dossier(officer, dossier.code, action="forward")
    forward_dossier(actor=officer, dossier=dossier, note="Hồ sơ đủ thành phần.")
    dossier.refresh_from_db()
    assert (dossier.status, dossier.level) == (DossierStatus.FORWARDED, Level.DISTRICT)
    # Only a district round of the 1048 criteria takes it.
    with pytest.raises(ValidationError):
        accept_dossier(actor=officer, dossier=dossier, round=open_round("qd1048-2019", year=2020))
    district_round = open_round("qd1048-2019", level=Level.DISTRICT, year=2020, number=2)
    access_dossier(officer, dossier.code, action="accept")
    accept_dossier(actor=officer, dossier=dossier, round=district_round)
    dossier.refresh_from_db()
    assert (dossier.status, dossier.round) == (DossierStatus.ACCEPTED, district_round)
    # After the district council, the next level is the province (engineer B/C use this).
    assert next_level(profile_by_code(dossier.procedure_profile), dossier.level) == "province"


def test_the_history_criteria_are_refused_for_a_dossier_lodged_today(district_world, english):
    world = district_world
    with pytest.raises(ValidationError) as caught:
        create_dossier(actor=world["owner"], product=world["product"], kind="first")
    assert caught.value.message_dict == {
        "product": [
            "The criteria set qd1048-2019 is not used for new evaluations: choose a "
            "classification of the criteria in force."
        ]
    }
    with pytest.raises(ValidationError) as caught:
        create_dossier(
            actor=world["owner"], product=world["product"], kind="first", on=dt.date(2024, 1, 2)
        )
    assert caught.value.message_dict == {
        "product": [
            "The criteria set qd1048-2019 was not in force on 02/01/2024: choose a "
            "classification of the criteria in force then."
        ]
    }


def test_the_district_office_pages_offer_forward_not_the_commune_form(district_world):
    world = district_world
    owner, officer = world["owner"], world["district_officer"]
    dossier = create_dossier(actor=owner, product=world["product"], kind="first", on=LODGED_ON)
    update_registration(actor=owner, dossier=dossier, data=REGISTRATION, samples_count=5)
    for category in (EvidenceCategory.REGISTRATION_FORM, EvidenceCategory.BUSINESS_REGISTRATION):
        add_document(world["cast"], dossier, category, user=owner)
    submit_dossier(actor=owner, dossier=dossier)
    client = Client()
    client.force_login(officer)
    page = client.get(reverse("evaluation:dossier", args=[dossier.code]))
    assert page.status_code == 200
    assert "forward_form" in page.context and page.context["forward_form"] is not None
    assert page.context["actions"] == frozenset({"forward", "return"})
    inbox = client.get(reverse("evaluation:dossier_inbox"))
    assert [row.code for row, _late in inbox.context["rows"]] == [dossier.code]
    response = client.post(reverse("evaluation:dossier_forward", args=[dossier.code]), {"note": ""})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.FORWARDED
