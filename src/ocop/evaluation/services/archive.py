"""Results from before the platform: sessions whose results are transcribed from the archived
minutes (biên bản) instead of scored in the platform.

The history of a province (the district and provincial councils of 2019–2025 under QĐ 1048 and
148) is recorded through the same workflow as today's evaluations — dossier, round, session,
decision — so that the dossiers' timelines, the results pages and the certificates read it the
same way. Only the scoring differs: nobody scores in an archive session; the office records, for
each dossier of its agenda, the mean score and the stars the minutes give, and those are stored
as they are. They are never recomputed: the QĐ 1048 scorecards exist only as an unofficial
transcription with known errors (../shared/ocop/README.md), and a stored historical result is a
fact of the archive, not a computation.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.core.services.activity import log_action, snapshot
from ocop.core.text import nfc
from ocop.criteria.engine.scoring import band_for
from ocop.criteria.queries.specs import policy_for
from ocop.evaluation.enums import DossierStatus, SessionSource, SessionStatus
from ocop.evaluation.models import Council, Round, Session, SessionDossier
from ocop.evaluation.queries.prediction import json_points
from ocop.evaluation.services.dossiers import change_dossier_status
from ocop.evaluation.services.refusals import WrongState, require_office
from ocop.evaluation.services.sessions import change_session_status, create_session

MINUTES_MAX = 300
CENT = Decimal("0.01")


@transaction.atomic
def create_archive_session(
    *,
    actor: Any,
    council: Council,
    round: Round,
    held_on: dt.date,
    minutes_reference: str,
    place: str = "",
) -> Session:
    """A session of `council` in `round` whose results come from the archived minutes named by
    `minutes_reference` (number, date, where the paper is kept). The office only."""
    require_office(actor)
    reference = nfc(minutes_reference or "").strip()
    if not reference:
        raise ValidationError(
            {"minutes_reference": _("Name the minutes the results are transcribed from.")}
        )
    if len(reference) > MINUTES_MAX:
        raise ValidationError(
            {"minutes_reference": _("At most %(limit)s characters.") % {"limit": MINUTES_MAX}}
        )
    if isinstance(held_on, dt.date) and held_on > timezone.localdate():
        raise ValidationError({"held_on": _("Archived minutes cannot be from the future.")})
    session = create_session(
        actor=actor, council=council, round=round, held_on=held_on, place=place
    )
    session.source = SessionSource.ARCHIVE
    session.minutes_reference = reference
    session.save(update_fields=["source", "minutes_reference", "updated_at"])
    log_action(
        actor,
        "evaluation.session.from_minutes",
        session,
        new=snapshot(session, ("source", "minutes_reference")),
    )
    return session


def _archive_item(item: SessionDossier) -> SessionDossier:
    locked = (
        SessionDossier.objects.select_for_update(of=("self",))
        .select_related("session", "dossier__criteria_set")
        .get(pk=item.pk)
    )
    if locked.session.source != SessionSource.ARCHIVE:
        raise WrongState(
            _("Session %(code)s is scored by its members: results are not typed in.")
            % {"code": locked.session.code}
        )
    if locked.session.status != SessionStatus.OPEN:
        raise WrongState(
            _("Session %(code)s is closed: nothing in it can change any more.")
            % {"code": locked.session.code}
        )
    return locked


@transaction.atomic
def record_archived_result(
    *, actor: Any, item: SessionDossier, mean_total: Any, stars: Any
) -> SessionDossier:
    """Store the council's result of one agenda item as the minutes give it: the mean score
    (0–100, two decimals) and the stars (1–5, not above the band of the mean: a minimum
    requirement can hold a product below its band, never above it)."""
    require_office(actor)
    item = _archive_item(item)
    errors: dict[str, str] = {}
    try:
        mean = Decimal(str(mean_total).replace(",", ".")).quantize(CENT)
    except (InvalidOperation, ValueError):
        mean = None
    if mean is None or not Decimal(0) <= mean <= Decimal(100):
        errors["mean_total"] = _("The mean score is a number of points from 0 to 100.")
    try:
        count = int(stars)
    except (TypeError, ValueError):
        count = -1
    if isinstance(stars, bool) or not 1 <= count <= 5:
        errors["stars"] = _("Stars are a whole number from 1 to 5.")
    if errors:
        raise ValidationError(errors)
    assert mean is not None
    band = band_for(policy_for(item.dossier.criteria_set), mean)
    if count > band:
        raise ValidationError(
            {
                "stars": _(
                    "A mean of %(mean)s points is in the %(band)s★ band: the minutes cannot "
                    "give more stars than that."
                )
                % {"mean": json_points(mean), "band": band}
            }
        )
    old = {
        "mean_total": json_points(item.mean_total) if item.mean_total is not None else None,
        "stars": item.stars,
    }
    item.result = {
        "source": SessionSource.ARCHIVE.value,
        "minutes": item.session.minutes_reference,
        "mean_total": json_points(mean),
        "stars": count,
        "band_stars": band,
    }
    item.mean_total = mean
    item.stars = count
    item.band_stars = band
    item.save(update_fields=["result", "mean_total", "stars", "band_stars"])
    log_action(
        actor,
        "evaluation.session.minutes_result",
        item.session,
        old=old,
        new={"mean_total": json_points(mean), "stars": count},
        data={"dossier": item.dossier.code},
    )
    return item


@transaction.atomic
def close_archive_session(*, actor: Any, session: Session) -> Session:
    """Close an archive session (called by `close_session`): the office, once every item has its
    result from the minutes; each dossier becomes SCORED with the minutes named on its
    timeline. No quorum or sheets: the minutes are the record."""
    require_office(actor)
    items = list(
        SessionDossier.objects.select_for_update(of=("self",))
        .filter(session=session)
        .select_related("dossier")
        .order_by("position", "id")
    )
    if not items:
        raise WrongState(_("The agenda is empty: there is nothing to close."))
    missing = [item.dossier.code for item in items if item.result is None]
    if missing:
        raise WrongState(
            _("The session cannot close yet: no result from the minutes for %(codes)s.")
            % {"codes": ", ".join(missing)}
        )
    for item in items:
        change_dossier_status(
            actor=actor,
            dossier=item.dossier,
            to=DossierStatus.SCORED,
            reason=_(
                "Result transcribed from the archived minutes (%(minutes)s): %(total)s points, "
                "%(stars)s★."
            )
            % {
                "minutes": session.minutes_reference,
                "total": json_points(item.mean_total or Decimal(0)),
                "stars": item.stars,
            },
            level=session.council.level,
            email=False,
        )
    session.closed_at = timezone.now()
    session.closed_by = actor
    return change_session_status(actor=actor, session=session, to=SessionStatus.CLOSED)
