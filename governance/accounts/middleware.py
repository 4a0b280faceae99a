"""Staff, call chairs and committee members must set up a second factor before anything else."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from governance.accounts import selectors

# Pages a person without a second factor can still reach, so they can set one up or leave.
_EXEMPT_PREFIXES = ("/accounts/", "/es/accounts/", "/i18n/", "/static/", "/healthz")


class RequireMfaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.PORTAL_MFA_REQUIRED
            and request.user.is_authenticated
            and not request.path.startswith(_EXEMPT_PREFIXES)
            and selectors.requires_mfa(request.user)
            and not selectors.has_totp(request.user)
        ):
            messages.warning(
                request,
                _(
                    "Your role requires two-factor authentication. Set up an authenticator app "
                    "to continue."
                ),
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
