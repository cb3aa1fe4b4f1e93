"""Certificates issued on paper before the platform (QĐ 26/2026 Điều 12): `record_certificate`
by the office, its refusals (nothing written), and `ocop import-certificates` (all or nothing)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from ocop.certificates.enums import Authority, CertificateStatus
from ocop.certificates.models import Certificate
from ocop.certificates.services.certificates import record_certificate
from ocop.certificates.signing import verification_code
from ocop.core.models import ActivityLog
from ocop.evaluation.models import Notification
from ocop.evaluation.services.refusals import NotAllowed, WrongState
from tests.certificates.manage_setup import QD1048, criteria_set, vi

pytestmark = pytest.mark.django_db


def qd1048_set():
    from ocop.criteria.models import CriteriaSet

    found = CriteriaSet.objects.filter(code="qd1048-2019").first()
    return found or criteria_set(QD1048, code="qd1048-2019")


def _record(cast, **overrides):
    values = {
        "actor": cast.office,
        "product": cast.product1,
        "stars": 4,
        "criteria_set": qd1048_set(),
        "decision_number": "5521/QĐ-UBND",
        "decided_on": dt.date(2024, 12, 20),
        "authority": Authority.PROVINCE,
        "mean_total": Decimal("72.00"),
    }
    values.update(overrides)
    return record_certificate(**values)


def _rows():
    return (Certificate.objects.count(), ActivityLog.objects.count())


def test_the_office_records_a_paper_certificate(cast):
    cert = _record(cast, note="Bản giấy lưu tại Văn phòng OCOP")
    assert (
        cert.number,
        cert.decision,
        cert.decision_item,
        cert.decision_number,
        cert.decided_on,
        cert.issued_on,
        cert.expires_on,
        cert.status,
        cert.criteria_code,
        cert.mean_total,
        cert.issued_by,
        cert.authority_name,
    ) == (
        "001/2024/GCN-OCOP-01",
        None,
        None,
        "5521/QĐ-UBND",
        dt.date(2024, 12, 20),
        dt.date(2024, 12, 20),
        dt.date(2027, 12, 20),
        CertificateStatus.VALID,
        "qd1048-2019",
        Decimal("72.00"),
        cast.office,
        "Ủy ban nhân dân thành phố Hà Nội",
    )
    assert cert.verification_code == verification_code(cert)
    entry = ActivityLog.objects.get(action="certificates.certificate.record")
    assert entry.data["note"] == "Bản giấy lưu tại Văn phòng OCOP"


def test_criteria_the_platform_does_not_hold_are_named(cast):
    cert = _record(
        cast,
        criteria_set=None,
        criteria_code="qd148-2023",
        criteria_name="Bộ tiêu chí OCOP (QĐ 148/QĐ-TTg)",
    )
    # 36 months without a procedure profile to read.
    assert (cert.criteria_set, cert.criteria_code, cert.expires_on) == (
        None,
        "qd148-2023",
        dt.date(2027, 12, 20),
    )


def test_a_certificate_past_its_expiry_is_recorded_as_expired_without_a_notice(cast):
    cert = _record(cast, decided_on=dt.date(2019, 11, 5))
    assert (cert.status, cert.status_changed_on, cert.expires_on) == (
        CertificateStatus.EXPIRED,
        dt.date(2022, 11, 5),
        dt.date(2022, 11, 5),
    )
    assert Notification.objects.count() == 0


def test_a_newer_paper_certificate_replaces_an_older_one_in_force(cast):
    old = _record(cast, decided_on=dt.date(2024, 1, 10), decision_number="10/QĐ-UBND")
    new = _record(cast, decided_on=dt.date(2025, 3, 1), decision_number="20/QĐ-UBND", stars=5)
    old.refresh_from_db()
    assert (new.replaces, old.status) == (old, CertificateStatus.SUPERSEDED)
    # An older one cannot replace the newer one in force.
    before = _rows()
    with pytest.raises(WrongState):
        _record(cast, decided_on=dt.date(2024, 6, 1), decision_number="30/QĐ-UBND")
    assert _rows() == before


@pytest.mark.parametrize(
    ("overrides", "field", "msgid"),
    [
        (
            {"stars": 2},
            "stars",
            "A certificate is issued only for 3★, 4★ or 5★ (no certificate for 1★ or 2★).",
        ),
        (
            {"stars": 6},
            "stars",
            "A certificate is issued only for 3★, 4★ or 5★ (no certificate for 1★ or 2★).",
        ),
        (
            {"decision_number": "  "},
            "decision_number",
            "Give the number of the decision (e.g. 1147/QĐ-UBND).",
        ),
        ({"decided_on": None}, "decided_on", "Give the date."),
        (
            {"decided_on": "future"},
            "decided_on",
            "The decision date cannot be in the future.",
        ),
        (
            {"authority": "commune"},
            "authority",
            "Choose the authority that issued the certificate.",
        ),
        (
            {"criteria_set": None},
            "criteria_set",
            "Choose the criteria set the product was evaluated under.",
        ),
        (
            {"issued_on": dt.date(2024, 12, 1)},
            "issued_on",
            "A certificate cannot be issued before its decision.",
        ),
        (
            {"mean_total": "120"},
            "mean_total",
            "The mean score is a number of points from 0 to 100.",
        ),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(cast, overrides, field, msgid):
    if overrides.get("decided_on") == "future":
        overrides = {"decided_on": timezone.localdate() + dt.timedelta(days=1)}
    before = _rows()
    with pytest.raises(ValidationError) as info:
        _record(cast, **overrides)
    assert info.value.message_dict[field] == [vi(msgid)]
    assert _rows() == before


@pytest.mark.parametrize("name", ["producer1", "commune", "approver", "member", "buyer"])
def test_only_the_office_records(cast, name):
    before = _rows()
    with pytest.raises(NotAllowed):
        _record(cast, actor=getattr(cast, name))
    assert _rows() == before


def test_the_administrator_records_too(cast):
    assert _record(cast, actor=cast.admin).issued_by == cast.admin


# --- the import command -----------------------------------------------------------------------

HEADER = "product,stars,criteria_set,decision_number,decided_on,authority,mean_total,note\n"


def _csv(tmp_path, text):
    path = tmp_path / "giay-chung-nhan.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_the_import_records_every_row(cast, tmp_path):
    qd1048_set()
    path = _csv(
        tmp_path,
        HEADER
        + f"{cast.product1.code},4,qd1048-2019,5521/QĐ-UBND,20/12/2024,province,72.00,Bản giấy\n"
        + f"{cast.product2.code},3,qd1048-2019,1930/QĐ-UBND,2025-01-15,province,,\n",
    )
    out = StringIO()
    call_command("import-certificates", path, "--actor", cast.office.username, stdout=out)
    assert out.getvalue().strip() == "2 certificate(s) imported."
    assert sorted(Certificate.objects.values_list("number", "stars", "expires_on")) == [
        ("001/2024/GCN-OCOP-01", 4, dt.date(2027, 12, 20)),
        ("001/2025/GCN-OCOP-01", 3, dt.date(2028, 1, 15)),
    ]


def test_the_import_is_all_or_nothing_and_names_the_lines(cast, tmp_path):
    qd1048_set()
    path = _csv(
        tmp_path,
        HEADER
        + f"{cast.product1.code},4,qd1048-2019,5521/QĐ-UBND,20/12/2024,province,,\n"
        + f"{cast.product2.code},2,qd1048-2019,1930/QĐ-UBND,2025-01-15,province,,\n"
        + "SPXXXX,3,qd9999,,31/02/2025,province,,\n",
    )
    with pytest.raises(CommandError) as info:
        call_command("import-certificates", path, "--actor", cast.office.username)
    text = str(info.value)
    assert text.splitlines() == [
        "Nothing was imported. Errors:",
        "line 3: stars: "
        + vi("A certificate is issued only for 3★, 4★ or 5★ (no certificate for 1★ or 2★)."),
        "line 4: product: no product 'SPXXXX'",
        "line 4: criteria_set: no criteria set 'qd9999' in the platform (give criteria_name for "
        "criteria it does not hold)",
        "line 4: decided_on: '31/02/2025' is not a date (YYYY-MM-DD or DD/MM/YYYY)",
    ]
    assert Certificate.objects.count() == 0


def test_the_import_needs_its_columns_and_an_office_actor(cast, tmp_path):
    path = _csv(tmp_path, "product,stars\nX,3\n")
    with pytest.raises(CommandError, match="missing column"):
        call_command("import-certificates", path, "--actor", cast.office.username)
    with pytest.raises(CommandError, match="no user"):
        call_command("import-certificates", path, "--actor", "nobody")
    qd1048_set()
    good = _csv(
        tmp_path,
        HEADER + f"{cast.product1.code},4,qd1048-2019,5521/QĐ-UBND,20/12/2024,province,,\n",
    )
    with pytest.raises(CommandError) as info:
        call_command("import-certificates", good, "--actor", cast.producer1.username)
    assert "line 2:" in str(info.value)
    assert Certificate.objects.count() == 0
