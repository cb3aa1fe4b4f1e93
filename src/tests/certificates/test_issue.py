"""Issuing certificates from an approved decision: one per recognised item of 3★ or more, numbered
per province and year, dated from the decision, signed, idempotent; the old certificate of an
upgraded product is replaced; a draft decision is refused and nothing is written."""

from __future__ import annotations

import datetime as dt

import pytest

from ocop.certificates.dates import add_months
from ocop.certificates.enums import Authority, CertificateStatus
from ocop.certificates.models import Certificate
from ocop.certificates.queries.certificates import valid_certificates
from ocop.certificates.services.certificates import (
    NUMBER_FORMAT,
    authority_name,
    issue_certificates_for_decision,
    record_certificate,
    unit_title,
)
from ocop.certificates.signing import verification_code
from ocop.core.models import ActivityLog
from ocop.criteria.queries.specs import clear_spec_cache
from ocop.evaluation.enums import DecisionStatus, Level
from ocop.evaluation.models import Notification
from ocop.evaluation.services.decisions import change_decision_status, draft_decision
from ocop.evaluation.services.refusals import WrongState
from tests.certificates.manage_setup import SIGNED, approved_world, draft_and_approve, vi
from tests.evaluation.results_world import build_world, classify
from tests.factories.evaluation import closed_session, decision_round, scored_dossier
from tests.factories.geo import CommuneFactory, DistrictFactory, OldCommuneFactory, ProvinceFactory
from tests.factories.producers import ProducerFactory
from tests.factories.products import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_specs():
    clear_spec_cache()
    yield
    clear_spec_cache()


def test_month_arithmetic_clamps_to_the_end_of_the_month():
    assert add_months(dt.date(2026, 7, 10), 36) == dt.date(2029, 7, 10)
    assert add_months(dt.date(2024, 2, 29), 36) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2024, 2, 29), 48) == dt.date(2028, 2, 29)
    assert add_months(dt.date(2026, 5, 31), 1) == dt.date(2026, 6, 30)
    assert add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)


def test_an_approved_decision_issues_one_certificate_per_recognised_item(qd26, cast):
    world, decision, certs = approved_world(cast)
    # 4★ and 3★ get one; the 5★ proposed to the ministry and the 2★ get none.
    assert set(certs) == {"four", "three"}
    assert Certificate.objects.count() == 2
    four, three = certs["four"], certs["three"]
    item = world.items["four"]
    assert (
        four.number,
        four.year,
        four.sequence,
        four.stars,
        four.mean_total,
        four.product,
        four.producer,
        four.product_name,
        four.producer_name,
        four.unit_name,
        four.criteria_set,
        four.criteria_code,
        four.decision,
        four.decision_number,
        four.decided_on,
        four.issued_on,
        four.expires_on,
        four.authority,
        four.authority_name,
        four.status,
        four.province,
        four.replaces,
    ) == (
        "001/2026/GCN-OCOP-01",
        2026,
        1,
        4,
        item.mean_total,
        cast.product1,
        cast.prod1,
        "Bình gốm men lam",
        "HTX Gốm Bát Tràng",
        "Xã Bát Tràng",
        item.dossier.criteria_set,
        item.dossier.criteria_set.code,
        decision,
        "1147/QĐ-UBND",
        SIGNED,
        SIGNED,
        dt.date(2029, 7, 10),
        Authority.PROVINCE,
        "Ủy ban nhân dân thành phố Hà Nội",
        CertificateStatus.VALID,
        cast.commune_a.province,
        None,
    )
    assert (three.number, three.stars, three.product) == ("002/2026/GCN-OCOP-01", 3, cast.product2)
    # The printed code verifies: `<code>-<MAC>` over the printed fields.
    for cert in (four, three):
        assert cert.code.startswith("C") and len(cert.code) == 9
        assert cert.verification_code == verification_code(cert)
    assert NUMBER_FORMAT.format(sequence=7, year=2026, province="01") == "007/2026/GCN-OCOP-01"


def test_issuing_is_logged_and_the_producer_is_told_in_app(qd26, cast):
    _world, decision, certs = approved_world(cast)
    four = certs["four"]
    entry = ActivityLog.objects.get(action="certificates.certificate.issue", object_id=str(four.pk))
    assert entry.actor == cast.approver
    assert entry.data["decision"] == decision.code
    notices = Notification.objects.filter(url=f"/giay-chung-nhan/{four.code}/")
    assert sorted(n.user.username for n in notices) == sorted(
        [cast.producer1.username, cast.producer1_staff.username]
    )
    expected = vi(
        "Certificate %(number)s has been issued: %(product)s, %(stars)s★, valid until %(expires)s."
    ) % {"number": four.number, "product": four.product_name, "stars": 4, "expires": "09/07/2029"}
    assert {n.message for n in notices} == {expected}


def test_a_second_call_issues_nothing_new(qd26, cast):
    _world, decision, _certs = approved_world(cast)
    before = list(Certificate.objects.order_by("pk").values_list("pk", "number", "status"))
    notices = Notification.objects.count()
    assert issue_certificates_for_decision(actor=cast.approver, decision=decision) == []
    assert issue_certificates_for_decision(actor=cast.office, decision=decision) == []
    assert list(Certificate.objects.order_by("pk").values_list("pk", "number", "status")) == before
    assert Notification.objects.count() == notices


def test_a_draft_decision_is_refused_and_nothing_is_written(qd26, cast):
    world = build_world(cast)
    decision = draft_decision(
        actor=cast.office, round=world.round, title="Dự thảo", number="12/QĐ-UBND"
    )
    logged = ActivityLog.objects.count()
    with pytest.raises(WrongState) as info:
        issue_certificates_for_decision(actor=cast.approver, decision=decision)
    assert decision.status == DecisionStatus.DRAFT
    assert (
        vi(
            "Decision %(decision)s is not approved: certificates are issued only from an approved "
            "decision."
        )
        % {"decision": "12/QĐ-UBND"}
        == info.value.text
    )
    assert Certificate.objects.count() == 0
    assert ActivityLog.objects.count() == logged


def test_the_expiry_of_a_decision_of_29_february(qd26, cast):
    _world, _decision, certs = approved_world(cast, signed_on=dt.date(2024, 2, 29))
    assert {c.expires_on for c in certs.values()} == {dt.date(2027, 2, 28)}
    assert {c.number for c in certs.values()} == {"001/2024/GCN-OCOP-01", "002/2024/GCN-OCOP-01"}


def test_numbers_run_per_province_and_year(qd26, cast):
    world, _decision, certs = approved_world(cast)
    # A second decision of the same year continues the province's numbering.
    round2 = decision_round(certs["four"].criteria_set, number=2, name="Đợt 2 năm 2026")
    session = closed_session(world.council, round2)
    other = classify(ProductFactory(producer=cast.prod1, name="Lọ hoa men rạn"), "I.3.b")
    scored_dossier(other, session, [75, 76, 77], keep_level=4)
    later = draft_decision(actor=cast.office, round=round2, title="Đợt 2", number="2000/QĐ-UBND")
    change_decision_status(
        actor=cast.approver,
        decision=later,
        to=DecisionStatus.APPROVED,
        signed_on=dt.date(2026, 11, 20),
    )
    issue_certificates_for_decision(actor=cast.approver, decision=later)
    assert Certificate.objects.get(product=other).number == "003/2026/GCN-OCOP-01"
    # Another year starts again at 001.
    older = record_certificate(
        actor=cast.office,
        product=ProductFactory(producer=cast.prod2, name="Trà sen cũ"),
        stars=3,
        criteria_set=certs["four"].criteria_set,
        decision_number="88/QĐ-UBND",
        decided_on=dt.date(2025, 3, 2),
        authority=Authority.PROVINCE,
    )
    assert (older.number, older.year, older.sequence) == ("001/2025/GCN-OCOP-01", 2025, 1)
    # Another province has its own sequence (its first certificate of 2024 is its number 1,
    # whatever Hà Nội has issued).
    hue = ProvinceFactory(code="46", name="Thành phố Huế")
    commune = CommuneFactory(parent=hue, province=hue, name="Phường Thuận Hóa")
    product = ProductFactory(producer=ProducerFactory(commune=commune), name="Mè xửng")
    elsewhere = record_certificate(
        actor=cast.office,
        product=product,
        stars=3,
        criteria_set=certs["four"].criteria_set,
        decision_number="89/QĐ-UBND",
        decided_on=dt.date(2024, 3, 2),
        authority=Authority.PROVINCE,
    )
    assert (elsewhere.province, elsewhere.year, elsewhere.sequence) == (hue, 2024, 1)
    assert elsewhere.authority_name == "Ủy ban nhân dân thành phố Huế"


def test_the_authority_of_each_level(qd26, cast):
    _world, _decision, certs = approved_world(cast, level=Level.CENTRAL)
    # At the ministry's level only 5★ is recognised.
    assert set(certs) == {"five"}
    five = certs["five"]
    assert (five.authority, five.authority_name, five.stars) == (
        Authority.CENTRAL,
        "Bộ Nông nghiệp và Môi trường",
        5,
    )
    # The district (QĐ 148: the district certified 3★), from the producer's old district.
    district = DistrictFactory(name="Huyện Gia Lâm")
    old = OldCommuneFactory(parent=district, name="Xã Bát Tràng cũ")
    producer = ProducerFactory(commune=old)
    assert authority_name(Authority.DISTRICT, producer) == "Ủy ban nhân dân huyện Gia Lâm"
    assert authority_name(Authority.PROVINCE, producer) == "Ủy ban nhân dân thành phố Hà Nội"
    assert authority_name(Authority.CENTRAL, producer) == "Bộ Nông nghiệp và Môi trường"


def test_the_unit_title_follows_the_kind_of_unit(db):
    assert unit_title(ProvinceFactory(code="01", name="Thành phố Hà Nội")) == "thành phố Hà Nội"
    assert (
        unit_title(ProvinceFactory(code="27", name="Tỉnh Bắc Ninh", kind="tinh")) == "tỉnh Bắc Ninh"
    )
    assert unit_title(ProvinceFactory(code="25", name="Phú Thọ", kind="tinh")) == "tỉnh Phú Thọ"


def test_an_upgrade_replaces_the_certificate_in_force(qd26, cast):
    world, _decision, certs = approved_world(cast)
    old = certs["three"]  # product2, 3★
    round2 = decision_round(old.criteria_set, number=2, name="Đợt 2 năm 2026")
    session = closed_session(world.council, round2)
    scored_dossier(cast.product2, session, [80, 82, 84], keep_level=4)
    upgrade = draft_decision(
        actor=cast.office, round=round2, title="Nâng hạng", number="2100/QĐ-UBND"
    )
    change_decision_status(
        actor=cast.approver,
        decision=upgrade,
        to=DecisionStatus.APPROVED,
        signed_on=dt.date(2026, 11, 25),
    )
    issue_certificates_for_decision(actor=cast.approver, decision=upgrade)
    new = Certificate.objects.get(product=cast.product2, decision=upgrade)
    old.refresh_from_db()
    assert (new.stars, new.replaces, new.status) == (4, old, CertificateStatus.VALID)
    assert (old.status, old.status_changed_on) == (
        CertificateStatus.SUPERSEDED,
        dt.date(2026, 11, 25),
    )
    assert list(valid_certificates(dt.date(2026, 11, 26)).filter(product=cast.product2)) == [new]
    entry = ActivityLog.objects.get(
        action="certificates.certificate.supersede", object_id=str(old.pk)
    )
    assert entry.data["old"] == {"status": "valid", "status_changed_on": None}
    assert entry.data["new"]["status"] == "superseded"


def test_each_approval_of_the_decision_module_issues_without_a_second_call(qd26, cast):
    """The approval itself may issue the certificates (the lead wires it): whichever way, the
    decision holds exactly one certificate per recognised item."""
    world = build_world(cast)
    decision = draft_and_approve(world)
    issue_certificates_for_decision(actor=cast.approver, decision=decision)
    assert Certificate.objects.filter(decision=decision).count() == 2
