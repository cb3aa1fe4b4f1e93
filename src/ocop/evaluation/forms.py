"""The self-assessment form: one group of radio buttons and one comment per criterion, and the
product-story question. It turns the radio values into points (and the option chosen) for the
service, which checks them again with the engine."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ocop.core.forms import NFCForm
from ocop.criteria.engine.types import ScorecardSpec
from ocop.evaluation.queries.sheet import comment_name, field_name, option_values
from ocop.evaluation.services.self_assessment import COMMENT_MAX

ACTIONS = ("save", "finalise")


class SelfAssessmentForm(NFCForm):
    has_story = forms.BooleanField(required=False)
    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS], required=False)

    def __init__(self, *args: Any, spec: ScorecardSpec, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.spec = spec
        for criterion in spec.criteria:
            values = option_values(criterion)
            self.fields[field_name(criterion.code)] = forms.ChoiceField(
                label=criterion.code,
                required=False,
                choices=[("", ""), *((value, value) for value in values)],
                widget=forms.RadioSelect,
            )
            self.fields[comment_name(criterion.code)] = forms.CharField(
                label=criterion.code, required=False, max_length=COMMENT_MAX
            )

    @property
    def finalising(self) -> bool:
        return self.cleaned_data.get("action") == "finalise"

    def answers(self) -> tuple[dict[str, Decimal], dict[str, int], dict[str, str]]:
        """(points per criterion answered, option positions, comments) from the cleaned data."""
        selections: dict[str, Decimal] = {}
        choices: dict[str, int] = {}
        comments: dict[str, str] = {}
        for criterion in self.spec.criteria:
            value = self.cleaned_data.get(field_name(criterion.code)) or ""
            values = option_values(criterion)
            if value in values:
                position, points = values[value]
                selections[criterion.code] = points
                choices[criterion.code] = position
            comment = self.cleaned_data.get(comment_name(criterion.code)) or ""
            if comment:
                comments[criterion.code] = comment
        return selections, choices, comments

    def posted_values(self) -> tuple[dict[str, str], dict[str, str]]:
        """The radio values and comments as posted (to show them again next to errors)."""
        values: dict[str, str] = {}
        comments: dict[str, str] = {}
        for criterion in self.spec.criteria:
            values[criterion.code] = str(self.data.get(field_name(criterion.code), ""))
            comments[criterion.code] = str(self.data.get(comment_name(criterion.code), ""))
        return values, comments

    def other_errors(self) -> list[str]:
        """The form's errors that belong to no criterion (a tampered action, for instance)."""
        names = {field_name(c.code) for c in self.spec.criteria} | {
            comment_name(c.code) for c in self.spec.criteria
        }
        return [
            str(message)
            for name, messages in self.errors.items()
            if name not in names
            for message in messages
        ]

    def criterion_errors(self) -> dict[str, list[str]]:
        """The form's own errors (a value that is not offered, a comment too long) by criterion."""
        errors: dict[str, list[str]] = {}
        for criterion in self.spec.criteria:
            for name in (field_name(criterion.code), comment_name(criterion.code)):
                for message in self.errors.get(name, []):
                    errors.setdefault(criterion.code, []).append(
                        _("Criterion %(criterion)s: %(message)s")
                        % {"criterion": criterion.code, "message": message}
                    )
        return errors
