"""Recognition decisions (quyết định công nhận, QĐ 26/2026 Điều 7.3.e and 7.4): every write.

- `draft_decision`: the provincial office collects every scored dossier of a round that is in no
  decision yet into a draft. Each item copies the council's result (the engine's `stars` and
  `mean_total`, stored by `close_session`) and reads the procedure profile of the dossier's
  criteria set: recognised when the stars are a level this level certifies (the province 3★/4★,
  the ministry 5★), proposed to the ministry when the result reaches the central threshold (90).
- `update_draft`: number, title, note, removing items: only while it is a draft.
- `change_decision_status`: the one transition (`DECISION_TRANSITIONS`). Approving is the
  approver's alone and publishes every item at once: each dossier moves through
  `change_dossier_status`, each producer is notified in-app, the result e-mails wait in the
  outbox for the office's review (`needs_review=True`, kind "results"), and the certificates of
  the recognised products are issued (`ocop.certificates`), all in one transaction.
- An approved decision is final: the services refuse, and the models refuse any other write
  (`FinalDecisionError`). `correct_decision` makes a new draft that `replaces` it.
- `recognise_from_central_result`: after the ministry scored a proposed product below 90, the
  province may recognise 3★/4★ from that result (Điều 7.4).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from ocop.accounts.enums import PRODUCER_ROLES
from ocop.accounts.models import Membership
from ocop.accounts.rules import access_for
from ocop.core.services.activity import log_action, snapshot
from ocop.core.text import nfc
from ocop.evaluation.enums import (
    DECISION_TRANSITIONS,
    DOSSIER_TRANSITIONS,
    DecisionStatus,
    DossierStatus,
    Level,
    SessionStatus,
)
from ocop.evaluation.models import Decision, DecisionItem, Dossier, Round, SessionDossier
from ocop.evaluation.queries.decisions import can_approve_decisions, can_draft_decisions
from ocop.evaluation.services.dossiers import change_dossier_status
from ocop.evaluation.services.notifications import notify
from ocop.evaluation.services.procedures import ProcedureProfile, profile_for
from ocop.evaluation.services.refusals import NotAllowed, WrongState

TITLE_MAX = 300
NUMBER_MAX = 60
NOTE_MAX = 5000
DRAFT_FIELDS = ("title", "number", "note")
RESULT_MAIL_KIND = "results"


# --- the procedure profile ------------------------------------------------------------------


def rules_for(dossier: Dossier) -> ProcedureProfile:
    """The procedure profile the dossier was lodged under (what each level certifies, the central
    threshold)."""
    return profile_for(dossier)


@dataclass(frozen=True)
class Outcome:
    recognised: bool
    proposed_central: bool
    forwarded: bool = False


def forward_level(rules: ProcedureProfile, level: str) -> str | None:
    """The level a result at `level` is sent up to under a three-level procedure (the district
    to the province under QĐ 1048 and 148); None where the profile forwards nothing from
    `level` (the proposal to the ministry is not a forward: it has its own threshold)."""
    if level not in rules.forward_threshold or level not in rules.chain:
        return None
    following = rules.next_level(level)
    if following is None or following == Level.CENTRAL:
        return None
    return following


def outcome_for(rules: ProcedureProfile, level: str, stars: int, mean_total: Decimal) -> Outcome:
    """Recognised at `level`, forwarded to the next level, proposed to the ministry, or none.

    Three-level procedures (QĐ 1048, 148): a district result that reaches the profile's forward
    threshold (1048: 50 points; 148: 70) and is above what the district certifies (1048: nothing;
    148: 3★) goes to the province, which evaluates it again. A result the level cannot certify
    but a central level can (5★ at the province) is proposed when its mean reaches the central
    threshold (90): the ministry decides it (Điều 7.3.e). A mean of 90 held to 4★ by a 5★
    requirement is a 4★ result, which the province certifies."""
    certified = rules.certified_at(level)
    threshold = rules.forward_threshold.get(level)
    forwards = (
        forward_level(rules, level) is not None
        and threshold is not None
        and mean_total >= threshold
        and stars >= 3
        and (not certified or stars > max(certified))
    )
    if forwards:
        return Outcome(recognised=False, proposed_central=False, forwarded=True)
    central_levels = rules.certified_at(Level.CENTRAL)
    proposes = (
        level != Level.CENTRAL
        and Level.CENTRAL in rules.evaluation_levels
        and stars not in certified
        and stars in central_levels
        and mean_total >= rules.central_threshold
    )
    return Outcome(recognised=stars >= 3 and stars in certified, proposed_central=proposes)


# --- helpers --------------------------------------------------------------------------------


def _require_office(actor: Any) -> None:
    if not can_draft_decisions(access_for(actor)):
        raise NotAllowed(_("Only the provincial OCOP office drafts decisions."))


def _refuse_final(decision: Decision) -> None:
    if decision.status == DecisionStatus.APPROVED:
        raise WrongState(
            _(
                "Decision %(decision)s is approved and final: a correction is a new decision "
                "that replaces it."
            )
            % {"decision": decision.number or decision.code}
        )


def _clean_text(data: Mapping[str, Any]) -> dict[str, str]:
    cleaned = {key: nfc(value or "") for key, value in data.items()}
    errors: dict[str, str] = {}
    if "title" in cleaned and not cleaned["title"]:
        errors["title"] = _("A decision needs a title.")
    limits = {"title": TITLE_MAX, "number": NUMBER_MAX, "note": NOTE_MAX}
    for key, limit in limits.items():
        if len(cleaned.get(key, "")) > limit:
            errors[key] = _("At most %(limit)s characters.") % {"limit": limit}
    if errors:
        raise ValidationError(errors)
    return cleaned


def _result_stars(agenda_item: SessionDossier) -> tuple[int, Decimal]:
    """The engine's stars and mean, as `close_session` stored them (never recomputed here)."""
    result = agenda_item.result or {}
    stars = int(result.get("stars", agenda_item.stars or 0))
    mean = result.get("mean_total")
    mean_total = Decimal(str(mean)) if mean is not None else Decimal(agenda_item.mean_total or 0)
    return stars, mean_total.quantize(Decimal("0.01"))


def scored_items_waiting(round_: Round) -> list[SessionDossier]:
    """The latest closed agenda item of each scored dossier of the round that is in no decision."""
    items = (
        SessionDossier.objects.filter(
            session__round=round_,
            session__status=SessionStatus.CLOSED,
            result__isnull=False,
            dossier__status=DossierStatus.SCORED,
        )
        .exclude(decision_items__isnull=False)
        .select_related("dossier__criteria_set", "session")
        .order_by("-session__closed_at", "-session__held_on", "-pk")
    )
    latest: dict[int, SessionDossier] = {}
    for item in items:
        latest.setdefault(item.dossier_id, item)
    return list(latest.values())


def _create(
    *,
    actor: Any,
    round_: Round,
    level: str,
    data: Mapping[str, str],
    rows: list[DecisionItem],
    replaces: Decision | None = None,
) -> Decision:
    decision = Decision.objects.create(
        round=round_,
        level=level,
        title=data["title"],
        number=data.get("number", ""),
        note=data.get("note", ""),
        replaces=replaces,
        drafted_by=actor,
    )
    for row in rows:
        row.decision = decision
    DecisionItem.objects.bulk_create(rows)
    return decision


def _item_log(rows: Iterable[DecisionItem]) -> list[dict[str, Any]]:
    return [
        {
            "dossier": row.dossier.code,
            "stars": row.stars,
            "mean_total": str(row.mean_total),
            "recognised": row.recognised,
            "proposed_central": row.proposed_central,
            "forwarded": row.forwarded,
        }
        for row in rows
    ]


# --- drafting -------------------------------------------------------------------------------


@transaction.atomic
def draft_decision(
    *, actor: Any, round: Round, title: str, number: str = "", note: str = ""
) -> Decision:
    """A draft decision of the round with every scored dossier that is in no decision yet."""
    _require_office(actor)
    data = _clean_text({"title": title, "number": number, "note": note})
    waiting = scored_items_waiting(round)
    if not waiting:
        raise ValidationError(
            {
                "round": _("No scored dossier of round %(round)s is waiting for a decision.")
                % {"round": round.name}
            }
        )
    rows: list[DecisionItem] = []
    for agenda_item in waiting:
        stars, mean_total = _result_stars(agenda_item)
        outcome = outcome_for(rules_for(agenda_item.dossier), round.level, stars, mean_total)
        rows.append(
            DecisionItem(
                dossier=agenda_item.dossier,
                agenda_item=agenda_item,
                recognised=outcome.recognised,
                proposed_central=outcome.proposed_central,
                forwarded=outcome.forwarded,
                stars=stars,
                mean_total=mean_total,
            )
        )
    decision = _create(actor=actor, round_=round, level=round.level, data=data, rows=rows)
    log_action(
        actor,
        "evaluation.decision.draft",
        decision,
        new=snapshot(decision, ("round", "level", *DRAFT_FIELDS)),
        data={"items": _item_log(rows)},
    )
    return decision


def central_items_waiting() -> list[SessionDossier]:
    """Central results the ministry did not recognise that the province may still recognise:
    the dossier is still scored, its central agenda item is in an approved central decision as
    not recognised, and in no provincial decision yet."""
    items = (
        SessionDossier.objects.filter(
            session__round__level=Level.CENTRAL,
            session__status=SessionStatus.CLOSED,
            result__isnull=False,
            dossier__status=DossierStatus.SCORED,
            decision_items__decision__level=Level.CENTRAL,
            decision_items__decision__status=DecisionStatus.APPROVED,
            decision_items__recognised=False,
        )
        .exclude(decision_items__decision__level=Level.PROVINCE)
        .select_related("dossier__criteria_set", "session")
        .order_by("-session__closed_at", "-pk")
        .distinct()
    )
    latest: dict[int, SessionDossier] = {}
    for item in items:
        latest.setdefault(item.dossier_id, item)
    return list(latest.values())


@transaction.atomic
def recognise_from_central_result(
    *, actor: Any, round: Round, title: str, number: str = "", note: str = ""
) -> Decision:
    """A provincial draft decision recognising 3★/4★ from the ministry's result (Điều 7.4: "Chủ
    tịch UBND cấp tỉnh có thể căn cứ vào kết quả đánh giá của Hội đồng cấp trung ương…"). The
    stars and mean are the central council's; only levels the province certifies are recognised."""
    _require_office(actor)
    if round.level != Level.PROVINCE:
        raise ValidationError({"round": _("Choose a round of the provincial level.")})
    data = _clean_text({"title": title, "number": number, "note": note})
    rows: list[DecisionItem] = []
    for agenda_item in central_items_waiting():
        stars, mean_total = _result_stars(agenda_item)
        rules = rules_for(agenda_item.dossier)
        recognised = stars >= 3 and stars in rules.certified_at(Level.PROVINCE)
        rows.append(
            DecisionItem(
                dossier=agenda_item.dossier,
                agenda_item=agenda_item,
                recognised=recognised,
                proposed_central=False,
                stars=stars,
                mean_total=mean_total,
            )
        )
    if not rows:
        raise ValidationError(
            {"round": _("No result of the ministry is waiting for the province's decision.")}
        )
    decision = _create(actor=actor, round_=round, level=Level.PROVINCE, data=data, rows=rows)
    log_action(
        actor,
        "evaluation.decision.draft_from_central",
        decision,
        new=snapshot(decision, ("round", "level", *DRAFT_FIELDS)),
        data={"items": _item_log(rows)},
    )
    return decision


@transaction.atomic
def update_draft(
    *,
    actor: Any,
    decision: Decision,
    data: Mapping[str, Any] | None = None,
    remove: Iterable[str] = (),
) -> Decision:
    """Change a draft's number, title or note (the keys given in `data`) and remove items by
    their dossier codes. An approved decision is refused."""
    _require_office(actor)
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    _refuse_final(decision)
    changes = _clean_text({k: v for k, v in (data or {}).items() if k in DRAFT_FIELDS})
    codes = sorted({nfc(code) for code in remove if code})
    removed: list[DecisionItem] = []
    if codes:
        removed = list(decision.items.select_related("dossier").filter(dossier__code__in=codes))
        unknown = sorted(set(codes) - {item.dossier.code for item in removed})
        if unknown:
            raise ValidationError(
                {
                    "remove": _("These dossiers are not in the decision: %(codes)s.")
                    % {"codes": ", ".join(unknown)}
                }
            )
    old = snapshot(decision, DRAFT_FIELDS)
    for key, value in changes.items():
        setattr(decision, key, value)
    if changes:
        decision.save(update_fields=[*changes, "updated_at"])
    if removed:
        DecisionItem.objects.filter(pk__in=[item.pk for item in removed]).delete()
    log_action(
        actor,
        "evaluation.decision.update",
        decision,
        old=old,
        new=snapshot(decision, DRAFT_FIELDS),
        data={"removed": [item.dossier.code for item in removed]} if removed else None,
    )
    return decision


# --- the transition -------------------------------------------------------------------------


def _target(
    decision: Decision, item: DecisionItem, rules: ProcedureProfile
) -> tuple[str | None, str]:
    """The dossier status (and level) an approved item publishes; None leaves the dossier as it
    is (a central result the province may still recognise from)."""
    if item.recognised:
        return DossierStatus.RECOGNISED, decision.level
    if item.forwarded:
        following = forward_level(rules, decision.level)
        if following is not None:
            return DossierStatus.FORWARDED, following
    if item.proposed_central:
        return DossierStatus.PROPOSED_CENTRAL, Level.CENTRAL
    if decision.level == Level.CENTRAL and (item.stars or 0) in rules.certified_at(Level.PROVINCE):
        return None, decision.level
    return DossierStatus.NOT_RECOGNISED, decision.level


def _mean_text(value: Decimal) -> str:
    return number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)


def outcome_text(item: DecisionItem) -> str:
    """The result in words, for the dossier's timeline and the producer's notice."""
    values = {"stars": item.stars or 0, "mean": _mean_text(item.mean_total)}
    if item.recognised:
        return _("recognised as a %(stars)s★ OCOP product (mean score %(mean)s)") % values
    if item.forwarded:
        return _("forwarded to the provincial council (%(stars)s★, mean score %(mean)s)") % values
    if item.proposed_central:
        return _("proposed to the ministry for 5★ evaluation (mean score %(mean)s)") % values
    return _("not recognised (%(stars)s★, mean score %(mean)s)") % values


def _producer_users(dossiers: list[Dossier]) -> dict[int, list[Any]]:
    """organisation id → the producer's owner and staff (one query)."""
    org_ids = {dossier.producer.organisation_id for dossier in dossiers}
    users: dict[int, list[Any]] = {}
    memberships = Membership.objects.filter(
        organisation_id__in=org_ids,
        organisation__is_active=True,
        role__in=PRODUCER_ROLES,
        user__is_active=True,
    ).select_related("user")
    for membership in memberships.order_by("user_id"):
        users.setdefault(membership.organisation_id, []).append(membership.user)
    return users


def _publish(actor: Any, decision: Decision, reason: str) -> None:
    items = list(
        decision.items.select_related(
            "dossier__product", "dossier__producer", "dossier__criteria_set"
        ).order_by("-mean_total", "pk")
    )
    signed = date_format(decision.signed_on, "SHORT_DATE_FORMAT") if decision.signed_on else ""
    recipients = _producer_users([item.dossier for item in items])
    for item in items:
        dossier = item.dossier
        target, level = _target(decision, item, rules_for(dossier))
        text = outcome_text(item)
        step = _("Decision %(number)s of %(date)s: %(outcome)s.") % {
            "number": decision.number,
            "date": signed,
            "outcome": text,
        }
        if reason:
            step = f"{step} {reason}"
        if target is not None and target in DOSSIER_TRANSITIONS.get(dossier.status, ()):
            # In-app notice only: the result e-mail below, reviewed by the office, is the
            # one e-mail the producer gets about the decision.
            change_dossier_status(
                actor=actor, dossier=dossier, to=target, reason=step, level=level, email=False
            )
        url = reverse("evaluation:dossier_result", kwargs={"code": dossier.code})
        notify(
            recipients.get(dossier.producer.organisation_id, []),
            _("The result of dossier %(dossier)s (%(product)s) is published: %(outcome)s.")
            % {"dossier": dossier.code, "product": dossier.product.name, "outcome": text},
            url=url,
            subject=_("OCOP evaluation result: %(product)s") % {"product": dossier.product.name},
            email=True,
            needs_review=True,
            kind=RESULT_MAIL_KIND,
        )


@transaction.atomic
def change_decision_status(
    *,
    actor: Any,
    decision: Decision,
    to: str,
    reason: str = "",
    signed_on: dt.date | None = None,
) -> Decision:
    """The one way a decision's status changes. DRAFT → APPROVED by an approver only: every
    item is published at once (dossier statuses, notices, result mails for review)."""
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    allowed = DECISION_TRANSITIONS.get(decision.status, frozenset())
    if to not in allowed:
        _refuse_final(decision)
        raise ValidationError(
            {
                "status": _("A decision cannot go from “%(old)s” to “%(new)s”.")
                % {"old": decision.get_status_display(), "new": to}
            }
        )
    if to == DecisionStatus.APPROVED:
        if not can_approve_decisions(access_for(actor)):
            raise NotAllowed(_("Only an approver may approve a decision."))
        if not decision.number:
            raise ValidationError(
                {"number": _("Give the decision its number before it is approved.")}
            )
        if not decision.items.exists():
            raise WrongState(_("The decision has no items to approve."))
        replaced = decision.replaces
        if replaced is not None and replaced.status != DecisionStatus.APPROVED:
            raise WrongState(_("Only an approved decision can be corrected."))
    old = snapshot(decision, ("status", "signed_on", "approved_by"))
    decision.status = to
    decision.signed_on = signed_on or timezone.localdate()
    decision.approved_by = actor
    decision.approved_at = timezone.now()
    decision.save(update_fields=["status", "signed_on", "approved_by", "approved_at", "updated_at"])
    reason = nfc(reason or "")
    _publish(actor, decision, reason)
    # The certificates of the recognised products (3★ and up), in the same transaction: a
    # decision is never approved without them (ocop.certificates; idempotent).
    from ocop.certificates.services.certificates import issue_certificates_for_decision

    issue_certificates_for_decision(actor=actor, decision=decision)
    log_action(
        actor,
        "evaluation.decision.approve",
        decision,
        old=old,
        new=snapshot(decision, ("status", "signed_on", "approved_by")),
        data={"reason": reason} if reason else None,
    )
    return decision


# --- corrections ----------------------------------------------------------------------------


@transaction.atomic
def correct_decision(
    *,
    actor: Any,
    decision: Decision,
    reason: str,
    changes: Mapping[str, Mapping[str, Any]] | None = None,
    remove: Iterable[str] = (),
    title: str = "",
    number: str = "",
    note: str = "",
) -> Decision:
    """A new draft that replaces the approved `decision` (which stays as it is).

    It copies the items, drops those in `remove` (dossier codes) and applies `changes`
    (`{dossier code: {"stars": n}}`: recognition follows from the stars and the profile; the mean
    score is the council's and cannot change). Approving it publishes it as usual."""
    _require_office(actor)
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.status != DecisionStatus.APPROVED:
        raise WrongState(_("Only an approved decision is corrected; a draft is simply changed."))
    existing = decision.replaced_by.first()
    if existing is not None:
        raise WrongState(
            _("Decision %(decision)s already has a correction (%(correction)s): correct that one.")
            % {
                "decision": decision.number or decision.code,
                "correction": existing.number or existing.code,
            }
        )
    reason = nfc(reason or "")
    if not reason:
        raise ValidationError({"reason": _("Say why the decision is corrected.")})
    data = _clean_text(
        {
            "title": title or decision.title,
            "number": number,
            "note": note or reason,
        }
    )
    changes = dict(changes or {})
    remove_codes = {nfc(code) for code in remove if code}
    originals = list(
        decision.items.select_related("dossier__criteria_set", "agenda_item").order_by("pk")
    )
    known = {item.dossier.code for item in originals}
    unknown = sorted((set(changes) | remove_codes) - known)
    if unknown:
        raise ValidationError(
            {
                "changes": _("These dossiers are not in the decision: %(codes)s.")
                % {"codes": ", ".join(unknown)}
            }
        )
    rows: list[DecisionItem] = []
    for item in originals:
        code = item.dossier.code
        if code in remove_codes:
            continue
        stars = item.stars
        recognised, proposed = item.recognised, item.proposed_central
        forwarded = item.forwarded
        change = changes.get(code) or {}
        if "stars" in change:
            try:
                stars = int(change["stars"])
            except (TypeError, ValueError):
                stars = -1
            if not 0 <= stars <= 5:
                raise ValidationError(
                    {f"changes.{code}.stars": _("Stars are a whole number from 0 to 5.")}
                )
            outcome = outcome_for(rules_for(item.dossier), decision.level, stars, item.mean_total)
            recognised, proposed = outcome.recognised, outcome.proposed_central
            forwarded = outcome.forwarded
        rows.append(
            DecisionItem(
                dossier=item.dossier,
                agenda_item=item.agenda_item,
                recognised=recognised,
                proposed_central=proposed,
                forwarded=forwarded,
                stars=stars,
                mean_total=item.mean_total,
            )
        )
    if not rows:
        raise ValidationError(_("A correction keeps at least one item."))
    correction = _create(
        actor=actor,
        round_=decision.round,
        level=decision.level,
        data=data,
        rows=rows,
        replaces=decision,
    )
    log_action(
        actor,
        "evaluation.decision.correct",
        correction,
        new=snapshot(correction, ("round", "level", "replaces", *DRAFT_FIELDS)),
        data={"reason": reason, "removed": sorted(remove_codes), "items": _item_log(rows)},
    )
    return correction
