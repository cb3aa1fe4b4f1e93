"""Helpers of the dossier tests: a final self-assessment, a complete dossier, an open round,
a PDF upload, a snapshot of everything a refused move must leave unchanged.

The cast's product1 (producer1, commune A) is classified under I.3.b (bộ 6, food) by the
`classified` fixture of tests/evaluation/conftest.py; product2 (producer2, commune B) under VI.1
(tourism: no samples, no food-safety certificate).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from ocop.core.models import ActivityLog
from ocop.criteria.models import CriteriaSet
from ocop.evaluation.enums import DossierKind, EvidenceCategory, Level, RoundStatus
from ocop.evaluation.models import (
    CommuneAssessment,
    Dossier,
    DossierEvent,
    Evidence,
    Notification,
    OutboxMessage,
    Round,
    SelfAssessment,
)
from ocop.evaluation.services.dossiers import (
    add_evidence,
    attach_self_assessment,
    create_dossier,
    update_registration,
)
from ocop.evaluation.services.self_assessment import (
    finalise_self_assessment,
    save_self_assessment,
    start_self_assessment,
)
from tests.evaluation.conftest import BO6
from tests.factories.products import PDF_BYTES

REGISTRATION = {
    "product_name": "Bình gốm men lam",
    "description": "Bình gốm vẽ tay, men lam truyền thống.",
    "raw_material_source": "Đất sét trắng của làng, hợp đồng với 3 hộ.",
    "capacity_per_year": "1200",
    "capacity_unit": "sản phẩm",
    "market_domestic": "Hà Nội, Bắc Ninh",
    "market_export": "",
    "price": 450000,
    "packaging": "Hộp giấy có lót xốp",
    "brand_status": "registered",
}
FOOD_EVIDENCE = (
    EvidenceCategory.REGISTRATION_FORM,
    EvidenceCategory.SELF_ASSESSMENT_REPORT,
    EvidenceCategory.BUSINESS_REGISTRATION,
    EvidenceCategory.FOOD_SAFETY,
)


def pdf(name: str = "giay-to.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, "application/pdf")


def final_self_assessment(cast: Any, product: Any = None, user: Any = None) -> SelfAssessment:
    user = user or cast.producer1
    assessment = start_self_assessment(actor=user, product=product or cast.product1)
    save_self_assessment(actor=user, assessment=assessment, selections=BO6, has_story=True)
    return finalise_self_assessment(actor=user, assessment=assessment)


def new_dossier(cast: Any, product: Any = None, user: Any = None, **kwargs: Any) -> Dossier:
    return create_dossier(
        actor=user or cast.producer1,
        product=product or cast.product1,
        kind=kwargs.pop("kind", DossierKind.FIRST),
        **kwargs,
    )


def add_document(
    cast: Any,
    dossier: Dossier,
    category: str,
    *,
    expires_on: dt.date | None = None,
    user: Any = None,
    title: str | None = None,
) -> Evidence:
    return add_evidence(
        actor=user or cast.producer1,
        dossier=dossier,
        category=category,
        title=title or f"Tài liệu {category}",
        upload=pdf(),
        expires_on=expires_on,
    )


def complete_dossier(cast: Any, **kwargs: Any) -> Dossier:
    """product1's first dossier with everything 26/2026 asks of a food product."""
    dossier = new_dossier(cast, **kwargs)
    update_registration(actor=cast.producer1, dossier=dossier, data=REGISTRATION, samples_count=5)
    for category in FOOD_EVIDENCE:
        add_document(cast, dossier, category)
    attach_self_assessment(
        actor=cast.producer1, dossier=dossier, assessment=final_self_assessment(cast)
    )
    dossier.refresh_from_db()
    return dossier


def open_round(
    criteria_set: str = "qd26-2026",
    *,
    level: str = Level.PROVINCE,
    status: str = RoundStatus.OPEN,
    number: int = 1,
    year: int = 2026,
) -> Round:
    return Round.objects.create(
        name=f"Đợt {number} năm {year}",
        year=year,
        number=number,
        level=level,
        criteria_set=CriteriaSet.objects.get(code=criteria_set),
        proposal_deadline=dt.date(year, 4, 30),
        evaluation_deadline=dt.date(year, 6, 30),
        status=status,
    )


COMMUNE_FORWARD = {
    "local_materials": "Nguyên liệu đất sét khai thác tại xã.",
    "local_materials_met": True,
    "local_labour": "12 lao động địa phương có bảo hiểm.",
    "local_labour_met": True,
    "idea_origin": "Ý tưởng từ nghề gốm truyền thống của làng.",
    "idea_origin_met": True,
    "local_identity": "Hoa văn men lam đặc trưng Bát Tràng.",
    "local_identity_met": True,
    "completeness_ok": True,
    "conclusion": "forward",
    "report": "UBND xã đề nghị UBND thành phố đánh giá, phân hạng sản phẩm.",
    "reasons": "",
}


def state(dossier: Dossier) -> dict[str, Any]:
    """Everything a refused move must leave as it was."""
    row = Dossier.objects.values().get(pk=dossier.pk)
    return {
        "dossier": row,
        "events": list(DossierEvent.objects.filter(dossier=dossier).values()),
        "evidence": list(Evidence.objects.filter(dossier=dossier).values()),
        "assessments": CommuneAssessment.objects.filter(dossier=dossier).count(),
        "log": ActivityLog.objects.count(),
        "notifications": Notification.objects.count(),
        "mails": OutboxMessage.objects.count(),
    }
