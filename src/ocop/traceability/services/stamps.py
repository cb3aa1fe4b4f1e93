"""Stamps (tem truy xuất): issue serials for a batch, activate and void them by ranges.

- `issue_stamps(*, actor, batch, count)`: `count` new stamps (at most
  `OCOP_STAMPS_MAX_PER_ISSUE` per call), each with a serial (AI 21) of `SERIAL_LENGTH`
  characters drawn at random (`ocop.core.codes`: letters and digits that cannot be misread, all
  in the GS1 character set) — unique per GTIN and not guessable from its neighbours — and a
  `short_code` people can type (unique on the platform). Inserted in bulk. The product gets a
  platform GTIN if it has none.
- `change_stamp_status(*, actor, batch, to, codes=(), every_issued=False, reason="")`: the one
  transition (`STAMP_TRANSITIONS`: issued → active → void, issued → void) for a RANGE of stamps
  of the batch: short codes or serials, ranges "FIRST-LAST" (in the order they were issued,
  which is the order of the label sheets), or every stamp not yet activated. All or nothing: one
  stamp that cannot make the move (voiding a void stamp) refuses the whole range, naming it. One
  activity row per range, with the count.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ocop.core.codes import generate_code
from ocop.core.services.activity import log_action
from ocop.evaluation.services.refusals import WrongState
from ocop.traceability.enums import STAMP_TRANSITIONS, BatchStatus, StampStatus
from ocop.traceability.identifiers import normalise_gtin
from ocop.traceability.models import Batch, Stamp
from ocop.traceability.services.batches import (
    REASON_MAX,
    _lock_batch,
    _text,
    ensure_gtin,
    require_keeper,
)
from ocop.traceability.services.trace_cache import forget_traces

SERIAL_LENGTH = 10  # 25**10 ≈ 10**14 serials per GTIN: a forger cannot guess a live one
SHORT_CODE_LENGTH = 8  # printed under the QR code; typed by people who cannot scan
CHUNK = 500  # rows per IN (…) query
# The last part of the activity-log action of each move of change_stamp_status.
STAMP_VERBS: dict[str, str] = {
    StampStatus.ACTIVE: "activate_stamps",
    StampStatus.VOID: "void_stamps",
}
RANGE = re.compile(r"^(?P<first>[^\s.–—-]+)\s*(?:-|–|—|\.\.)\s*(?P<last>[^\s.–—-]+)$")
SEPARATORS = re.compile(r"[\s,;]+")
SHOWN = 10  # codes named in a refusal


def max_per_issue() -> int:
    return int(settings.OCOP_STAMPS_MAX_PER_ISSUE)


def _chunks(items: list[Any], size: int = CHUNK) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@transaction.atomic
def issue_stamps(*, actor: Any, batch: Batch, count: Any) -> list[Stamp]:
    """Issue `count` stamps for the batch (status issued: activate them once they are on the
    products). Refused for a recalled batch and over the limit per call."""
    require_keeper(actor, batch.producer)
    limit = max_per_issue()
    try:
        number = int(str(count).strip())
    except (TypeError, ValueError):
        raise ValidationError({"count": _("Enter a whole number of stamps.")}) from None
    if number < 1:
        raise ValidationError({"count": _("Issue at least one stamp.")})
    if number > limit:
        raise ValidationError(
            {
                "count": _("At most %(limit)s stamps at a time.")
                % {"limit": f"{limit:,}".replace(",", ".")}
            }
        )
    if _lock_batch(batch) == BatchStatus.RECALLED:
        raise WrongState(_("The batch has been recalled: no stamps are issued for it."))
    gtin = normalise_gtin(ensure_gtin(actor=actor, product=batch.product))

    def serials_taken(codes: list[str]) -> set[str]:
        return set(
            Stamp.objects.filter(gtin=gtin, serial__in=codes).values_list("serial", flat=True)
        )

    def short_codes_taken(codes: list[str]) -> set[str]:
        return set(Stamp.objects.filter(short_code__in=codes).values_list("short_code", flat=True))

    pairs: list[tuple[str, str]] = []
    for _index in range(number):  # serial and short code drawn in turn: the demo repeats them
        pairs.append((generate_code("", SERIAL_LENGTH), generate_code("", SHORT_CODE_LENGTH)))
    serials = [serial for serial, _short in pairs]
    shorts = [short for _serial, short in pairs]
    serials = _replace_taken(serials, serials_taken, SERIAL_LENGTH)
    shorts = _replace_taken(shorts, short_codes_taken, SHORT_CODE_LENGTH)
    stamps = [
        Stamp(batch=batch, gtin=gtin, serial=serial, short_code=short)
        for serial, short in zip(serials, shorts, strict=True)
    ]
    created = Stamp.objects.bulk_create(stamps, batch_size=CHUNK)
    log_action(
        actor,
        "traceability.batch.issue_stamps",
        batch,
        data={"count": number, "first": shorts[0], "last": shorts[-1]},
    )
    return created


def _replace_taken(codes: list[str], taken: Any, length: int) -> list[str]:
    """The codes, with those already used (in the database, or earlier in the list) replaced
    by fresh ones (rare: one in millions)."""
    used: set[str] = set()
    for part in _chunks(codes):
        used |= taken(part)
    result: list[str] = []
    chosen: set[str] = set()
    for code in codes:
        while code in chosen or code in used:
            code = generate_code("", length)
            used |= taken([code])
        chosen.add(code)
        result.append(code)
    return result


# --- activate and void ----------------------------------------------------------------------


def parse_codes(text: str) -> list[str]:
    """The tokens of what people typed: codes and FIRST-LAST ranges, separated by spaces,
    commas, semicolons or new lines ("A-B", "A - B", "A..B" and "A–B" are ranges)."""
    text = _text(text).upper()
    text = re.sub(r"\s*(-|–|—|\.\.)\s*", r"\1", text)
    return [token for token in SEPARATORS.split(text) if token]


def _resolve(batch: Batch, tokens: list[str]) -> list[int]:
    """The ids of the batch's stamps named by the tokens (short codes or serials; ranges in the
    order of issue), in order, without repeats; ValidationError naming the unknown ones."""
    names: set[str] = set()
    parsed: list[tuple[str, str | None]] = []
    for token in tokens:
        match = RANGE.match(token)
        if match:
            parsed.append((match.group("first"), match.group("last")))
            names.update((match.group("first"), match.group("last")))
        else:
            parsed.append((token, None))
            names.add(token)
    known: dict[str, int] = {}
    listed = sorted(names)
    for part in _chunks(listed):
        rows = Stamp.objects.filter(batch=batch).filter(Q(short_code__in=part) | Q(serial__in=part))
        for pk, short, serial in rows.values_list("pk", "short_code", "serial"):
            known[short] = pk
            known[serial] = pk
    unknown = [name for name in listed if name not in known]
    if unknown:
        shown = ", ".join(unknown[:SHOWN])
        raise ValidationError(
            {
                "codes": ngettext(
                    "%(count)s code is not a stamp of this batch: %(codes)s.",
                    "%(count)s codes are not stamps of this batch: %(codes)s.",
                    len(unknown),
                )
                % {"count": len(unknown), "codes": shown + ("…" if len(unknown) > SHOWN else "")}
            }
        )
    ids: list[int] = []
    seen: set[int] = set()
    for first, last in parsed:
        if last is None:
            chosen = [known[first]]
        else:
            low, high = sorted((known[first], known[last]))
            chosen = list(
                Stamp.objects.filter(batch=batch, pk__gte=low, pk__lte=high)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
        for pk in chosen:
            if pk not in seen:
                seen.add(pk)
                ids.append(pk)
    return ids


@transaction.atomic
def change_stamp_status(
    *,
    actor: Any,
    batch: Batch,
    to: str,
    codes: Iterable[str] | str = (),
    every_issued: bool = False,
    reason: str = "",
) -> int:
    """Move a range of the batch's stamps to `to` (active or void); return how many moved.

    `codes` are short codes, serials or FIRST-LAST ranges (a string is split as people type
    it); `every_issued` takes every stamp of the batch not yet activated. All or nothing."""
    require_keeper(actor, batch.producer)
    if to not in STAMP_VERBS:
        raise ValidationError({"status": _("Stamps are activated or voided.")})
    status = _lock_batch(batch)
    if to == StampStatus.ACTIVE and status == BatchStatus.RECALLED:
        raise WrongState(_("The batch has been recalled: its stamps cannot be activated."))
    reason = _text(reason)
    if len(reason) > REASON_MAX:
        raise ValidationError(
            {"reason": _("At most %(count)s characters.") % {"count": REASON_MAX}}
        )
    tokens = parse_codes(codes) if isinstance(codes, str) else parse_codes(" ".join(codes))
    ids = _resolve(batch, tokens) if tokens else []
    if every_issued:
        issued = batch.stamps.filter(status=StampStatus.ISSUED).order_by("pk")
        present = set(ids)
        ids.extend(pk for pk in issued.values_list("pk", flat=True) if pk not in present)
    if not ids:
        raise ValidationError(
            {
                "codes": _("No stamp is chosen: type their codes or ranges.")
                if not every_issued
                else _("No stamp of this batch is waiting to be activated.")
            }
        )
    allowed = {source for source, targets in STAMP_TRANSITIONS.items() if to in targets}
    blocked: list[tuple[str, str]] = []
    for part in _chunks(ids):
        rows = (
            Stamp.objects.select_for_update()
            .filter(pk__in=part)
            .exclude(status__in=allowed)
            .order_by("pk")
            .values_list("short_code", "status")
        )
        blocked.extend(rows)
    if blocked:
        labels = dict(StampStatus.choices)
        first_status = blocked[0][1]
        raise WrongState(
            ngettext(
                "%(count)s stamp cannot become %(new)s (%(codes)s: %(current)s); nothing was "
                "changed.",
                "%(count)s stamps cannot become %(new)s (%(codes)s: %(current)s); nothing was "
                "changed.",
                len(blocked),
            )
            % {
                "count": len(blocked),
                "new": labels[to],
                "codes": ", ".join(code for code, _status in blocked[:SHOWN])
                + ("…" if len(blocked) > SHOWN else ""),
                "current": labels.get(first_status, first_status),
            }
        )
    now = timezone.now()
    changes: dict[str, Any] = {"status": to}
    changes["activated_at" if to == StampStatus.ACTIVE else "voided_at"] = now
    for part in _chunks(ids):
        Stamp.objects.filter(pk__in=part).update(**changes)
    forget_traces(batch_ids=[batch.pk])  # update() sends no signals
    ends = dict(Stamp.objects.filter(pk__in=[ids[0], ids[-1]]).values_list("pk", "short_code"))
    data: dict[str, Any] = {"count": len(ids), "first": ends[ids[0]], "last": ends[ids[-1]]}
    if reason:
        data["reason"] = reason
    log_action(actor, f"traceability.batch.{STAMP_VERBS[to]}", batch, data=data)
    return len(ids)
