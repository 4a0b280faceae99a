"""Forms of the account, organisation and erasure pages."""

from __future__ import annotations

import django_filters
from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from governance.accounts import services
from governance.accounts.models import ErasureRequest, Organisation, User
from governance.accounts.roles import ProviderType, Role


class LoginForm(AllauthLoginForm):
    """allauth's sign-in form without the reset link in the password's help text.

    Django renders help text before its input, which put "Forgot your password?" between the
    email and password fields in the tab order; the sign-in page shows the link after the button.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = ""


class NameForm(forms.Form):
    full_name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        required=False,
        help_text=_("As colleagues and committees should see it, e.g. 'Dr. Ana García López'."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Say where you use it, so you recognise it later, e.g. 'analysis notebook'."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The maximum comes from the settings, so the field is built per form.
        max_days = services.api_token_max_days()
        self.fields["days"] = forms.IntegerField(
            label=_("Valid for (days)"),
            min_value=1,
            max_value=max_days,
            initial=services.api_token_default_days(),
            help_text=_("After this many days the token stops working. At most %(max)d days.")
            % {"max": max_days},
        )


class ErasureRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("You do not have to give a reason. Staff read it when they decide."),
    )
    confirm = forms.BooleanField(
        label=_(
            "I understand that once erasure is completed I cannot sign in any more, my API "
            "tokens stop working and my name and email address are removed from the portal."
        ),
        error_messages={"required": _("Tick the box to confirm that you want to be erased.")},
    )


class ErasureDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("complete", _("Complete: erase this person now")),
            ("refuse", _("Refuse: keep the data (explain why in the note)")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note to the person"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when refusing: the person reads it, e.g. the legal basis."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "refuse" and not cleaned.get("note", "").strip():
            self.add_error("note", _("Explain why the request is refused; the person reads it."))
        return cleaned


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "short_name", "country", "provider_type", "is_for_profit", "website"]


class MembershipAddForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address of the person"),
        help_text=_("The person must already have an account in the portal."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class OrganisationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Name contains"), method="filter_name", widget=forms.TextInput
    )
    country = django_filters.ChoiceFilter(label=_("Country"), choices=list(countries))
    provider_type = django_filters.ChoiceFilter(
        label=_("Provider type"), choices=ProviderType.choices
    )
    is_for_profit = django_filters.BooleanFilter(label=_("For-profit"))

    class Meta:
        model = Organisation
        fields = ["q", "country", "provider_type", "is_for_profit"]

    def filter_name(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(Q(name__icontains=value) | Q(short_name__icontains=value))


class IdFilter(django_filters.NumberFilter):
    """An id: a whole number the database can hold, else a 400 (not the database's overflow)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, min_value=1, max_value=2**63 - 1, **kwargs)


class MembershipFilter(django_filters.FilterSet):
    organisation = IdFilter(field_name="organisation_id")
    person = IdFilter(field_name="person_id")
    role = django_filters.ChoiceFilter(choices=Role.choices)


class ErasureRequestFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=ErasureRequest.State.choices, empty_label=_("Any state")
    )


# Django admin


class PersonCreationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")


class PersonChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
