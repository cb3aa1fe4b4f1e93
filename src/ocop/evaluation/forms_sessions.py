"""Forms of the council screens: rounds, councils and their members, sessions (agenda,
attendance), the conflict-of-interest declaration, the scoring form and the discussion round.

The scoring form is the self-assessment form (one group of radios and one comment per criterion,
the product-story question), with "submit" instead of "finalise" and one checkbox per stop rule.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ocop.core.forms import NFCForm
from ocop.criteria.engine.types import ScorecardSpec
from ocop.criteria.enums import CriteriaSetStatus
from ocop.criteria.models import ClassificationNode, CriteriaSet
from ocop.evaluation.enums import CouncilRole, DossierStatus, Level, RoundStatus
from ocop.evaluation.forms import SelfAssessmentForm
from ocop.evaluation.models import Council, CouncilMember, Dossier, Round, Session
from ocop.evaluation.queries.councils import eligible_users, product_group_choices

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
KNOCKOUT_PREFIX = "ko-"


class RoundForm(NFCForm):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    number = forms.IntegerField(label=_("Round number"), min_value=1, max_value=20)
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices, initial=Level.PROVINCE)
    criteria_set = forms.ModelChoiceField(
        label=_("Criteria set"),
        queryset=CriteriaSet.objects.none(),
        to_field_name="code",
    )
    proposal_deadline = forms.DateField(
        label=_("Dossiers proposed by"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Empty: the date of the procedure's calendar."),
    )
    evaluation_deadline = forms.DateField(
        label=_("Evaluated by"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Empty: the date of the procedure's calendar."),
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        required=False,
        help_text=_("Empty: “Round 1 of 2026”."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["criteria_set"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = CriteriaSet.objects.filter(status=CriteriaSetStatus.PUBLISHED).order_by(
            "-in_force_from", "code"
        )


class RoundStatusForm(forms.Form):
    to = forms.ChoiceField(choices=RoundStatus.choices)


class CouncilSettingsForm(NFCForm):
    name = forms.CharField(label=_("Name"), max_length=255)
    quorum_percent = forms.DecimalField(
        label=_("Quorum (% of the scoring members present)"),
        min_value=Decimal(1),
        max_value=Decimal(100),
        decimal_places=1,
        initial=Decimal(75),
    )
    quorum_requires_chair = forms.BooleanField(
        label=_("The chair must be present"), required=False, initial=True
    )
    spread_threshold = forms.DecimalField(
        label=_("Discussion threshold (points)"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=2,
        help_text=_("Empty: the criteria set's threshold (10 points)."),
    )

    def settings(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "quorum_ratio": data["quorum_percent"] / Decimal(100),
            "quorum_requires_chair": data["quorum_requires_chair"],
            "spread_threshold": data["spread_threshold"],
        }


class CouncilForm(CouncilSettingsForm):
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices, initial=Level.PROVINCE)
    field_order = ["name", "level", "quorum_percent", "quorum_requires_chair", "spread_threshold"]


class GroupChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.criteria_set.code} · {obj.code} {obj.name}"


class SubCouncilForm(CouncilSettingsForm):
    product_groups = GroupChoiceField(
        label=_("Product groups"),
        queryset=ClassificationNode.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    field_order = [
        "name",
        "product_groups",
        "quorum_percent",
        "quorum_requires_chair",
        "spread_threshold",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The council's page also shows its settings form, with the same field names: the ids
        # of this one's inputs (and the labels' `for`) must differ.
        kwargs.setdefault("auto_id", "id_sub_%s")
        super().__init__(*args, **kwargs)
        field = self.fields["product_groups"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = product_group_choices()


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_full_name()} ({obj.username})"


class MemberForm(NFCForm):
    user = UserChoiceField(
        label=_("Person"),
        queryset=eligible_users(),
        to_field_name="username",
        help_text=_("People who hold a council role in a council organisation."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=CouncilRole.choices)
    department = forms.CharField(
        label=_("Department"), max_length=200, required=False, help_text=_("e.g. Sở Công Thương")
    )


class SessionForm(NFCForm):
    round = forms.ModelChoiceField(
        label=_("Round"), queryset=Round.objects.none(), to_field_name="code"
    )
    held_on = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    place = forms.CharField(label=_("Place"), max_length=255, required=False)
    minutes_reference = forms.CharField(
        label=_("Archived minutes"),
        max_length=300,
        required=False,
        help_text=_(
            "Only to record a session held before the platform: the minutes its results are "
            "transcribed from (number, date, where kept). Leave empty for a session the members "
            "score here."
        ),
    )

    def __init__(self, *args: Any, council: Council, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["round"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            Round.objects.filter(level=council.level)
            .exclude(status=RoundStatus.CLOSED)
            .order_by("-year", "-number")
        )


class DossierChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} · {obj.product.name} ({obj.producer.name})"


class AgendaForm(forms.Form):
    dossier = DossierChoiceField(
        label=_("Dossier"), queryset=Dossier.objects.none(), to_field_name="code"
    )

    def __init__(self, *args: Any, session: Session, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["dossier"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            Dossier.objects.filter(round_id=session.round_id, status=DossierStatus.ACCEPTED)
            .select_related("product", "producer")
            .order_by("code")
        )


class AttendanceForm(forms.Form):
    present = forms.MultipleChoiceField(
        label=_("Present"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, seats: list[CouncilMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.seats = {seat.user.username: seat for seat in seats}
        field = self.fields["present"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [
            (seat.user.username, f"{seat.user.get_full_name()} · {seat.get_role_display()}")
            for seat in seats
        ]

    def members(self) -> list[CouncilMember]:
        return [self.seats[name] for name in self.cleaned_data["present"]]


class DeclarationForm(NFCForm):
    has_conflict = forms.TypedChoiceField(
        label=_("Are you tied to the producer of this product?"),
        choices=[
            ("no", _("No: I have no conflict of interest and can score this product.")),
            ("yes", _("Yes: I am tied to the producer and will not score this product.")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("How are you tied to the producer?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when you declare a conflict (e.g. a relative, an adviser)."),
    )


class DiscussionForm(NFCForm):
    reason = forms.CharField(
        label=_("What will the council discuss?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DossierKnockoutForm(NFCForm):
    """The council records that a knock-out rule of the whole dossier applies (the secretary or
    the chair): which rule, and what the council found."""

    rule = forms.ChoiceField(label=_("Knock-out rule"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("What the council found"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: the food-safety certificate in the dossier is forged."),
    )

    def __init__(self, *args: Any, rules: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["rule"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(rule.code, rule.text) for rule in rules]
        if len(rules) == 1:
            field.initial = rules[0].code


class ScoringForm(SelfAssessmentForm):
    """The member's sheet: the self-assessment form's radios, comments and story question,
    the stop rules, and the action: save the draft or submit (`confirmed` once the member
    has confirmed)."""

    action = forms.ChoiceField(
        choices=[("save", "save"), ("submit", "submit"), ("confirm", "confirm")], required=False
    )
    confirmed = forms.BooleanField(required=False)

    def __init__(self, *args: Any, spec: ScorecardSpec, **kwargs: Any) -> None:
        super().__init__(*args, spec=spec, **kwargs)
        for rule in criterion_rules(spec):
            self.fields[KNOCKOUT_PREFIX + rule.code] = forms.BooleanField(required=False)

    @property
    def submitting(self) -> bool:
        return self.cleaned_data.get("action") in ("submit", "confirm")

    @property
    def confirming(self) -> bool:
        """Submit now: the member confirmed (the JavaScript dialog, or the confirmation step)."""
        return self.cleaned_data.get("action") == "confirm" or bool(
            self.cleaned_data.get("action") == "submit" and self.cleaned_data.get("confirmed")
        )

    def knockouts(self) -> list[str]:
        return [
            rule.code
            for rule in criterion_rules(self.spec)
            if self.cleaned_data.get(KNOCKOUT_PREFIX + rule.code)
        ]

    def posted_knockouts(self) -> set[str]:
        return {
            rule.code
            for rule in criterion_rules(self.spec)
            if self.data.get(KNOCKOUT_PREFIX + rule.code)
        }


def criterion_rules(spec: ScorecardSpec) -> list[Any]:
    """The stop rules a member records on their sheet (scope "criterion")."""
    return [rule for rule in spec.knockouts if rule.scope == "criterion"]


class MinutesResultForm(NFCForm):
    """The result of one agenda item as the archived minutes give it."""

    mean_total = forms.CharField(label=_("Mean score"), max_length=10)
    stars = forms.TypedChoiceField(
        label=_("Stars"), choices=[(n, f"{n}★") for n in range(1, 6)], coerce=int
    )
