"""`ocop score`: score a council's sheets against a scorecard and print the result as JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NoReturn, TextIO

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _
from pydantic import ValidationError as PydanticValidationError

from ocop.criteria.engine.errors import ScoringError
from ocop.criteria.engine.scoring import result_to_dict, score_council
from ocop.criteria.queries.specs import UnknownScorecard, load_scorecard_spec, policy_for
from ocop.criteria.schemas_scoring import SheetsIn


class Command(BaseCommand):
    help = (
        "Score a council's sheets against one scorecard and print the result as one JSON object "
        "(mean_total, median_total, spread, band_stars, stars, capped_by, flag_discussion, "
        'knocked_out, members). FILE holds {"sheets": [{"member": "m1", "selections": '
        '{"1.1": 3, …}, "knockouts": []}], "dossier_knockouts": []}; "-" reads standard input. '
        "Bad input is refused with every problem listed (exit code 2)."
    )
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--criteria-set", required=True, help="the criteria set code, e.g. qd26-2026"
        )
        parser.add_argument(
            "--scorecard", required=True, type=int, help="the scorecard (bộ sản phẩm) number"
        )
        parser.add_argument(
            "--sheets", required=True, metavar="FILE", help='the sheets (JSON); "-" for stdin'
        )

    def handle(self, *args: Any, **options: Any) -> None:
        data = self._read(options["sheets"], options.get("stdin") or sys.stdin)
        problems: list[str] = []
        try:
            policy = policy_for(options["criteria_set"])
            spec = load_scorecard_spec(options["criteria_set"], options["scorecard"])
        except UnknownScorecard as exc:
            problems += exc.messages
        try:
            body = SheetsIn.model_validate(data)
        except PydanticValidationError as exc:
            problems += [
                f"{'.'.join(str(part) for part in err['loc']) or '-'}: {err['msg']}"
                for err in exc.errors()
            ]
        if problems:
            self._fail(problems)
        try:
            result = score_council(
                spec, policy, body.to_inputs(), dossier_knockouts=body.dossier_knockouts
            )
        except ScoringError as exc:
            self._fail([issue.line() for issue in exc.issues])
        self.stdout.write(json.dumps(result_to_dict(result), ensure_ascii=False, indent=2))

    def _read(self, path: str, stdin: TextIO) -> Any:
        try:
            text = stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            self._fail(
                [_("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc.strerror}]
            )
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            self._fail(
                [
                    _("The sheets are not valid JSON (line %(line)s, column %(column)s): %(error)s")
                    % {"line": exc.lineno, "column": exc.colno, "error": exc.msg}
                ]
            )

    def _fail(self, lines: list[str]) -> NoReturn:
        for line in lines:
            self.stderr.write(f"error: {line}")
        raise SystemExit(2)
