from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from governance.accounts.models import Organisation
from governance.calls.answers import display_answer
from governance.calls.defaults import DEFAULT_CONFIGURATION
from governance.calls.models import Call, Decision, Question, Track
from governance.core.times import BrusselsDateTimeField, format_number, parse_number
from governance.core.uploads import KINDS


class CallForm(forms.ModelForm):
    opens_at = BrusselsDateTimeField(label=_("Opens (Brussels time)"))
    deadline = BrusselsDateTimeField(label=_("Deadline (Brussels time)"))
    eligible_countries_text = forms.CharField(
        label=_("Eligible countries"),
        help_text=_("ISO 3166 codes separated by spaces. Empty: every country."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    configuration = forms.CharField(
        label=_("Tracks, forms and rubric (JSON)"),
        help_text=_(
            "Tracks (data_holder, ai_innovator) with their organisation types and questions "
            "(kinds: text, choice, number, country, file, yes_no), and the rubric criteria with "
            "weights. It can change until the first proposal is started."
        ),
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "false"}),
    )

    class Meta:
        model = Call
        fields = [
            "title",
            "summary",
            "description",
            "opens_at",
            "deadline",
            "evaluators_per_proposal",
            "conflict_same_country",
            "hide_scores_until_submitted",
            "scale_min",
            "scale_max",
            "is_published",
        ]
        widgets = {"summary": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, configuration: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        instance = kwargs.get("instance")
        countries_list = instance.eligible_countries if instance else None
        if countries_list is None:
            from governance.calls.models import DEFAULT_ELIGIBLE_COUNTRIES

            countries_list = DEFAULT_ELIGIBLE_COUNTRIES
        self.fields["eligible_countries_text"].initial = " ".join(countries_list)
        self.fields["configuration"].initial = json.dumps(
            configuration or DEFAULT_CONFIGURATION, indent=2, ensure_ascii=False
        )

    def clean_eligible_countries_text(self) -> list[str]:
        codes = [c.upper() for c in self.cleaned_data["eligible_countries_text"].split()]
        unknown = [c for c in codes if c not in dict(countries)]
        if unknown:
            raise forms.ValidationError(
                _("Unknown country codes: %(codes)s") % {"codes": ", ".join(unknown)}
            )
        return sorted(set(codes))

    def clean_configuration(self) -> dict:
        try:
            value = json.loads(self.cleaned_data["configuration"])
        except json.JSONDecodeError as error:
            raise forms.ValidationError(
                _("This is not valid JSON (line %(line)d): %(msg)s")
                % {"line": error.lineno, "msg": error.msg}
            ) from None
        if not isinstance(value, dict):
            raise forms.ValidationError(_("Give an object with “tracks” and “criteria”."))
        return value

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["eligible_countries"] = self.cleaned_data["eligible_countries_text"]
        return data


class ProposalStartForm(forms.Form):
    # Required and at most 200 characters: the service's rule (calls.services.proposals).
    title = forms.CharField(label=_("Title of your proposal"), required=False)
    track = forms.ModelChoiceField(
        label=_("Track"), queryset=Track.objects.none(), widget=forms.RadioSelect, empty_label=None
    )
    organisation = forms.ModelChoiceField(
        label=_("Applying for"), queryset=Organisation.objects.none(), empty_label=None
    )

    def __init__(self, *args, call: Call, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        track = cast(forms.ModelChoiceField, self.fields["track"])
        organisation = cast(forms.ModelChoiceField, self.fields["organisation"])
        track.queryset = call.tracks.all()
        organisation.queryset = organisations


class NumberAnswerField(forms.CharField):
    """A number shown and typed the way the visitor's language writes it ("2,5" in Spanish),
    handed to the answer rules (calls.answers) as "2.5"."""

    def prepare_value(self, value):
        if value in (None, "") or (isinstance(value, str) and not _is_number(value)):
            return value  # what the person typed, shown back with its error
        return format_number(value, grouping=False)

    def to_python(self, value):
        text = super().to_python(value)
        return parse_number(text) if text else text


def _is_number(text: str) -> bool:
    try:
        return Decimal(text).is_finite()
    except InvalidOperation:
        return False


def _question_field(question: Question) -> forms.Field:
    label, help_text = question.label, question.help_text
    kind = question.kind
    if kind == Question.Kind.TEXT:
        if question.max_length:
            help_text = f"{help_text} " + str(
                _("At most %(n)d characters.") % {"n": question.max_length}
            )
        return forms.CharField(
            label=label,
            required=False,
            help_text=help_text.strip(),
            widget=forms.Textarea(attrs={"rows": 5}),
        )
    if kind == Question.Kind.CHOICE:
        return forms.ChoiceField(
            label=label,
            required=False,
            help_text=help_text,
            choices=[("", "—")] + [(c, c) for c in question.choices],
        )
    if kind == Question.Kind.NUMBER:
        bounds = []
        if question.min_value is not None:
            bounds.append(str(_("from %(v)s") % {"v": format_number(question.min_value)}))
        if question.max_value is not None:
            bounds.append(str(_("to %(v)s") % {"v": format_number(question.max_value)}))
        return NumberAnswerField(
            label=label,
            required=False,
            help_text=" ".join([help_text, *bounds]).strip(),
            widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        )
    if kind == Question.Kind.COUNTRY:
        return forms.ChoiceField(
            label=label,
            required=False,
            help_text=help_text,
            choices=[("", "—"), *list(countries)],
        )
    if kind == Question.Kind.YES_NO:
        return forms.ChoiceField(
            label=label,
            required=False,
            help_text=help_text,
            choices=[("yes", _("Yes")), ("no", _("No"))],
            widget=forms.RadioSelect,
        )
    types = question.allowed_types or list(KINDS)
    accept = ",".join(KINDS[t][0] for t in types)
    limit = question.max_size_mb
    note = str(_("Accepted: %(types)s.") % {"types": ", ".join(t.upper() for t in types)})
    if limit:
        note = f"{note} " + str(_("At most %(n)d MB.") % {"n": limit})
    return forms.FileField(
        label=label,
        required=False,
        help_text=f"{help_text} {note}".strip(),
        widget=forms.ClearableFileInput(attrs={"accept": accept}),
    )


class ProposalForm(forms.Form):
    """A draft's answers: every field optional here; completeness is checked at submission."""

    title = forms.CharField(label=_("Title"), max_length=200)

    def __init__(self, *args, questions: list[Question], attachments: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.attachments = attachments
        for question in questions:
            self.fields[f"q_{question.key}"] = _question_field(question)

    def answers(self) -> dict[str, Any]:
        return {
            q.key: self.cleaned_data.get(f"q_{q.key}")
            for q in self.questions
            if q.kind != Question.Kind.FILE and f"q_{q.key}" in self.changed_data
        }

    def files_given(self) -> dict[str, Any]:
        return {
            q.key: self.cleaned_data[f"q_{q.key}"]
            for q in self.questions
            if q.kind == Question.Kind.FILE and self.cleaned_data.get(f"q_{q.key}")
        }

    def current_file(self, question: Question, answers: dict) -> str:
        return display_answer(question, answers.get(question.key), self.attachments)


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), choices=Decision.Outcome.choices)
    # A reason is required: the service's rule (calls.services.decisions), as in the API.
    reason = forms.CharField(
        label=_("Reason for the applicant"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class BulkDecisionForm(DecisionForm):
    proposals = forms.MultipleChoiceField(
        label=_("Proposals"), widget=forms.CheckboxSelectMultiple, choices=[]
    )

    def __init__(self, *args, proposals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposals"].choices = [(p.pk, p.title) for p in proposals]


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=_("Your email address"))


class OnboardingItemForm(forms.Form):
    statement = forms.CharField(
        label=_("Confirmation or details"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    evidence = forms.FileField(label=_("Evidence (PDF, image or Office file)"), required=False)


class OnboardingReviewForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
