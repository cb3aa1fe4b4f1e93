"""The API's JSON body parser: strict JSON (no NaN or Infinity, which are not JSON and would
reach decimal fields), and no control or direction-changing characters in any string
(`ocop.core.text.FORBIDDEN_CHARACTERS`): those are answered 422 naming the field
(`ocop.core.problems.install`), anything unparseable 400."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from ninja.parser import Parser

from ocop.core.text import has_forbidden_characters


class ForbiddenText(ValueError):
    def __init__(self, fields: list[str]) -> None:
        super().__init__(", ".join(fields))
        self.fields = fields


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _bad_strings(value: Any, path: str, found: list[str]) -> None:
    if isinstance(value, str):
        if has_forbidden_characters(value):
            found.append(path)
    elif isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            if has_forbidden_characters(str(key)):
                found.append(name)
            _bad_strings(item, name, found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _bad_strings(item, f"{path}.{index}" if path else str(index), found)


class StrictJsonParser(Parser):
    def parse_body(self, request: HttpRequest) -> Any:
        data = json.loads(request.body, parse_constant=_refuse_constant)
        found: list[str] = []
        _bad_strings(data, "", found)
        if found:
            raise ForbiddenText(found)
        return data
