"""The public catalogue's filter form: one reading of the query string for the page, the
open-data exports and the API (`parse_filters`).

A value that cannot be a filter (stars 7, a year of letters, an unknown producer kind or sort, a
code too long) is left out and reported: the page shows a notice, the exports ignore it, the API
answers 422 with the field's name. The search text is never refused: it is cleaned and cut
(`ocop.catalog.queries.search.parse_query`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ocop.catalog.enums import CatalogSort
from ocop.catalog.queries.search import (
    STARS_OPTIONS,
    CatalogFilters,
    clean_query_text,
    parse_query,
)
from ocop.producers.enums import ProducerKind

# A classification code or a commune key: letters, digits and a few separators.
CODE_PATTERN = re.compile(r"^[0-9A-Za-z._:/-]{1,60}$")
FIELDS = ("q", "stars", "category", "group", "commune", "kind", "year", "sort")


class SearchField(forms.CharField):
    """Any text: cleaned (NFC, no control characters, cut), never refused."""

    def to_python(self, value: Any) -> str:
        return clean_query_text(value if isinstance(value, str) else "")


class CodeField(forms.CharField):
    default_error_messages = {"invalid": _("This is not a code of the list.")}

    def to_python(self, value: Any) -> str:
        text = (value if isinstance(value, str) else "").strip()
        if text and not CODE_PATTERN.match(text):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return text


class StarsField(forms.MultipleChoiceField):
    """3, 4 or 5, several at once (?stars=4&stars=5 or ?stars=4,5)."""

    def to_python(self, value: Any) -> list[str]:
        values = value if isinstance(value, list | tuple) else [value] if value else []
        parts = [part.strip() for item in values for part in str(item).split(",")]
        return [part for part in parts if part]


class CatalogFilterForm(forms.Form):
    q = SearchField(label=_("Search"), required=False, strip=False)
    stars = StarsField(
        label=_("Stars"),
        required=False,
        choices=[(str(n), str(n)) for n in STARS_OPTIONS],
    )
    category = CodeField(label=_("Product category"), required=False)
    group = CodeField(label=_("Product group"), required=False)
    commune = CodeField(label=_("Commune or ward"), required=False)
    kind = forms.ChoiceField(
        label=_("Producer kind"), required=False, choices=[("", ""), *ProducerKind.choices]
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2200)
    sort = forms.ChoiceField(
        label=_("Sort by"), required=False, choices=[("", ""), *CatalogSort.choices]
    )


@dataclass(frozen=True)
class ParsedFilters:
    """The filters that could be read, and the fields that could not (name -> message)."""

    filters: CatalogFilters
    errors: dict[str, str]
    form: CatalogFilterForm

    @property
    def notices(self) -> list[tuple[str, str]]:
        """The errors as (the field's label, message), for the page's notice."""
        return [
            (str(self.form.fields[name].label or name), message)
            for name, message in self.errors.items()
        ]


def _first(values: list[Any]) -> Any:
    return values[0] if values else None


def _data(params: Any) -> dict[str, Any]:
    """The form's data from a QueryDict (or a plain mapping): one value per field, every value
    of `stars`."""
    data: dict[str, Any] = {}
    getlist = getattr(params, "getlist", None)
    for name in FIELDS:
        if getlist is not None:
            values = getlist(name)
        else:
            raw = params.get(name)
            values = raw if isinstance(raw, list | tuple) else [] if raw is None else [raw]
        if name == "stars":
            data[name] = [str(value) for value in values if value is not None]
        else:
            data[name] = _first([str(value) for value in values if value is not None])
    return data


def parse_filters(params: Any) -> ParsedFilters:
    """The filters of a query string (see the module docstring). Never raises."""
    form = CatalogFilterForm(data=_data(params))
    form.is_valid()
    cleaned = form.cleaned_data
    errors = {name: " ".join(str(m) for m in messages) for name, messages in form.errors.items()}
    q = cleaned.get("q") or ""
    if "stars" in errors:
        # keep the stars that can be read (?stars=5&stars=9 filters on 5, with a notice)
        raw = form.fields["stars"].to_python(form.data.get("stars"))
        valid = [value for value in raw if value in {str(n) for n in STARS_OPTIONS}]
    else:
        valid = cleaned.get("stars") or []
    stars = tuple(sorted({int(value) for value in valid}))
    filters = CatalogFilters(
        q=q,
        stars=stars,
        category=cleaned.get("category") or "",
        group=cleaned.get("group") or "",
        commune=cleaned.get("commune") or "",
        kind=cleaned.get("kind") or "",
        year=cleaned.get("year"),
        sort=cleaned.get("sort") or "",
        query=parse_query(q),
    )
    return ParsedFilters(filters=filters, errors=errors, form=form)
