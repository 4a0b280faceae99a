"""Forms for signing, terminating, amending agreements and revoking grants; list filters."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from governance.agreements import selectors
from governance.agreements.models import Agreement, Grant


class SignForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Signing needs you to enter your password again."),
    )
    code = forms.CharField(
        label=_("Or a code from your authenticator app"),
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    document_sha256 = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, with_code: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not with_code:
            del self.fields["code"]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("The researcher reads it."),
    )


class AmendForm(forms.Form):
    ends_on = forms.DateField(
        label=_("New end date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty to keep the period."),
    )
    member_name = forms.CharField(label=_("New team member: name"), required=False, max_length=200)
    member_email = forms.EmailField(label=_("New team member: email"), required=False)
    member_role = forms.CharField(
        label=_("New team member: role in the project"), required=False, max_length=200
    )

    def add_member(self) -> dict[str, str] | None:
        data = self.cleaned_data
        if not (data.get("member_name") or data.get("member_email")):
            return None
        return {
            "name": data.get("member_name", ""),
            "email": data.get("member_email", ""),
            "role": data.get("member_role", ""),
        }


class AgreementFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=Agreement.State.choices, label=_("State"))

    class Meta:
        model = Agreement
        fields = ["state"]


class GrantFilter(django_filters.FilterSet):
    # What the list shows in its State column is the grant's standing today, so that is what it
    # filters on: "Active" lists the grants a token may carry now, not those starting later.
    state = django_filters.ChoiceFilter(
        choices=Grant.Standing.choices, label=_("State"), method="filter_standing"
    )

    mine = django_filters.BooleanFilter(
        label=_("Only my own grants"), method="filter_mine", widget=forms.CheckboxInput
    )

    class Meta:
        model = Grant
        fields = ["state", "mine"]

    def filter_mine(self, queryset, name, value):
        return queryset.filter(person=self.request.user) if value and self.request else queryset

    def filter_standing(self, queryset, name, value):
        return selectors.grants_standing(queryset, value)
