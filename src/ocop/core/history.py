"""The History tab in words people read: verbs, field labels and choice labels, not raw codes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ocop.core.models import ActivityLog

# The last part of an action name (`producers.producer.approve`) in words.
VERBS: dict[str, Any] = {
    "create": pgettext_lazy("history", "created"),
    "register": pgettext_lazy("history", "registered"),
    "update": pgettext_lazy("history", "updated"),
    "approve": pgettext_lazy("history", "approved"),
    "reject": pgettext_lazy("history", "rejected"),
    "suspend": pgettext_lazy("history", "suspended"),
    "reinstate": pgettext_lazy("history", "reinstated"),
    "resubmit": pgettext_lazy("history", "resubmitted"),
    "archive": pgettext_lazy("history", "archived"),
    "restore": pgettext_lazy("history", "restored"),
    "add_photo": pgettext_lazy("history", "photo added"),
    "remove_photo": pgettext_lazy("history", "photo removed"),
    "photo_add": pgettext_lazy("history", "photo added"),
    "photo_remove": pgettext_lazy("history", "photo removed"),
    "import": pgettext_lazy("history", "imported"),
    "refuse": pgettext_lazy("history", "refused"),  # a spreadsheet import with problems
    "publish": pgettext_lazy("history", "published"),
    "supersede": pgettext_lazy("history", "superseded"),
    "lock": pgettext_lazy("history", "locked"),
    "reimport": pgettext_lazy("history", "imported again"),
    "delete": pgettext_lazy("history", "deleted"),
    "add": pgettext_lazy("history", "added"),
    "remove": pgettext_lazy("history", "removed"),
    "issue": pgettext_lazy("history", "issued"),
    "revoke": pgettext_lazy("history", "revoked"),
    "finalise": pgettext_lazy("history", "finalised"),
    "copy": pgettext_lazy("history", "copied"),
    "start": pgettext_lazy("history", "started"),
    "save": pgettext_lazy("history", "saved"),
    "submit": pgettext_lazy("history", "submitted"),
    "forward": pgettext_lazy("history", "forwarded"),
    "accept": pgettext_lazy("history", "accepted"),
    "return": pgettext_lazy("history", "returned"),
    "withdraw": pgettext_lazy("history", "withdrawn"),
    "close": pgettext_lazy("history", "closed"),
    "open": pgettext_lazy("history", "opened"),
    "declare": pgettext_lazy("history", "declared"),
    "assess": pgettext_lazy("history", "assessed"),
    # The evaluation workflow (issue 4): dossiers, rounds, councils, sessions, decisions.
    "status": pgettext_lazy("history", "status changed"),
    "reopen": pgettext_lazy("history", "reopened"),
    "start_scoring": pgettext_lazy("history", "scoring started"),
    "member_add": pgettext_lazy("history", "member added"),
    "member_remove": pgettext_lazy("history", "member removed"),
    "agenda_add": pgettext_lazy("history", "put on the agenda"),
    "attendance": pgettext_lazy("history", "attendance recorded"),
    "discussion_open": pgettext_lazy("history", "discussion round opened"),
    "discussion_close": pgettext_lazy("history", "discussion round closed"),
    "flag": pgettext_lazy("history", "flagged for discussion"),
    "unflag": pgettext_lazy("history", "no longer flagged for discussion"),
    "dossier_knockouts": pgettext_lazy("history", "dossier knock-out recorded"),
    "draft": pgettext_lazy("history", "drafted"),
    "draft_from_central": pgettext_lazy("history", "drafted from the ministry's result"),
    "correct": pgettext_lazy("history", "corrected"),
    "release": pgettext_lazy("history", "released"),
    "discard": pgettext_lazy("history", "discarded"),
    # History before the platform: results transcribed from archived minutes.
    "from_minutes": pgettext_lazy("history", "results to be transcribed from archived minutes"),
    "minutes_result": pgettext_lazy("history", "result transcribed from the minutes"),
    # Certificates: issue, record, life cycle, re-evaluation, revocations, inspections.
    "record": pgettext_lazy("history", "recorded"),
    "expire": pgettext_lazy("history", "expired"),
    "notice": pgettext_lazy("history", "notice sent"),
    "start_reevaluation": pgettext_lazy("history", "re-evaluation started"),
    "start_upgrade": pgettext_lazy("history", "upgrade started"),
    "propose": pgettext_lazy("history", "proposed"),
    "decide": pgettext_lazy("history", "decided"),
    "plan": pgettext_lazy("history", "planned"),
    "cancel": pgettext_lazy("history", "cancelled"),
    # Accounts: the TOTP second factor (issue 9).
    "totp_start": pgettext_lazy("history", "two-step verification set-up started"),
    "totp_enable": pgettext_lazy("history", "two-step verification turned on"),
    "totp_disable": pgettext_lazy("history", "two-step verification turned off"),
    "totp_reset": pgettext_lazy("history", "two-step verification reset by an administrator"),
    # Traceability: EPCIS capture jobs.
    "capture": pgettext_lazy("history", "captured"),
    # Traceability: batches, their inputs and stamps, the steps recorded on the forms.
    "recall": pgettext_lazy("history", "recalled"),
    "add_input": pgettext_lazy("history", "input added"),
    "remove_input": pgettext_lazy("history", "input removed"),
    "issue_stamps": pgettext_lazy("history", "stamps issued"),
    "activate_stamps": pgettext_lazy("history", "stamps activated"),
    "void_stamps": pgettext_lazy("history", "stamps voided"),
    "record_step": pgettext_lazy("history", "step recorded"),
    # The portal (issue 7): points of sale, store links, news, featured products.
    "add_product": pgettext_lazy("history", "product added"),
    "remove_product": pgettext_lazy("history", "product removed"),
    "move": pgettext_lazy("history", "moved"),
    "redraft": pgettext_lazy("history", "returned to draft"),
    # State management (issue 8): training courses.
    "add_session": pgettext_lazy("history", "session added"),
    "add_participant": pgettext_lazy("history", "participant added"),
}
YES, NO, EMPTY = _("yes"), _("no"), "–"


@dataclass(frozen=True)
class HistoryRow:
    entry: ActivityLog
    verb: Any
    changes: list[tuple[Any, Any, Any]]


def _field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


def _related_names(field: models.ManyToManyField, keys: list[Any]) -> list[str]:
    """The names of the related rows a many-to-many change names by their public key or code
    (the services log keys, never database ids)."""
    related = field.related_model
    for attribute in ("key", "code"):
        if any(f.name == attribute for f in related._meta.get_fields()):
            found = {
                str(getattr(row, attribute)): str(row)
                for row in related._default_manager.filter(**{f"{attribute}__in": keys})
            }
            return [found.get(str(key), str(key)) for key in keys]
    return [str(key) for key in keys]


def _value(field: models.Field | None, value: Any) -> Any:
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, list | tuple):
        if isinstance(field, models.ManyToManyField):
            return ", ".join(_related_names(field, list(value)))
        return ", ".join(str(_value(None, item)) for item in value)
    if isinstance(value, bool):
        return YES if value else NO
    if field is not None and field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(field, models.DateField) and isinstance(value, str):
        try:
            parsed: dt.date | dt.datetime = (
                dt.datetime.fromisoformat(value)
                if isinstance(field, models.DateTimeField)
                else dt.date.fromisoformat(value)
            )
        except ValueError:
            return value
        return formats.date_format(
            parsed,
            "SHORT_DATETIME_FORMAT" if isinstance(parsed, dt.datetime) else "SHORT_DATE_FORMAT",
        )
    return value


def history_rows(entries: Any) -> list[HistoryRow]:
    rows = []
    for entry in entries:
        model = entry.content_type.model_class()
        verb_key = entry.action.rsplit(".", 1)[-1]
        changes = []
        for name, old, new in entry.changes:
            field = _field(model, name)
            label = capfirst(field.verbose_name) if field is not None else name
            changes.append((label, _value(field, old), _value(field, new)))
        rows.append(HistoryRow(entry=entry, verb=VERBS.get(verb_key, verb_key), changes=changes))
    return rows
