"""Forms of the decision screens (draft, change, approve, correct) and of the outbox review."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ocop.core.forms import NFCForm
from ocop.evaluation.models import Round
from ocop.evaluation.services.decisions import NOTE_MAX, NUMBER_MAX, TITLE_MAX


class RoundChoiceField(forms.ModelChoiceField):
    """A round chosen by its code (codes, not ids, in forms too)."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.get_level_display()})"


class DraftDecisionForm(NFCForm):
    round = RoundChoiceField(
        label=_("Round"), queryset=Round.objects.none(), to_field_name="code", empty_label=None
    )
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    number = forms.CharField(
        label=_("Decision number"),
        max_length=NUMBER_MAX,
        required=False,
        help_text=_("e.g. 1147/QĐ-UBND; it can be given later, before the approval."),
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, rounds: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if rounds is not None:
            self.fields["round"].queryset = rounds  # type: ignore[attr-defined]


class DecisionTextForm(NFCForm):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    number = forms.CharField(label=_("Decision number"), max_length=NUMBER_MAX, required=False)
    note = forms.CharField(
        label=_("Note"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ApproveForm(NFCForm):
    signed_on = forms.DateField(
        label=_("Signed on"), required=False, help_text=_("dd/mm/yyyy; empty: today.")
    )


class CorrectionForm(NFCForm):
    """The reason, the new title and number, and per item: keep (with its stars) or remove."""

    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    number = forms.CharField(label=_("Decision number"), max_length=NUMBER_MAX, required=False)

    def __init__(self, *args: Any, items: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item_codes: list[str] = []
        star_choices = [(str(n), str(n)) for n in range(6)]
        for item in items:
            code = item.dossier.code
            self.item_codes.append(code)
            self.fields[f"stars_{code}"] = forms.TypedChoiceField(
                label=_("Stars of %(code)s") % {"code": code},
                choices=star_choices,
                coerce=int,
                initial=str(item.stars or 0),
            )
            self.fields[f"remove_{code}"] = forms.BooleanField(
                label=_("Remove %(code)s from the decision") % {"code": code}, required=False
            )

    def changes(self, items: Any) -> tuple[dict[str, dict[str, int]], list[str]]:
        current = {item.dossier.code: item.stars or 0 for item in items}
        changes: dict[str, dict[str, int]] = {}
        remove: list[str] = []
        for code in self.item_codes:
            if self.cleaned_data.get(f"remove_{code}"):
                remove.append(code)
                continue
            stars = self.cleaned_data.get(f"stars_{code}")
            if stars is not None and stars != current.get(code):
                changes[code] = {"stars": stars}
        return changes, remove
