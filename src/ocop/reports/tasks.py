"""Background tasks of the reports app (django-tasks; `ocop db_worker` runs them with the
database backend, the immediate backend runs them at once)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_import(job_code: str) -> str:
    """Run the spreadsheet import `job_code` (queued by `start_import`); its final status."""
    from ocop.reports.services.imports import run_import_job

    return str(run_import_job(job_code).status)
