"""The forms of the dossier pages. Text is NFC-normalised (NFCForm); the services check again
and their errors are shown on the fields (`ocop.core.forms.add_service_errors`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ocop.core.forms import NFCForm
from ocop.core.services.uploads import ALL_KINDS, validate_upload
from ocop.evaluation.enums import CommuneConclusion, DossierKind, EvidenceCategory, Level
from ocop.evaluation.models import Round, SelfAssessment
from ocop.evaluation.registration import BRAND_STATUSES, REGISTRATION_FIELDS
from ocop.evaluation.services.dossiers import SAMPLES_MAX

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]


def _date_field(label: Any, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(
            format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}
        ),
        help_text=help_text or _("Day/month/year, e.g. 31/12/2026."),
    )


class CreateDossierForm(NFCForm):
    kind = forms.ChoiceField(
        label=_("Kind of evaluation"), choices=DossierKind.choices, widget=forms.RadioSelect
    )
    current_stars = forms.TypedChoiceField(
        label=_("Stars the product holds now"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "–"), ("3", "3★"), ("4", "4★"), ("5", "5★")],
        help_text=_("For an upgrade or a re-evaluation."),
    )


class RegistrationForm(NFCForm):
    """Mẫu 01, built from `REGISTRATION_FIELDS` (the product group is shown, not asked), with
    the number of samples the producer will hand in."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for spec in REGISTRATION_FIELDS:
            field: forms.Field
            if spec.kind == "derived":
                continue
            if spec.kind == "long_text":
                field = forms.CharField(
                    max_length=spec.max_length, widget=forms.Textarea(attrs={"rows": 3})
                )
            elif spec.kind == "text":
                field = forms.CharField(max_length=spec.max_length)
            elif spec.kind == "decimal":
                field = forms.DecimalField(
                    min_value=0, max_digits=15, decimal_places=3, localize=True
                )
            elif spec.kind == "integer":
                field = forms.IntegerField(min_value=0, max_value=10**12, localize=True)
            else:
                field = forms.ChoiceField(choices=[("", "–"), *BRAND_STATUSES])
            field.label = spec.label
            field.required = False  # a draft may be saved incomplete; submitting checks
            field.help_text = spec.help_text
            self.fields[spec.name] = field
        self.fields["samples_count"] = forms.IntegerField(
            label=_("Number of product samples"),
            min_value=0,
            max_value=SAMPLES_MAX,
            required=False,
            help_text=_("Five samples, except for tourism services (Điều 6.2)."),
        )

    def registration_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for spec in REGISTRATION_FIELDS:
            if spec.kind == "derived":
                continue
            value = self.cleaned_data.get(spec.name)
            data[spec.name] = "" if value is None else value
        return data


class AttachSelfAssessmentForm(NFCForm):
    self_assessment = forms.ModelChoiceField(
        label=_("Final self-assessment"),
        queryset=SelfAssessment.objects.none(),
        to_field_name="code",
        empty_label=None,
    )

    def __init__(self, *args: Any, choices: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["self_assessment"]
        assert isinstance(field, forms.ModelChoiceField)
        if choices is not None:
            field.queryset = choices
        field.label_from_instance = lambda item: (
            _(  # type: ignore[method-assign]
                "%(code)s · %(total)s points · %(stars)s★"
            )
            % {"code": item.code, "total": item.total, "stars": item.predicted_stars}
        )


class EvidenceForm(NFCForm):
    category = forms.ChoiceField(label=_("Kind of document"), choices=EvidenceCategory.choices)
    title = forms.CharField(label=_("Title"), max_length=255)
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(
            attrs={"accept": "application/pdf,image/jpeg,image/png,image/webp"}
        ),
    )
    issued_on = _date_field(_("Issued on"))
    expires_on = _date_field(
        _("Expires on"),
        _(
            "Day/month/year. Leave empty if the document does not expire; you will be warned "
            "before it lapses."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("PDF, JPEG, PNG or WebP, at most %(size)s MB.") % {
            "size": f"{settings.UPLOAD_MAX_BYTES / 1048576:g}"
        }

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        validate_upload(upload, ALL_KINDS)
        return upload


CRITERIA_LABELS = (
    ("local_materials", _("Origin of the product and local raw materials")),
    ("local_labour", _("Use of local labour")),
    ("idea_origin", _("Origin of the product idea")),
    ("local_identity", _("Local identity and know-how")),
)


class CommuneAssessmentForm(NFCForm):
    """Mẫu 03: the four contents the commune assesses, completeness, report, conclusion."""

    def __init__(self, *args: Any, criteria: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for name, label in CRITERIA_LABELS:
            self.fields[f"{name}_met"] = forms.TypedChoiceField(
                label=label,
                choices=[("1", _("met")), ("0", _("not met"))],
                coerce=lambda value: value == "1",
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields[name] = forms.CharField(
                label=_("The commune's assessment: %(content)s") % {"content": label},
                widget=forms.Textarea(attrs={"rows": 3}),
                max_length=5000,
                required=False,
            )
        self.fields["completeness_ok"] = forms.BooleanField(
            label=_("The dossier is complete and in the right form"), required=False
        )
        self.fields["report"] = forms.CharField(
            label=_("Report (general information and the commune's proposal)"),
            widget=forms.Textarea(attrs={"rows": 5}),
            max_length=20000,
            required=False,
        )
        self.fields["conclusion"] = forms.ChoiceField(
            label=_("Conclusion"), choices=CommuneConclusion.choices, widget=forms.RadioSelect
        )
        self.fields["reasons"] = forms.CharField(
            label=_("Reasons (required to return the dossier)"),
            widget=forms.Textarea(attrs={"rows": 3}),
            max_length=5000,
            required=False,
        )

    def clean(self) -> dict[str, Any]:
        """Forwarding needs each content judged and described; returning needs reasons."""
        data = super().clean() or {}
        conclusion = data.get("conclusion")
        if conclusion == CommuneConclusion.FORWARD:
            for name in self.criteria:
                if data.get(f"{name}_met") in (None, ""):
                    self.add_error(f"{name}_met", _("Choose met or not met."))
                if not data.get(name):
                    self.add_error(name, _("Write the commune's assessment of this content."))
        if conclusion == CommuneConclusion.RETURN and not data.get("reasons"):
            self.add_error("reasons", _("Give the reasons for returning the dossier."))
        return data


class AcceptForm(NFCForm):
    round = forms.ModelChoiceField(
        label=_("Evaluation round"),
        queryset=Round.objects.none(),
        to_field_name="code",
        empty_label=None,
    )

    def __init__(self, *args: Any, rounds: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["round"]
        assert isinstance(field, forms.ModelChoiceField)
        if rounds is not None:
            field.queryset = rounds
        field.label_from_instance = lambda item: (
            _(  # type: ignore[method-assign]
                "%(name)s (%(level)s, proposals by %(deadline)s)"
            )
            % {
                "name": item.name,
                "level": Level(item.level).label,
                "deadline": item.proposal_deadline.strftime("%d/%m/%Y")
                if item.proposal_deadline
                else "–",
            }
        )


class ReasonsForm(NFCForm):
    reasons = forms.CharField(
        label=_("Reasons"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text=_("The producer reads them on the dossier's timeline."),
    )


class NoteForm(NFCForm):
    note = forms.CharField(
        label=_("Note (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
        required=False,
    )
