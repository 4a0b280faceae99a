"""`Authorization: Bearer <personal API token>` for the REST API, and the API's MFA rule."""

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from governance.accounts import selectors, services

MFA_REQUIRED_CODE = "mfa_required"


def mfa_required_detail() -> str:
    return _(
        "Your role requires two-factor authentication: set up two-factor authentication "
        "(an authenticator app) on your account page in the browser, then use the API again."
    )


def refuses_for_missing_mfa(person) -> bool:
    return bool(settings.PORTAL_MFA_REQUIRED and selectors.missing_required_totp(person))


class MfaRequired(exceptions.PermissionDenied):
    default_code = MFA_REQUIRED_CODE


class PersonalTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header.startswith(f"{self.keyword} "):
            return None
        raw = header[len(self.keyword) + 1 :].strip()
        if not raw.startswith(services.API_TOKEN_PREFIX):
            return None  # not ours (e.g. an OAuth access token for another endpoint)
        try:
            token = services.api_token_verify(raw=raw)
        except services.ApiTokenRejected as exc:
            raise exceptions.AuthenticationFailed(exc.detail, code=exc.code) from None
        if refuses_for_missing_mfa(token.person):
            raise MfaRequired(mfa_required_detail(), code=MFA_REQUIRED_CODE)
        return (token.person, token)

    def authenticate_header(self, request):
        return self.keyword


class PersonalTokenScheme(OpenApiAuthenticationExtension):
    """Describes the personal API token in the OpenAPI schema."""

    target_class = PersonalTokenAuthentication
    name = "personalToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "A personal API token (`gpt_…`), created on your account page in the portal. "
                "Staff, call chairs and committee members also need two-factor authentication "
                "set up, or the API answers 403 with code `mfa_required`."
            ),
        }
