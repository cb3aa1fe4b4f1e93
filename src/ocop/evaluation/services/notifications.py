"""Notifications: in-app rows and e-mails through the outbox, written with the transition.

`notify` is called inside the transition's transaction: the notice exists exactly when the change
does. Transition e-mails are sent right after commit; bulk result mails wait in the outbox for the
office's review (`needs_review=True`) and are sent by `send_outbox_messages`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

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
            transaction.on_commit(lambda: send_outbox_messages(ids=ids))
        else:  # backends that do not return ids from bulk_create
            transaction.on_commit(lambda: send_outbox_messages(kind=kind))
    return notices


def send_outbox_messages(
    *, ids: list[int] | None = None, kind: str | None = None, reviewer: Any = None
) -> int:
    """Send pending messages (those needing review only when a reviewer releases them)."""
    pending = OutboxMessage.objects.filter(status=OutboxStatus.PENDING)
    if ids is not None:
        pending = pending.filter(pk__in=ids)
    if kind is not None:
        pending = pending.filter(kind=kind)
    if reviewer is None:
        pending = pending.filter(needs_review=False)
    sent = 0
    for message in pending.order_by("id"):
        send_mail(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [message.to_email])
        OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.PENDING).update(
            status=OutboxStatus.SENT, sent_at=timezone.now(), reviewed_by=reviewer
        )
        sent += 1
    return sent


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
