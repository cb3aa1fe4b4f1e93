"""Fixtures of the reports tests: background tasks run at once (django-tasks' immediate backend),
so an import queued by a page has finished when the page answers. One test
(`test_imports_worker.py`) uses the database backend and runs the real worker instead."""

from __future__ import annotations

import pytest

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    settings.TASKS = IMMEDIATE
