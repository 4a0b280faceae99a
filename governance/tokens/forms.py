from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from governance.catalogue.models import AccessCondition
from governance.tokens.models import ServiceClient


def _scope_choices():
    return [(name, f"{name}: {text}") for name, text in settings.OAUTH2_PROVIDER["SCOPES"].items()]  # type: ignore[attr-defined]


class ServiceClientForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    audience = forms.CharField(
        label=_("Audience"),
        max_length=255,
        help_text=_("The service's identifier in its tokens' aud claim, e.g. its base URL."),
    )
    grant_types = forms.MultipleChoiceField(
        label=_("Allowed grant types"),
        choices=ServiceClient.GrantType.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    scopes = forms.MultipleChoiceField(
        label=_("Allowed scopes"), choices=_scope_choices, widget=forms.CheckboxSelectMultiple
    )
    access_conditions = forms.MultipleChoiceField(
        label=_("Access conditions served"),
        required=False,
        choices=lambda: [(c.code, c.label) for c in AccessCondition.objects.order_by("code")],
        widget=forms.CheckboxSelectMultiple,
    )
    may_read_ga4gh = forms.BooleanField(
        label=_("Broker: may read GA4GH permissions"), required=False
    )
    redirect_uris = forms.CharField(
        label=_("Redirect URIs"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Space-separated; needed for the authorization code flow."),
    )
    webhook_url = forms.URLField(
        label=_("Webhook URL"),
        required=False,
        help_text=_("Receives signed notices when tokens it holds are revoked."),
    )

    def clean(self):
        data = super().clean()
        if (
            ServiceClient.GrantType.AUTHORIZATION_CODE in data.get("grant_types", [])
            and not data.get("redirect_uris", "").strip()
        ):
            self.add_error(
                "redirect_uris", _("The authorization code flow needs at least one redirect URI.")
            )
        return data
