"""Background tasks shared by the apps (django-tasks: `ocop db_worker` runs them with the database
backend; TASKS_BACKEND=immediate runs each at once in the process that enqueues it).

- `send_mail_task`: one e-mail. The places that send mail render it in the request and enqueue it
  after their commit (`enqueue_after_commit`), so a request never waits for the mail server and a
  rolled-back change sends nothing.
- `daily_sweep`: the certificates' sweep, the catalogue rebuild and the uploads' sweep, one after
  the other, with its progress in the cache (`ocop.core.progress`). `ocop enqueue-daily` queues it.

docs/developer/tasks.md describes the interface, the worker and the scheduling.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django_tasks import TaskContext, task
from django_tasks.base import Task

from ocop.core.progress import TaskProgress

UPLOADS_OLDER_THAN = dt.timedelta(minutes=60)  # as `ocop sweep-uploads` by default
DAILY_STEPS = ["certificates", "catalog", "uploads"]


def enqueue_after_commit(work: Task[Any, Any], /, *args: Any, **kwargs: Any) -> None:
    """Queue `work` once the current transaction commits (at once outside a transaction);
    nothing is queued when it rolls back."""
    transaction.on_commit(partial(work.enqueue, *args, **kwargs))


@task()
def send_mail_task(
    *,
    to: list[str] | None = None,
    subject: str = "",
    body: str = "",
    from_email: str = "",
    outbox_id: int | None = None,
) -> int:
    """Send one e-mail; returns how many were sent (0 or 1).

    Either the message in full (`to`, `subject`, `body`), or `outbox_id`: the evaluation outbox's
    row, sent only while it is still pending and may go, and marked sent in the same
    transaction, so that a task run twice (or by two workers) sends it once."""
    if outbox_id is not None:
        from ocop.evaluation.services.notifications import send_outbox_message

        return send_outbox_message(outbox_id)
    if not to:
        return 0
    return send_mail(subject, body, from_email or settings.DEFAULT_FROM_EMAIL, list(to))


@task(takes_context=True)
def daily_sweep(context: TaskContext, day: str = "") -> dict[str, Any]:
    """The daily maintenance: certificates (notices due, expiries), the catalogue's search index,
    orphan uploads. `day` (YYYY-MM-DD) runs the certificates' part as of another day. Each part
    is idempotent, so a sweep run twice does nothing twice. Returns what each part did."""
    from ocop.catalog.services.index import rebuild_catalog
    from ocop.certificates.services.lifecycle import sweep_certificates
    from ocop.core.services.uploads import sweep_orphan_files

    progress = TaskProgress.for_context(context, DAILY_STEPS)
    try:
        progress.step("certificates")
        report = sweep_certificates(today=dt.date.fromisoformat(day) if day else None)
        progress.record(
            {"day": report.day.isoformat(), "notices": report.notices, "expired": report.expiries}
        )
        progress.step("catalog")
        progress.record(rebuild_catalog())
        progress.step("uploads")
        progress.record(len(sweep_orphan_files(older_than=UPLOADS_OLDER_THAN)))
    except Exception:
        progress.finish(failed=True)
        raise
    progress.finish()
    return progress.results
