"""Published results: the producer's view of a dossier's result, and the public results.

Nothing here is computed by hand: the stars, the mean and `capped_by` are the engine's (stored by
`close_session` and copied by the decision); the per-criterion means are the engine's
`criterion_means` of the members' final (submitted) sheets, re-scored with `score_sheet`.

- Before the decision is approved nobody but officials sees a result. The producer's people and
  the officer of the dossier's commune see it once it is published; everyone else gets 404.
- The producer sees, per criterion, the mean points and the members' comments, **without who
  wrote them** (sorted by text so that their order says nothing either).
- The public sees the recognised products of the **effective** decisions (approved and not
  replaced by an approved correction), and the chain of corrections.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ocop.accounts.enums import PRODUCER_ROLES
from ocop.accounts.rules import Access, as_access
from ocop.criteria.engine.scoring import combine_sheets, score_sheet
from ocop.criteria.queries.specs import load_scorecard_spec, policy_for
from ocop.evaluation.enums import DecisionStatus, SessionStatus, SheetStatus
from ocop.evaluation.models import Decision, DecisionItem, Dossier, Round, SessionDossier
from ocop.evaluation.queries.decisions import can_read_decisions
from ocop.evaluation.queries.dossiers import access_dossier

CENT = Decimal("0.01")


# --- who sees a dossier's result ------------------------------------------------------------


def is_official(access: Access) -> bool:
    """Officials see every council result, published or not."""
    return can_read_decisions(access)


def _sees_published(access: Access, dossier: Dossier) -> bool:
    if dossier.producer.organisation_id in access.organisations_with(*PRODUCER_ROLES):
        return True
    return access.is_commune_officer and dossier.commune_id in access.commune_unit_ids


def access_dossier_result(user_or_access: Any, code: str) -> Dossier:
    """The dossier with this code if the user may open its result page; else 404.

    Among those who see the dossier (`access_dossier`, engineer A's loader): officials always;
    the producer's people and the officer of the dossier's commune (they see the result only
    once it is published). Council members read the sheets on their session's pages, not here."""
    access = as_access(user_or_access)
    dossier = access_dossier(access, code)
    if is_official(access) or _sees_published(access, dossier):
        return dossier
    raise Http404


# --- the dossier's result -------------------------------------------------------------------


def effective_filter(prefix: str = "decision") -> Q:
    """Items (prefix "decision") or decisions (prefix "") of approved decisions that no approved
    correction replaces."""
    pk = f"{prefix}__pk" if prefix else "pk"
    status = f"{prefix}__status" if prefix else "status"
    replaced = Exists(
        Decision.objects.filter(replaces=OuterRef(pk), status=DecisionStatus.APPROVED)
    )
    return Q(**{status: DecisionStatus.APPROVED}) & ~Q(replaced)


def published_item(dossier: Dossier) -> DecisionItem | None:
    """The dossier's item in the latest effective decision, or None before publication."""
    return (
        DecisionItem.objects.filter(effective_filter(), dossier=dossier)
        .select_related("decision__replaces", "agenda_item__session")
        .order_by("-decision__approved_at", "-decision__pk")
        .first()
    )


def latest_council_item(dossier: Dossier) -> SessionDossier | None:
    return (
        SessionDossier.objects.filter(
            dossier=dossier, session__status=SessionStatus.CLOSED, result__isnull=False
        )
        .select_related("session")
        .order_by("-session__closed_at", "-pk")
        .first()
    )


@dataclass
class CriterionRow:
    code: str
    title: str
    max_points: Decimal
    mean: Decimal
    comments: list[str]


@dataclass
class PartRow:
    code: str
    title: str
    max_points: Decimal
    mean: Decimal
    criteria: list[CriterionRow] = field(default_factory=list)


@dataclass
class DossierResult:
    dossier: Dossier
    agenda_item: SessionDossier
    item: DecisionItem | None  # None: not published (only officials get here)
    mean_total: Decimal
    stars: int
    band_stars: int
    parts: list[PartRow]
    capped: list[str]
    knocked_out: str | None
    sheets: int
    minutes: str = ""  # the archived minutes the result is transcribed from (history)

    @property
    def archived(self) -> bool:
        return bool(self.minutes)

    @property
    def published(self) -> bool:
        return self.item is not None


def _fmt(value: Any) -> str:
    return number_format(Decimal(str(value)), decimal_pos=2, use_l10n=True, force_grouping=True)


def capped_in_words(result: dict[str, Any], titles: dict[str, str]) -> list[str]:
    """The engine's `capped_by`, one sentence per requirement not met."""
    sentences = []
    for entry in result.get("capped_by") or []:
        code = str(entry.get("criterion"))
        sentences.append(
            _(
                "Criterion %(criterion)s “%(title)s” needs %(required)s points for "
                "%(level)s★; the members' mean is %(achieved)s."
            )
            % {
                "criterion": code,
                "title": titles.get(code, ""),
                "required": _fmt(entry.get("required", 0)),
                "level": entry.get("level"),
                "achieved": _fmt(entry.get("achieved", 0)),
            }
        )
    return sentences


def dossier_result(user_or_access: Any, dossier: Dossier) -> DossierResult | None:
    """The result the user may see: the published one, or (officials only) the council's latest
    result before publication; None when there is nothing to show."""
    access = as_access(user_or_access)
    item = published_item(dossier)
    if item is not None:
        agenda_item = item.agenda_item
    elif is_official(access):
        agenda_item = latest_council_item(dossier)  # type: ignore[assignment]
        if agenda_item is None:
            return None
    else:
        return None
    result = agenda_item.result or {}
    if result.get("source") == "archive":
        return _archived_result(dossier, agenda_item, item, result)
    spec = load_scorecard_spec(dossier.criteria_set.code, dossier.scorecard.number)
    sheets = list(agenda_item.sheets.filter(status=SheetStatus.SUBMITTED).order_by("pk"))
    scored = [
        score_sheet(
            spec, sheet.selections, knockouts=tuple(sheet.knockouts or ()), member=f"s{index}"
        )
        for index, sheet in enumerate(sheets)
    ]
    means: dict[str, Decimal] = {}
    part_means: dict[str, Decimal] = {}
    if scored:
        combined = combine_sheets(spec, policy_for(dossier.criteria_set), scored)
        means = combined.criterion_means()
        for part in spec.parts:
            total = sum((sheet.parts.get(part.code, Decimal(0)) for sheet in scored), Decimal(0))
            part_means[part.code] = (total / len(scored)).quantize(CENT, rounding=ROUND_HALF_UP)
    comments: dict[str, list[str]] = {}
    for sheet in sheets:
        for code, text in (sheet.comments or {}).items():
            text = str(text).strip()
            if text:
                comments.setdefault(str(code), []).append(text)
    parts = {
        part.code: PartRow(
            part.code, part.title, part.max_points, part_means.get(part.code, CENT * 0)
        )
        for part in spec.parts
    }
    for criterion in spec.criteria:
        parts[criterion.part].criteria.append(
            CriterionRow(
                code=criterion.code,
                title=criterion.title,
                max_points=criterion.max_points,
                mean=means.get(criterion.code, Decimal("0.00")),
                comments=sorted(comments.get(criterion.code, [])),
            )
        )
    titles = {criterion.code: criterion.title for criterion in spec.criteria}
    knocked = result.get("knocked_out")
    if item is not None:
        mean_total, stars = item.mean_total, int(item.stars or 0)
    else:
        mean_total = Decimal(str(result.get("mean_total", 0))).quantize(CENT)
        stars = int(result.get("stars", 0))
    return DossierResult(
        dossier=dossier,
        agenda_item=agenda_item,
        item=item,
        mean_total=mean_total,
        stars=stars,
        band_stars=int(result.get("band_stars", 0)),
        parts=list(parts.values()),
        capped=capped_in_words(result, titles),
        knocked_out=knockout_text(agenda_item, knocked),
        sheets=len(sheets),
    )


def _archived_result(
    dossier: Dossier, agenda_item: SessionDossier, item: DecisionItem | None, result: dict
) -> DossierResult:
    """A result transcribed from archived minutes: the mean and stars as stored, no criteria
    (the minutes give totals; the scorecards of the time are never used to recompute them)."""
    if item is not None:
        mean_total, stars = item.mean_total, int(item.stars or 0)
    else:
        mean_total = Decimal(str(result.get("mean_total", 0))).quantize(CENT)
        stars = int(result.get("stars", 0))
    return DossierResult(
        dossier=dossier,
        agenda_item=agenda_item,
        item=item,
        mean_total=mean_total,
        stars=stars,
        band_stars=int(result.get("band_stars", 0)),
        parts=[],
        capped=[],
        knocked_out=None,
        sheets=0,
        minutes=str(result.get("minutes") or "-"),
    )


def knockout_text(agenda_item: Any, knocked: Any) -> str | None:
    """The knock-out rule that ended the evaluation, with what the council found when it is a
    rule of the whole dossier that the council recorded."""
    if not knocked:
        return None
    text = str(knocked.get("reason") or knocked.get("code") or "")
    if knocked.get("scope") == "dossier":
        for entry in agenda_item.dossier_knockouts or []:
            if entry.get("code") == knocked.get("code") and entry.get("reason"):
                return f"{text} ({entry['reason']})"
    return text


# --- the public results ---------------------------------------------------------------------


def recognised_items() -> QuerySet[DecisionItem]:
    """Every recognised product of the effective decisions, with what a row shows."""
    return (
        DecisionItem.objects.filter(effective_filter(), recognised=True)
        .select_related(
            "decision__round",
            "dossier__product__classification",
            "dossier__producer__commune",
            "dossier__criteria_set",
        )
        .order_by("-mean_total", "dossier__product__name", "pk")
    )


def published_rounds() -> list[Round]:
    """Rounds with at least one approved decision, newest first, each with its number of
    recognised products (`recognised_count`). Two queries."""
    counts = dict(
        DecisionItem.objects.filter(effective_filter(), recognised=True)
        .order_by()
        .values("decision__round_id")
        .annotate(count=Count("dossier_id", distinct=True))
        .values_list("decision__round_id", "count")
    )
    rounds = list(
        Round.objects.filter(decisions__status=DecisionStatus.APPROVED)
        .distinct()
        .order_by("-year", "-number", "level")
    )
    for round_ in rounds:
        round_.recognised_count = counts.get(round_.pk, 0)  # type: ignore[attr-defined]
    return rounds


def access_published_round(code: str) -> Round:
    round_ = (
        Round.objects.filter(code=code, decisions__status=DecisionStatus.APPROVED)
        .select_related("criteria_set")
        .first()
    )
    if round_ is None:
        raise Http404
    return round_


def round_decisions(round_: Round) -> list[Decision]:
    """The round's approved decisions, newest first, each with the one it replaces."""
    return list(
        Decision.objects.filter(round=round_, status=DecisionStatus.APPROVED)
        .select_related("replaces")
        .order_by("-approved_at", "-pk")
    )


def filter_results(
    queryset: QuerySet[DecisionItem], *, commune: str = "", group: str = ""
) -> QuerySet[DecisionItem]:
    """By the producer's commune (its key) and the product's group (its classification code)."""
    if commune:
        queryset = queryset.filter(dossier__producer__commune__key=commune)
    if group:
        queryset = queryset.filter(dossier__product__classification__code=group)
    return queryset


def filter_choices(
    queryset: QuerySet[DecisionItem],
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The communes and groups present (two queries), for the filter form."""
    communes = (
        queryset.order_by()
        .values_list("dossier__producer__commune__key", "dossier__producer__commune__name")
        .distinct()
    )
    groups = (
        queryset.exclude(dossier__product__classification__isnull=True)
        .order_by()
        .values_list(
            "dossier__product__classification__code", "dossier__product__classification__name"
        )
        .distinct()
    )
    return sorted(communes, key=lambda c: c[1]), sorted(groups)
