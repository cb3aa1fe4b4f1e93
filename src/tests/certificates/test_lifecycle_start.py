"""Starting a re-evaluation (QĐ 26/2026 Điều 7.6: from 180 days before the expiry; late after 120
days, Điều 12) or an upgrade (Điều 7.5) from a certificate: a dossier pre-filled from the last one,
by the producer or the office; refusals leave nothing behind."""

from __future__ import annotations

import datetime as dt

import pytest

from ocop.certificates.dates import window_of
from ocop.certificates.enums import CertificateStatus
from ocop.certificates.services.lifecycle import start_reevaluation, start_upgrade
from ocop.core.models import ActivityLog
from ocop.criteria.queries.specs import clear_spec_cache
from ocop.evaluation.enums import DossierKind, DossierStatus
from ocop.evaluation.models import Dossier
from ocop.evaluation.services.refusals import NotAllowed, WrongState
from tests.certificates.manage_setup import approved_world, certificate, vi

pytestmark = pytest.mark.django_db
# The 4★ certificate of product1: decided 10/07/2026, expires 10/07/2029.
OPENS = dt.date(2029, 1, 11)
CLOSES = dt.date(2029, 3, 12)
EXPIRES = dt.date(2029, 7, 10)


@pytest.fixture(autouse=True)
def _fresh_specs():
    clear_spec_cache()
    yield
    clear_spec_cache()


@pytest.fixture
def four(qd26, cast):
    _world, _decision, certs = approved_world(cast)
    return certs["four"]


def test_the_window_of_the_certificate(four):
    window = window_of(four)
    assert (
        window.opens_on,
        window.closes_on,
        window.decision_within_days,
        window.written_consultation,
        window.kept_until,
    ) == (OPENS, CLOSES, 45, True, dt.date(2030, 1, 6))


def test_before_the_window_opens_the_re_evaluation_is_refused_with_the_opening_day(cast, four):
    dossiers = Dossier.objects.count()
    with pytest.raises(WrongState) as info:
        start_reevaluation(actor=cast.producer1, certificate=four, on=OPENS - dt.timedelta(days=1))
    assert info.value.text == vi(
        "The re-evaluation of certificate %(number)s can be filed from %(opens)s (no earlier "
        "than %(days)s days before its expiry on %(expires)s)."
    ) % {"number": four.number, "opens": "11/01/2029", "days": 180, "expires": "10/07/2029"}
    assert Dossier.objects.count() == dossiers


def test_the_producer_starts_a_re_evaluation_pre_filled_from_the_last_dossier(cast, four):
    last = four.decision_item.dossier
    Dossier.objects.filter(pk=last.pk).update(
        registration={"product_name": "Bình gốm men lam", "price": 150000}
    )
    dossier = start_reevaluation(actor=cast.producer1, certificate=four, on=OPENS)
    assert (
        dossier.kind,
        dossier.status,
        dossier.product,
        dossier.current_stars,
        dossier.previous,
        dossier.registration["price"],
    ) == (
        DossierKind.REEVALUATION,
        DossierStatus.DRAFT,
        cast.product1,
        4,
        last,
        150000,
    )
    entry = ActivityLog.objects.get(action="certificates.certificate.start_reevaluation")
    assert (entry.actor, entry.object_id, entry.data) == (
        cast.producer1,
        str(four.pk),
        {"dossier": dossier.code, "late": False},
    )


def test_after_the_last_day_it_is_still_allowed_but_late(cast, four):
    dossier = start_reevaluation(
        actor=cast.office, certificate=four, on=CLOSES + dt.timedelta(days=1)
    )
    assert dossier.kind == DossierKind.REEVALUATION
    entry = ActivityLog.objects.get(action="certificates.certificate.start_reevaluation")
    assert entry.data["late"] is True


def test_an_expired_certificate_is_refused(cast, four):
    with pytest.raises(WrongState):
        start_reevaluation(actor=cast.producer1, certificate=four, on=EXPIRES)


@pytest.mark.parametrize("name", ["producer2", "commune", "commune2", "approver", "buyer"])
def test_only_the_producer_or_the_office_starts_it(cast, four, name):
    dossiers = Dossier.objects.count()
    with pytest.raises(NotAllowed):
        start_reevaluation(actor=getattr(cast, name), certificate=four, on=OPENS)
    with pytest.raises(NotAllowed):
        start_upgrade(actor=getattr(cast, name), certificate=four)
    assert Dossier.objects.count() == dossiers


def test_the_staff_of_the_producer_starts_an_upgrade(cast, four):
    dossier = start_upgrade(actor=cast.producer1_staff, certificate=four)
    assert (dossier.kind, dossier.current_stars, dossier.status) == (
        DossierKind.UPGRADE,
        4,
        DossierStatus.DRAFT,
    )
    assert ActivityLog.objects.filter(action="certificates.certificate.start_upgrade").count() == 1


def test_no_upgrade_from_the_top_level_or_from_a_certificate_no_longer_in_force(cast):
    five = certificate(cast.product1, stars=5)
    with pytest.raises(WrongState) as info:
        start_upgrade(actor=cast.producer1, certificate=five)
    assert info.value.text == vi(
        "A %(stars)s★ certificate is the highest level: there is nothing to upgrade to."
    ) % {"stars": 5}
    old = certificate(cast.product2, status=CertificateStatus.SUPERSEDED)
    with pytest.raises(WrongState):
        start_upgrade(actor=cast.producer2, certificate=old)
    with pytest.raises(WrongState):
        start_reevaluation(actor=cast.producer2, certificate=old)
    assert Dossier.objects.count() == 0
