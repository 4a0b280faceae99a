from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from governance.access.models import AccessRequest, Committee, RequestComment, Vote
from governance.access.services import (
    ETHICS_MAX_BYTES,
    REQUEST_FIELDS,
    check_ethics_file,
    request_problems,
)
from governance.catalogue.models import AccessCondition, CancerType, Dataset, DuoTerm
from governance.catalogue.selectors import published_datasets
from governance.core.errors import PortalError, Problems
from governance.core.forms import DomainModelForm


class TeamField(forms.CharField):
    """One member per line, "name, email, role" in the form; a list of dicts in the model."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(
                ", ".join(part for part in (m.get("name"), m.get("email"), m.get("role")) if part)
                for m in value
            )
        return value

    def to_python(self, value) -> list[dict]:  # type: ignore[override]
        team = []
        for line in (value or "").splitlines():
            parts = [part.strip() for part in line.split(",")]
            if not any(parts):
                continue
            name, email, role = [*parts, "", "", ""][:3]
            if not name:
                raise ValidationError(_("Each line needs a name first: “name, email, role”."))
            if email and "@" not in email:
                raise ValidationError(
                    _("“%(email)s” is not an email address."), params={"email": email[:100]}
                )
            team.append({"name": name[:200], "email": email[:200], "role": role[:200]})
        return team


class RequestForm(DomainModelForm):
    team = TeamField(
        label=_("Team members"),
        required=False,
        help_text=_("One per line: name, email, role in the project."),
    )
    ethics_file = forms.FileField(
        label=_("Ethics approval (PDF)"),
        required=False,
        help_text=_(
            "The ethics committee's approval of the project, as a PDF of at most %(mb)s MB."
        )
        % {"mb": ETHICS_MAX_BYTES // (1024 * 1024)},
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )

    class Meta:
        model = AccessRequest
        fields = list(REQUEST_FIELDS)
        widgets = {
            "lay_summary": forms.Textarea(attrs={"rows": 3}),
            "scientific_abstract": forms.Textarea(attrs={"rows": 5}),
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "purpose": _(
                "The research purpose in the GA4GH Data Use Ontology: general research use, "
                "health or medical research, disease-specific research (choose the disease), "
                "or population origins or ancestry research."
            ),
            "commercial": _("Tick if the results will be used commercially (e.g. a product)."),
            "for_profit": _("Preset from your organisation's registration."),
            "public_register_consent": _(
                "Required to submit: approved projects are listed in the public register."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purpose"].queryset = (
            DuoTerm.objects.filter(kind=DuoTerm.Kind.PERMISSION, deprecated=False)
            .exclude(shorthand="NRES")
            .order_by("shorthand")
        )
        self.fields["disease"].queryset = CancerType.objects.order_by("label")

    def clean_ethics_file(self):
        upload = self.cleaned_data.get("ethics_file")
        if upload:
            try:
                check_ethics_file(upload)
            except PortalError as error:
                raise ValidationError(error.detail, code=error.code) from None
        return upload

    def domain_problems(self, instance) -> Problems:
        return request_problems({}, instance)

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in REQUEST_FIELDS}


class ItemForm(forms.Form):
    dataset = forms.ModelChoiceField(
        label=_("Dataset"), queryset=Dataset.objects.none(), required=False
    )
    access_condition = forms.ModelChoiceField(
        label=_("Access wanted"), queryset=AccessCondition.objects.all(), required=False
    )
    justification = forms.CharField(
        label=_("Justification (if the purpose does not fit the dataset's conditions)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dataset"].queryset = published_datasets().order_by("title")
        self.fields["dataset"].empty_label = _("(none)")
        self.fields["access_condition"].empty_label = _("(choose)")

    def clean(self):
        data = super().clean()
        if data.get("dataset") and not data.get("access_condition"):
            self.add_error("access_condition", _("Choose how you want to use this dataset."))
        return data


class BaseItemFormSet(forms.BaseFormSet):
    def service_data(self) -> list[dict]:
        return [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and form.cleaned_data.get("dataset") is not None
        ]


ItemFormSet = forms.formset_factory(ItemForm, formset=BaseItemFormSet, extra=2)


class OrganisationChoiceForm(forms.Form):
    organisation: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("On behalf of"), queryset=None
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["organisation"].empty_label = None  # type: ignore[attr-defined]


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))
    visibility = forms.ChoiceField(
        label=_("Visible to"),
        choices=RequestComment.Visibility.choices,
        initial=RequestComment.Visibility.COMMITTEE,
        widget=forms.RadioSelect,
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("What should the researcher change?"), widget=forms.Textarea(attrs={"rows": 3})
    )


class VoteForm(forms.Form):
    choice = forms.ChoiceField(
        label=_("Your vote"), choices=Vote.Choice.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approved", _("Approve")), ("rejected", _("Reject"))],
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(
        label=_("Reasons (the researcher reads them)"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ConflictForm(forms.Form):
    reason = forms.CharField(label=_("Why you have a conflict of interest"), max_length=500)


class CommitteeForm(forms.ModelForm):
    class Meta:
        model = Committee
        fields = [
            "name",
            "organisation",
            "contact_email",
            "decision_rule",
            "quorum",
            "reminder_days",
            "datasets",
        ]
        widgets = {
            "decision_rule": forms.RadioSelect,
            "datasets": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision_rule"].choices = Committee.DecisionRule.choices
        self.fields["datasets"].queryset = Dataset.objects.select_related("custodian").order_by(
            "custodian__name", "title"
        )

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class MemberForm(forms.Form):
    email = forms.EmailField(label=_("Email of the person"))
    is_chair = forms.BooleanField(label=_("Chair"), required=False)
