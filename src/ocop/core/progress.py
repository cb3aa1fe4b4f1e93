"""Progress of a background task, kept in the cache under the task's id.

A long task (`@task(takes_context=True)`) opens `TaskProgress.for_context(context, steps)` and
calls `step(name)` as it goes; a page or a command reads it back with `task_progress(task_id)`.
The cache is Redis in production, so the worker's writes are seen by the web processes; the
final outcome stays in the task's result row (`DBTaskResult.return_value`) after the cache entry
has expired. The spreadsheet import keeps its own, finer progress (rows within phases,
`ocop.reports.services.imports.Progress`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache

CACHE_SECONDS = 24 * 3600

RUNNING = "RUNNING"
DONE = "SUCCESSFUL"
FAILED = "FAILED"


def progress_key(task_id: str) -> str:
    return f"tasks:{task_id}:progress"


@dataclass
class TaskProgress:
    """The steps of one task run: which are done, which runs now, and the overall percent."""

    task_id: str
    steps: list[str]
    done: list[str] = field(default_factory=list)
    current: str = ""
    status: str = RUNNING
    results: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def for_context(cls, context: Any, steps: list[str]) -> TaskProgress:
        progress = cls(task_id=str(context.task_result.id), steps=list(steps))
        progress.publish()
        return progress

    @property
    def percent(self) -> int:
        if self.status != RUNNING:
            return 100
        return int(100 * len(self.done) / len(self.steps)) if self.steps else 0

    def as_json(self) -> dict[str, Any]:
        return {
            "task": self.task_id,
            "status": self.status,
            "steps": self.steps,
            "done": self.done,
            "current": self.current,
            "percent": self.percent,
            "results": self.results,
        }

    def step(self, name: str) -> None:
        """`name` starts now (the previous step, if any, is done)."""
        self._close_current()
        self.current = name
        self.publish()

    def record(self, value: Any) -> None:
        """The outcome of the current step (JSON: numbers, strings, lists, dicts)."""
        self.results[self.current] = value

    def finish(self, *, failed: bool = False) -> dict[str, Any]:
        if not failed:
            self._close_current()
        self.status = FAILED if failed else DONE
        return self.publish()

    def publish(self) -> dict[str, Any]:
        state = self.as_json()
        cache.set(progress_key(self.task_id), state, CACHE_SECONDS)
        return state

    def _close_current(self) -> None:
        if self.current and self.current not in self.done:
            self.done.append(self.current)
        self.current = ""


def task_progress(task_id: str) -> dict[str, Any] | None:
    """The last progress published by the task `task_id`, or None (not started, or expired)."""
    state = cache.get(progress_key(task_id))
    return state if isinstance(state, dict) else None
