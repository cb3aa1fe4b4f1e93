"""One of the writer processes of `test_concurrency.py`: `python -m tests.security.concurrency_worker
INDEX`, with DJANGO_SETTINGS_MODULE and the database (OCOP_SQLITE_PATH or DATABASE_URL) in its
environment.

It speaks JSON lines with the test: for each phase the test sends `{"phase": …, ids…}`; the
worker loads what it will change (the copies a page would have loaded: possibly stale by the
time it writes), answers `{"ready": true}`, waits for `"go"`, makes its writes through the
SERVICES and answers its tally: attempted, succeeded, refused (a ValidationError: the clean
refusal a user sees), locked ("database is locked" reaching the caller) and failed (anything
else, with the traceback), and what it wrote. `{"phase": "stop"}` ends it.
"""

from __future__ import annotations

import itertools
import json
import os
import sys
import traceback
from collections.abc import Callable
from typing import Any, TextIO

# The tiny scorecard of tests.factories.evaluation: 1.1 (10 or 30), 1.2 (15 or 30), 2.1 (20 or
# 40). Complete sheets (8, one per member) and partial drafts (26, three per process).
OPTIONS = (("1.1", (10, 30)), ("1.2", (15, 30)), ("2.1", (20, 40)))
FULL_SHEETS = [
    dict(zip([code for code, _ in OPTIONS], values, strict=True))
    for values in itertools.product(*(points for _, points in OPTIONS))
]
DRAFTS = [
    {code: value for (code, _), value in zip(OPTIONS, values, strict=True) if value is not None}
    for values in itertools.product(*((None, *points) for _, points in OPTIONS))
    if any(value is not None for value in values)
]
SAVES_PER_PROCESS = 3
STAMPS_BASE = 20  # process i issues STAMPS_BASE + i stamps for the shared batch
STAMPS_OWN = 10  # and this many for its own batch of a product without a GTIN yet
SCANS_PER_PROCESS = 25
EDIT_FIELDS = ("name", "description", "producer_sku")


def draft_for(index: int, save: int) -> dict[str, int]:
    return DRAFTS[index * SAVES_PER_PROCESS + save]


def edit_for(index: int) -> tuple[str, str]:
    field = EDIT_FIELDS[index % len(EDIT_FIELDS)]
    return field, f"Giá trị {index} của {field}" if field != "producer_sku" else f"SKU-{index}"


class Tally:
    def __init__(self) -> None:
        self.data: dict[str, Any] = {
            "attempted": 0,
            "succeeded": 0,
            "refused": 0,
            "locked": 0,
            "failed": 0,
            "refusals": [],
            "errors": [],
            "written": [],
        }

    def attempt(self, call: Callable[[], Any]) -> Any:
        from django.core.exceptions import ValidationError
        from django.db import OperationalError

        self.data["attempted"] += 1
        try:
            value = call()
        except ValidationError as exc:  # Refusal, CaptureError: what the user is told
            self.data["refused"] += 1
            self.data["refusals"].append(type(exc).__name__)
            return None
        except OperationalError as exc:
            kind = "locked" if "locked" in str(exc).lower() else "failed"
            self.data[kind] += 1
            self.data["errors"].append(traceback.format_exc())
            return None
        except Exception:
            self.data["failed"] += 1
            self.data["errors"].append(traceback.format_exc())
            return None
        self.data["succeeded"] += 1
        return value


# --- the phases: prepare (load) then run (write) --------------------------------------------


def _item(pk: int) -> Any:
    from ocop.evaluation.models import SessionDossier

    return SessionDossier.objects.select_related(
        "session__council", "dossier__criteria_set", "dossier__scorecard", "dossier__product"
    ).get(pk=pk)


def _user(pk: int) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=pk)


def same_sheet(index: int, message: dict[str, Any]) -> Callable[[Tally], None]:
    """One member's draft saved (autosaved) by every process at once, with different values."""
    from ocop.evaluation.services.sessions import save_sheet

    member = _user(message["member"])

    def run(tally: Tally) -> None:
        for save in range(SAVES_PER_PROCESS):
            selections = draft_for(index, save)
            sheet = tally.attempt(
                lambda s=selections: save_sheet(
                    actor=member, item=_item(message["item"]), selections=s
                )
            )
            if sheet is not None:
                tally.data["written"].append({"selections": selections, "version": sheet.version})

    return run


def members(index: int, message: dict[str, Any]) -> Callable[[Tally], None]:
    """Eight members each save and submit their own sheet of the same dossier at once."""
    from ocop.evaluation.services.sessions import save_sheet, submit_sheet

    member = _user(message["members"][index])
    selections = FULL_SHEETS[index]

    def run(tally: Tally) -> None:
        saved = tally.attempt(
            lambda: save_sheet(actor=member, item=_item(message["item"]), selections=selections)
        )
        if saved is None:
            return
        sheet = tally.attempt(lambda: submit_sheet(actor=member, item=_item(message["item"])))
        if sheet is not None:
            tally.data["written"].append({"selections": selections, "total": sheet.total})

    return run


def stamps(index: int, message: dict[str, Any]) -> Callable[[Tally], None]:
    """Stamps issued for one batch by every process at once, then for eight batches of one
    product that has no GTIN yet (the first issue gives it one)."""
    from ocop.traceability.models import Batch
    from ocop.traceability.services.stamps import issue_stamps

    owner = _user(message["owner"])
    shared = Batch.objects.select_related("product", "producer").get(pk=message["batch"])
    own = Batch.objects.select_related("product", "producer").get(pk=message["batches"][index])

    def run(tally: Tally) -> None:
        count = STAMPS_BASE + index
        if tally.attempt(lambda: issue_stamps(actor=owner, batch=shared, count=count)):
            tally.data["written"].append({"batch": shared.pk, "count": count})
        if tally.attempt(lambda: issue_stamps(actor=owner, batch=own, count=STAMPS_OWN)):
            tally.data["written"].append({"batch": own.pk, "count": STAMPS_OWN})

    return run


def accept(index: int, message: dict[str, Any]) -> Callable[[Tally], None]:
    """The same dossier accepted into the round by eight processes at once."""
    from ocop.evaluation.models import Dossier, Round
    from ocop.evaluation.services.dossiers import accept_dossier

    office = _user(message["office"])
    dossier = Dossier.objects.get(pk=message["dossier"])
    round_ = Round.objects.get(pk=message["round"])

    def run(tally: Tally) -> None:
        if tally.attempt(lambda: accept_dossier(actor=office, dossier=dossier, round=round_)):
            tally.data["written"].append({"dossier": dossier.pk})

    return run


def edits(index: int, message: dict[str, Any]) -> Callable[[Tally], None]:
    """Edits of one product (each process one field, from a copy loaded before the others
    wrote) and scans of one stamp (its counter), at once."""
    from ocop.products.models import Product
    from ocop.products.services.products import update_product
    from ocop.traceability.models import Stamp
    from ocop.traceability.services.scans import record_scan

    actor = _user(message["actor"])
    product = Product.objects.select_related("producer").get(pk=message["product"])
    stamp = Stamp.objects.select_related("batch__product").get(pk=message["stamp"])
    field, value = edit_for(index)

    def run(tally: Tally) -> None:
        if tally.attempt(lambda: update_product(actor=actor, product=product, data={field: value})):
            tally.data["written"].append({"field": field, "value": value})
        for _ in range(SCANS_PER_PROCESS):
            outcome = tally.attempt(
                lambda: record_scan(product=stamp.batch.product, batch=stamp.batch, stamp=stamp)
            )
            if outcome is not None:
                tally.data["written"].append({"scan": outcome.scan_id})

    return run


def capture(index: int, message: dict[str, Any]) -> Callable[[Tally], None]:
    """The same EPCIS document captured by eight processes at once (a client retrying)."""
    from ocop.traceability.services.epcis import capture_document

    office = _user(message["office"])
    body = json.dumps(message["document"]).encode("utf-8")

    def run(tally: Tally) -> None:
        job = tally.attempt(lambda: capture_document(actor=office, document=body))
        if job is not None:
            tally.data["written"].append({"job": str(job.capture_id), "stored": job.stored_count})

    return run


PHASES: dict[str, Callable[[int, dict[str, Any]], Callable[[Tally], None]]] = {
    "same_sheet": same_sheet,
    "members": members,
    "stamps": stamps,
    "accept": accept,
    "edits": edits,
    "capture": capture,
}


def _reply(out: TextIO, data: Any) -> None:
    out.write(json.dumps(data, default=str) + "\n")
    out.flush()


def main() -> None:
    index = int(sys.argv[1])
    # Replies go to the real stdout; anything else printed (console e-mails, logs) to stderr.
    out = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    sys.stdout = sys.stderr

    import django

    django.setup()
    from django.conf import settings
    from django.db import connections

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _reply(out, {"started": index})
    while True:
        line = sys.stdin.readline()
        if not line:
            return
        message = json.loads(line)
        if message["phase"] == "stop":
            connections.close_all()
            return
        run = PHASES[message["phase"]](index, message)
        _reply(out, {"ready": index})
        if sys.stdin.readline().strip() != "go":
            return
        tally = Tally()
        run(tally)
        _reply(out, tally.data)


if __name__ == "__main__":
    main()
