from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from governance.catalogue.models import (
    AccessCondition,
    AvailabilityStatement,
    BodyPart,
    CancerType,
    Dataset,
    DuoTerm,
    Modality,
    StatementModifier,
)
from governance.catalogue.services import (
    DATASET_FIELDS,
    DATASET_RELATIONS,
    STATEMENT_FIELDS,
    dataset_problems,
    modifier_problems,
)
from governance.core.errors import Problems
from governance.core.forms import DomainModelForm


class BiobankLinksField(forms.CharField):
    """One URL per line in the form; a list of URLs in the model."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(value)
        return value

    def to_python(self, value) -> list[str]:  # type: ignore[override]
        lines = [line.strip() for line in (value or "").splitlines() if line.strip()]
        validate = URLValidator()
        for line in lines:
            try:
                validate(line)
            except ValidationError:
                raise ValidationError(
                    _("“%(line)s” is not a URL: give one full address (https://…) per line."),
                    params={"line": line[:100]},
                ) from None
        return lines


class DatasetForm(DomainModelForm):
    biobank_links = BiobankLinksField(
        label=_("Related biobank resources"),
        required=False,
        help_text=_("One URL per line, e.g. the biobank's page for the matching histology."),
    )

    class Meta:
        model = Dataset
        fields = ["custodian", *DATASET_FIELDS, *DATASET_RELATIONS]
        widgets = {
            "cancer_types": forms.CheckboxSelectMultiple,
            "modalities": forms.CheckboxSelectMultiple,
            "body_parts": forms.CheckboxSelectMultiple,
            "source": forms.RadioSelect,
            "hosting": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 5}),
            "quality_method": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, custodians, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["custodian"].queryset = custodians
        self.fields["custodian"].empty_label = None
        self.fields["cancer_types"].queryset = CancerType.objects.order_by("label")
        self.fields["modalities"].queryset = Modality.objects.all()
        self.fields["body_parts"].queryset = BodyPart.objects.all()
        self.fields["quality_score"].widget.attrs.update({"min": 0, "max": 100, "step": "0.01"})
        # Radio buttons need no "- Select an option -" choice: none is ticked until one is chosen.
        self.fields["source"].choices = Dataset.Source.choices
        self.fields["hosting"].choices = Dataset.Hosting.choices

    def domain_problems(self, instance) -> Problems:
        return dataset_problems(instance)

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in [*DATASET_FIELDS, *DATASET_RELATIONS]}


class StatementForm(forms.ModelForm):
    class Meta:
        model = AvailabilityStatement
        fields = [*STATEMENT_FIELDS, "access_conditions"]
        widgets = {
            "access_rights": forms.RadioSelect,
            "access_conditions": forms.CheckboxSelectMultiple,
            "embargo_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "reuse_restrictions": forms.Textarea(attrs={"rows": 3}),
            "federated_use_restrictions": forms.Textarea(attrs={"rows": 3}),
            "plain_summary": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "duo_permission": _(
                "What the data may be used for, in the GA4GH Data Use Ontology. Choose "
                "“disease specific research” together with a disease below."
            ),
            "access_conditions": _("How approved researchers may work with the data."),
            "federated_use_restrictions": _(
                "E.g. which analyses may run at the hospital, or what may leave it."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duo_permission"].queryset = DuoTerm.objects.filter(
            kind=DuoTerm.Kind.PERMISSION, deprecated=False
        )
        self.fields["disease"].queryset = CancerType.objects.order_by("label")
        self.fields["access_conditions"].queryset = AccessCondition.objects.all()

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in [*STATEMENT_FIELDS, "access_conditions"]}


class ModifierForm(forms.ModelForm):
    class Meta:
        model = StatementModifier
        fields = ["duo_term", "months", "until_date", "area", "detail"]
        widgets = {"until_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duo_term"].required = False
        self.fields["duo_term"].queryset = DuoTerm.objects.filter(
            kind=DuoTerm.Kind.MODIFIER, deprecated=False
        ).order_by("label")
        self.fields["duo_term"].empty_label = _("(none)")


class BaseModifierFormSet(forms.BaseFormSet):
    def clean(self):
        problems = modifier_problems(self.service_data())
        if problems:
            raise ValidationError(problems.errors["modifiers"])

    def service_data(self) -> list[dict]:
        return [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and form.cleaned_data.get("duo_term") is not None
        ]


ModifierFormSet = forms.formset_factory(ModifierForm, formset=BaseModifierFormSet, extra=3)


def modifier_initial(statement: AvailabilityStatement) -> list[dict]:
    return [
        {
            "duo_term": modifier.duo_term,
            "months": modifier.months,
            "until_date": modifier.until_date,
            "area": modifier.area,
            "detail": modifier.detail,
        }
        for modifier in statement.modifiers.all()
    ]
