"""Evaluation rounds (đợt đánh giá): creating one and its one transition.

A round's deadlines default to the procedure profile's calendar (data/procedures.json, read
through `services.procedures.profile_for`): under QĐ 26/2026 a provincial round 1 takes dossiers proposed by 30/4 and is
evaluated by 30/6, round 2 by 30/10 and 30/12. Only the provincial office (and the
administrator) manage rounds.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ocop.core.services.activity import log_action, snapshot
from ocop.core.text import nfc
from ocop.criteria.enums import CriteriaSetStatus
from ocop.criteria.models import CriteriaSet
from ocop.evaluation.enums import ROUND_TRANSITIONS, Level, RoundStatus, SessionStatus
from ocop.evaluation.models import Round
from ocop.evaluation.services.procedures import UnknownProcedure, profile_for
from ocop.evaluation.services.refusals import WrongState, require_office

ROUND_FIELDS = (
    "name",
    "year",
    "number",
    "level",
    "criteria_set",
    "proposal_deadline",
    "evaluation_deadline",
    "status",
)
# The audit verb of each allowed move of ROUND_TRANSITIONS.
ROUND_VERBS: dict[str, str] = {
    RoundStatus.OPEN: "open",
    RoundStatus.SCORING: "start_scoring",
    RoundStatus.CLOSED: "close",
}


def round_calendar(
    profile_code: str, level: str, number: int, year: int
) -> tuple[dt.date | None, dt.date | None]:
    """(proposal deadline, evaluation deadline) of round `number` of `year` at `level` in the
    calendar of the procedure profile (`profile_for`); (None, None) when it sets none."""
    try:
        profile = profile_for(profile_code)
    except UnknownProcedure:
        return None, None
    for slot in profile.rounds.get(level, ()):
        if slot.number == number:
            return _day(year, slot.proposal_deadline), _day(year, slot.evaluation_deadline)
    return None, None


def _day(year: int, month_day: str | None) -> dt.date | None:
    if not month_day:
        return None
    month, day = (int(part) for part in str(month_day).split("-"))
    return dt.date(year, month, day)


def _status_label(value: str) -> str:
    try:
        return str(RoundStatus(value).label)
    except ValueError:
        return value


@transaction.atomic
def create_round(
    *,
    actor: Any,
    year: int,
    number: int,
    level: str,
    criteria_set: CriteriaSet,
    proposal_deadline: dt.date | None = None,
    evaluation_deadline: dt.date | None = None,
    name: str = "",
) -> Round:
    """A planned round. Deadlines left out come from the calendar of the criteria set's
    procedure profile. The number is unique per year and level."""
    require_office(actor)
    errors: dict[str, list[str]] = {}
    if level not in Level.values:
        errors["level"] = [_("Choose a level.")]
    if not 2000 <= int(year) <= 2100:
        errors["year"] = [_("Enter a year between 2000 and 2100.")]
    if int(number) < 1:
        errors["number"] = [_("The round number starts at 1.")]
    if criteria_set.status == CriteriaSetStatus.DRAFT:
        errors["criteria_set"] = [_("A draft criteria set cannot be used.")]
    if errors:
        raise ValidationError(errors)
    if Round.objects.filter(year=year, number=number, level=level).exists():
        raise ValidationError(
            {
                "number": _("There is already a round %(number)s of %(year)s at this level.")
                % {"number": number, "year": year}
            }
        )
    default_proposal, default_evaluation = round_calendar(
        criteria_set.procedure_profile, level, int(number), int(year)
    )
    proposal_deadline = proposal_deadline or default_proposal
    evaluation_deadline = evaluation_deadline or default_evaluation
    if proposal_deadline and evaluation_deadline and evaluation_deadline < proposal_deadline:
        raise ValidationError(
            {
                "evaluation_deadline": _(
                    "The evaluation deadline cannot come before the proposal deadline."
                )
            }
        )
    round_ = Round(
        name=nfc(name or "").strip()[:200]
        or _("Round %(number)s of %(year)s") % {"number": number, "year": year},
        year=year,
        number=number,
        level=level,
        criteria_set=criteria_set,
        proposal_deadline=proposal_deadline,
        evaluation_deadline=evaluation_deadline,
    )
    round_.save()
    log_action(actor, "evaluation.round.create", round_, new=snapshot(round_, ROUND_FIELDS))
    return round_


@transaction.atomic
def change_round_status(*, actor: Any, round: Round, to: str) -> Round:
    """The one way through ROUND_TRANSITIONS (planned → open → scoring → closed). A round does
    not close while one of its sessions is open."""
    require_office(actor)
    current = Round.objects.select_for_update().values_list("status", flat=True).get(pk=round.pk)
    round.status = current
    if to not in ROUND_TRANSITIONS.get(current, frozenset()):
        raise WrongState(
            _("A round cannot go from “%(old)s” to “%(new)s”.")
            % {"old": _status_label(current), "new": _status_label(to)}
        )
    if to == RoundStatus.CLOSED:
        open_sessions = round.sessions.filter(status=SessionStatus.OPEN).count()
        if open_sessions:
            raise WrongState(
                ngettext(
                    "The round cannot close while %(count)s of its sessions is still open.",
                    "The round cannot close while %(count)s of its sessions are still open.",
                    open_sessions,
                )
                % {"count": open_sessions}
            )
    round.status = to
    round.save(update_fields=["status", "updated_at"])
    log_action(
        actor,
        f"evaluation.round.{ROUND_VERBS[to]}",
        round,
        old={"status": current},
        new={"status": to},
    )
    return round
