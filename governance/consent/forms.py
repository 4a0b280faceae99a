from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from governance.catalogue.models import DuoTerm
from governance.consent.documents import validate_pdf
from governance.consent.models import ConsentForm, ConsentRecord, ConsentWithdrawal
from governance.consent.pseudonyms import validate_pseudonym

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ConsentFormForm(forms.ModelForm):
    document = forms.FileField(
        label=_("The form (PDF)"),
        required=False,
        validators=[validate_pdf],
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
        help_text=_("The document the subject signs or reads, as PDF (at most 20 MB)."),
    )

    class Meta:
        model = ConsentForm
        fields = [
            "organisation",
            "code",
            "title",
            "language",
            "duo_permission",
            "duo_modifiers",
            "legal_basis",
            "offers_data_altruism",
            "plain_summary",
            "document",
        ]
        widgets = {
            "duo_modifiers": forms.CheckboxSelectMultiple,
            "legal_basis": forms.RadioSelect,
            "plain_summary": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, organisations=None, federation_allowed=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duo_permission"].queryset = DuoTerm.objects.filter(
            kind=DuoTerm.Kind.PERMISSION, deprecated=False
        )
        self.fields["duo_modifiers"].queryset = DuoTerm.objects.filter(
            kind=DuoTerm.Kind.MODIFIER, deprecated=False
        )
        organisation = self.fields["organisation"]
        if organisations is not None:
            organisation.queryset = organisations  # type: ignore[attr-defined]
        organisation.required = not federation_allowed
        organisation.empty_label = _("Federation-wide (every data holder)")  # type: ignore[attr-defined]
        if self.instance.pk:
            # The code names every version; the holder is fixed at version 1.
            del self.fields["code"]
            del self.fields["organisation"]

    def service_data(self) -> dict:
        data = {
            name: self.cleaned_data[name]
            for name in self.fields
            if name not in {"organisation"} and name in self.cleaned_data
        }
        if not data.get("document"):
            data.pop("document", None)
        return data


class ConsentRecordForm(forms.Form):
    pseudonym = forms.CharField(
        label=_("Subject pseudonym"),
        max_length=64,
        validators=[validate_pseudonym],
        help_text=_("The code your pseudonymisation gives the subject; never a name or an id."),
    )
    form = forms.ModelChoiceField(
        label=_("Consent form version"), queryset=ConsentForm.objects.none()
    )
    given_on = forms.DateField(label=_("Consent given on"), widget=DATE_WIDGET)
    scope = forms.ChoiceField(
        label=_("Scope"),
        choices=ConsentRecord._meta.get_field("scope").choices,  # type: ignore[arg-type]
        widget=forms.RadioSelect,
    )
    data_altruism = forms.BooleanField(
        label=_("The subject also consented to data altruism"), required=False
    )

    def __init__(self, *args, forms_queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        if forms_queryset is not None:
            self.fields["form"].queryset = forms_queryset  # type: ignore[attr-defined]


class WithdrawalForm(forms.Form):
    withdrawn_on = forms.DateField(label=_("Withdrawn on"), widget=DATE_WIDGET)
    scope = forms.ChoiceField(
        label=_("What the withdrawal covers"),
        choices=ConsentWithdrawal.Scope.choices,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Never write anything that identifies the subject."),
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        help_text=_(
            "UTF-8, first line: pseudonym,form,form_version,given_on,scope and optionally "
            "data_altruism."
        ),
    )


class PseudonymForm(forms.Form):
    pseudonym = forms.CharField(label=_("Subject pseudonym"), max_length=64)


class RecordFilter(django_filters.FilterSet):
    pseudonym = django_filters.CharFilter(
        lookup_expr="istartswith",
        label=_("Pseudonym starts with"),
    )
    status = django_filters.ChoiceFilter(
        choices=ConsentRecord.Status.choices, label=_("Status"), empty_label=_("Any")
    )

    class Meta:
        model = ConsentRecord
        fields = ["pseudonym", "status"]
