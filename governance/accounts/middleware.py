"""Staff, call chairs and committee members must set up a second factor before anything else."""

from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from governance.accounts import authentication

# Pages a person without a second factor can still reach, so they can set one up or leave.
_EXEMPT_PREFIXES = (
    "/accounts/",
    "/es/accounts/",
    "/i18n/",
    "/static/",
    "/healthz",
    "/favicon.ico",
)
_API_PREFIX = "/api/"


class RequireMfaMiddleware:
    """Sends such a person to the authenticator setup page; the API answers 403 instead.

    Requests with a personal API token are checked by the token authentication, which runs
    inside the API view (here the person is not known yet).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.PORTAL_MFA_REQUIRED
            and request.user.is_authenticated
            and not request.path.startswith(_EXEMPT_PREFIXES)
            and authentication.refuses_for_missing_mfa(request.user)
        ):
            if request.path.startswith(_API_PREFIX):
                return JsonResponse(
                    {
                        "detail": authentication.mfa_required_detail(),
                        "code": authentication.MFA_REQUIRED_CODE,
                    },
                    status=403,
                )
            messages.warning(
                request,
                _(
                    "Your role requires two-factor authentication. Set up an authenticator app "
                    "to continue."
                ),
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
