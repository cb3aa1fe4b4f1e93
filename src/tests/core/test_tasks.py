"""Background work through django-tasks: mail is queued after the commit and sent by the worker;
the daily sweep runs as one task and records its progress."""

from __future__ import annotations

import io
import logging
import signal
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from ocop.core.progress import task_progress
from ocop.core.tasks import daily_sweep, send_mail_task
from ocop.evaluation.enums import OutboxStatus
from ocop.evaluation.models import Notification, OutboxMessage
from ocop.evaluation.services.notifications import notify, send_outbox_message

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
SIGNALS = [signal.SIGINT, signal.SIGTERM, *([signal.SIGQUIT] if hasattr(signal, "SIGQUIT") else [])]
LOGGERS = ("django_tasks", "django_tasks_db", "django.tasks")


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages: Any) -> int:
        raise ConnectionRefusedError("mail server down")


@pytest.fixture
def worker():
    """Run `ocop db_worker --batch` (every queued task, then stop); put back the signal handlers
    and logger levels the worker changes."""
    handlers = {number: signal.getsignal(number) for number in SIGNALS}
    levels = {name: logging.getLogger(name).level for name in LOGGERS}

    def run() -> None:
        call_command(
            "db_worker",
            "--batch",
            "--no-startup-delay",
            "--no-reload",
            "--interval",
            "0",
            verbosity=0,
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )

    yield run
    for number, handler in handlers.items():
        signal.signal(number, handler)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


# --- Mail ---------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_password_reset_answers_before_the_mail_goes_and_the_worker_sends_it(
    cast, settings, worker
):
    settings.TASKS = DATABASE_TASKS
    response = Client().post(reverse("accounts:password_reset"), {"email": cast.outsider.email})
    assert (response.status_code, response["Location"]) == (
        302,
        reverse("accounts:password_reset_done"),
    )
    assert mail.outbox == []  # not sent inside the request
    task = DBTaskResult.objects.get()
    assert task.status == "READY"
    assert task.task_path == "ocop.core.tasks.send_mail_task"
    assert task.args_kwargs["kwargs"]["to"] == [cast.outsider.email]

    worker()

    assert [message.to for message in mail.outbox] == [[cast.outsider.email]]
    assert "/dat-lai-mat-khau/" in mail.outbox[0].body  # rendered in the request, link included
    task.refresh_from_db()
    assert (task.status, task.return_value) == ("SUCCESSFUL", 1)


@pytest.mark.django_db(transaction=True)
def test_transition_mails_are_queued_after_the_commit_and_sent_by_the_worker(
    cast, settings, worker
):
    settings.TASKS = DATABASE_TASKS
    with transaction.atomic():
        notify([cast.producer1, cast.producer2], "Hồ sơ đã được tiếp nhận.", url="/ho-so/")
        assert DBTaskResult.objects.count() == 0  # nothing queued before the commit
    rows = OutboxMessage.objects.order_by("pk")
    assert list(rows.values_list("status", flat=True)) == [OutboxStatus.PENDING] * 2
    assert DBTaskResult.objects.filter(status="READY").count() == 2
    assert mail.outbox == []

    worker()

    assert list(rows.values_list("status", flat=True)) == [OutboxStatus.SENT] * 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [cast.producer1.email, cast.producer2.email]
    )
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_queues_no_mail(cast, settings):
    settings.TASKS = DATABASE_TASKS
    with pytest.raises(RuntimeError), transaction.atomic():
        notify([cast.producer1], "Hồ sơ đã được tiếp nhận.")
        raise RuntimeError("the transition failed")
    assert (OutboxMessage.objects.count(), DBTaskResult.objects.count()) == (0, 0)
    assert mail.outbox == []


def test_with_the_immediate_backend_the_mail_goes_at_the_commit(
    cast, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    with django_capture_on_commit_callbacks(execute=True):
        notify([cast.producer1], "Hồ sơ đã được tiếp nhận.", subject="Hồ sơ")
        assert mail.outbox == []
    assert [(m.subject, m.to) for m in mail.outbox] == [("Hồ sơ", [cast.producer1.email])]
    assert OutboxMessage.objects.get().status == OutboxStatus.SENT
    assert Notification.objects.filter(user=cast.producer1).count() == 1


def test_an_outbox_message_is_sent_once(cast, settings, django_capture_on_commit_callbacks):
    settings.TASKS = IMMEDIATE
    with django_capture_on_commit_callbacks(execute=False):
        notify([cast.producer1], "Hồ sơ đã được tiếp nhận.")
    pk = OutboxMessage.objects.get().pk
    assert send_mail_task.enqueue(outbox_id=pk).return_value == 1
    assert send_mail_task.enqueue(outbox_id=pk).return_value == 0  # a second run: nothing
    assert len(mail.outbox) == 1


def test_a_mail_waiting_for_review_is_not_sent_by_a_task(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        notify([cast.producer1], "Kết quả đánh giá.", needs_review=True, kind="results")
    message = OutboxMessage.objects.get()
    assert send_outbox_message(message.pk) == 0
    assert (OutboxMessage.objects.get().status, mail.outbox) == (OutboxStatus.PENDING, [])


def test_a_failed_send_leaves_the_message_pending(
    cast, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    with django_capture_on_commit_callbacks(execute=False):
        notify([cast.producer1], "Hồ sơ đã được tiếp nhận.")
    message = OutboxMessage.objects.get()
    result = send_mail_task.enqueue(outbox_id=message.pk)
    assert result.status == "FAILED"
    message.refresh_from_db()
    assert (message.status, message.sent_at) == (OutboxStatus.PENDING, None)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_mail_task.enqueue(outbox_id=message.pk).return_value == 1  # the retry sends it
    assert len(mail.outbox) == 1


def test_a_plain_message_is_sent_from_the_default_address(settings, db):
    settings.TASKS = IMMEDIATE
    settings.DEFAULT_FROM_EMAIL = "OCOP <ocop@hanoi.gov.vn>"
    result = send_mail_task.enqueue(to=["an@example.vn"], subject="Chào", body="Nội dung")
    assert result.return_value == 1
    assert [(m.from_email, m.to, m.subject, m.body) for m in mail.outbox] == [
        ("OCOP <ocop@hanoi.gov.vn>", ["an@example.vn"], "Chào", "Nội dung")
    ]
    assert send_mail_task.enqueue(to=[], subject="Chào", body="").return_value == 0


# --- The daily sweep ----------------------------------------------------------------------------


def test_the_daily_sweep_runs_every_part_and_records_its_progress(cast, settings):
    settings.TASKS = IMMEDIATE
    result = daily_sweep.enqueue(day="2026-07-01")
    assert result.status == "SUCCESSFUL", result.errors
    outcome = result.return_value
    assert list(outcome) == ["certificates", "catalog", "uploads"]
    assert outcome["certificates"]["day"] == "2026-07-01"
    assert outcome["certificates"]["expired"] == 0
    assert set(outcome["catalog"]) == {"listed", "removed"}
    assert outcome["uploads"] == 0
    progress = task_progress(result.id)
    assert progress is not None
    assert (progress["status"], progress["percent"], progress["done"]) == (
        "SUCCESSFUL",
        100,
        ["certificates", "catalog", "uploads"],
    )
    assert progress["results"] == outcome


def test_a_failing_sweep_records_where_it_stopped(cast, settings):
    settings.TASKS = IMMEDIATE
    result = daily_sweep.enqueue(day="31/02/2026")  # not a date: the first part fails
    assert result.status == "FAILED"
    progress = task_progress(result.id)
    assert progress is not None
    assert (progress["status"], progress["current"], progress["done"]) == (
        "FAILED",
        "certificates",
        [],
    )


@pytest.mark.django_db(transaction=True)
def test_enqueue_daily_queues_the_sweep_for_the_worker(cast, settings, worker):
    settings.TASKS = DATABASE_TASKS
    out = io.StringIO()
    call_command("enqueue-daily", "--date", "2026-07-01", stdout=out)
    task = DBTaskResult.objects.get()
    assert (task.status, task.task_path) == ("READY", "ocop.core.tasks.daily_sweep")
    assert f"task {task.id}" in out.getvalue()
    assert task_progress(str(task.id)) is None  # not started

    worker()

    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"
    assert set(task.return_value) == {"certificates", "catalog", "uploads"}  # jsonb: no order
    assert task.return_value["certificates"]["day"] == "2026-07-01"
    progress = task_progress(str(task.id))
    assert (progress["percent"], progress["done"]) == (100, ["certificates", "catalog", "uploads"])


def test_enqueue_daily_refuses_a_bad_date(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("enqueue-daily", "--date", "hôm qua")
