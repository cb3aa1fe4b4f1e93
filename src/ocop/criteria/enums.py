from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CriteriaSetStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")
    SUPERSEDED = "superseded", _("superseded")


# The one table of allowed moves; change_criteria_set_status is the only way through it.
CRITERIA_SET_TRANSITIONS: dict[str, frozenset[str]] = {
    CriteriaSetStatus.DRAFT: frozenset({CriteriaSetStatus.PUBLISHED}),
    CriteriaSetStatus.PUBLISHED: frozenset({CriteriaSetStatus.SUPERSEDED}),
    CriteriaSetStatus.SUPERSEDED: frozenset(),
}


class SourceFormat(models.TextChoices):
    """The shape of a criteria file (see ocop/criteria/data/README.md)."""

    BOARDS = "boards", _("scorecards with codes, markers and document order (QĐ 26/2026)")
    SETS = "sets", _("flat transcription without codes or markers (QĐ 1048)")


class RequirementPolicy(models.TextChoices):
    """How a minimum-star requirement is checked across the council members' sheets."""

    MEAN = "mean", _("the members' mean points on the criterion")
    EVERY_MEMBER = "every_member", _("every member's points on the criterion")


class ClassificationLevel(models.TextChoices):
    CATEGORY = "category", _("product category")
    GROUP = "group", _("product group")
    SUBGROUP = "subgroup", _("product sub-group")


class NodeKind(models.TextChoices):
    PART = "part", pgettext_lazy("scorecard", "part")
    GROUP = "group", _("group")
    CRITERION = "criterion", _("criterion")
    SUBCRITERION = "subcriterion", _("sub-criterion")


NODE_KIND_BY_LEVEL: dict[int, str] = {
    0: NodeKind.PART,
    1: NodeKind.GROUP,
    2: NodeKind.CRITERION,
    3: NodeKind.SUBCRITERION,
}


class CaseLayout(models.TextChoices):
    """Whether a criterion offers two alternative cases, of which the evaluator scores one."""

    NONE = "", _("no alternative cases")
    SPLIT = "split", _("two alternative cases, each with its own options")
    UNSPLIT = "unsplit", _("two alternative cases listed as one list (split unknown)")


class NoteKind(models.TextChoices):
    NOTE = "note", _("note")
    REQUIREMENT = "requirement", _("requirement")
    KNOCKOUT = "knockout", _("knock-out rule")
    CONDITION = "condition", _("condition")
    CASE_HEADING = "case-heading", _("case heading")
    PROBLEM = "problem", _("known problem of the source")


class KnockoutScope(models.TextChoices):
    DOSSIER = "dossier", _("whole dossier")
    CRITERION = "criterion", _("criterion")


class CorrectionStatus(models.TextChoices):
    PROBABLE = "probable", _("probable (not yet checked against the signed text)")
    CONFIRMED = "confirmed", _("confirmed against the signed text")
    REJECTED = "rejected", _("rejected")
