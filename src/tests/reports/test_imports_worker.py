"""The real path of an import: queued with the database backend of django-tasks, run by
`ocop db_worker --batch` (committed transactions, as between two processes)."""

from __future__ import annotations

import io
import logging
import signal

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from ocop.producers.models import Producer
from ocop.reports.enums import ImportKind, ImportStatus
from ocop.reports.models import ImportJob
from ocop.reports.services.imports import start_import
from tests.reports.import_files import producer_row, workbook_bytes, xlsx_upload

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
SIGNALS = [signal.SIGINT, signal.SIGTERM, *([signal.SIGQUIT] if hasattr(signal, "SIGQUIT") else [])]
LOGGERS = ("django_tasks", "django_tasks_db", "django.tasks")


@pytest.fixture
def _worker_leaves_no_trace():
    """The worker installs its signal handlers and sets its loggers' levels: put them back."""
    handlers = {number: signal.getsignal(number) for number in SIGNALS}
    levels = {name: logging.getLogger(name).level for name in LOGGERS}
    yield
    for number, handler in handlers.items():
        signal.signal(number, handler)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_worker_leaves_no_trace")
def test_the_database_worker_runs_a_queued_import(cast, settings):
    settings.TASKS = DATABASE_TASKS
    content = workbook_bytes("producers", [producer_row(cast.commune_a, n) for n in range(1, 4)])
    job = start_import(actor=cast.office, kind=ImportKind.PRODUCERS, upload=xlsx_upload(content))
    task = DBTaskResult.objects.get()
    assert (task.status, task.args_kwargs["args"]) == ("READY", [job.code])
    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.QUEUED
    before = Producer.objects.count()

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

    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, job.errors
    assert Producer.objects.count() == before + 3
    task.refresh_from_db()
    assert (task.status, task.return_value) == ("SUCCESSFUL", "done")
