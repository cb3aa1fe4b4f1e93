"""The dossier services on the real QĐ 26/2026 criteria: create, Mẫu 01, Mẫu 02, evidence, what
is missing, and the whole path of the 26/2026 procedure (submit → commune return / forward →
resubmit → office accept), with the refusals that change nothing."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ocop.core.models import ActivityLog, StoredFile
from ocop.criteria.models import CriteriaSet
from ocop.evaluation.enums import (
    CommuneConclusion,
    DossierKind,
    DossierStatus,
    EvidenceCategory,
    Level,
    RoundStatus,
    SelfAssessmentStatus,
)
from ocop.evaluation.models import (
    CommuneAssessment,
    Dossier,
    DossierEvent,
    Evidence,
    Notification,
    OutboxMessage,
)
from ocop.evaluation.services.calendar import add_working_days
from ocop.evaluation.services.dossiers import (
    accept_dossier,
    assess_at_commune,
    attach_self_assessment,
    change_dossier_status,
    forward_dossier,
    missing_items,
    remove_evidence,
    return_dossier,
    submit_dossier,
    update_registration,
    withdraw_dossier,
)
from ocop.products.enums import ProductStatus
from ocop.products.models import Product
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
from tests.factories.products import ProductFactory, stored_files, upload

pytestmark = pytest.mark.django_db

EVERYTHING_MISSING = [
    "Mẫu 01: “Source of the raw materials” is not filled in.",
    "Mẫu 01: “Production capacity per year” is not filled in.",
    "Mẫu 01: “Unit of the capacity” is not filled in.",
    "Mẫu 01: “Domestic market (provinces and cities)” is not filled in.",
    "Mẫu 01: “Retail price (VND)” is not filled in.",
    "Mẫu 01: “Packaging” is not filled in.",
    "Mẫu 01: “Brand and label” is not filled in.",
    "Mẫu 02: no self-assessment is attached: attach a final self-assessment of this product.",
    "Evidence: the registration form (Mẫu 01) is missing.",
    "Evidence: the self-assessment report (Mẫu 02) is missing.",
    "Evidence: the business registration certificate is missing.",
    "Evidence: the food-safety certificate is missing.",
    "Samples: 5 product samples are needed (0 declared).",
]


def timeline(dossier) -> list[tuple[str, str, str, str]]:
    return [
        (e.from_status, e.to_status, e.level, e.reason)
        for e in DossierEvent.objects.filter(dossier=dossier).order_by("created_at", "id")
    ]


def notified(since: int = 0) -> list[tuple[str, str]]:
    return sorted(
        (n.user.username, n.url) for n in Notification.objects.filter(pk__gt=since).order_by("id")
    )


def last_notice_id() -> int:
    last = Notification.objects.order_by("-id").first()
    return last.pk if last else 0


# --- create ------------------------------------------------------------------------------------


def test_a_first_dossier_is_a_draft_under_the_procedure_of_its_criteria_set(classified, english):
    dossier = new_dossier(classified)
    dossier.refresh_from_db()
    assert (dossier.code[:2], dossier.status, dossier.level, dossier.kind) == (
        "HS",
        DossierStatus.DRAFT,
        Level.COMMUNE,
        DossierKind.FIRST,
    )
    assert (dossier.criteria_set.code, dossier.scorecard.number) == ("qd26-2026", 6)
    assert dossier.procedure_profile == "qd26-2026-two-level"
    assert (dossier.producer, dossier.commune) == (classified.prod1, classified.commune_a)
    assert dossier.registration == {
        "product_name": "Bình gốm men lam",
        "description": "Sản phẩm thử nghiệm.",
        "product_group": "I.3.b Chế biến từ gạo, ngũ cốc",
    }
    assert (dossier.samples_count, dossier.current_stars, dossier.previous) == (0, None, None)
    assert timeline(dossier) == [("", DossierStatus.DRAFT, Level.COMMUNE, "")]
    assert CriteriaSet.objects.get(code="qd26-2026").locked_at is not None
    log = ActivityLog.objects.filter(action="evaluation.dossier.create").get()
    assert (log.actor, log.object_id) == (classified.producer1, str(dossier.pk))


def test_missing_items_lists_every_piece_in_words(classified, english):
    assert missing_items(new_dossier(classified)) == EVERYTHING_MISSING


def test_a_tourism_product_needs_no_samples_and_no_food_safety_certificate(classified, english):
    dossier = new_dossier(classified, product=classified.product2, user=classified.producer2)
    missing = missing_items(dossier)
    assert "Evidence: the food-safety certificate is missing." not in missing
    assert not [line for line in missing if line.startswith("Samples")]


def test_a_product_without_classification_cannot_have_a_dossier(classified, english):
    product = ProductFactory(producer=classified.prod1, name="Chưa phân loại")
    with pytest.raises(ValidationError) as caught:
        new_dossier(classified, product=product)
    assert caught.value.message_dict == {
        "product": [
            "The product “Chưa phân loại” has no OCOP classification yet: choose its product "
            "group first, it decides the scorecard."
        ]
    }
    assert Dossier.objects.count() == 0


def test_an_archived_product_cannot_have_a_dossier(classified, english):
    Product.objects.filter(pk=classified.product1.pk).update(status=ProductStatus.ARCHIVED)
    classified.product1.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        new_dossier(classified)
    assert caught.value.message_dict == {"product": ["The product “Bình gốm men lam” is archived."]}


def test_a_product_has_one_unfinished_dossier_at_a_time(classified, english):
    first = new_dossier(classified)
    with pytest.raises(ValidationError) as caught:
        new_dossier(classified)
    assert caught.value.message_dict == {
        "product": [
            f"The product “Bình gốm men lam” already has dossier {first.code} (draft): finish "
            "or withdraw it before starting another."
        ]
    }
    withdraw_dossier(actor=classified.producer1, dossier=first)
    second = new_dossier(classified)
    assert Dossier.objects.filter(product=classified.product1).count() == 2
    assert second.previous is None


@pytest.mark.parametrize(
    ("kind", "stars", "message"),
    [
        (DossierKind.FIRST, 3, "A first evaluation has no current star rating."),
        (
            DossierKind.UPGRADE,
            None,
            "Give the star rating the product holds now (an upgrade or a re-evaluation starts "
            "from it).",
        ),
        (DossierKind.REEVALUATION, 2, "A recognised product holds 3, 4, 5 stars."),
        (DossierKind.UPGRADE, 5, "A 5-star product cannot be upgraded."),
    ],
)
def test_the_current_stars_must_fit_the_kind(classified, english, kind, stars, message):
    with pytest.raises(ValidationError) as caught:
        new_dossier(classified, kind=kind, current_stars=stars)
    assert caught.value.message_dict == {"current_stars": [message]}
    assert Dossier.objects.count() == 0


def test_an_unknown_kind_is_refused(classified, english):
    with pytest.raises(ValidationError) as caught:
        new_dossier(classified, kind="bogus")
    assert caught.value.message_dict == {
        "kind": ["Choose first evaluation, upgrade or re-evaluation."]
    }


# --- Mẫu 01 ------------------------------------------------------------------------------------


def test_registration_is_cleaned_and_stored_nfc(classified):
    dossier = new_dossier(classified)
    decomposed = unicodedata.normalize("NFD", "  Hộp   giấy  ")
    update_registration(
        actor=classified.producer1,
        dossier=dossier,
        data={**REGISTRATION, "packaging": decomposed, "capacity_per_year": "12.50"},
        samples_count=5,
    )
    dossier.refresh_from_db()
    assert dossier.registration["packaging"] == "Hộp giấy"
    assert unicodedata.is_normalized("NFC", dossier.registration["packaging"])
    assert dossier.registration["capacity_per_year"] == 12.5
    assert dossier.registration["price"] == 450000
    assert "market_export" not in dossier.registration  # an empty answer is no answer
    assert dossier.samples_count == 5
    log = ActivityLog.objects.filter(action="evaluation.dossier.update").get()
    assert log.data["new"]["packaging"] == "Hộp giấy"
    assert log.data["new"]["samples_count"] == 5


def test_registration_refuses_bad_answers_all_at_once(classified, english):
    dossier = new_dossier(classified)
    before = state(dossier)
    with pytest.raises(ValidationError) as caught:
        update_registration(
            actor=classified.producer1,
            dossier=dossier,
            data={
                "price": "nhiều",
                "capacity_per_year": "0",
                "brand_status": "famous",
                "product_group": "II.1.a",
                "colour": "xanh",
                "packaging": "x" * 501,
            },
        )
    assert caught.value.message_dict == {
        "registration.price": ["Enter a number."],
        "registration.capacity_per_year": ["Enter a number greater than zero."],
        "registration.brand_status": ["Choose one of: none, applied, registered, collective."],
        "registration.product_group": [
            "This field comes from the product and cannot be changed here."
        ],
        "registration.colour": ["Mẫu 01 has no field “colour”."],
        "registration.packaging": ["At most 500 characters."],
    }
    assert state(dossier) == before


def test_registration_cannot_change_once_submitted(classified, english):
    dossier = complete_dossier(classified)
    submit_dossier(actor=classified.producer1, dossier=dossier)
    before = state(dossier)
    with pytest.raises(ValidationError) as caught:
        update_registration(actor=classified.producer1, dossier=dossier, data={"price": 1})
    assert caught.value.message_dict == {
        "status": [
            f"Dossier {dossier.code} is “submitted to the commune”: its content can only change "
            "while it is a draft or has been returned for completion."
        ]
    }
    assert state(dossier) == before


# --- Mẫu 02 ------------------------------------------------------------------------------------


def test_only_a_final_self_assessment_of_the_same_product_can_be_attached(classified, english):
    dossier = new_dossier(classified)
    draft = final_self_assessment(classified)
    draft.status = SelfAssessmentStatus.DRAFT
    draft.save(update_fields=["status"])
    with pytest.raises(ValidationError) as caught:
        attach_self_assessment(actor=classified.producer1, dossier=dossier, assessment=draft)
    assert caught.value.message_dict == {
        "self_assessment": [f"Self-assessment {draft.code} is still a draft: finalise it first."]
    }
    sibling = ProductFactory(
        producer=classified.prod1, classification=classified.product1.classification
    )
    other = final_self_assessment(classified, sibling)
    with pytest.raises(ValidationError) as caught:
        attach_self_assessment(actor=classified.producer1, dossier=dossier, assessment=other)
    assert caught.value.message_dict == {
        "self_assessment": [f"Self-assessment {other.code} is not of this dossier's product."]
    }
    final = final_self_assessment(classified)
    attach_self_assessment(actor=classified.producer1, dossier=dossier, assessment=final)
    dossier.refresh_from_db()
    assert dossier.self_assessment == final
    assert not [line for line in missing_items(dossier) if line.startswith("Mẫu 02")]


# --- evidence ----------------------------------------------------------------------------------


def test_evidence_is_stored_through_the_upload_checks(classified, english):
    dossier = new_dossier(classified)
    item = add_document(
        classified, dossier, EvidenceCategory.FOOD_SAFETY, expires_on=dt.date(2030, 1, 1)
    )
    assert (item.category, item.title, item.carried_over) == (
        EvidenceCategory.FOOD_SAFETY,
        "Tài liệu food_safety",
        False,
    )
    assert (item.file.content_type, item.file.original_name) == ("application/pdf", "giay-to.pdf")
    assert len(stored_files()) == 1
    log = ActivityLog.objects.filter(action="evaluation.evidence.add").get()
    assert log.data["file"] == item.file.code
    before = state(dossier)
    with pytest.raises(ValidationError) as caught:
        from ocop.evaluation.services.dossiers import add_evidence

        add_evidence(
            actor=classified.producer1,
            dossier=dossier,
            category=EvidenceCategory.TEST_REPORT,
            title="Phiếu kiểm nghiệm",
            upload=upload("note.pdf", b"just text, not a PDF", "application/pdf"),
        )
    assert caught.value.message_dict == {
        "file": ["This file type is not accepted. Accepted types: JPEG, PDF, PNG, WEBP."]
    }
    with pytest.raises(ValidationError) as caught:
        add_evidence(
            actor=classified.producer1,
            dossier=dossier,
            category="passport",
            title="",
            upload=pdf(),
            issued_on=dt.date(2026, 5, 1),
            expires_on=dt.date(2026, 4, 1),
        )
    assert caught.value.message_dict == {
        "category": ["Choose the kind of document."],
        "title": ["Give the document a title."],
        "expires_on": ["The expiry date cannot be before the issue date."],
    }
    assert state(dossier) == before
    assert len(stored_files()) == 1


def test_removing_evidence_deletes_its_file_unless_another_dossier_holds_it(
    classified, django_capture_on_commit_callbacks
):
    dossier = new_dossier(classified)
    item = add_document(classified, dossier, EvidenceCategory.AWARDS)
    with django_capture_on_commit_callbacks(execute=True):
        remove_evidence(actor=classified.producer1, evidence=item)
    assert Evidence.objects.count() == 0
    assert StoredFile.objects.count() == 0
    assert stored_files() == []
    assert ActivityLog.objects.filter(action="evaluation.evidence.remove").count() == 1


def test_an_expired_required_document_is_named_as_expired(classified, english):
    dossier = new_dossier(classified)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    add_document(classified, dossier, EvidenceCategory.FOOD_SAFETY, expires_on=yesterday)
    assert (
        f"Evidence: the food-safety certificate expired on {yesterday:%d/%m/%Y}: upload a "
        "valid one." in missing_items(dossier)
    )


# --- submit ------------------------------------------------------------------------------------


def test_an_incomplete_dossier_is_refused_with_the_full_list_and_nothing_changes(
    classified, english
):
    dossier = new_dossier(classified)
    before = state(dossier)
    with pytest.raises(ValidationError) as caught:
        submit_dossier(actor=classified.producer1, dossier=dossier)
    assert caught.value.message_dict == {"missing": EVERYTHING_MISSING}
    assert state(dossier) == before


def test_submit_sets_the_communes_deadline_in_working_days(classified, english):
    dossier = complete_dossier(classified)
    assert missing_items(dossier) == []
    start = last_notice_id()
    submit_dossier(actor=classified.producer1, dossier=dossier)
    dossier.refresh_from_db()
    today = timezone.localdate()
    assert (dossier.status, dossier.level) == (DossierStatus.SUBMITTED, Level.COMMUNE)
    assert dossier.due_on == add_working_days(today, 15)
    assert dossier.submitted_at is not None
    event = DossierEvent.objects.filter(dossier=dossier).order_by("-id").first()
    assert (event.from_status, event.to_status, event.due_on, event.actor) == (
        DossierStatus.DRAFT,
        DossierStatus.SUBMITTED,
        dossier.due_on,
        classified.producer1,
    )
    url = f"/danh-gia/ho-so/{dossier.code}/"
    # The commune's officer (to act) and the producer's other people; not the one who submitted.
    assert notified(start) == sorted(
        [(classified.commune.username, url), (classified.producer1_staff.username, url)]
    )
    mails = OutboxMessage.objects.filter(kind="dossier")
    assert sorted(m.to_email for m in mails) == sorted(
        u.email for u in (classified.commune, classified.producer1_staff) if u.email
    )
    assert {m.needs_review for m in mails} == {False}
    assert (
        ActivityLog.objects.filter(action="evaluation.dossier.submit").get().data["new"]["status"]
        == "submitted"
    )


# --- the whole 26/2026 path ---------------------------------------------------------------------


def test_the_whole_path_of_qd26(classified, english):
    cast = classified
    dossier = complete_dossier(cast)
    submit_dossier(actor=cast.producer1, dossier=dossier)

    # The commune returns it with reasons (Mẫu 03, conclusion "return").
    start = last_notice_id()
    returned = assess_at_commune(
        actor=cast.commune,
        dossier=dossier,
        data={
            **COMMUNE_FORWARD,
            "conclusion": CommuneConclusion.RETURN,
            "completeness_ok": False,
            "reasons": "Thiếu hợp đồng mua đất sét.",
        },
    )
    dossier.refresh_from_db()
    assert (returned.conclusion, returned.assessed_by) == (CommuneConclusion.RETURN, cast.commune)
    assert (dossier.status, dossier.due_on) == (DossierStatus.RETURNED, None)
    url = f"/danh-gia/ho-so/{dossier.code}/"
    assert notified(start) == sorted(
        [(cast.producer1.username, url), (cast.producer1_staff.username, url)]
    )
    message = Notification.objects.filter(user=cast.producer1).order_by("-id").first().message
    assert message == (
        f"Dossier {dossier.code} “Bình gốm men lam”: returned for completion. Reason: Thiếu "
        "hợp đồng mua đất sét."
    )

    # The producer adds the contract and submits again: a new deadline.
    add_document(cast, dossier, EvidenceCategory.RAW_MATERIAL_CONTRACT)
    submit_dossier(actor=cast.producer1, dossier=dossier)
    dossier.refresh_from_db()
    assert dossier.due_on == add_working_days(timezone.localdate(), 15)

    # The commune forwards it to the province.
    start = last_notice_id()
    assess_at_commune(actor=cast.commune, dossier=dossier, data=COMMUNE_FORWARD)
    dossier.refresh_from_db()
    assert (dossier.status, dossier.level, dossier.due_on) == (
        DossierStatus.FORWARDED,
        Level.PROVINCE,
        None,
    )
    assert notified(start) == sorted(
        [
            (cast.office.username, url),
            (cast.producer1.username, url),
            (cast.producer1_staff.username, url),
        ]
    )
    assert CommuneAssessment.objects.filter(dossier=dossier).count() == 2

    # The provincial office accepts it into an open round.
    round_ = open_round()
    start = last_notice_id()
    accept_dossier(actor=cast.office, dossier=dossier, round=round_)
    dossier.refresh_from_db()
    assert (dossier.status, dossier.round, dossier.level) == (
        DossierStatus.ACCEPTED,
        round_,
        Level.PROVINCE,
    )
    assert notified(start) == sorted(
        [
            (cast.commune.username, url),
            (cast.producer1.username, url),
            (cast.producer1_staff.username, url),
        ]
    )
    assert timeline(dossier) == [
        ("", "draft", "commune", ""),
        ("draft", "submitted", "commune", ""),
        ("submitted", "returned", "commune", "Thiếu hợp đồng mua đất sét."),
        ("returned", "submitted", "commune", ""),
        ("submitted", "forwarded", "province", ""),
        ("forwarded", "accepted", "province", ""),
    ]
    actions = list(
        ActivityLog.objects.filter(
            object_id=str(dossier.pk), action__startswith="evaluation.dossier"
        )
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "evaluation.dossier.create",
        "evaluation.dossier.update",
        "evaluation.dossier.update",
        "evaluation.dossier.submit",
        "evaluation.dossier.return",
        "evaluation.dossier.submit",
        "evaluation.dossier.forward",
        "evaluation.dossier.accept",
    ]


def test_the_office_returns_a_dossier_from_a_round_and_the_commune_hears_of_it(classified, english):
    cast = classified
    dossier = complete_dossier(cast)
    submit_dossier(actor=cast.producer1, dossier=dossier)
    assess_at_commune(actor=cast.commune, dossier=dossier, data=COMMUNE_FORWARD)
    accept_dossier(actor=cast.office, dossier=dossier, round=open_round())
    start = last_notice_id()
    return_dossier(actor=cast.office, dossier=dossier, reasons="Bổ sung phiếu kiểm nghiệm.")
    dossier.refresh_from_db()
    assert (dossier.status, dossier.round, dossier.level) == (
        DossierStatus.RETURNED,
        None,
        Level.PROVINCE,
    )
    url = f"/danh-gia/ho-so/{dossier.code}/"
    assert notified(start) == sorted(
        [
            (cast.commune.username, url),
            (cast.producer1.username, url),
            (cast.producer1_staff.username, url),
        ]
    )
    # Resubmitted, it goes back to the commune.
    submit_dossier(actor=cast.producer1, dossier=dossier)
    dossier.refresh_from_db()
    assert (dossier.status, dossier.level) == (DossierStatus.SUBMITTED, Level.COMMUNE)


# --- refusals change nothing ---------------------------------------------------------------------


def test_the_commune_must_give_reasons_and_cannot_forward_an_incomplete_dossier(
    classified, english
):
    dossier = complete_dossier(classified)
    submit_dossier(actor=classified.producer1, dossier=dossier)
    before = state(dossier)
    with pytest.raises(ValidationError) as caught:
        assess_at_commune(
            actor=classified.commune,
            dossier=dossier,
            data={**COMMUNE_FORWARD, "completeness_ok": False, "local_labour": " "},
        )
    assert caught.value.message_dict == {
        "local_labour": ["Write the commune's assessment of this content."],
        "completeness_ok": [
            "An incomplete dossier, or one not in the right form, cannot be forwarded: return "
            "it with the reasons."
        ],
    }
    with pytest.raises(ValidationError) as caught:
        assess_at_commune(
            actor=classified.commune,
            dossier=dossier,
            data={**COMMUNE_FORWARD, "conclusion": "return", "reasons": ""},
        )
    assert caught.value.message_dict == {"reasons": ["Give the reasons for returning the dossier."]}
    assert state(dossier) == before


def test_moves_outside_the_table_are_refused_and_change_nothing(classified, english):
    cast = classified
    dossier = complete_dossier(cast)
    before = state(dossier)
    refusals = [
        lambda: accept_dossier(actor=cast.office, dossier=dossier, round=open_round()),
        lambda: return_dossier(actor=cast.office, dossier=dossier, reasons="Sai."),
        lambda: change_dossier_status(actor=cast.office, dossier=dossier, to="recognised"),
        lambda: assess_at_commune(actor=cast.commune, dossier=dossier, data=COMMUNE_FORWARD),
    ]
    messages = []
    for refuse in refusals:
        with pytest.raises(ValidationError) as caught:
            refuse()
        messages.append(caught.value.message_dict)
    code = dossier.code
    assert messages == [
        {"status": [f"Dossier {code} is “draft”: it cannot become “accepted for a round” now."]},
        {"status": [f"Dossier {code} is “draft”: it cannot become “returned for completion” now."]},
        {"status": [f"Dossier {code} is “draft”: it cannot become “recognised” now."]},
        {
            "status": [
                f"Dossier {code} is “draft”: only a dossier just submitted can be checked at the "
                "level that receives it."
            ]
        },
    ]
    assert state(dossier) == before
    # Accepted, it can no longer be withdrawn nor submitted again.
    submit_dossier(actor=cast.producer1, dossier=dossier)
    assess_at_commune(actor=cast.commune, dossier=dossier, data=COMMUNE_FORWARD)
    accept_dossier(actor=cast.office, dossier=dossier, round=open_round(number=2))
    before = state(dossier)
    for refuse in (
        lambda: withdraw_dossier(actor=cast.producer1, dossier=dossier),
        lambda: submit_dossier(actor=cast.producer1, dossier=dossier),
        lambda: forward_dossier(actor=cast.commune, dossier=dossier),
    ):
        with pytest.raises(ValidationError):
            refuse()
    assert state(dossier) == before


def test_accept_needs_an_open_round_of_the_dossiers_level_and_criteria_set(classified, english):
    cast = classified
    dossier = complete_dossier(cast)
    submit_dossier(actor=cast.producer1, dossier=dossier)
    assess_at_commune(actor=cast.commune, dossier=dossier, data=COMMUNE_FORWARD)
    planned = open_round(status=RoundStatus.PLANNED)
    central = open_round(level=Level.CENTRAL, number=2)
    other_set = CriteriaSet.objects.create(
        code="other-set",
        name="Bộ khác",
        legal_reference="Thử",
        in_force_from=dt.date(2026, 1, 1),
        procedure_profile="qd26-2026-two-level",
        source_format="boards",
        source_file="x.json",
        source_sha256="0" * 64,
        content_sha256="0" * 64,
        status="published",
    )
    other = open_round(number=3)
    other.criteria_set = other_set
    other.save()
    before = state(dossier)
    messages = []
    for round_ in (planned, central, other):
        with pytest.raises(ValidationError) as caught:
            accept_dossier(actor=cast.office, dossier=dossier, round=round_)
        messages.append(caught.value.message_dict)
    assert messages == [
        {"round": ["Round Đợt 1 năm 2026 is not open for dossiers."]},
        {
            "round": [
                "Round Đợt 2 năm 2026 is a round of the central level (ministry); the dossier is "
                "at the provincial level."
            ]
        },
        {
            "round": [
                "Round Đợt 3 năm 2026 evaluates under another criteria set than the dossier's."
            ]
        },
    ]
    assert state(dossier) == before


def test_withdrawing_a_submitted_dossier_tells_the_commune(classified, english):
    cast = classified
    dossier = complete_dossier(cast)
    sibling = ProductFactory(producer=cast.prod1, classification=cast.product1.classification)
    draft = new_dossier(cast, product=sibling)
    start = last_notice_id()
    withdraw_dossier(actor=cast.producer1, dossier=draft)
    url = f"/danh-gia/ho-so/{draft.code}/"
    assert notified(start) == [(cast.producer1_staff.username, url)]  # a draft: only the producer
    submit_dossier(actor=cast.producer1, dossier=dossier)
    start = last_notice_id()
    withdraw_dossier(actor=cast.producer1, dossier=dossier, reason="Chưa sẵn sàng.")
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.WITHDRAWN
    url = f"/danh-gia/ho-so/{dossier.code}/"
    assert notified(start) == sorted(
        [(cast.commune.username, url), (cast.producer1_staff.username, url)]
    )


# --- upgrade and re-evaluation -------------------------------------------------------------------


def test_an_upgrade_copies_the_registration_the_valid_evidence_and_the_self_assessment(
    classified, english
):
    cast = classified
    first = complete_dossier(cast)
    today = timezone.localdate()
    lapsed = add_document(
        cast, first, EvidenceCategory.TEST_REPORT, expires_on=today, title="Phiếu cũ"
    )
    valid = add_document(
        cast,
        first,
        EvidenceCategory.QUALITY_DECLARATION,
        expires_on=today + dt.timedelta(days=10),
        title="Công bố",
    )
    Dossier.objects.filter(pk=first.pk).update(status=DossierStatus.RECOGNISED)
    files_before = StoredFile.objects.count()

    upgrade = new_dossier(cast, kind=DossierKind.UPGRADE, current_stars=3)
    upgrade.refresh_from_db()
    assert (upgrade.previous, upgrade.current_stars, upgrade.kind) == (
        first,
        3,
        DossierKind.UPGRADE,
    )
    assert upgrade.registration == first.registration
    copied = list(Evidence.objects.filter(dossier=upgrade).order_by("category", "id"))
    expected = list(
        Evidence.objects.filter(dossier=first).exclude(pk=lapsed.pk).order_by("category", "id")
    )
    assert [(e.category, e.title, e.file_id, e.expires_on) for e in copied] == [
        (e.category, e.title, e.file_id, e.expires_on) for e in expected
    ]
    assert {e.carried_over for e in copied} == {True}
    assert valid.file_id in {e.file_id for e in copied}
    assert StoredFile.objects.count() == files_before  # shared, not copied
    draft = upgrade.self_assessment
    assert (draft.status, draft.copied_from, draft.selections) == (
        SelfAssessmentStatus.DRAFT,
        first.self_assessment,
        first.self_assessment.selections,
    )
    assert missing_items(upgrade) == [
        f"Mẫu 02: self-assessment {draft.code} is still a draft: finalise it.",
        "Samples: 5 product samples are needed (0 declared).",
    ]
    log = ActivityLog.objects.filter(action="evaluation.dossier.create").order_by("-id").first()
    assert (log.data["previous"], log.data["evidence_carried_over"]) == (first.code, len(copied))


def test_removing_carried_over_evidence_keeps_the_file_of_the_previous_dossier(
    classified, django_capture_on_commit_callbacks
):
    cast = classified
    first = complete_dossier(cast)
    Dossier.objects.filter(pk=first.pk).update(status=DossierStatus.RECOGNISED)
    upgrade = new_dossier(cast, kind=DossierKind.REEVALUATION, current_stars=4)
    item = Evidence.objects.filter(dossier=upgrade).first()
    with django_capture_on_commit_callbacks(execute=True):
        remove_evidence(actor=cast.producer1, evidence=item)
    assert StoredFile.objects.filter(pk=item.file_id).exists()
    assert Evidence.objects.filter(dossier=first, file_id=item.file_id).count() == 1
