"""Notifications: in-app rows and e-mails through the outbox, written with the transition.

`notify` is called inside the transition's transaction: the notice exists exactly when the change
does. Transition e-mails are queued right after commit, one background task each
(`ocop.core.tasks.send_mail_task`, which calls `send_outbox_message`); bulk result mails wait in
the outbox for the office's review (`needs_review=True`) and are queued when it releases them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from ocop.core.tasks import enqueue_after_commit, send_mail_task
from ocop.evaluation.enums import OutboxStatus
from ocop.evaluation.models import Notification, OutboxMessage


def notify(
    users: Iterable[Any],
    message: str,
    *,
    url: str = "",
    subject: str = "",
    email: bool = True,
    needs_review: bool = False,
    kind: str = "transition",
) -> list[Notification]:
    """One in-app notice per user (each once), and an e-mail to each user who has an address."""
    seen: set[int] = set()
    notices: list[Notification] = []
    mails: list[OutboxMessage] = []
    for user in users:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        notices.append(Notification(user=user, message=message[:500], url=url))
        if email and user.email:
            link = f"\n\n{settings.SITE_URL}{url}" if url else ""
            mails.append(
                OutboxMessage(
                    to_email=user.email,
                    subject=(subject or message)[:255],
                    body=f"{message}{link}",
                    kind=kind,
                    needs_review=needs_review,
                )
            )
    Notification.objects.bulk_create(notices)
    created = OutboxMessage.objects.bulk_create(mails)
    if created and not needs_review:
        ids = [m.pk for m in created if m.pk is not None]
        if ids:
            for pk in ids:
                enqueue_after_commit(send_mail_task, outbox_id=pk)
        else:  # backends that do not return ids from bulk_create
            transaction.on_commit(lambda: queue_outbox_messages(kind=kind))
    return notices


def _sendable(*, ids: list[int] | None = None, kind: str | None = None) -> QuerySet[OutboxMessage]:
    """Pending messages that may go: those not needing review, and those the office released."""
    pending = OutboxMessage.objects.filter(status=OutboxStatus.PENDING).filter(
        Q(needs_review=False) | Q(reviewed_by__isnull=False)
    )
    if ids is not None:
        pending = pending.filter(pk__in=ids)
    if kind is not None:
        pending = pending.filter(kind=kind)
    return pending.order_by("id")


def queue_outbox_messages(*, ids: list[int] | None = None, kind: str | None = None) -> int:
    """Queue one `send_mail_task` per message that may go; returns how many were queued."""
    pks = list(_sendable(ids=ids, kind=kind).values_list("pk", flat=True))
    for pk in pks:
        send_mail_task.enqueue(outbox_id=pk)
    return len(pks)


def send_outbox_message(pk: int) -> int:
    """Send the outbox message `pk` now if it is still pending and may go; 1 if sent, else 0.
    The row is claimed (marked sent) first, in the transaction that sends: a failure to send
    rolls the claim back, and a second run (another worker) finds nothing to send."""
    with transaction.atomic():
        claimed = _sendable(ids=[pk]).update(status=OutboxStatus.SENT, sent_at=timezone.now())
        if not claimed:
            return 0
        message = OutboxMessage.objects.get(pk=pk)
        send_mail(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [message.to_email])
    return 1


def send_outbox_messages(*, ids: list[int] | None = None, kind: str | None = None) -> int:
    """Send, in this process, the pending messages that may go; returns how many were sent."""
    pks = list(_sendable(ids=ids, kind=kind).values_list("pk", flat=True))
    return sum(send_outbox_message(pk) for pk in pks)


@transaction.atomic
def discard_outbox_messages(*, actor: Any, ids: list[int]) -> int:
    return OutboxMessage.objects.filter(pk__in=ids, status=OutboxStatus.PENDING).update(
        status=OutboxStatus.DISCARDED, reviewed_by=actor
    )


def mark_notifications_read(*, user: Any, ids: list[int] | None = None) -> int:
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())
