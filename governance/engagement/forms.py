from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

# Calls own the Brussels-time field the rest of the portal uses for entering times.
from governance.core.times import BrusselsDateTimeField
from governance.engagement.models import (
    LIKERT_SCALE,
    OTHER,
    Comment,
    Consultation,
    Event,
    PolicySection,
    PolicyVersion,
    Question,
    StakeholderGroup,
    Survey,
)
from governance.engagement.questions import is_shown
from governance.engagement.services.events import EVENT_FIELDS

Kind = Question.Kind


class SurveyForm(forms.ModelForm):
    closes_at = forms.DateTimeField(
        label=_("Closes at"),
        required=False,
        help_text=_("Central European time, e.g. 2026-12-31 23:59. Leave empty to close by hand."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    class Meta:
        model = Survey
        fields = [
            "title",
            "intro",
            "privacy_notice",
            "access",
            "anonymous",
            "group_source",
            "closes_at",
        ]
        widgets = {
            "access": forms.RadioSelect,
            "group_source": forms.RadioSelect,
            "intro": forms.Textarea(attrs={"rows": 4}),
            "privacy_notice": forms.Textarea(attrs={"rows": 4}),
        }


class SectionForm(forms.Form):
    title = forms.CharField(label=_("Section title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class QuestionForm(forms.Form):
    section: forms.ModelChoiceField = forms.ModelChoiceField(label=_("Section"), queryset=None)  # type: ignore[arg-type]
    kind = forms.ChoiceField(label=_("Type"), choices=Kind.choices)
    text = forms.CharField(label=_("Question"), max_length=500)
    help_text = forms.CharField(label=_("Hint"), max_length=500, required=False)
    required = forms.BooleanField(label=_("An answer is required"), required=False)
    options = forms.CharField(
        label=_("Options or statements"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One a line: the options of a choice or ranking, the statements of a Likert matrix."
        ),
    )
    allow_other = forms.BooleanField(label=_('Offer "Other (please say)"'), required=False)
    condition_question: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Show only if the answer to"),
        queryset=None,
        required=False,  # type: ignore[arg-type]
    )
    condition_values = forms.CharField(
        label=_("is one of"),
        required=False,
        help_text=_("Option values, one a line (for a scale: the numbers)."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, survey: Survey, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = survey.sections.all()  # type: ignore[attr-defined]
        self.fields["condition_question"].queryset = survey.questions.filter(  # type: ignore[attr-defined]
            kind__in=[Kind.SINGLE, Kind.MULTIPLE, Kind.SCALE]
        )

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        lines = [line.strip() for line in data.pop("options").splitlines() if line.strip()]
        data["options"] = [{"value": _slug(line, i), "label": line} for i, line in enumerate(lines)]
        data["condition_values"] = [
            line.strip() for line in data["condition_values"].splitlines() if line.strip()
        ]
        data.pop("section")
        return data


def _slug(label: str, index: int) -> str:
    from django.utils.text import slugify

    return (slugify(label)[:40] or f"option-{index + 1}").replace("-", "_")


# Answering


def group_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Which of these describes you best?"),
        choices=StakeholderGroup.choices,
        widget=forms.RadioSelect,
    )


class AboutYouForm(forms.Form):
    group = group_field()
    country = forms.ChoiceField(
        label=_("Country where you live or work (optional)"),
        required=False,
        choices=[("", _("Prefer not to say")), *list(countries)],
    )


class SectionAnswersForm(forms.Form):
    """The questions of one section that apply given the answers so far.

    Field names: `q<id>`; "other" texts `q<id>_other`; Likert rows `q<id>_<row>`; ranking
    options `q<id>_<option index>` (a rank number each).
    """

    def __init__(self, *args, questions: list[Question], earlier: dict[str, Any], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.questions = [question for question in questions if is_shown(question, earlier)]
        for question in self.questions:
            self._add(question)

    def _add(self, question: Question) -> None:
        name = f"q{question.pk}"
        options = [(str(o["value"]), str(o["label"])) for o in question.options]
        help_text = question.help_text
        required = question.required
        if question.kind in (Kind.SINGLE, Kind.MULTIPLE):
            choices = options + ([(OTHER, _("Other (please say)"))] if question.allow_other else [])
            if question.kind == Kind.SINGLE:
                self.fields[name] = forms.ChoiceField(
                    label=question.text,
                    choices=choices,
                    widget=forms.RadioSelect,
                    required=required,
                    help_text=help_text,
                )
            else:
                self.fields[name] = forms.MultipleChoiceField(
                    label=question.text,
                    choices=choices,
                    widget=forms.CheckboxSelectMultiple,
                    required=required,
                    help_text=help_text,
                )
            if question.allow_other:
                self.fields[f"{name}_other"] = forms.CharField(
                    label=_("Other: please say"), required=False, max_length=500
                )
        elif question.kind == Kind.LIKERT:
            for index, option in enumerate(question.options):
                self.fields[f"{name}_{index}"] = forms.TypedChoiceField(
                    label=str(option["label"]),
                    choices=[(str(v), label) for v, label in LIKERT_SCALE],
                    widget=forms.RadioSelect,
                    required=required,
                    coerce=int,
                )
        elif question.kind == Kind.SCALE:
            self.fields[name] = forms.TypedChoiceField(
                label=question.text,
                choices=[(str(v), str(v)) for v in range(11)],
                widget=forms.RadioSelect(attrs={"class": "engagement-scale"}),
                coerce=int,
                required=required,
                help_text=help_text or _("0 = not at all, 10 = completely"),
            )
        elif question.kind == Kind.NUMBER:
            self.fields[name] = forms.FloatField(
                label=question.text, required=required, help_text=help_text
            )
        elif question.kind == Kind.SHORT_TEXT:
            self.fields[name] = forms.CharField(
                label=question.text, required=required, max_length=300, help_text=help_text
            )
        elif question.kind == Kind.LONG_TEXT:
            self.fields[name] = forms.CharField(
                label=question.text,
                required=required,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 5}),
                help_text=help_text,
            )
        elif question.kind == Kind.RANKING:
            ranks = [("", "—")] + [(str(r), str(r)) for r in range(1, len(options) + 1)]
            for index, (_value, label) in enumerate(options):
                self.fields[f"{name}_{index}"] = forms.TypedChoiceField(
                    label=label, choices=ranks, coerce=int, required=required, empty_value=None
                )

    def blocks(self):
        """(question, [bound fields]) per question, for the template's fieldsets."""
        result = []
        for question in self.questions:
            prefix = f"q{question.pk}"
            fields = [self[n] for n in self.fields if n == prefix or n.startswith(prefix + "_")]
            result.append((question, fields))
        return result

    def initial_from(self, draft: dict[str, Any]) -> None:
        for question in self.questions:
            value = draft.get(str(question.pk))
            if value is None:
                continue
            name = f"q{question.pk}"
            if question.kind == Kind.SINGLE:
                self.initial[name] = value["choice"]
                self.initial[f"{name}_other"] = value.get("other", "")
            elif question.kind == Kind.MULTIPLE:
                self.initial[name] = value["choices"]
                self.initial[f"{name}_other"] = value.get("other", "")
            elif question.kind == Kind.LIKERT:
                for row, level in value.items():
                    self.initial[f"{name}_{row}"] = str(level)
            elif question.kind == Kind.RANKING:
                values = [str(o["value"]) for o in question.options]
                for rank, choice in enumerate(value, start=1):
                    if choice in values:
                        self.initial[f"{name}_{values.index(choice)}"] = str(rank)
            else:
                self.initial[name] = value

    def raw_answers(self) -> dict[str, Any]:
        """The cleaned fields in the canonical answer form (see questions.py)."""
        data = self.cleaned_data
        answers: dict[str, Any] = {}
        for question in self.questions:
            name = f"q{question.pk}"
            key = str(question.pk)
            if question.kind == Kind.SINGLE:
                if data.get(name):
                    answers[key] = {"choice": data[name], "other": data.get(f"{name}_other", "")}
            elif question.kind == Kind.MULTIPLE:
                if data.get(name):
                    answers[key] = {"choices": data[name], "other": data.get(f"{name}_other", "")}
            elif question.kind == Kind.LIKERT:
                rows = {
                    str(i): data[f"{name}_{i}"]
                    for i in range(len(question.options))
                    if data.get(f"{name}_{i}") not in (None, "")
                }
                if rows:
                    answers[key] = rows
            elif question.kind == Kind.RANKING:
                values = [str(o["value"]) for o in question.options]
                ranks = [(data.get(f"{name}_{i}"), v) for i, v in enumerate(values)]
                if all(r is not None for r, _v in ranks):
                    answers[key] = [
                        v for _r, v in sorted(ranks, key=lambda pair: int(pair[0] or 0))
                    ]
                elif any(r is not None for r, _v in ranks):
                    answers[key] = ["incomplete"]
            elif data.get(name) not in (None, ""):
                answers[key] = data[name]
        return answers


class CommentForm(forms.Form):
    section = forms.ModelChoiceField(
        label=_("Which section is your comment about?"),
        queryset=PolicySection.objects.none(),
        required=False,
        empty_label=_("The policy as a whole"),
    )
    body = forms.CharField(
        label=_("Your comment"), widget=forms.Textarea(attrs={"rows": 6}), max_length=10000
    )
    visibility = forms.ChoiceField(
        label=_("Who may read it"),
        choices=Comment.Visibility.choices,
        widget=forms.RadioSelect,
        initial="public",
    )

    def __init__(self, *args, version, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = version.sections.all()  # type: ignore[attr-defined]


class HideCommentForm(forms.Form):
    reason = forms.CharField(label=_("Reason for hiding"), max_length=300)


class AnswerCommentForm(forms.Form):
    reply = forms.CharField(label=_("Our answer"), widget=forms.Textarea(attrs={"rows": 3}))
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[c for c in Comment.Outcome.choices if c[0] != Comment.Outcome.PENDING],
    )
    changed_section = forms.ModelChoiceField(
        label=_("Section of the new version it changed"),
        queryset=PolicySection.objects.none(),
        required=False,
    )

    def __init__(self, *args, sections=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if sections is not None:
            self.fields["changed_section"].queryset = sections  # type: ignore[attr-defined]


class InvitationsForm(forms.Form):
    emails = forms.CharField(
        label=_("Email addresses, one a line"), widget=forms.Textarea(attrs={"rows": 6})
    )

    def clean_emails(self) -> list[str]:
        validator = forms.EmailField()
        emails = [line.strip() for line in self.cleaned_data["emails"].splitlines() if line.strip()]
        for email in emails:
            validator.clean(email)
        return emails


class QuotasForm(forms.Form):
    """One number per stakeholder group; empty means no quota."""

    def __init__(self, *args, rows, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            self.fields[row.group] = forms.IntegerField(
                label=row.label,
                min_value=0,
                required=False,
                initial=row.limit,
                help_text=_("%(n)d responses so far") % {"n": row.responses},
                widget=forms.NumberInput(attrs={"class": "input-short"}),
            )

    def changes(self) -> dict[str, int | None]:
        """The groups whose quota the form changes, with the new limit (None: removed)."""
        return {
            row.group: self.cleaned_data[row.group]
            for row in self.rows
            if self.cleaned_data[row.group] != row.limit
        }


# Events


class EventForm(forms.ModelForm):
    starts_at = BrusselsDateTimeField(
        label=_("Starts (Brussels time)"), help_text=_("CET in winter, CEST in summer.")
    )
    ends_at = BrusselsDateTimeField(label=_("Ends (Brussels time)"))

    class Meta:
        model = Event
        fields = list(EVENT_FIELDS)  # the one list the service keeps
        labels = {"kind": _("Kind"), "is_published": _("Published: shown on the events page")}
        help_texts = {
            "join_url": _("Shown only to people with a confirmed place."),
            "capacity": _("It cannot be lower than the number of confirmed registrations."),
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}


# Policies and consultations


class PolicyDocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    slug = forms.CharField(
        label=_("Short name for addresses"),
        max_length=50,
        required=False,
        help_text=_("Letters, digits and hyphens. Leave empty to derive it from the title."),
    )


class PolicyVersionForm(forms.Form):
    plain_summary = forms.CharField(
        label=_("Plain-language summary"),
        help_text=_("What the policy means, in everyday words."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    change_note = forms.CharField(
        label=_("What changed"),
        required=False,
        help_text=_("For readers of the earlier version."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PolicySectionForm(forms.Form):
    heading = forms.CharField(label=_("Heading"), max_length=200, required=False)
    body = forms.CharField(
        label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )

    def clean(self):
        data = super().clean() or {}
        heading, body = data.get("heading", "").strip(), data.get("body", "").strip()
        if heading and not body:
            self.add_error("body", _("Write the text of this section, or clear its heading."))
        if body and not heading:
            self.add_error("heading", _("Give this section a heading, or clear its text."))
        return data


class BasePolicySectionFormSet(forms.BaseFormSet):
    def sections(self) -> list[tuple[str, str]]:
        return [
            (form.cleaned_data.get("heading", ""), form.cleaned_data.get("body", ""))
            for form in self.forms
            if form.cleaned_data
        ]


PolicySectionFormSet = forms.formset_factory(
    PolicySectionForm, formset=BasePolicySectionFormSet, extra=0, max_num=100, validate_max=True
)


def section_formset(data=None, *, initial=None, add: int = 0):
    """Sections to edit; `add` empty rows more (the "Add a section" button, no JavaScript)."""
    if data is not None:
        if add:
            data = data.copy()
            total = int(data.get("sections-TOTAL_FORMS") or 0)
            data["sections-TOTAL_FORMS"] = str(total + add)
        return PolicySectionFormSet(data, prefix="sections")
    return PolicySectionFormSet(initial=[*(initial or []), *([{}] * add)], prefix="sections")


class PolicyTranslationForm(forms.Form):
    language = forms.CharField(
        label=_("Language"), max_length=10, help_text=_("A code such as es, fr, de or pt-br.")
    )
    plain_summary = forms.CharField(
        label=_("Plain-language summary"), widget=forms.Textarea(attrs={"rows": 4})
    )


class ConsultationForm(forms.ModelForm):
    version = forms.ModelChoiceField(
        label=_("Policy version"),
        queryset=PolicyVersion.objects.none(),
        help_text=_("Only published versions: people comment on text that no longer changes."),
    )
    closes_at = BrusselsDateTimeField(label=_("Comments close (Brussels time)"))

    class Meta:
        model = Consultation
        fields = ["version", "title", "invitation", "closes_at"]
        labels = {"invitation": _("Who we ask and why")}
        widgets = {"invitation": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, versions, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = versions  # type: ignore[attr-defined]
