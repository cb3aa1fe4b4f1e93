"""At the same moment (PostgreSQL, real threads, committed data): two certificates numbered at
once never share a number (the province's row is locked), and two sweeps at once send each notice
once (the notice's unique row decides) and expire a certificate once (its row is locked)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from ocop.accounts.enums import OrganisationKind, Role
from ocop.certificates.enums import Authority, CertificateStatus, NoticeKind
from ocop.certificates.models import Certificate, CertificateNotice
from ocop.certificates.services.certificates import record_certificate
from ocop.certificates.services.lifecycle import sweep_certificates
from ocop.evaluation.models import Notification
from tests.certificates.manage_setup import QD26, WINDOW_OPENS
from tests.factories.accounts import MembershipFactory, OrganisationFactory
from tests.factories.certificates import CertificateFactory
from tests.factories.criteria import CriteriaSetFactory
from tests.factories.producers import ProducerFactory
from tests.factories.products import ProductFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]


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


def _office():
    org = OrganisationFactory(kind=OrganisationKind.PROVINCE_OFFICE)
    return MembershipFactory(role=Role.PROVINCE_OFFICER, organisation=org).user


def _owned_product():
    producer = ProducerFactory()
    MembershipFactory(role=Role.PRODUCER_OWNER, organisation=producer.organisation)
    return ProductFactory(producer=producer)


def test_two_certificates_numbered_at_once_get_two_numbers():
    office = _office()
    criteria_set = CriteriaSetFactory(procedure_profile=QD26)
    products = [_owned_product(), _owned_product()]

    def record(product):
        return lambda: record_certificate(
            actor=office,
            product=product,
            stars=4,
            criteria_set=criteria_set,
            decision_number="77/QĐ-UBND",
            decided_on=dt.date(2026, 3, 1),
            authority=Authority.PROVINCE,
        )

    results = at_once(record(products[0]), record(products[1]))
    assert [type(r).__name__ for r in results] == ["Certificate", "Certificate"]
    assert sorted(Certificate.objects.values_list("sequence", "number")) == [
        (1, "001/2026/GCN-OCOP-01"),
        (2, "002/2026/GCN-OCOP-01"),
    ]


def test_two_sweeps_at_once_send_each_notice_once_and_expire_once():
    criteria_set = CriteriaSetFactory(procedure_profile=QD26)
    opening = CertificateFactory(product=_owned_product(), criteria_set=criteria_set)
    expiring = CertificateFactory(
        product=_owned_product(),
        criteria_set=criteria_set,
        expires_on=WINDOW_OPENS,
        decided_on=dt.date(2025, 12, 17),
    )
    results = at_once(
        lambda: sweep_certificates(today=WINDOW_OPENS),
        lambda: sweep_certificates(today=WINDOW_OPENS),
    )
    assert [type(r).__name__ for r in results] == ["SweepReport", "SweepReport"]
    assert sum(r.count(NoticeKind.WINDOW_OPEN) for r in results) == 1
    assert sum(r.expiries for r in results) == 1
    assert sorted(CertificateNotice.objects.values_list("certificate_id", "kind")) == sorted(
        [(opening.pk, NoticeKind.WINDOW_OPEN), (expiring.pk, NoticeKind.EXPIRED)]
    )
    expiring.refresh_from_db()
    assert expiring.status == CertificateStatus.EXPIRED
    # One notice per producer (one owner each): two in all.
    producers = Notification.objects.exclude(url="/giay-chung-nhan/viec-can-lam/")
    assert producers.count() == 2
