"""`ocop verify` (issue #9): on records written by the services it finds nothing; each kind of
record changed behind the services' back (a score, a result, a certificate, a status, a stamp, a
lost sheet version) is reported as a mismatch naming the record and the field.

The demo without its historical cycles (`load_demo(cycles=False)`: a closed session with real
sheets, certificates issued from an approved decision, batches with stamps) is loaded once for the
module; each test runs in a savepoint, so its tampering is undone before the next."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from ocop.certificates.models import Certificate
from ocop.core.demo import load_demo
from ocop.core.integrity import verify
from ocop.evaluation.enums import DossierStatus, SessionStatus, SheetStatus
from ocop.evaluation.models import Dossier, ScoreSheet, ScoreSheetVersion, SessionDossier
from ocop.producers.enums import ProducerStatus
from ocop.producers.models import Producer
from ocop.traceability.enums import StampStatus
from ocop.traceability.models import Stamp

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("integrity")]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield load_demo(seed=42, cycles=False)
        transaction.set_rollback(True)


def found(report) -> set[tuple[str, str]]:
    return {(m.check, m.field) for m in report.mismatches}


def test_nothing_differs_on_records_the_services_wrote(demo):
    report = verify()
    assert [str(m) for m in report.mismatches] == []
    for check in ("sheet", "council_result", "certificate", "timeline"):
        assert report.checked[check] > 0, check
    assert report.checked["state:evaluation.Dossier"] == Dossier.objects.count()
    assert report.checked["state:traceability.Stamp"] == Stamp.objects.count() > 0


def test_a_sheet_total_changed_by_hand_is_reported(demo):
    sheet = ScoreSheet.objects.filter(status=SheetStatus.SUBMITTED).first()
    ScoreSheet.objects.filter(pk=sheet.pk).update(total=sheet.total - 7)
    report = verify()
    assert ("sheet", "total") in found(report)
    mismatch = next(m for m in report.mismatches if m.check == "sheet")
    assert sheet.item.dossier.code in mismatch.subject
    assert (mismatch.expected, mismatch.found) == (
        format(sheet.total.normalize(), "f"),
        format((sheet.total - 7).normalize(), "f"),
    )


def test_a_council_result_changed_by_hand_is_reported(demo):
    item = SessionDossier.objects.filter(
        session__status=SessionStatus.CLOSED, sheets__isnull=False
    ).first()
    SessionDossier.objects.filter(pk=item.pk).update(stars=item.stars % 5 + 1)
    report = verify(only="council results")
    assert found(report) == {("council_result", "stars")}
    assert item.dossier.code in report.mismatches[0].subject


def test_a_certificate_that_no_longer_matches_its_decision_is_reported(demo):
    certificate = Certificate.objects.filter(decision_item__isnull=False).first()
    Certificate.objects.filter(pk=certificate.pk).update(
        stars=certificate.stars % 5 + 1, expires_on=certificate.expires_on.replace(day=1)
    )
    report = verify(only="certificates")
    assert {field for _check, field in found(report)} >= {"stars", "expires_on"}
    assert all(certificate.number in m.subject for m in report.mismatches)


def test_a_status_set_behind_the_transition_function_is_reported(demo):
    dossier = Dossier.objects.exclude(status=DossierStatus.WITHDRAWN).first()
    Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.WITHDRAWN)
    producer = Producer.objects.filter(status=ProducerStatus.APPROVED).first()
    Producer.objects.filter(pk=producer.pk).update(status=ProducerStatus.SUSPENDED)
    report = verify()
    subjects = {(m.check, m.subject.rsplit(" ", 1)[-1], m.field) for m in report.mismatches}
    assert ("state", dossier.code, "status") in subjects
    assert ("timeline", dossier.code, "status") in subjects
    assert ("state", producer.code, "status") in subjects
    assert len(report.mismatches) == 3


def test_stamps_moved_without_their_batch_trail_are_reported(demo):
    stamp = Stamp.objects.filter(status=StampStatus.ISSUED).select_related("batch").first()
    Stamp.objects.filter(pk=stamp.pk).update(status=StampStatus.VOID)
    report = verify(only="stamps")
    assert found(report) == {("state", "status against the dates")}
    assert stamp.batch.code in report.mismatches[0].subject


def test_a_lost_sheet_version_is_reported(demo):
    sheet = ScoreSheet.objects.filter(version__gte=2).first()
    ScoreSheetVersion.objects.filter(sheet=sheet, version=1).delete()
    report = verify(only="sheet versions")
    assert ("state", "versions") in found(report)


def test_the_command_prints_the_counts_and_fails_on_a_mismatch(demo):
    out = StringIO()
    call_command("verify", stdout=out)
    assert out.getvalue().rstrip().endswith("0 mismatch(es).")
    out = StringIO()
    call_command("verify", "--json", "--check", "certificates", stdout=out)
    payload = json.loads(out.getvalue())
    assert payload["mismatches"] == [] and payload["checked"]["certificate"] > 0
    sheet = ScoreSheet.objects.filter(status=SheetStatus.SUBMITTED).first()
    ScoreSheet.objects.filter(pk=sheet.pk).update(total=0)
    with pytest.raises(CommandError) as raised:
        call_command("verify", stdout=StringIO())
    assert raised.value.returncode == 1
