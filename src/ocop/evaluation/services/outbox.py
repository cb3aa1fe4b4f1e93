"""The office's review of the bulk result e-mails (kind "results", `needs_review=True`).

Approving a decision puts one result mail per producer user in the outbox; nothing is sent until
the provincial office releases it (`release_result_mails`: marked reviewed, then one background
task per mail queued after the commit) or discards it (`discard_result_mails`). Transition mails
never wait here (they are queued right after their commit).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from ocop.accounts.rules import access_for
from ocop.core.services.activity import log_action
from ocop.core.tasks import enqueue_after_commit, send_mail_task
from ocop.evaluation.enums import OutboxStatus
from ocop.evaluation.models import OutboxMessage
from ocop.evaluation.queries.decisions import can_draft_decisions, messages_for_review
from ocop.evaluation.services.notifications import discard_outbox_messages
from ocop.evaluation.services.refusals import NotAllowed


def _require_reviewer(actor: Any) -> None:
    if not can_draft_decisions(access_for(actor)):
        raise NotAllowed(_("Only the provincial OCOP office reviews outgoing e-mails."))


def _selected(ids: Iterable[int]) -> list[OutboxMessage]:
    wanted = {int(pk) for pk in ids}
    return list(messages_for_review().filter(pk__in=wanted))


@transaction.atomic
def release_result_mails(*, actor: Any, ids: Iterable[int]) -> int:
    """Release the chosen mails (only those still waiting for review): each is marked reviewed
    by `actor` and queued (`send_mail_task`) once this transaction commits; returns how many."""
    _require_reviewer(actor)
    chosen = _selected(ids)
    if not chosen:
        return 0
    released = OutboxMessage.objects.filter(
        pk__in=[m.pk for m in chosen], status=OutboxStatus.PENDING, reviewed_by__isnull=True
    ).update(reviewed_by=actor)
    for message in chosen:
        log_action(actor, "evaluation.outbox.release", message, data={"to": message.to_email})
        enqueue_after_commit(send_mail_task, outbox_id=message.pk)
    return released


@transaction.atomic
def discard_result_mails(*, actor: Any, ids: Iterable[int]) -> int:
    """Never send the chosen mails; returns how many were discarded."""
    _require_reviewer(actor)
    chosen = _selected(ids)
    if not chosen:
        return 0
    discarded = discard_outbox_messages(actor=actor, ids=[m.pk for m in chosen])
    for message in chosen:
        log_action(actor, "evaluation.outbox.discard", message, data={"to": message.to_email})
    return discarded
