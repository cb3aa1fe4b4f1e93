"""The one error of the scoring engine: bad input, with every problem found, before any result.

Messages are English gettext msgids; they are translated when the error is raised, so a Django
process answers in the active language. Each issue names the criterion (when there is one), the
member whose sheet it is on, and the `field` of the request body it comes from
(`sheets.0.selections.1.1`), so the CLI, the API and the UI can all point at it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ScoringIssue:
    message: str
    criterion: str | None = None
    member: str | None = None
    field: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {
            "field": self.field,
            "criterion": self.criterion,
            "member": self.member,
            "message": self.message,
        }

    def line(self) -> str:
        """One line for a terminal: `[m1] Criterion 1.1 is missing.`."""
        return f"[{self.member}] {self.message}" if self.member else self.message


class ScoringError(ValueError):
    """Bad input to the engine. `issues` lists every problem found, in input order."""

    def __init__(self, issues: list[ScoringIssue]) -> None:
        self.issues = list(issues)
        super().__init__("; ".join(issue.line() for issue in self.issues))

    def as_dicts(self) -> list[dict[str, str | None]]:
        return [issue.as_dict() for issue in self.issues]
