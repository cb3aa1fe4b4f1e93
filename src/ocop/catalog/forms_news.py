"""Forms of the news management and the featured products. They normalise text to NFC and hand
`cleaned_data` to the services, which check everything again and whose errors are shown on the
fields (`add_service_errors`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ocop.catalog.enums import ArticleKind
from ocop.catalog.queries.news import round_choices
from ocop.catalog.services.news import BODY_MAX, SUMMARY_MAX, TITLE_MAX
from ocop.core.forms import NFCForm

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]


class ArticleForm(NFCForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=ArticleKind.choices)
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=SUMMARY_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One or two sentences shown in the lists, on the home page and in the feeds."),
    )
    body = forms.CharField(
        label=_("Text"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_(
            "Plain text: leave an empty line between paragraphs. Web addresses become links."
        ),
    )
    deadline = forms.DateField(
        label=_("Deadline for dossiers"),
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(
            format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}
        ),
        help_text=_("For a call: the last day to send dossiers (empty: the round's deadline)."),
    )
    round = forms.ChoiceField(label=_("Evaluation round"), required=False, choices=())
    results_year = forms.IntegerField(
        label=_("Results of the year"),
        required=False,
        min_value=1,
        max_value=9999,
        help_text=_("For a result announcement: it links to the public results of that year."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["round"].choices = [  # type: ignore[attr-defined]
            ("", _("None")),
            *((found.code, found.name) for found in round_choices()),
        ]
        current = self.initial.get("round")
        choices = self.fields["round"].choices  # type: ignore[attr-defined]
        if current and current not in {value for value, _label in choices}:
            choices.append((current, current))


class FeatureForm(NFCForm):
    """Feature a product by its code (SP…)."""

    product = forms.CharField(label=_("Product code"), max_length=20)
