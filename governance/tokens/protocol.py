"""The OAuth 2.0 / OIDC endpoints at the site root (SPEC section 5).

The flows are Django OAuth Toolkit's views; these subclasses add rate limits, remembered
consent and the portal's token records. Introspection reads the portal's own token table so
that it costs at most two queries (the calling client, the token).
"""

from __future__ import annotations

from urllib.parse import urlparse

import jwt
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET
from oauth2_provider import views as dot

from governance.tokens import claims as token_claims
from governance.tokens import keys, ratelimit, selectors, services
from governance.tokens.models import ServiceClient, Subject
from governance.tokens.oauth import basic_credentials, checksum, secret_matches

BASIC_ONLY = ["client_secret_basic"]


def _no_store[R: HttpResponse](response: R) -> R:
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response


def _credentials(request: HttpRequest) -> tuple[str, str] | None:
    return basic_credentials(request.META.get("HTTP_AUTHORIZATION", ""))


def _rate_key(request: HttpRequest, credentials: tuple[str, str] | None) -> str:
    """The client id claimed in the Basic header (unverified: it only keys the rate limit)."""
    return credentials[0][:100] if credentials else "ip:" + request.META.get("REMOTE_ADDR", "")


def _too_many(retry_after: int) -> HttpResponse:
    response = JsonResponse(
        {
            "error": "slow_down",
            "error_description": "Too many requests from this client; retry after the delay.",
        },
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return _no_store(response)


def _rate_limited(scope: str, limit_setting: str):
    def check(request: HttpRequest) -> HttpResponse | None:
        retry = ratelimit.over_limit(
            scope, _rate_key(request, _credentials(request)), getattr(settings, limit_setting)
        )
        return _too_many(retry) if retry else None

    return check


_token_limit = _rate_limited("token", "PORTAL_TOKEN_RATE_LIMIT")
_revocation_limit = _rate_limited("revoke", "PORTAL_TOKEN_INTROSPECTION_RATE_LIMIT")


def _invalid_client() -> HttpResponse:
    response = JsonResponse({"error": "invalid_client"}, status=401)
    response["WWW-Authenticate"] = 'Basic realm="portal"'
    return _no_store(response)


# --- discovery and keys ------------------------------------------------------------------------
def metadata_document() -> dict:
    base = settings.PORTAL_BASE_URL

    def url(name: str) -> str:
        return base + reverse(f"oauth2_provider:{name}")

    algorithms = sorted({jwk["alg"] for jwk in keys.published_keys()}) or [
        settings.PORTAL_TOKEN_ALGORITHM
    ]
    return {
        "issuer": base,
        "authorization_endpoint": url("authorize"),
        "token_endpoint": url("token"),
        "introspection_endpoint": url("introspect"),
        "revocation_endpoint": url("revoke-token"),
        "userinfo_endpoint": url("user-info"),
        "jwks_uri": url("jwks-info"),
        "scopes_supported": sorted(settings.OAUTH2_PROVIDER["SCOPES"]),  # type: ignore[call-overload]
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "client_credentials", "refresh_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": algorithms,
        "token_endpoint_auth_methods_supported": BASIC_ONLY,
        "introspection_endpoint_auth_methods_supported": BASIC_ONLY,
        "revocation_endpoint_auth_methods_supported": BASIC_ONLY,
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": [
            "sub",
            "name",
            "email",
            "email_verified",
            "eduperson_entitlement",
            "ga4gh_passport_v1",
        ],
        "authorization_response_iss_parameter_supported": True,
        "authorization_details_types_supported": ["dataset_access"],
    }


@require_GET
def metadata(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(metadata_document())
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    keys.current_key()  # a first request on a fresh installation makes the first key
    response = JsonResponse({"keys": keys.published_keys()})
    response["Access-Control-Allow-Origin"] = "*"
    # Short: a new key must reach resource servers well before the old one retires.
    response["Cache-Control"] = "public, max-age=60"
    return response


# --- token, revocation, introspection ----------------------------------------------------------
@method_decorator(csrf_exempt, name="dispatch")
class TokenView(dot.TokenView):
    def post(self, request, *args, **kwargs):
        return _token_limit(request) or super().post(request, *args, **kwargs)


@method_decorator(csrf_exempt, name="dispatch")
class RevokeView(dot.RevokeTokenView):
    def post(self, request, *args, **kwargs):
        return _revocation_limit(request) or super().post(request, *args, **kwargs)


@method_decorator(csrf_exempt, name="dispatch")
class IntrospectView(View):
    """RFC 7662. Inactive, unknown, expired, revoked, or another service's token: exactly
    {"active": false}. A service may introspect tokens issued to it or meant for its audience."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        credentials = _credentials(request)
        retry = ratelimit.over_limit(
            "introspect",
            _rate_key(request, credentials),
            settings.PORTAL_TOKEN_INTROSPECTION_RATE_LIMIT,
            count=True,
        )
        if retry:
            return _too_many(retry)
        token = request.POST.get("token", "")
        # One query: the calling client, its service and the token (selectors.introspection).
        found = selectors.introspection(credentials[0], checksum(token)) if credentials else None
        if (
            found is None
            or not found.service_active
            or not secret_matches(credentials[1], found.client_secret)  # type: ignore[index]
        ):
            return _invalid_client()
        if not token:
            return _no_store(
                JsonResponse(
                    {"error": "invalid_request", "error_description": "The token is missing."},
                    status=400,
                )
            )
        claims = found.claims() if found.token_active else {}
        if not found.token_active or (
            found.token_client_pk != found.client_pk and claims.get("aud") != found.audience
        ):
            return _no_store(JsonResponse({"active": False}))
        return _no_store(JsonResponse({"active": True, "token_type": "Bearer", **claims}))  # nosec B105 # the RFC 7662 token type, not a secret


# --- authorization (a person consents) and userinfo -------------------------------------------
class AuthorizeView(dot.AuthorizationView):
    template_name = "tokens/authorize.html"

    def render_to_response(self, context, **response_kwargs):
        application = context.get("application")
        if (
            self.request.method == "GET"
            and application is not None
            and "form" in context
            and selectors.has_consented(self.request.user, application, context.get("scopes", []))
        ):
            # Remembered consent: answer as if the person pressed "Allow" again.
            form = self.form_class(data={**self.get_initial(), "allow": "on"})
            if form.is_valid():
                return self.form_valid(form)
        if application is not None:
            context["service"] = getattr(application, "service", None)
        response = super().render_to_response(context, **response_kwargs)
        redirect_uri = context.get("redirect_uri")
        if redirect_uri:
            # Browsers apply form-action to the redirect after the consent form is posted: allow
            # the origin of the (validated, registered) redirect URI on this page only.
            target = urlparse(redirect_uri)
            response._csp_config = {  # type: ignore[attr-defined]
                **settings.SECURE_CSP,
                "form-action": [
                    *settings.SECURE_CSP["form-action"],
                    f"{target.scheme}://{target.netloc}",
                ],
            }
        return response

    def form_valid(self, form):
        response = super().form_valid(form)
        location = response.get("Location", "") if hasattr(response, "get") else ""
        if form.cleaned_data.get("allow") and "code=" in location:
            application = self.oauth2_application(form.cleaned_data["client_id"])
            if application is not None and not selectors.has_consented(
                self.request.user, application, form.cleaned_data["scope"].split()
            ):
                services.remember_consent(
                    person=self.request.user,
                    client=application,
                    scopes=form.cleaned_data["scope"].split(),
                )
        return response

    @staticmethod
    def oauth2_application(client_id: str):
        from oauth2_provider.models import Application

        return Application.objects.filter(client_id=client_id).first()


@method_decorator(csrf_exempt, name="dispatch")
class UserInfoView(dot.UserInfoView):
    pass


# --- GA4GH Passport broker endpoint ----------------------------------------------------------
def _bearer_error(status: int, detail: str, code: str) -> JsonResponse:
    response = JsonResponse({"detail": detail, "code": code}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    return _no_store(response)


@require_GET
def ga4gh_permissions(request: HttpRequest, sub: str) -> JsonResponse:
    """A broker (client-credentials token of a client allowed GA4GH) reads a person's visas."""
    auth = request.META.get("HTTP_AUTHORIZATION", "")
    if not auth.startswith("Bearer "):
        return _bearer_error(
            401, "Send a bearer access token of a broker client.", "not_authenticated"
        )
    token = auth[7:].strip()
    try:
        claims = keys.verify(token, typ="at+jwt")
    except jwt.InvalidTokenError:
        return _bearer_error(401, "The access token is invalid or expired.", "invalid_token")
    record = selectors.introspection_record(checksum(token))
    if record is None or not selectors.is_active(record):
        return _bearer_error(401, "The access token is no longer active.", "invalid_token")
    broker = ServiceClient.objects.filter(
        application_id=record["client_id"], is_active=True, may_read_ga4gh=True
    ).exists()
    if not broker or claims.get("sub") != claims.get("client_id"):
        return _bearer_error(
            403,
            "Only a broker client's own (client-credentials) token may read GA4GH permissions.",
            "permission_denied",
        )
    subject = Subject.objects.select_related("person").filter(sub=sub).first()
    if subject is None:
        return _bearer_error(404, "No person has this subject identifier.", "not_found")
    return _no_store(JsonResponse({"ga4gh_passport_v1": token_claims.visas_for(subject.person)}))
