"""`ocop import-certificates FILE.csv --actor USERNAME`: certificates issued on paper before the
platform (QĐ 26/2026 Điều 12: they stay valid until their own expiry).

The file is UTF-8 CSV with a header row; the columns (in any order):

    product          the product's code in the platform (its producer must be registered)
    stars            3, 4 or 5
    criteria_set     the code of the criteria set it was evaluated under: one of the platform
                     (qd26-2026, qd1048-2019 …), or another code with `criteria_name` for
                     criteria the platform does not hold (qd148-2023)
    decision_number  the number of the recognition decision, e.g. 1147/QĐ-UBND
    decided_on       the date of the decision: YYYY-MM-DD or DD/MM/YYYY
    authority        district, province or central (the level that issued it)
    mean_total       optional: the mean score, e.g. 78.50
    issued_on        optional: the issue date if not the decision's (YYYY-MM-DD or DD/MM/YYYY)
    note             optional: where the paper certificate is kept, remarks
    criteria_name    optional: the name of criteria the platform does not hold, as printed

Every row is checked first (with the same checks as the page: `record_certificate`); if any
row is wrong, nothing is imported and each error is printed with its line number in the file
(the header is line 1). Each certificate gets the next number of its province and year, and its
expiry from its criteria set's procedure (36 months after the decision); one already past its
expiry is recorded as expired.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from ocop.certificates.services.certificates import record_certificate
from ocop.criteria.models import CriteriaSet
from ocop.products.models import Product

REQUIRED = ("product", "stars", "criteria_set", "decision_number", "decided_on", "authority")
OPTIONAL = ("mean_total", "issued_on", "note", "criteria_name")


class RowError(Exception):
    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


def parse_day(text: str) -> dt.date | None:
    text = text.strip()
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()  # noqa: DTZ007 (a date, no time)
        except ValueError:
            continue
    raise ValueError(text)


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [
            f"{field}: {message}" for field, errs in exc.message_dict.items() for message in errs
        ]
    return list(exc.messages)


class Command(BaseCommand):
    help = (
        "Import certificates issued before the platform from a CSV file (columns: product, "
        "stars, criteria_set, decision_number, decided_on, authority; optional mean_total, "
        "issued_on, note, criteria_name). All or nothing: errors are listed with their line "
        "numbers."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="UTF-8 CSV file with a header row.")
        parser.add_argument(
            "--actor",
            required=True,
            help="Username of the provincial OCOP officer (or administrator) recording them.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = get_user_model().objects.filter(username=options["actor"]).first()
        if actor is None:
            raise CommandError(f"--actor: no user {options['actor']!r}")
        rows = self._read(Path(options["file"]))
        errors: list[str] = []
        with transaction.atomic():
            count = 0
            for line, row in rows:
                try:
                    with transaction.atomic():
                        record_certificate(actor=actor, **self._arguments(row))
                    count += 1
                except RowError as exc:
                    errors.extend(f"line {line}: {message}" for message in exc.messages)
                except ValidationError as exc:
                    errors.extend(f"line {line}: {message}" for message in _messages(exc))
            if errors:
                transaction.set_rollback(True)
        if errors:
            raise CommandError("Nothing was imported. Errors:\n" + "\n".join(errors))
        self.stdout.write(f"{count} certificate(s) imported.")

    def _read(self, path: Path) -> list[tuple[int, dict[str, str]]]:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path}: {exc}") from exc
        reader = csv.DictReader(text.splitlines())
        header = [name.strip() for name in reader.fieldnames or []]
        missing = [name for name in REQUIRED if name not in header]
        if missing:
            raise CommandError(f"{path}: missing column(s): {', '.join(missing)}")
        rows = []
        for index, raw in enumerate(reader, start=2):
            row = {(key or "").strip(): (value or "").strip() for key, value in raw.items()}
            if any(row.values()):
                rows.append((index, row))
        if not rows:
            raise CommandError(f"{path}: no rows")
        return rows

    def _arguments(self, row: dict[str, str]) -> dict[str, Any]:
        problems: list[str] = []
        product = (
            Product.objects.select_related("producer__commune").filter(code=row["product"]).first()
        )
        if product is None:
            problems.append(f"product: no product {row['product']!r}")
        criteria_set = CriteriaSet.objects.filter(code=row["criteria_set"]).first()
        criteria_name = row.get("criteria_name", "")
        if criteria_set is None and not criteria_name:
            problems.append(
                f"criteria_set: no criteria set {row['criteria_set']!r} in the platform "
                "(give criteria_name for criteria it does not hold)"
            )
        days: dict[str, dt.date | None] = {}
        for name in ("decided_on", "issued_on"):
            try:
                days[name] = parse_day(row.get(name, ""))
            except ValueError:
                problems.append(f"{name}: {row[name]!r} is not a date (YYYY-MM-DD or DD/MM/YYYY)")
                days[name] = None
        if problems:
            raise RowError(problems)
        return {
            "product": product,
            "stars": row["stars"],
            "criteria_set": criteria_set,
            "criteria_code": "" if criteria_set else row["criteria_set"],
            "criteria_name": "" if criteria_set else criteria_name,
            "decision_number": row["decision_number"],
            "decided_on": days["decided_on"],
            "authority": row["authority"],
            "mean_total": row.get("mean_total") or None,
            "issued_on": days["issued_on"],
            "note": row.get("note", ""),
        }
