"""Council sessions: the agenda, attendance, conflict-of-interest declarations, the members'
independent sheets, discussion rounds and the close that stores the engine's result.

The rules (docs/developer/evaluation.md, "Councils, sessions and scoring"):

- every scoring member (chair, members; the secretary does not score) declares for each agenda
  item whether they are tied to the producer before they can open its sheet; a member who
  declares a conflict cannot score it;
- a sheet is saved as a draft as often as wanted (each save is a new ScoreSheetVersion), then
  submitted (complete, checked by the engine, the total computed by `score_sheet`); a submitted
  sheet only changes when the chair reopens it in a discussion round;
- when every present member without a conflict has submitted and the spread of the totals is
  above the threshold, the item is flagged and the chair is notified;
- the chair closes the session: quorum, every item fully scored, no discussion open, flagged
  items discussed; then each item's result is `combine_sheets` of its sheets, the dossier is
  scored and the criteria set locked, all in one transaction.

Locks are taken in one order, session → agenda item → sheet, so that concurrent saves,
submissions and the close never deadlock and never lose a write. Refusals are `NotAllowed`
(403) or `WrongState` (409) from `services.refusals`; bad input a plain ValidationError (422).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.core.services.activity import log_action, snapshot
from ocop.core.text import nfc
from ocop.criteria.engine.errors import ScoringError
from ocop.criteria.engine.scoring import (
    CouncilResult,
    SheetResult,
    combine_sheets,
    result_to_dict,
    score_sheet,
)
from ocop.criteria.engine.types import Policy, ScorecardSpec
from ocop.criteria.queries.specs import load_scorecard_spec, policy_for
from ocop.criteria.services.sets import lock_criteria_set
from ocop.evaluation.enums import (
    SESSION_TRANSITIONS,
    SHEET_TRANSITIONS,
    CouncilRole,
    DossierStatus,
    RoundStatus,
    SessionSource,
    SessionStatus,
    SheetStatus,
)
from ocop.evaluation.models import (
    ConflictDeclaration,
    Council,
    CouncilMember,
    DiscussionRound,
    Dossier,
    Round,
    ScoreSheet,
    ScoreSheetVersion,
    Session,
    SessionDossier,
)
from ocop.evaluation.queries.councils import node_within
from ocop.evaluation.queries.prediction import exact, json_points
from ocop.evaluation.queries.sessions import (
    ItemProgress,
    Spread,
    item_progress,
    seat_of,
    session_progress,
    spread_of,
    threshold_for,
)
from ocop.evaluation.services.dossiers import change_dossier_status
from ocop.evaluation.services.notifications import notify
from ocop.evaluation.services.refusals import NotAllowed, WrongState, require_office
from ocop.evaluation.services.self_assessment import _clean_choices, _clean_comments

__all__ = [
    "add_to_agenda",
    "change_session_status",
    "change_sheet_status",
    "close_session",
    "council_result",
    "create_session",
    "declare_conflict",
    "open_discussion_round",
    "policy_for_item",
    "record_attendance",
    "record_dossier_knockouts",
    "save_sheet",
    "spread_of",
    "submit_sheet",
]

NOTE_MAX = 2000
SESSION_FIELDS = ("council", "round", "held_on", "place", "status")
SHEET_VERBS: dict[str, str] = {SheetStatus.SUBMITTED: "submit", SheetStatus.REOPENED: "reopen"}


# --- the dossier's transition ---------------------------------------------------------------


def _move_dossier(*, actor: Any, dossier: Dossier, to: str, reason: str, level: str) -> Dossier:
    """Through the dossiers' one transition function (DossierEvent, log, notices)."""
    return change_dossier_status(actor=actor, dossier=dossier, to=to, reason=reason, level=level)


# --- locks and checks -----------------------------------------------------------------------


def _status_label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _lock_session(session: Session) -> Session:
    """Lock the session row until the transaction ends and read its status as stored."""
    locked = Session.objects.select_for_update().get(pk=session.pk)
    session.status = locked.status
    session.closed_at = locked.closed_at
    return session


def _lock_open_session(session: Session) -> Session:
    _lock_session(session)
    if session.status != SessionStatus.OPEN:
        raise WrongState(
            _("Session %(code)s is closed: nothing in it can change any more.")
            % {"code": session.code}
        )
    return session


def _lock_item(item: SessionDossier) -> SessionDossier:
    locked = SessionDossier.objects.select_for_update().get(pk=item.pk)
    item.flagged_for_discussion = locked.flagged_for_discussion
    item.dossier_knockouts = locked.dossier_knockouts
    return item


def _scoring_seat(actor: Any, item: SessionDossier) -> CouncilMember:
    """The actor's seat if they may score on this council: refused otherwise."""
    if item.session.source == SessionSource.ARCHIVE:
        raise WrongState(
            _(
                "Session %(code)s holds results transcribed from archived minutes: nobody scores "
                "in it."
            )
            % {"code": item.session.code}
        )
    council = item.session.council
    seat = seat_of(actor, council)
    if seat is None:
        raise NotAllowed(
            _("You are not a member of %(council)s, the council of this session.")
            % {"council": council.name}
        )
    if seat.role == CouncilRole.SECRETARY:
        raise NotAllowed(_("The secretary keeps the minutes and does not score."))
    return seat


def _require_declared(seat: CouncilMember, item: SessionDossier) -> ConflictDeclaration:
    declaration = ConflictDeclaration.objects.filter(item=item, member=seat).first()
    code = item.dossier.code
    if declaration is None:
        raise WrongState(
            _(
                "Declare first whether you have a conflict of interest with dossier %(code)s: "
                "its sheet opens after the declaration."
            )
            % {"code": code}
        )
    if declaration.has_conflict:
        raise NotAllowed(
            _("You declared a conflict of interest with dossier %(code)s: you cannot score it.")
            % {"code": code}
        )
    return declaration


def _require_present(seat: CouncilMember, session: Session) -> None:
    if not session.present.filter(pk=seat.pk).exists():
        raise NotAllowed(
            _(
                "You are not recorded as present at session %(code)s: the secretary records "
                "the attendance before the members submit."
            )
            % {"code": session.code}
        )


def _url(item: SessionDossier) -> str:
    return reverse(
        "evaluation:session_item", kwargs={"code": item.session.code, "dossier": item.dossier.code}
    )


def _session_url(session: Session) -> str:
    return reverse("evaluation:session", kwargs={"code": session.code})


def _username(seat: CouncilMember) -> str:
    return str(seat.user.username)


# --- sessions and the agenda ----------------------------------------------------------------


@transaction.atomic
def create_session(
    *,
    actor: Any,
    council: Council,
    round: Round,
    held_on: dt.date,
    place: str = "",
) -> Session:
    """A meeting of `council` in `round` (same level; the round not closed)."""
    require_office(actor)
    errors: dict[str, list[str]] = {}
    if not council.is_active:
        errors["council"] = [_("The council is no longer active.")]
    if round.status == RoundStatus.CLOSED:
        errors["round"] = [_("The round is closed.")]
    elif round.level != council.level:
        errors["round"] = [
            _("The round is at the %(round)s, the council at the %(council)s.")
            % {"round": round.get_level_display(), "council": council.get_level_display()}
        ]
    if not isinstance(held_on, dt.date):
        errors["held_on"] = [_("Enter the date of the meeting.")]
    if errors:
        raise ValidationError(errors)
    session = Session(council=council, round=round, held_on=held_on, place=nfc(place).strip())
    session.save()
    log_action(actor, "evaluation.session.create", session, new=snapshot(session, SESSION_FIELDS))
    return session


@transaction.atomic
def add_to_agenda(*, actor: Any, session: Session, dossier: Dossier) -> SessionDossier:
    """Put a dossier accepted for the session's round on the agenda (within the council's
    product groups, when it has some); the dossier is then being scored (IN_SESSION). The
    members are asked to declare any conflict of interest before scoring it."""
    require_office(actor)
    _lock_open_session(session)
    dossier = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("product__classification")
        .get(pk=dossier.pk)
    )
    if dossier.status != DossierStatus.ACCEPTED:
        raise WrongState(
            _(
                "Dossier %(code)s is “%(status)s”: only a dossier accepted for the round can be "
                "put on the agenda."
            )
            % {"code": dossier.code, "status": dossier.get_status_display()}
        )
    if dossier.round_id != session.round_id:
        raise ValidationError(
            {
                "dossier": _("Dossier %(code)s was not accepted for the round of this session.")
                % {"code": dossier.code}
            }
        )
    council = session.council
    groups = list(council.product_groups.all())
    node = dossier.product.classification
    if groups and (node is None or not node_within(node, groups)):
        raise ValidationError(
            {
                "dossier": _(
                    "Dossier %(code)s is not in the product groups of %(council)s (%(groups)s)."
                )
                % {
                    "code": dossier.code,
                    "council": council.name,
                    "groups": ", ".join(group.code for group in groups),
                }
            }
        )
    position = (session.agenda.aggregate(top=Max("position"))["top"] or 0) + 1
    item = SessionDossier.objects.create(session=session, dossier=dossier, position=position)
    _move_dossier(
        actor=actor,
        dossier=dossier,
        to=DossierStatus.IN_SESSION,
        reason=_("On the agenda of session %(code)s.") % {"code": session.code},
        level=council.level,
    )
    log_action(
        actor,
        "evaluation.session.agenda_add",
        session,
        data={"dossier": dossier.code, "position": position},
    )
    scorers = CouncilMember.objects.filter(
        council=council, is_active=True, role__in=[CouncilRole.CHAIR, CouncilRole.MEMBER]
    ).select_related("user")
    notify(
        [seat.user for seat in scorers],
        _(
            "Dossier %(code)s (%(product)s) is on the agenda of session %(session)s: declare "
            "whether you have a conflict of interest before scoring it."
        )
        % {"code": dossier.code, "product": dossier.product.name, "session": session.code},
        url=reverse(
            "evaluation:session_item", kwargs={"code": session.code, "dossier": dossier.code}
        ),
    )
    return item


@transaction.atomic
def record_attendance(
    *, actor: Any, session: Session, present_members: Iterable[CouncilMember]
) -> Session:
    """Record who is present (replacing the list): the secretary, the chair or the office. A
    member who has submitted a sheet in the session cannot be marked absent."""
    _lock_open_session(session)
    council = session.council
    seat = seat_of(actor, council)
    may = (seat is not None and seat.role in (CouncilRole.CHAIR, CouncilRole.SECRETARY)) or (
        _is_office(actor)
    )
    if not may:
        raise NotAllowed(_("The secretary or the chair records the attendance."))
    chosen = list(dict.fromkeys(present_members))
    wrong = [m for m in chosen if m.council_id != council.pk or not m.is_active]
    if wrong:
        raise ValidationError(
            {"present": _("Only the council's active members can be recorded as present.")}
        )
    old = {m.pk: m for m in session.present.select_related("user")}
    new_ids = {m.pk for m in chosen}
    leaving = [m for pk, m in old.items() if pk not in new_ids]
    if leaving:
        scored = (
            ScoreSheet.objects.filter(
                item__session=session,
                member__in=leaving,
                status__in=[SheetStatus.SUBMITTED, SheetStatus.REOPENED],
            )
            .select_related("member__user")
            .order_by("member__user__username")
        )
        names = sorted({sheet.member.user.get_full_name() for sheet in scored})
        if names:
            raise WrongState(
                _("%(names)s already submitted sheets in this session and cannot be marked absent.")
                % {"names": ", ".join(names)}
            )
    session.present.set(chosen)
    log_action(
        actor,
        "evaluation.session.attendance",
        session,
        old={"present": sorted(_username(m) for m in old.values())},
        new={"present": sorted(_username(m) for m in chosen)},
    )
    for progress in session_progress(session).items:
        _refresh_flag(actor, progress)
    return session


def _is_office(actor: Any) -> bool:
    try:
        require_office(actor)
    except NotAllowed:
        return False
    return True


@transaction.atomic
def declare_conflict(
    *, actor: Any, item: SessionDossier, has_conflict: bool, note: str = ""
) -> ConflictDeclaration:
    """The member's declaration for one agenda item: tied to the producer (a conflict of
    interest: they cannot score it) or not. It may change until the member submits a sheet."""
    _lock_open_session(item.session)
    _lock_item(item)
    seat = _scoring_seat(actor, item)
    note = nfc(note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError(
            {"note": _("The note is longer than %(count)s characters.") % {"count": NOTE_MAX}}
        )
    if has_conflict and not note:
        raise ValidationError({"note": _("Say briefly how you are tied to the producer.")})
    declaration = (
        ConflictDeclaration.objects.select_for_update().filter(item=item, member=seat).first()
    )
    scored = ScoreSheet.objects.filter(
        item=item, member=seat, status__in=[SheetStatus.SUBMITTED, SheetStatus.REOPENED]
    ).exists()
    if declaration is not None and scored:
        raise WrongState(
            _(
                "You have submitted your sheet for dossier %(code)s: your declaration can no "
                "longer change."
            )
            % {"code": item.dossier.code}
        )
    old = None
    if declaration is None:
        declaration = ConflictDeclaration(item=item, member=seat)
    else:
        old = {"has_conflict": declaration.has_conflict, "note": declaration.note}
    declaration.has_conflict = bool(has_conflict)
    declaration.note = note
    declaration.save()
    log_action(
        actor,
        "evaluation.session.declare",
        item.session,
        old=old,
        new={"has_conflict": declaration.has_conflict, "note": note},
        data={"dossier": item.dossier.code, "member": _username(seat)},
    )
    _refresh_flag(actor, item_progress(item))
    return declaration


# --- sheets ---------------------------------------------------------------------------------


def _spec(item: SessionDossier) -> ScorecardSpec:
    dossier = item.dossier
    return load_scorecard_spec(dossier.criteria_set.code, dossier.scorecard.number)


def policy_for_item(item: SessionDossier) -> Policy:
    """The criteria set's policy with the discussion threshold the council uses."""
    policy = policy_for(item.dossier.criteria_set)
    return dataclasses.replace(policy, spread_threshold=threshold_for(item))


def _validation_error(exc: ScoringError) -> ValidationError:
    errors: dict[str, list[str]] = {}
    for issue in exc.issues:
        errors.setdefault(issue.field or "selections", []).append(issue.message)
    return ValidationError(errors)


def _clean_knockouts(spec: ScorecardSpec, knockouts: Any) -> list[str]:
    if knockouts is None:
        return []
    if isinstance(knockouts, str) or not isinstance(knockouts, Sequence | set | frozenset):
        raise ValidationError({"knockouts": _("The stop rules must be a list of codes.")})
    cleaned = [str(code) for code in knockouts]
    order = {ko.code: index for index, ko in enumerate(spec.knockouts)}
    return sorted(dict.fromkeys(cleaned), key=lambda code: order.get(code, len(order)))


def _check_partial(
    spec: ScorecardSpec,
    selections: Mapping[str, Any],
    knockouts: list[str],
    has_story: bool,
) -> dict[str, Decimal]:
    """A draft's answers, each checked by the engine (an option's points, a known criterion,
    known stop rules): the sheet completed with 0 for the criteria not answered yet is scored.
    Returns the answers kept (the conditional criteria dropped without a product story)."""
    if not isinstance(selections, Mapping):
        raise ValidationError({"selections": _("The answers must map criteria to points.")})
    skipped = {c.code for c in spec.criteria if c.conditional and not has_story}
    given = {str(code): exact(value) for code, value in selections.items() if code not in skipped}
    complete = dict(given)
    for criterion in spec.criteria:
        if criterion.code not in given and not criterion.conditional:
            complete[criterion.code] = Decimal(0)
    try:
        result = score_sheet(spec, complete, knockouts=knockouts)
    except ScoringError as exc:
        raise _validation_error(exc) from None
    return {c.code: result.points[c.code] for c in spec.criteria if c.code in given}


def _score_complete(spec: ScorecardSpec, sheet: ScoreSheet, member: str) -> SheetResult:
    """The submitted sheet scored by the engine: every criterion answered (the conditional
    ones too when the product has a story), unless the member recorded a stop rule."""
    selections = {str(code): exact(value) for code, value in sheet.selections.items()}
    knockouts = tuple(sheet.knockouts)
    errors: dict[str, list[str]] = {}
    if sheet.has_story and not knockouts:
        for criterion in spec.criteria:
            if criterion.conditional and criterion.code not in selections:
                errors[f"selections.{criterion.code}"] = [
                    _("Criterion %(criterion)s is missing from the sheet.")
                    % {"criterion": criterion.code}
                ]
    try:
        result = score_sheet(spec, selections, knockouts=knockouts, member=member)
    except ScoringError as exc:
        for key, messages in _validation_error(exc).message_dict.items():
            errors.setdefault(key, []).extend(messages)
        result = None
    if errors or result is None:
        raise ValidationError(errors)
    return result


def _lock_sheet(item: SessionDossier, seat: CouncilMember, *, create: bool) -> ScoreSheet | None:
    if create:
        ScoreSheet.objects.get_or_create(item=item, member=seat)
    return (
        ScoreSheet.objects.select_for_update(of=("self",))
        .filter(item=item, member=seat)
        .select_related("member__user")
        .first()
    )


def _append_version(
    sheet: ScoreSheet, discussion: DiscussionRound | None, *, with_total: bool
) -> ScoreSheetVersion:
    """A new version of the sheet as it stands. A draft save records no total (the total is
    the engine's on a submission; a reopening records the total being reopened)."""
    return ScoreSheetVersion.objects.create(
        sheet=sheet,
        version=sheet.version,
        status=sheet.status,
        selections=sheet.selections,
        comments=sheet.comments,
        knockouts=sheet.knockouts,
        has_story=sheet.has_story,
        choices=sheet.choices,
        total=sheet.total if with_total else None,
        discussion=discussion,
    )


def _open_discussion(item: SessionDossier) -> DiscussionRound | None:
    return DiscussionRound.objects.filter(item=item, closed_at__isnull=True).first()


def _submitted_refusal(item: SessionDossier) -> WrongState:
    return WrongState(
        _(
            "Your sheet for dossier %(code)s is submitted: it changes only when the chair "
            "reopens it in a discussion round."
        )
        % {"code": item.dossier.code}
    )


@transaction.atomic
def save_sheet(
    *,
    actor: Any,
    item: SessionDossier,
    selections: Mapping[str, Any],
    comments: Mapping[str, Any] | None = None,
    knockouts: Any = (),
    has_story: bool = True,
    choices: Mapping[str, Any] | None = None,
) -> ScoreSheet:
    """Save the member's draft (autosave): the answers given so far, each checked by the
    engine; comments per criterion; stop rules. A new version each time something changed.
    Refused once the sheet is submitted (until a discussion round reopens it), for the
    secretary, for a member of another council, before the declaration or after declaring a
    conflict, and in a closed session."""
    session = _lock_open_session(item.session)
    _lock_item(item)
    seat = _scoring_seat(actor, item)
    _require_declared(seat, item)
    spec = _spec(item)
    cleaned_knockouts = _clean_knockouts(spec, knockouts)
    kept = _check_partial(spec, selections, cleaned_knockouts, bool(has_story))
    cleaned_comments = _clean_comments(spec, comments or {})
    cleaned_choices = _clean_choices(spec, choices or {}, kept)
    sheet = _lock_sheet(item, seat, create=True)
    assert sheet is not None
    if sheet.status not in (SheetStatus.DRAFT, SheetStatus.REOPENED):
        raise _submitted_refusal(item)
    new_values = {
        "selections": {code: json_points(value) for code, value in kept.items()},
        "comments": cleaned_comments,
        "knockouts": cleaned_knockouts,
        "has_story": bool(has_story),
        "choices": cleaned_choices,
    }
    unchanged = sheet.version > 0 and all(
        getattr(sheet, name) == value for name, value in new_values.items()
    )
    if unchanged:
        return sheet
    for name, value in new_values.items():
        setattr(sheet, name, value)
    sheet.version += 1
    sheet.save()
    discussion = _open_discussion(item) if sheet.status == SheetStatus.REOPENED else None
    _append_version(sheet, discussion, with_total=False)
    log_action(
        actor,
        "evaluation.sheet.save",
        session,
        data={
            "dossier": item.dossier.code,
            "member": _username(seat),
            "version": sheet.version,
            "answered": len(kept),
        },
    )
    return sheet


@transaction.atomic
def change_sheet_status(
    *, actor: Any, sheet: ScoreSheet, to: str, discussion: DiscussionRound | None = None
) -> ScoreSheet:
    """The one way through SHEET_TRANSITIONS (draft → submitted ⇄ reopened). Every change is
    a new version; the caller has set the total of a submission."""
    current = (
        ScoreSheet.objects.select_for_update().values_list("status", flat=True).get(pk=sheet.pk)
    )
    if to not in SHEET_TRANSITIONS.get(current, frozenset()):
        raise WrongState(
            _("A sheet cannot go from “%(old)s” to “%(new)s”.")
            % {
                "old": _status_label(SheetStatus, current),
                "new": _status_label(SheetStatus, to),
            }
        )
    sheet.status = to
    sheet.version += 1
    sheet.save(update_fields=["status", "version", "total", "submitted_at", "updated_at"])
    _append_version(sheet, discussion, with_total=True)
    item = sheet.item
    log_action(
        actor,
        f"evaluation.sheet.{SHEET_VERBS[to]}",
        item.session,
        old={"status": current},
        new={"status": to},
        data={
            "dossier": item.dossier.code,
            "member": sheet.member.user.username,
            "version": sheet.version,
            "total": sheet.total,
            "discussion": discussion.number if discussion is not None else None,
        },
    )
    return sheet


@transaction.atomic
def submit_sheet(*, actor: Any, item: SessionDossier) -> ScoreSheet:
    """Submit the member's saved sheet: complete and checked by the engine, its total computed
    by `score_sheet`. Two members submitting at the same moment are serialised on the item's
    row, so both submissions are kept and the spread check sees both; a double submission is
    refused (the sheet is no longer a draft)."""
    session = _lock_open_session(item.session)
    _lock_item(item)
    seat = _scoring_seat(actor, item)
    _require_declared(seat, item)
    _require_present(seat, session)
    sheet = _lock_sheet(item, seat, create=False)
    spec = _spec(item)
    if sheet is None:  # nothing saved yet: the errors list every criterion
        _score_complete(spec, ScoreSheet(item=item, member=seat), _username(seat))
        raise WrongState(_("Fill in the sheet before submitting it."))
    if sheet.status not in (SheetStatus.DRAFT, SheetStatus.REOPENED):
        raise _submitted_refusal(item)
    result = _score_complete(spec, sheet, _username(seat))
    reopened = sheet.status == SheetStatus.REOPENED
    discussion = _open_discussion(item) if reopened else None
    sheet.total = result.total
    sheet.submitted_at = timezone.now()
    change_sheet_status(actor=actor, sheet=sheet, to=SheetStatus.SUBMITTED, discussion=discussion)
    if discussion is not None and not item.sheets.filter(status=SheetStatus.REOPENED).exists():
        discussion.closed_at = timezone.now()
        discussion.save(update_fields=["closed_at"])
        log_action(
            actor,
            "evaluation.session.discussion_close",
            session,
            data={"dossier": item.dossier.code, "number": discussion.number},
        )
    _refresh_flag(actor, item_progress(item))
    return sheet


def _refresh_flag(actor: Any, progress: ItemProgress) -> Spread | None:
    """Once every member who must score the item has submitted: flag it when the spread is
    above the threshold (and tell the chair), unflag it when a discussion brought it back."""
    item = progress.item
    if not progress.complete or progress.open_discussion is not None:
        return None
    spread = spread_of(item, progress)
    flagged = spread.exceeds
    if flagged == item.flagged_for_discussion:
        return spread
    item.flagged_for_discussion = flagged
    item.save(update_fields=["flagged_for_discussion"])
    session = item.session
    log_action(
        actor,
        "evaluation.session.flag" if flagged else "evaluation.session.unflag",
        session,
        data={
            "dossier": item.dossier.code,
            "spread": spread.spread,
            "threshold": spread.threshold,
        },
    )
    if flagged:
        chairs = CouncilMember.objects.filter(
            council_id=session.council_id, role=CouncilRole.CHAIR, is_active=True
        ).select_related("user")
        notify(
            [seat.user for seat in chairs],
            _(
                "The members' totals for dossier %(code)s differ by %(spread)s points, more than "
                "the threshold of %(threshold)s: open a discussion round."
            )
            % {
                "code": item.dossier.code,
                "spread": json_points(spread.spread or Decimal(0)),
                "threshold": json_points(spread.threshold),
            },
            url=_url(item),
        )
    return spread


# --- discussion -----------------------------------------------------------------------------


def _require_chair(actor: Any, council: Council, message: str) -> CouncilMember:
    seat = seat_of(actor, council)
    if seat is None or seat.role != CouncilRole.CHAIR:
        raise NotAllowed(message)
    return seat


@transaction.atomic
def open_discussion_round(*, actor: Any, item: SessionDossier, reason: str) -> DiscussionRound:
    """The chair opens a discussion round on a fully scored item: every submitted sheet is
    reopened (its versions kept) and the members are notified; the round closes by itself
    when they have all submitted again."""
    session = _lock_open_session(item.session)
    _lock_item(item)
    _require_chair(
        actor, session.council, _("Only the chair of the council opens a discussion round.")
    )
    reason = nfc(reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say what the council will discuss.")})
    progress = item_progress(item)
    if progress.open_discussion is not None:
        raise WrongState(
            _("Discussion round %(number)s on dossier %(code)s is still open.")
            % {"number": progress.open_discussion.number, "code": item.dossier.code}
        )
    if not progress.complete:
        raise WrongState(
            _(
                "Every present member without a conflict of interest must submit a sheet for "
                "dossier %(code)s before a discussion round."
            )
            % {"code": item.dossier.code}
        )
    spread = spread_of(item, progress)
    number = len(progress.discussions) + 1
    discussion = DiscussionRound.objects.create(
        item=item, number=number, reason=reason, spread_before=spread.spread, opened_by=actor
    )
    reopened = []
    sheets = (
        ScoreSheet.objects.select_for_update(of=("self",))
        .filter(item=item, status=SheetStatus.SUBMITTED)
        .select_related("member__user", "item__session", "item__dossier")
        .order_by("id")
    )
    for sheet in sheets:
        change_sheet_status(
            actor=actor, sheet=sheet, to=SheetStatus.REOPENED, discussion=discussion
        )
        reopened.append(sheet.member.user)
    log_action(
        actor,
        "evaluation.session.discussion_open",
        session,
        data={
            "dossier": item.dossier.code,
            "number": number,
            "reason": reason,
            "spread": spread.spread,
        },
    )
    notify(
        reopened,
        _(
            "The chair opened discussion round %(number)s on dossier %(code)s: your sheet is "
            "reopened. Change it if the discussion convinced you, then submit it again."
        )
        % {"number": number, "code": item.dossier.code},
        url=_url(item),
    )
    return discussion


# --- whole-dossier knock-outs ---------------------------------------------------------------


REASON_MAX = 2000


def dossier_rules(spec: ScorecardSpec) -> list[Any]:
    """The scorecard's knock-out rules of scope "dossier" ("Hồ sơ bị loại khi: giả mạo hồ sơ
    …"), which the council records for the whole dossier (a member records the stop rules)."""
    return [rule for rule in spec.knockouts if rule.scope == "dossier"]


def dossier_knockout_codes(item: SessionDossier) -> list[str]:
    """The codes of the knock-outs recorded on the agenda item, for the engine."""
    return [str(entry["code"]) for entry in item.dossier_knockouts or []]


@transaction.atomic
def record_dossier_knockouts(
    *, actor: Any, item: SessionDossier, knockouts: Mapping[str, str]
) -> SessionDossier:
    """The secretary or the chair records which whole-dossier knock-out rules apply to the
    agenda item, each with the council's reason (`{rule code: reason}`; replaces what was
    recorded; `{}` clears it). The engine applies them when the session closes: the dossier is
    knocked out (0★). Refused in a closed session and for anyone else."""
    session = _lock_open_session(item.session)
    _lock_item(item)
    seat = seat_of(actor, session.council)
    if seat is None or seat.role not in (CouncilRole.CHAIR, CouncilRole.SECRETARY):
        raise NotAllowed(_("The secretary or the chair records a knock-out of the whole dossier."))
    rules = {rule.code: rule for rule in dossier_rules(_spec(item))}
    errors: dict[str, list[str]] = {}
    cleaned: list[dict[str, Any]] = []
    if not isinstance(knockouts, Mapping):
        raise ValidationError({"knockouts": _("The knock-outs must map rules to reasons.")})
    previous = {str(entry["code"]): entry for entry in item.dossier_knockouts or []}
    order = list(rules)
    for code in sorted(
        knockouts, key=lambda c: (c not in rules, order.index(c) if c in rules else 0)
    ):
        reason = nfc(str(knockouts[code] or "")).strip()
        if code not in rules:
            errors.setdefault("knockouts", []).append(
                _("There is no knock-out rule %(code)s for the whole dossier on this scorecard.")
                % {"code": code}
            )
            continue
        if not reason:
            errors.setdefault("reason", []).append(
                _("Say why the dossier is knocked out (what the council found).")
            )
        elif len(reason) > REASON_MAX:
            errors.setdefault("reason", []).append(
                _("The reason is longer than %(count)s characters.") % {"count": REASON_MAX}
            )
        kept = previous.get(code)
        if kept is not None and kept.get("reason") == reason:
            cleaned.append(dict(kept))
        else:
            cleaned.append(
                {
                    "code": code,
                    "reason": reason,
                    "by": _username(seat),
                    "at": timezone.now().isoformat(timespec="seconds"),
                }
            )
    if errors:
        raise ValidationError(errors)
    old = [{"code": e["code"], "reason": e["reason"]} for e in item.dossier_knockouts or []]
    new = [{"code": e["code"], "reason": e["reason"]} for e in cleaned]
    if old == new:
        return item
    item.dossier_knockouts = cleaned
    item.save(update_fields=["dossier_knockouts"])
    log_action(
        actor,
        "evaluation.session.dossier_knockouts",
        session,
        old={"dossier_knockouts": old},
        new={"dossier_knockouts": new},
        data={"dossier": item.dossier.code, "member": _username(seat)},
    )
    return item


# --- closing --------------------------------------------------------------------------------


def council_result(item: SessionDossier, progress: ItemProgress | None = None) -> CouncilResult:
    """The engine's result of the item: `combine_sheets` of the submitted sheets of the members
    who had to score it, in the order of the council (chair first, then by username)."""
    progress = progress or item_progress(item)
    counted = {m.seat.pk for m in progress.expected if m.submitted}
    sheets = (
        ScoreSheet.objects.filter(item=item, member_id__in=counted, status=SheetStatus.SUBMITTED)
        .select_related("member__user")
        .order_by("member__role", "member__user__username")
    )
    spec = _spec(item)
    try:
        results = [
            score_sheet(
                spec,
                {str(code): exact(value) for code, value in sheet.selections.items()},
                knockouts=tuple(sheet.knockouts),
                member=sheet.member.user.username,
            )
            for sheet in sheets
        ]
        return combine_sheets(
            spec, policy_for_item(item), results, dossier_knockouts=dossier_knockout_codes(item)
        )
    except ScoringError as exc:
        raise _validation_error(exc) from None


def _quorum_refusal(progress: Any) -> WrongState | None:
    quorum = progress.quorum
    if quorum.active == 0:
        return WrongState(_("The council has no scoring members."))
    if quorum.present < quorum.required:
        return WrongState(
            _(
                "The session has no quorum: %(present)s of %(active)s scoring members are "
                "present, and at least %(required)s (%(percent)s%%) are needed."
            )
            % {
                "present": quorum.present,
                "active": quorum.active,
                "required": quorum.required,
                "percent": quorum.percent,
            }
        )
    if quorum.chair_required and not quorum.chair_present:
        return WrongState(
            _(
                "The session has no quorum: the chair must be present (%(present)s of "
                "%(active)s scoring members are present, without the chair)."
            )
            % {"present": quorum.present, "active": quorum.active}
        )
    return None


def _agenda_refusal(progress: Any) -> WrongState | None:
    if not progress.items:
        return WrongState(_("The agenda is empty: there is nothing to close."))
    problems: list[str] = []
    for entry in progress.items:
        code = entry.item.dossier.code
        if entry.open_discussion is not None:
            problems.append(
                _("%(code)s: discussion round %(number)s is still open")
                % {"code": code, "number": entry.open_discussion.number}
            )
        elif not entry.expected:
            problems.append(
                _("%(code)s: no present member without a conflict of interest can score it")
                % {"code": code}
            )
        elif entry.missing:
            problems.append(
                _("%(code)s: waiting for %(names)s")
                % {
                    "code": code,
                    "names": ", ".join(m.seat.user.get_full_name() for m in entry.missing),
                }
            )
        elif entry.item.flagged_for_discussion and not entry.discussions:
            problems.append(
                _("%(code)s: the spread is above the threshold and has not been discussed")
                % {"code": code}
            )
    if problems:
        return WrongState(
            _("The session cannot close yet: %(problems)s.") % {"problems": "; ".join(problems)}
        )
    return None


@transaction.atomic
def close_session(*, actor: Any, session: Session) -> Session:
    """The chair closes the session. Refused, changing nothing, without quorum (present
    scoring members / active scoring members ≥ the council's quorum, the chair present when
    the rule says so), with an item not fully scored, a discussion open, or a flagged item not
    discussed. Then each item's result is the engine's (`combine_sheets`, stored with
    `result_to_dict`), each dossier is SCORED, and the criteria sets used are locked."""
    _lock_open_session(session)
    if session.source == SessionSource.ARCHIVE:
        from ocop.evaluation.services.archive import close_archive_session

        return close_archive_session(actor=actor, session=session)
    _require_chair(actor, session.council, _("Only the chair of the council closes the session."))
    items = list(
        SessionDossier.objects.select_for_update(of=("self",))
        .filter(session=session)
        .select_related("dossier__product", "dossier__criteria_set", "dossier__scorecard")
        .order_by("position", "id")
    )
    for item in items:
        item.session = session
    progress = session_progress(session, items)
    refusal = _quorum_refusal(progress) or _agenda_refusal(progress)
    if refusal is not None:
        raise refusal
    criteria_sets = {}
    for entry in progress.items:
        item = entry.item
        result = council_result(item, entry)
        item.result = result_to_dict(result)
        item.mean_total = result.mean_total
        item.stars = result.stars
        item.band_stars = result.band_stars
        item.save(update_fields=["result", "mean_total", "stars", "band_stars"])
        _move_dossier(
            actor=actor,
            dossier=item.dossier,
            to=DossierStatus.SCORED,
            reason=_("Scored by the council in session %(code)s: %(total)s points, %(stars)s★.")
            % {
                "code": session.code,
                "total": json_points(result.mean_total),
                "stars": result.stars,
            },
            level=session.council.level,
        )
        criteria_sets[item.dossier.criteria_set_id] = item.dossier.criteria_set
    for criteria_set in criteria_sets.values():
        lock_criteria_set(actor=actor, criteria_set=criteria_set)
    session.closed_at = timezone.now()
    session.closed_by = actor
    return change_session_status(actor=actor, session=session, to=SessionStatus.CLOSED)


@transaction.atomic
def change_session_status(*, actor: Any, session: Session, to: str) -> Session:
    """The one way through SESSION_TRANSITIONS (open → closed)."""
    current = (
        Session.objects.select_for_update().values_list("status", flat=True).get(pk=session.pk)
    )
    if to not in SESSION_TRANSITIONS.get(current, frozenset()):
        raise WrongState(
            _("A session cannot go from “%(old)s” to “%(new)s”.")
            % {
                "old": _status_label(SessionStatus, current),
                "new": _status_label(SessionStatus, to),
            }
        )
    session.status = to
    session.save(update_fields=["status", "closed_at", "closed_by", "updated_at"])
    log_action(
        actor,
        "evaluation.session.close",
        session,
        old={"status": current},
        new={"status": to},
        data={"items": session.agenda.count()},
    )
    notify_url = _session_url(session)
    seats = CouncilMember.objects.filter(council_id=session.council_id, is_active=True)
    notify(
        [seat.user for seat in seats.select_related("user")],
        _("Session %(code)s is closed; the council's results are stored.") % {"code": session.code},
        url=notify_url,
        email=False,
    )
    return session
