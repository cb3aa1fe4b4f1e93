from django.db import models
from django.utils.translation import gettext_lazy as _


class SelfAssessmentStatus(models.TextChoices):
    """A producer's self-assessment: a draft they keep changing, then final (read-only)."""

    DRAFT = "draft", _("draft")
    FINAL = "final", _("final")


# The one table of allowed moves; finalise_self_assessment is the only way through it.
SELF_ASSESSMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    SelfAssessmentStatus.DRAFT: frozenset({SelfAssessmentStatus.FINAL}),
    SelfAssessmentStatus.FINAL: frozenset(),
}


# --- The evaluation workflow (issue 4) ---------------------------------------------------------


class DossierKind(models.TextChoices):
    FIRST = "first", _("first evaluation")
    UPGRADE = "upgrade", _("upgrade (nâng hạng)")
    REEVALUATION = "reevaluation", _("re-evaluation (đánh giá lại)")


class DossierStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted to the commune")
    RETURNED = "returned", _("returned for completion")
    FORWARDED = "forwarded", _("forwarded for evaluation")
    ACCEPTED = "accepted", _("accepted for a round")
    IN_SESSION = "in_session", _("being scored")
    SCORED = "scored", _("scored")
    RECOGNISED = "recognised", _("recognised")
    NOT_RECOGNISED = "not_recognised", _("not recognised")
    PROPOSED_CENTRAL = "proposed_central", _("proposed to the ministry for 5★")
    WITHDRAWN = "withdrawn", _("withdrawn")


# The one table of allowed moves; change_dossier_status is the only way through it. A scored
# dossier goes back to FORWARDED when a lower level (the district under 1048/148) sends it up, and
# PROPOSED_CENTRAL goes back to IN_SESSION when the ministry's council scores it.
DOSSIER_TRANSITIONS: dict[str, frozenset[str]] = {
    DossierStatus.DRAFT: frozenset({DossierStatus.SUBMITTED, DossierStatus.WITHDRAWN}),
    DossierStatus.SUBMITTED: frozenset(
        {DossierStatus.FORWARDED, DossierStatus.RETURNED, DossierStatus.WITHDRAWN}
    ),
    DossierStatus.RETURNED: frozenset({DossierStatus.SUBMITTED, DossierStatus.WITHDRAWN}),
    DossierStatus.FORWARDED: frozenset({DossierStatus.ACCEPTED, DossierStatus.RETURNED}),
    DossierStatus.ACCEPTED: frozenset({DossierStatus.IN_SESSION, DossierStatus.RETURNED}),
    DossierStatus.IN_SESSION: frozenset({DossierStatus.SCORED}),
    DossierStatus.SCORED: frozenset(
        {
            DossierStatus.RECOGNISED,
            DossierStatus.NOT_RECOGNISED,
            DossierStatus.PROPOSED_CENTRAL,
            DossierStatus.FORWARDED,
        }
    ),
    DossierStatus.PROPOSED_CENTRAL: frozenset({DossierStatus.IN_SESSION}),
    DossierStatus.RECOGNISED: frozenset(),
    DossierStatus.NOT_RECOGNISED: frozenset(),
    DossierStatus.WITHDRAWN: frozenset(),
}
OPEN_DOSSIER_STATUSES = frozenset(
    {
        DossierStatus.SUBMITTED,
        DossierStatus.RETURNED,
        DossierStatus.FORWARDED,
        DossierStatus.ACCEPTED,
        DossierStatus.IN_SESSION,
        DossierStatus.SCORED,
        DossierStatus.PROPOSED_CENTRAL,
    }
)


class Level(models.TextChoices):
    COMMUNE = "commune", _("commune level")
    DISTRICT = "district", _("district level")
    PROVINCE = "province", _("provincial level")
    CENTRAL = "central", _("central level (ministry)")


class EvidenceCategory(models.TextChoices):
    REGISTRATION_FORM = "registration_form", _("registration form (Mẫu 01)")
    SELF_ASSESSMENT_REPORT = "self_assessment_report", _("self-assessment report (Mẫu 02)")
    BUSINESS_REGISTRATION = "business_registration", _("business registration certificate")
    FOOD_SAFETY = "food_safety", _("food-safety certificate")
    QUALITY_DECLARATION = "quality_declaration", _("quality declaration")
    PRODUCT_STANDARD = "product_standard", _("product standard")
    TEST_REPORT = "test_report", _("test report")
    IP_TITLE = "ip_title", _("trademark, geographical indication or other IP title")
    BARCODE_TRACEABILITY = "barcode_traceability", _("barcode and traceability")
    RAW_MATERIAL_CONTRACT = "raw_material_contract", _("raw-material origin and supply contracts")
    ENVIRONMENT = "environment", _("environmental protection")
    QUALITY_SYSTEM = "quality_system", _("quality management system")
    LOCAL_WORKERS = "local_workers", _("insured local workers")
    FINANCIAL_STATEMENT = "financial_statement", _("financial statements and accounting")
    MARKETING = "marketing", _("market development and trade promotion")
    STORY = "story", _("product story")
    BATCH_RECORDS = "batch_records", _("quality control plan and batch records")
    AWARDS = "awards", _("awards")
    OTHER = "other", _("other")


class CommuneConclusion(models.TextChoices):
    FORWARD = "forward", _("forward to the province")
    RETURN = "return", _("return to the producer")


class RoundStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    OPEN = "open", _("open for dossiers")
    SCORING = "scoring", _("scoring")
    CLOSED = "closed", _("closed")


ROUND_TRANSITIONS: dict[str, frozenset[str]] = {
    RoundStatus.PLANNED: frozenset({RoundStatus.OPEN}),
    RoundStatus.OPEN: frozenset({RoundStatus.SCORING}),
    RoundStatus.SCORING: frozenset({RoundStatus.CLOSED}),
    RoundStatus.CLOSED: frozenset(),
}


class CouncilRole(models.TextChoices):
    CHAIR = "chair", _("chair")
    MEMBER = "member", _("member")
    SECRETARY = "secretary", _("secretary")


class SessionSource(models.TextChoices):
    """Where a session's results come from: the members' sheets in the platform, or (history
    before the platform) the archived minutes, transcribed by the office. Archived results are
    stored as the minutes give them and never recomputed (the QĐ 1048 scorecards exist only as an
    unofficial transcription)."""

    LIVE = "live", _("scored in the platform")
    ARCHIVE = "archive", _("transcribed from the archived minutes")


class SessionStatus(models.TextChoices):
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


SESSION_TRANSITIONS: dict[str, frozenset[str]] = {
    SessionStatus.OPEN: frozenset({SessionStatus.CLOSED}),
    SessionStatus.CLOSED: frozenset(),
}


class SheetStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    REOPENED = "reopened", _("reopened for discussion")


SHEET_TRANSITIONS: dict[str, frozenset[str]] = {
    SheetStatus.DRAFT: frozenset({SheetStatus.SUBMITTED}),
    SheetStatus.SUBMITTED: frozenset({SheetStatus.REOPENED}),
    SheetStatus.REOPENED: frozenset({SheetStatus.SUBMITTED}),
}


class DecisionStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    APPROVED = "approved", _("approved and published")


DECISION_TRANSITIONS: dict[str, frozenset[str]] = {
    DecisionStatus.DRAFT: frozenset({DecisionStatus.APPROVED}),
    DecisionStatus.APPROVED: frozenset(),
}


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("waiting for review")
    SENT = "sent", _("sent")
    DISCARDED = "discarded", _("discarded")
