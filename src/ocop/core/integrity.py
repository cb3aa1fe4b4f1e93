"""`ocop verify`: recompute what the platform stored from the records it was computed from, and
report every difference.

- **Score sheets**: each submitted member's sheet total, from its selections and stop rules,
  through the scoring engine.
- **Council results**: each agenda item of a closed session, from the submitted sheets of the
  members who had to score it (`council_result`, the function that closed the session); an item
  transcribed from archived minutes, from its own result and the star band of its mean.
- **Certificates**: each certificate issued from a decision, from that decision and its item
  (product, producer, stars, mean, number and date of the decision, issue and expiry dates,
  the decision approved and the item recognised at 3★ or more).
- **States**: each object of every state machine, from its audit trail: the status moves in the
  activity log must chain (each move starts where the previous one ended), each move must be one
  the machine allows, and the last one must end in the stored status; an object whose status was
  never moved must still be in a status it can be created in. Dossiers are checked a second time
  against their own timeline (`DossierEvent`).

Read-only: it changes nothing. Mismatches are data problems to investigate (a row changed outside
the services, a restore from an inconsistent backup, a bug): the command exits 1 when it finds any.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models

from ocop.core.models import ActivityLog


@dataclass(frozen=True)
class Mismatch:
    check: str  # "sheet", "council_result", "certificate", "state", "timeline"
    subject: str  # what was checked, by its public code
    field: str
    expected: str  # recomputed
    found: str  # stored

    def __str__(self) -> str:
        return (
            f"[{self.check}] {self.subject}: {self.field} is {self.found}, "
            f"recomputed {self.expected}"
        )


@dataclass
class Report:
    checked: Counter[str] = field(default_factory=Counter)
    mismatches: list[Mismatch] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mismatches

    def add(self, check: str, subject: str, name: str, expected: Any, found: Any) -> None:
        self.mismatches.append(Mismatch(check, subject, name, _text(expected), _text(found)))

    def compare(self, check: str, subject: str, pairs: dict[str, tuple[Any, Any]]) -> None:
        """pairs: field -> (recomputed, stored)."""
        for name, (expected, found) in pairs.items():
            if _norm(expected) != _norm(found):
                self.add(check, subject, name, expected, found)

    def as_dict(self) -> dict[str, Any]:
        return {
            "checked": dict(sorted(self.checked.items())),
            "mismatches": [m.__dict__ for m in self.mismatches],
        }


def _norm(value: Any) -> Any:
    if isinstance(value, Decimal):
        return value.normalize()
    if isinstance(value, float):
        return Decimal(str(value)).normalize()
    if isinstance(value, dict):
        return {k: _norm(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_norm(v) for v in value]
    return value


def _text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


# --- score sheets and council results -----------------------------------------------------------


def check_sheets(report: Report) -> None:
    from ocop.criteria.engine.errors import ScoringError
    from ocop.criteria.engine.scoring import score_sheet
    from ocop.evaluation.enums import SheetStatus
    from ocop.evaluation.models import ScoreSheet
    from ocop.evaluation.queries.prediction import exact
    from ocop.evaluation.services.sessions import _spec

    sheets = (
        ScoreSheet.objects.filter(status=SheetStatus.SUBMITTED)
        .select_related(
            "item__session",
            "item__dossier__criteria_set",
            "item__dossier__scorecard",
            "member__user",
        )
        .order_by("pk")
    )
    for sheet in sheets.iterator(chunk_size=500):
        report.checked["sheet"] += 1
        subject = (
            f"sheet of {sheet.member.user.username} for {sheet.item.dossier.code} "
            f"in session {sheet.item.session.code}"
        )
        try:
            result = score_sheet(
                _spec(sheet.item),
                {str(code): exact(value) for code, value in sheet.selections.items()},
                knockouts=tuple(sheet.knockouts),
                member=sheet.member.user.username,
            )
        except ScoringError as exc:
            report.add("sheet", subject, "selections", "a complete sheet", str(exc))
            continue
        report.compare("sheet", subject, {"total": (result.total, sheet.total)})


def check_council_results(report: Report) -> None:
    from ocop.criteria.engine.scoring import band_for, result_to_dict
    from ocop.criteria.queries.specs import policy_for
    from ocop.evaluation.enums import SessionSource, SessionStatus
    from ocop.evaluation.models import SessionDossier
    from ocop.evaluation.services.sessions import council_result

    items = (
        SessionDossier.objects.filter(session__status=SessionStatus.CLOSED)
        .select_related(
            "session__council", "dossier__criteria_set", "dossier__scorecard", "dossier__product"
        )
        .order_by("session_id", "position", "pk")
    )
    for item in items.iterator(chunk_size=200):
        report.checked["council_result"] += 1
        subject = f"result of {item.dossier.code} in session {item.session.code}"
        stored = {
            "mean_total": item.mean_total,
            "stars": item.stars,
            "band_stars": item.band_stars,
        }
        if item.session.source == SessionSource.ARCHIVE:
            result = item.result or {}
            mean = item.mean_total
            band = (
                band_for(policy_for(item.dossier.criteria_set), mean) if mean is not None else None
            )
            report.compare(
                "council_result",
                subject,
                {
                    "mean_total": (_decimal(result.get("mean_total")), mean),
                    "stars": (result.get("stars"), item.stars),
                    "band_stars": (band, item.band_stars),
                },
            )
            if item.stars is not None and band is not None and item.stars > band:
                report.add("council_result", subject, "stars", f"≤ {band}", item.stars)
            continue
        try:
            recomputed = council_result(item)
        except ValidationError as exc:  # a sheet the engine refuses is the finding
            report.add("council_result", subject, "sheets", "a result", "; ".join(exc.messages))
            continue
        report.compare(
            "council_result",
            subject,
            {
                "mean_total": (recomputed.mean_total, stored["mean_total"]),
                "stars": (recomputed.stars, stored["stars"]),
                "band_stars": (recomputed.band_stars, stored["band_stars"]),
                "result": (result_to_dict(recomputed), item.result),
            },
        )


def _decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value))


# --- certificates -------------------------------------------------------------------------------


def check_certificates(report: Report) -> None:
    from ocop.certificates.dates import certificate_rules, expiry_date
    from ocop.certificates.models import Certificate
    from ocop.evaluation.enums import DecisionStatus

    certificates = (
        Certificate.objects.select_related(
            "decision",
            "decision_item__dossier__criteria_set",
            "decision_item__dossier__product",
            "decision_item__dossier__producer",
        )
        .filter(decision_item__isnull=False)
        .order_by("pk")
    )
    for certificate in certificates.iterator(chunk_size=500):
        report.checked["certificate"] += 1
        item = certificate.decision_item
        decision = certificate.decision
        dossier = item.dossier
        subject = f"certificate {certificate.number} ({certificate.code})"
        signed = decision.signed_on if decision is not None else None
        report.compare(
            "certificate",
            subject,
            {
                "decision": (item.decision_id, certificate.decision_id),
                "product": (dossier.product.code, certificate.product.code),
                "producer": (dossier.producer.code, certificate.producer.code),
                "stars": (item.stars, certificate.stars),
                "mean_total": (item.mean_total, certificate.mean_total),
                "criteria_set": (dossier.criteria_set_id, certificate.criteria_set_id),
                "decision_number": (
                    decision.number if decision else None,
                    certificate.decision_number,
                ),
                "decided_on": (signed, certificate.decided_on),
                "issued_on": (signed, certificate.issued_on),
                "expires_on": (
                    expiry_date(signed, certificate_rules(dossier)) if signed else None,
                    certificate.expires_on,
                ),
            },
        )
        if decision is not None and decision.status != DecisionStatus.APPROVED:
            report.add("certificate", subject, "decision status", "approved", decision.status)
        if not item.recognised or (item.stars or 0) < 3:
            report.add(
                "certificate",
                subject,
                "decision item",
                "recognised, 3★ or more",
                f"recognised={item.recognised}, {item.stars}★",
            )


# --- states from the audit trail ----------------------------------------------------------------


@dataclass(frozen=True)
class Machine:
    model: str  # "app_label.ModelName"
    transitions: str  # "module:NAME" of the table of allowed moves
    # the statuses an object may be created in (besides the field's default)
    created_in: tuple[str, ...] = ()
    # the actions that move this object, when other objects' moves are logged on it too (a
    # member's sheet is logged on its session)
    action_prefix: str = ""

    def load(self) -> tuple[type[models.Model], dict[str, frozenset[str]]]:
        module, name = self.transitions.split(":")
        table = getattr(__import__(module, fromlist=[name]), name)
        return apps.get_model(self.model), table


# Every state machine of the platform (each has one transition function writing the audit row),
# but two whose trail is elsewhere: a member's score sheet keeps its own numbered versions
# (`check_sheet_versions`) and stamps, moved by the thousand, are logged per range on their batch
# (`check_stamps`).
MACHINES: tuple[Machine, ...] = (
    Machine("producers.Producer", "ocop.producers.enums:PRODUCER_TRANSITIONS"),
    Machine("products.Product", "ocop.products.enums:PRODUCT_TRANSITIONS"),
    Machine("criteria.CriteriaSet", "ocop.criteria.enums:CRITERIA_SET_TRANSITIONS"),
    Machine("evaluation.SelfAssessment", "ocop.evaluation.enums:SELF_ASSESSMENT_TRANSITIONS"),
    Machine("evaluation.Dossier", "ocop.evaluation.enums:DOSSIER_TRANSITIONS"),
    Machine("evaluation.Round", "ocop.evaluation.enums:ROUND_TRANSITIONS"),
    Machine(
        "evaluation.Session",
        "ocop.evaluation.enums:SESSION_TRANSITIONS",
        action_prefix="evaluation.session.",
    ),
    Machine("evaluation.Decision", "ocop.evaluation.enums:DECISION_TRANSITIONS"),
    Machine("certificates.Certificate", "ocop.certificates.enums:CERTIFICATE_TRANSITIONS"),
    Machine("certificates.Revocation", "ocop.certificates.enums:REVOCATION_TRANSITIONS"),
    Machine("certificates.Inspection", "ocop.certificates.enums:INSPECTION_TRANSITIONS"),
    Machine("catalog.Article", "ocop.catalog.enums:ARTICLE_TRANSITIONS"),
    Machine("traceability.Batch", "ocop.traceability.enums:BATCH_TRANSITIONS"),
    Machine("trade.Buyer", "ocop.trade.enums:BUYER_TRANSITIONS"),
    Machine("trade.PointOfSale", "ocop.trade.enums:POINT_OF_SALE_TRANSITIONS"),
    Machine("trade.Demand", "ocop.trade.enums:DEMAND_TRANSITIONS"),
    Machine("trade.Offer", "ocop.trade.enums:OFFER_TRANSITIONS"),
    Machine("trade.Connection", "ocop.trade.enums:CONNECTION_TRANSITIONS"),
    Machine("reports.TrainingCourse", "ocop.reports.enums:COURSE_TRANSITIONS"),
    Machine("reports.ImportJob", "ocop.reports.enums:IMPORT_TRANSITIONS"),
)


def _code(obj: models.Model) -> str:
    label = obj._meta.verbose_name
    return f"{label} {getattr(obj, 'code', None) or obj.pk}"


def _status_moves(logs: list[ActivityLog]) -> Iterator[tuple[ActivityLog, str | None, str]]:
    for log in logs:
        new = (log.data or {}).get("new") or {}
        if "status" not in new:
            continue
        old = (log.data or {}).get("old") or {}
        yield log, old.get("status"), new["status"]


def check_machine(report: Report, machine: Machine) -> None:
    model, table = machine.load()
    status_field = model._meta.get_field("status")
    default = status_field.get_default()
    created_in = {default, *machine.created_in}
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    logs: dict[str, list[ActivityLog]] = defaultdict(list)
    rows = (
        ActivityLog.objects.filter(content_type=content_type)
        .only("object_id", "action", "data", "created_at")
        .order_by("created_at", "pk")
    )
    if machine.action_prefix:
        rows = rows.filter(action__startswith=machine.action_prefix)
    for log in rows.iterator(chunk_size=2000):
        logs[log.object_id].append(log)
    check = "state"
    for obj in model._default_manager.order_by("pk").iterator(chunk_size=2000):
        report.checked[f"state:{machine.model}"] += 1
        subject = _code(obj)
        state: str | None = None
        for log, old, new in _status_moves(logs.get(str(obj.pk), [])):
            if old is None:  # the creation row: the status the object was created in
                if state is not None:
                    report.add(check, subject, f"{log.action}", f"a move from {state}", new)
                state = new
                continue
            if state is None:
                if old not in created_in:
                    report.add(check, subject, "first status", " or ".join(sorted(created_in)), old)
                state = old
            if old != state:
                report.add(check, subject, f"{log.action} starts from", state, old)
            if new not in table.get(old, frozenset()):
                report.add(check, subject, f"{log.action}", f"a move allowed from {old}", new)
            state = new
        if state is None:
            if obj.status not in created_in:
                report.add(check, subject, "status (no move recorded)", default, obj.status)
        elif state != obj.status:
            report.add(check, subject, "status", state, obj.status)


def check_sheet_versions(report: Report) -> None:
    """A member's sheet against its versions: numbered 1…n without a gap (a missing version is a
    lost write), each change of status allowed, the last version's status and total the sheet's."""
    from ocop.evaluation.enums import SHEET_TRANSITIONS, SheetStatus
    from ocop.evaluation.models import ScoreSheet, ScoreSheetVersion

    versions: dict[int, list[tuple[int, str, Any]]] = defaultdict(list)
    rows = ScoreSheetVersion.objects.order_by("sheet_id", "version").values_list(
        "sheet_id", "version", "status", "total"
    )
    for sheet_id, number, status, total in rows.iterator(chunk_size=5000):
        versions[sheet_id].append((number, status, total))
    sheets = ScoreSheet.objects.select_related("item__session", "item__dossier", "member__user")
    for sheet in sheets.order_by("pk").iterator(chunk_size=1000):
        report.checked["state:evaluation.ScoreSheet"] += 1
        subject = (
            f"sheet of {sheet.member.user.username} for {sheet.item.dossier.code} "
            f"in session {sheet.item.session.code}"
        )
        history = versions.get(sheet.pk, [])
        numbers = [number for number, _status, _total in history]
        if numbers != list(range(1, len(numbers) + 1)):
            report.add("state", subject, "versions", "1…n without a gap", numbers)
        state = SheetStatus.DRAFT.value
        for number, status, _total in history:
            if status != state and status not in SHEET_TRANSITIONS.get(state, frozenset()):
                report.add("state", subject, f"version {number}", f"a move from {state}", status)
            state = status
        last_total = history[-1][2] if history else None
        report.compare(
            "state",
            subject,
            {
                "version": (len(history), sheet.version),
                "status": (state, sheet.status),
                **(
                    {"total": (last_total, sheet.total)}
                    if sheet.status == SheetStatus.SUBMITTED
                    else {}
                ),
            },
        )


def check_stamps(report: Report) -> None:
    """Each batch's stamps against its trail: as many stamps as issued, as many activated and
    voided as the activations and voidings logged on the batch, and each stamp's status agrees
    with its dates (void ⇔ voided; active ⇔ activated and not voided)."""
    from ocop.traceability.enums import StampStatus
    from ocop.traceability.models import Batch, Stamp

    content_type = ContentType.objects.get_for_model(Batch, for_concrete_model=False)
    logged: dict[str, Counter[str]] = defaultdict(Counter)
    rows = ActivityLog.objects.filter(
        content_type=content_type,
        action__in=(
            "traceability.batch.issue_stamps",
            "traceability.batch.activate_stamps",
            "traceability.batch.void_stamps",
        ),
    ).values_list("object_id", "action", "data")
    for object_id, action, data in rows.iterator(chunk_size=2000):
        logged[object_id][action.rsplit(".", 1)[1]] += int((data or {}).get("count", 0))
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    stamps = Stamp.objects.values_list("batch_id", "status", "activated_at", "voided_at")
    for batch_id, status, activated_at, voided_at in stamps.iterator(chunk_size=10000):
        tally = counts[batch_id]
        tally["issue_stamps"] += 1
        tally["activate_stamps"] += activated_at is not None
        tally["void_stamps"] += voided_at is not None
        expected = (
            StampStatus.VOID
            if voided_at is not None
            else StampStatus.ACTIVE
            if activated_at is not None
            else StampStatus.ISSUED
        )
        tally["wrong status"] += status != expected
    for pk, code in Batch.objects.order_by("pk").values_list("pk", "code"):
        report.checked["state:traceability.Stamp"] += counts[pk]["issue_stamps"]
        subject = f"stamps of batch {code}"
        trail = logged.get(str(pk), Counter())
        for action in ("issue_stamps", "activate_stamps", "void_stamps"):
            report.compare("state", subject, {action: (trail[action], counts[pk][action])})
        if counts[pk]["wrong status"]:
            report.add("state", subject, "status against the dates", 0, counts[pk]["wrong status"])


def check_dossier_timelines(report: Report) -> None:
    from ocop.evaluation.enums import DOSSIER_TRANSITIONS, DossierStatus
    from ocop.evaluation.models import Dossier, DossierEvent

    events: dict[int, list[tuple[str, str]]] = defaultdict(list)
    rows = DossierEvent.objects.order_by("created_at", "pk").values_list(
        "dossier_id", "from_status", "to_status"
    )
    for dossier_id, from_status, to_status in rows.iterator(chunk_size=5000):
        events[dossier_id].append((from_status, to_status))
    for pk, code, status in Dossier.objects.order_by("pk").values_list("pk", "code", "status"):
        report.checked["timeline"] += 1
        subject = f"dossier {code}"
        state = DossierStatus.DRAFT.value
        for from_status, to_status in events.get(pk, []):
            if not from_status:  # the timeline's first entry: the dossier created in to_status
                state = to_status
                continue
            if from_status != state:
                report.add("timeline", subject, "move starts from", state, from_status)
            if to_status not in DOSSIER_TRANSITIONS.get(from_status, frozenset()):
                report.add(
                    "timeline", subject, f"move {from_status} →", "an allowed move", to_status
                )
            state = to_status
        if state != status:
            report.add("timeline", subject, "status", state, status)


# --- all together -------------------------------------------------------------------------------

CHECKS: tuple[tuple[str, Callable[[Report], None]], ...] = (
    ("sheets", check_sheets),
    ("council results", check_council_results),
    ("certificates", check_certificates),
    ("states", lambda report: [check_machine(report, m) for m in MACHINES]),
    ("sheet versions", check_sheet_versions),
    ("stamps", check_stamps),
    ("dossier timelines", check_dossier_timelines),
)


def verify(*, only: str | None = None) -> Report:
    """Run the checks (all, or the one named `only`) and return what they found."""
    report = Report()
    for name, check in CHECKS:
        if only is None or only == name:
            check(report)
    return report
