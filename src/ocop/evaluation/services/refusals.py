"""Refusals of the council workflow (rounds, councils, sessions, sheets).

A refusal is a `ValidationError` (the pages show its message like any other service error), of
one of two kinds that the API answers differently:

- `NotAllowed` (403): the caller may see the thing but may not do this: not a member of the
  session's council, the secretary trying to score, a member who declared a conflict of
  interest, a member who is not present, someone other than the chair closing the session.
- `WrongState` (409): the thing is not in a state that allows it: a closed session, a sheet
  already submitted, no declaration yet, no quorum, an item not fully scored.

Bad input (points that are not an option, a missing criterion …) stays a plain
`ValidationError` (422). Every service is atomic: a refusal leaves the data as they were.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ocop.accounts.rules import as_access


class Refusal(ValidationError):
    """A refused action; `status` is the HTTP status of the API's problem details."""

    status = 409
    kind = "conflict"

    def __init__(self, message: Any, code: str | None = None, params: Any = None) -> None:
        super().__init__(message, code=code, params=params)

    @property
    def text(self) -> str:
        return " ".join(str(message) for message in self.messages)


class NotAllowed(Refusal):
    status = 403
    kind = "forbidden"


class WrongState(Refusal):
    status = 409
    kind = "conflict"


def require_office(actor: Any) -> None:
    """Rounds, councils and agendas are managed by the provincial office and the administrator."""
    access = as_access(actor)
    if not (access.is_admin or access.is_province_officer):
        raise NotAllowed(_("Only the provincial OCOP office manages rounds, councils and agendas."))
