"""Objects of the certificates app for the authorisation matrix (see tests/security/world.py).

Producer A's product holds a valid 4★ certificate (so the producer may start an upgrade) with,
in their most secret states, an open revocation proposal (read by the office, the approver and
the administrator only) and an unannounced inspection not yet carried out (the same readers).
A second certificate of producer A is revoked: its public verification page and PDF are public
by design (the register's open data), the management pages are not."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from ocop.certificates.enums import CertificateStatus, InspectionKind, RevocationGround
from ocop.certificates.services.inspections import plan_inspection
from ocop.certificates.services.revocations import propose_revocation
from tests.factories.certificates import CertificateFactory
from tests.factories.criteria import CriteriaSetFactory
from tests.factories.products import ProductFactory

from .. import matrix as m


def build(world: Any) -> None:
    """Add this app's objects to world.objects (producer A's, commune A's, the world council's)."""
    office = world.user(m.OFFICE)
    today = timezone.localdate()
    criteria_set = CriteriaSetFactory(procedure_profile="qd26-2026-two-level")
    certificate = CertificateFactory(
        product=world.product_a,
        criteria_set=criteria_set,
        decided_on=today - dt.timedelta(days=120),
        expires_on=today + dt.timedelta(days=3 * 365),
    )
    revoked = CertificateFactory(
        product=ProductFactory(producer=world.producer_a, name="Lọ hoa men rạn"),
        criteria_set=criteria_set,
        status=CertificateStatus.REVOKED,
    )
    world.objects["cert_certificate"] = certificate
    world.objects["cert_revoked"] = revoked
    world.objects["cert_revocation"] = propose_revocation(
        actor=office,
        certificate=certificate,
        ground=RevocationGround.QUALITY_LAW,
        basis="Biên bản kiểm tra của Chi cục Quản lý thị trường",
        concluded_on=today - dt.timedelta(days=2),
    )
    world.objects["cert_inspection"] = plan_inspection(
        actor=office,
        certificate=certificate,
        kind=InspectionKind.UNANNOUNCED,
        planned_on=today + dt.timedelta(days=10),
        inspectors="Đoàn kiểm tra liên ngành",
    )
