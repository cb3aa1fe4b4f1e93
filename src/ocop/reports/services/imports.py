"""Spreadsheet imports: upload, check every row, write all rows or none, and show progress.

- `start_import` checks that the upload is a real XLSX within the limits, stores it, creates the
  job (queued) and queues the task `ocop.reports.tasks.run_import` in the same transaction.
- `run_import_job` (the task, or `ocop import-xlsx` directly) moves the job to running, reads the
  data sheet and checks every row with the rules of the registry's own services, collecting
  every problem with its row and column. If there is any, the job fails and nothing is written.
  Otherwise every row is written through the services (`create_producer`, `create_product`) in
  ONE transaction: if a service refuses row N, the transaction is rolled back and that row's
  problem is reported, so nothing is ever half-written.
- Progress is kept in the cache under a key per job (Redis in production, so the page and the
  worker share it) while the write transaction is open, and in the job's row at each phase's end;
  `import_progress` reads the cache first.
- Status changes only through `change_import_status` (IMPORT_TRANSITIONS), which writes the
  activity-log row in the same transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ocop.core.services.activity import log_action
from ocop.core.services.uploads import (
    SPREADSHEET_KINDS,
    clean_filename,
    private_storage,
    stored_upload,
)
from ocop.reports.enums import IMPORT_TRANSITIONS, ImportKind, ImportStatus
from ocop.reports.imports import spec_for
from ocop.reports.imports.cells import Row, problem, service_problems, sort_key
from ocop.reports.imports.reading import read_rows
from ocop.reports.imports.spec import ImportSpec
from ocop.reports.imports.workbook import SheetError, check_workbook_file, open_sheet
from ocop.reports.models import ImportJob
from ocop.reports.rules import can_import

logger = logging.getLogger(__name__)

CACHE_SECONDS = 24 * 3600
PUBLISH_EVERY = 100  # rows between two updates of the cached progress
SAVE_EVERY = 2000  # rows between two updates of the job's row while checking
CREATED_CODES_KEPT = 20_000

# The share of the bar each phase fills: reading and checking the first half, writing the rest.
PHASES: dict[str, tuple[int, int]] = {
    "reading": (0, 10),
    "checking": (10, 50),
    "writing": (50, 100),
}
CHECK_ONLY_PHASES: dict[str, tuple[int, int]] = {"reading": (0, 20), "checking": (20, 100)}


def progress_key(code: str) -> str:
    return f"reports:import:{code}:progress"


# --- Progress -----------------------------------------------------------------------------------


@dataclass
class Progress:
    """Where an import is: its phase, the rows of the phase done, and the overall percent.
    Published to the cache (for the job page, when there is a job) and to `listener` (the
    command's progress bar)."""

    code: str = ""
    status: str = ImportStatus.RUNNING
    phase: str = "reading"
    processed: int = 0
    total: int = 0
    errors: int = 0
    phases: dict[str, tuple[int, int]] = field(default_factory=lambda: dict(PHASES))
    listener: Callable[[dict[str, Any]], None] | None = None
    job_id: int | None = None  # the job whose row follows the checking (no shared cache needed)
    _published: int = -1
    _saved: int = 0

    @property
    def percent(self) -> int:
        if self.status in (ImportStatus.DONE, ImportStatus.FAILED):
            return 100
        if self.status == ImportStatus.QUEUED:
            return 0
        start, end = self.phases.get(self.phase, (0, 100))
        if not self.total:
            return start
        share = min(self.processed, self.total) / self.total
        return min(100, int(start + (end - start) * share))

    def as_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "phase": self.phase,
            "processed": self.processed,
            "total": self.total,
            "percent": self.percent,
            "errors": self.errors,
        }

    def start(self, phase: str, total: int) -> None:
        self.phase, self.processed, self.total = phase, 0, total
        self.publish(force=True)

    def advance(self, processed: int | None = None) -> None:
        self.processed = self.processed + 1 if processed is None else processed
        if (
            self.job_id is not None
            and self.phase == "checking"
            and self.processed - self._saved >= SAVE_EVERY
        ):
            # Outside the write transaction: the page sees it even without a shared cache.
            self._saved = self.processed
            ImportJob.objects.filter(pk=self.job_id).update(
                total_rows=self.total, processed_rows=self.processed
            )
        if self.processed - self._published >= PUBLISH_EVERY or self.processed == self.total:
            self.publish()

    def publish(self, force: bool = False) -> None:
        self._published = self.processed
        state = self.as_json()
        if self.code:
            cache.set(progress_key(self.code), state, CACHE_SECONDS)
        if self.listener is not None:
            self.listener(state)


def import_progress(job: ImportJob) -> dict[str, Any]:
    """The progress of `job` as the page and its script read it: the cache while the job runs
    (the worker updates it inside its transaction), otherwise the job's row."""
    if job.status in (ImportStatus.QUEUED, ImportStatus.RUNNING):
        cached = cache.get(progress_key(job.code))
        # Only an entry of the job's present status: a process whose cache is not shared with
        # the worker's (the local-memory cache) still holds the "queued" it wrote at the upload.
        if isinstance(cached, dict) and cached.get("status") == job.status:
            return {**cached, "code": job.code}
    state = Progress(
        code=job.code,
        status=job.status,
        phase=_phase_of(job),
        processed=job.processed_rows,
        total=job.total_rows,
        errors=len(job.errors or []),
    )
    if job.status == ImportStatus.RUNNING and state.phase == "writing":
        state.processed = 0
    return {**state.as_json(), "code": job.code}


def _phase_of(job: ImportJob) -> str:
    if job.status == ImportStatus.QUEUED:
        return "queued"
    if job.status != ImportStatus.RUNNING:
        return "finished"
    if job.total_rows and job.processed_rows >= job.total_rows:
        return "writing"
    return "checking" if job.total_rows else "reading"


# --- Status -----------------------------------------------------------------------------------


@transaction.atomic
def change_import_status(
    *,
    actor: Any,
    job: ImportJob,
    to: str,
    errors: list[dict[str, Any]] | None = None,
    created: dict[str, Any] | None = None,
) -> ImportJob:
    """The one way through IMPORT_TRANSITIONS. Starting records when; finishing records when,
    the problems (failed) or what was created (done). Writes `reports.import.<verb>`."""
    current = ImportJob.objects.select_for_update().values_list("status", flat=True).get(pk=job.pk)
    if to not in IMPORT_TRANSITIONS.get(current, frozenset()):
        labels = dict(ImportStatus.choices)
        raise ValidationError(
            {
                "status": _("An import that is %(old)s cannot become %(new)s.")
                % {"old": labels.get(current, current), "new": labels.get(to, to)}
            }
        )
    now = timezone.now()
    job.status = to
    fields = ["status", "updated_at"]
    if to == ImportStatus.RUNNING:
        job.started_at = now
        fields.append("started_at")
    else:
        job.finished_at = now
        fields.append("finished_at")
    if errors is not None:
        job.errors = errors
        fields.append("errors")
    if created is not None:
        job.created = created
        fields.append("created")
    if to == ImportStatus.DONE:
        job.processed_rows = job.total_rows
    fields += ["processed_rows", "total_rows"]
    job.save(update_fields=fields)
    log_action(
        actor,
        "reports.import.start"
        if to == ImportStatus.RUNNING
        else ("reports.import.import" if to == ImportStatus.DONE else "reports.import.refuse"),
        job,
        old={"status": current},
        new={"status": to},
        data={
            "rows": job.total_rows,
            "problems": len(job.errors or []),
            "created": int((job.created or {}).get("count", 0)),
        },
    )
    return job


# --- Upload -----------------------------------------------------------------------------------


def import_max_bytes() -> int:
    return int(settings.OCOP_IMPORT_MAX_BYTES)


def check_upload(upload: Any, *, max_bytes: int | None = None) -> None:
    """ValidationError({"file": …}) unless `upload` is an XLSX workbook within the limits."""
    try:
        check_workbook_file(upload, max_bytes=max_bytes or import_max_bytes())
    except ValidationError as exc:
        raise ValidationError({"file": exc.error_list}) from None


@transaction.atomic
def start_import(
    *, actor: Any, kind: str, upload: Any, queue: bool = True, max_bytes: int | None = None
) -> ImportJob:
    """Store `upload` and create its job (queued); queue the task unless `queue` is False (the
    command runs the job itself). Refuses, storing nothing, a kind that cannot be imported, a
    person who may not import, and a file that is not an XLSX within the limits."""
    if not can_import(actor):
        raise PermissionDenied(_("Only the provincial OCOP office imports spreadsheets."))
    errors: dict[str, Any] = {}
    if spec_for(kind) is None:
        errors["kind"] = refused_kind_message(kind)
    try:
        check_upload(upload, max_bytes=max_bytes)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    limit = max_bytes or import_max_bytes()
    with stored_upload(upload, user=actor, allowed=SPREADSHEET_KINDS, max_bytes=limit) as stored:
        job = ImportJob.objects.create(
            kind=kind,
            file=stored,
            file_name=clean_filename(getattr(upload, "name", "") or "import.xlsx"),
            created_by=actor,
        )
        log_action(
            actor,
            "reports.import.create",
            job,
            new={"kind": kind, "file_name": job.file_name, "status": job.status},
            data={"file": stored.code, "size": stored.size},
        )
    cache.set(
        progress_key(job.code),
        Progress(code=job.code, status=ImportStatus.QUEUED, phase="queued").as_json(),
        CACHE_SECONDS,
    )
    if queue:
        from ocop.reports.tasks import run_import

        run_import.enqueue(job.code)
    return job


def refused_kind_message(kind: str) -> str:
    if kind == ImportKind.RESULTS:
        return _(
            "Evaluation results cannot be imported from a spreadsheet: a result belongs to a "
            "dossier, a council session and a decision. Record past results through an archive "
            "session (results transcribed from the minutes), or paper certificates with "
            "“ocop import-certificates”."
        )
    return _("Choose what the file holds: producers or products.")


# --- Checking and writing ---------------------------------------------------------------------


@dataclass
class Outcome:
    rows: list[Row]
    problems: list[dict[str, Any]]
    total: int
    letters: dict[str, str] = field(default_factory=dict)  # field → its column in the file


def check_file(
    *,
    actor: Any,
    spec: ImportSpec,
    file: IO[bytes] | Any,
    progress: Progress,
    max_bytes: int | None = None,
) -> Outcome:
    """Read and check every row of `file`; nothing is written. The problems are sorted by row
    and column."""
    try:
        check_workbook_file(file, max_bytes=max_bytes or import_max_bytes())
    except ValidationError as exc:
        return Outcome([], [problem(None, "", "file", exc.code or "file", exc.messages[0])], 0)
    progress.start("reading", 0)
    try:
        with open_sheet(file, title=spec.sheet_title) as rows:
            sheet = read_rows(
                rows,
                spec.columns,
                max_rows=int(settings.OCOP_IMPORT_MAX_ROWS),
                tick=progress.advance,
            )
    except SheetError as exc:
        return Outcome([], [problem(None, "", "file", "damaged", exc.message)], 0)
    problems = list(sheet.problems)
    total = len(sheet.rows)
    letters = {column.field: sheet.letter(column.field) for column in spec.columns}
    if sheet.rows and not any(item["row"] in (1, None) for item in problems):
        progress.start("checking", total)
        problems += spec.check(actor, sheet.rows, letters, progress.advance)
    problems.sort(key=sort_key)
    progress.errors = len(problems)
    return Outcome(sheet.rows, problems, total, letters)


class RowRefused(Exception):
    def __init__(self, problems: list[dict[str, Any]]) -> None:
        super().__init__("row refused")
        self.problems = problems


def write_rows(
    *, actor: Any, spec: ImportSpec, rows: list[Row], letters: dict[str, str], progress: Progress
) -> list[str]:
    """Write every row in one transaction; the codes made. RowRefused (the transaction rolled
    back) with the problems of the first row a service refused."""
    progress.start("writing", len(rows))
    codes: list[str] = []
    with transaction.atomic():
        for row in rows:
            try:
                made = spec.write(actor, row)
            except ValidationError as exc:
                raise RowRefused(service_problems(exc, row.number, letters)) from None
            codes.append(made.code)
            progress.advance()
    return codes


def run_import_job(
    code: str, *, listener: Callable[[dict[str, Any]], None] | None = None
) -> ImportJob:
    """Run the queued job `code` (the task calls this; so does `ocop import-xlsx`): done with
    what it created, or failed with every problem and nothing written. A job that is not
    queued is left as it is (a task delivered twice runs once)."""
    job = ImportJob.objects.select_related("file", "created_by").get(code=code)
    if job.status != ImportStatus.QUEUED:
        return job
    with translation.override(settings.LANGUAGE_CODE):
        actor = job.created_by
        job = change_import_status(actor=actor, job=job, to=ImportStatus.RUNNING)
        progress = Progress(code=job.code, listener=listener, job_id=job.pk)
        try:
            return _run(job, actor, progress)
        except Exception:
            logger.exception("Import %s stopped by an unexpected error", job.code)
            message = _(
                "An unexpected error stopped the import: nothing was imported. The "
                "administrators find the details in the server's log."
            )
            _finish(job, actor, progress, problems=[problem(None, "", "", "crash", message)])
            raise


def _run(job: ImportJob, actor: Any, progress: Progress) -> ImportJob:
    spec = spec_for(job.kind)
    if spec is None:
        message = refused_kind_message(job.kind)
        return _finish(job, actor, progress, problems=[problem(None, "", "kind", "kind", message)])
    if not can_import(actor):
        message = _("The person who uploaded the file may no longer import spreadsheets.")
        return _finish(job, actor, progress, problems=[problem(None, "", "", "access", message)])
    storage = private_storage()
    with storage.open(job.file.storage_name, "rb") as file:
        outcome = check_file(actor=actor, spec=spec, file=file, progress=progress)
    job.total_rows = outcome.total
    job.processed_rows = outcome.total
    if outcome.problems:
        return _finish(job, actor, progress, problems=outcome.problems)
    ImportJob.objects.filter(pk=job.pk).update(
        total_rows=job.total_rows, processed_rows=job.processed_rows
    )
    try:
        codes = write_rows(
            actor=actor, spec=spec, rows=outcome.rows, letters=outcome.letters, progress=progress
        )
    except RowRefused as exc:
        return _finish(job, actor, progress, problems=exc.problems)
    created = {"kind": job.kind, "count": len(codes), "codes": codes[:CREATED_CODES_KEPT]}
    return _finish(job, actor, progress, created=created)


def _finish(
    job: ImportJob,
    actor: Any,
    progress: Progress,
    *,
    problems: list[dict[str, Any]] | None = None,
    created: dict[str, Any] | None = None,
) -> ImportJob:
    to = ImportStatus.FAILED if problems else ImportStatus.DONE
    job = change_import_status(actor=actor, job=job, to=to, errors=problems or [], created=created)
    progress.status = to
    progress.errors = len(problems or [])
    progress.processed = job.processed_rows
    progress.total = job.total_rows
    progress.phase = "finished"
    progress.publish(force=True)
    return job
