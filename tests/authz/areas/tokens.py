"""The token service: the pages of `tokens:`, the OAuth 2.0 / OIDC protocol endpoints of
`oauth2_provider:`, and the API's api-tokens, service clients, tokens and authorisations.

A person sees their own tokens and authorised services; the technical services (OAuth clients)
are the coordination office's: their pages are invisible to others (404, as every staff page),
their API refuses others (403, as `audit-events`). The protocol endpoints answer services, not
sessions: without the client's credentials or a bearer token every caller gets 401 (or the
protocol's own 400), whoever is signed in; the discovery documents and the keys are public.
"""

from __future__ import annotations

from tests.authz.table import PUBLIC, SIGNED_IN, STAFF, api, api_prefixes, page

PREFIXES = (
    "tokens:",
    "oauth2_provider:",
    *api_prefixes(
        "api-tokens", "service-clients", "service-tokens", "service-authorisations", "ga4gh"
    ),
)


def _processing_service():
    from governance.tokens.models import ServiceClient

    return ServiceClient.objects.get(application__client_id="demo-processing")


SUBJECTS = {
    "service.processing": ("the demo processing service (an OAuth client)", _processing_service),
    "sub.unknown": ("a subject no token names", lambda: {"sub": "unknown"}),
}

STAFF_PAGE = {"denied": 404}
NEEDS_CLIENT = {"denied": 401, "anonymous": 401}

PAGES = [
    page("tokens:mine", SIGNED_IN),
    page("tokens:revoke", (), "POST", subject="missing", denied=404),
    page("tokens:withdraw", (), "POST", subject="missing", denied=404),
    page("tokens:clients", STAFF, **STAFF_PAGE),
    page("tokens:client_create", STAFF, **STAFF_PAGE),
    page("tokens:deliveries", STAFF, **STAFF_PAGE),
    page("tokens:client", STAFF, subject="service.processing", **STAFF_PAGE),
    page("tokens:client_edit", STAFF, subject="service.processing", **STAFF_PAGE),
    page("tokens:client_rotate", STAFF, "POST", subject="service.processing", **STAFF_PAGE),
    page("tokens:client_rotate_webhook", STAFF, "POST", subject="service.processing", **STAFF_PAGE),
    page("tokens:client_toggle", STAFF, "POST", subject="service.processing", **STAFF_PAGE),
    page("oauth2_provider:oidc-connect-discovery-info", PUBLIC),
    page("oauth2_provider:oauth-server-metadata", PUBLIC),
    page("oauth2_provider:jwks-info", PUBLIC),
    # A person signs in, then the request (here without a client) is refused by the protocol.
    page("oauth2_provider:authorize", (), denied=400),
    # RFC 6749 5.2 and RFC 7009 2.2.1: a request missing its parameters is invalid_request (400)
    # before any client is authenticated.
    page("oauth2_provider:token", (), "POST", denied=400, anonymous=400),
    page("oauth2_provider:introspect", (), "POST", **NEEDS_CLIENT),
    page("oauth2_provider:revoke-token", (), "POST", denied=400, anonymous=400),
    page("oauth2_provider:user-info", (), **NEEDS_CLIENT),
    page("oauth2_provider:ga4gh-permissions", (), subject="sub.unknown", **NEEDS_CLIENT),
]

API = [
    api("GET /api/v1/api-tokens/", SIGNED_IN),
    api("POST /api/v1/api-tokens/", SIGNED_IN),
    api("GET /api/v1/api-tokens/{id}/", (), "missing", denied=404),
    api("POST /api/v1/api-tokens/{id}/revoke/", (), "missing", denied=404),
    api("GET /api/v1/service-tokens/", SIGNED_IN),
    api("GET /api/v1/service-tokens/{id}/", (), "missing", denied=404),
    api("POST /api/v1/service-tokens/{id}/revoke/", (), "missing", denied=404),
    api("GET /api/v1/service-authorisations/", SIGNED_IN),
    api("GET /api/v1/service-authorisations/{id}/", (), "missing", denied=404),
    api("POST /api/v1/service-authorisations/{id}/withdraw/", (), "missing", denied=404),
    api("GET /api/v1/service-clients/", STAFF),
    api("POST /api/v1/service-clients/", STAFF),
    api("GET /api/v1/service-clients/{id}/", STAFF, "service.processing"),
    api("PATCH /api/v1/service-clients/{id}/", STAFF, "service.processing"),
    api("GET /api/v1/service-clients/{id}/deliveries/", STAFF, "service.processing"),
    api("GET /api/v1/service-clients/{id}/statistics/", STAFF, "service.processing"),
    api("POST /api/v1/service-clients/{id}/activate/", STAFF, "service.processing"),
    api("POST /api/v1/service-clients/{id}/deactivate/", STAFF, "service.processing"),
    api("POST /api/v1/service-clients/{id}/rotate-secret/", STAFF, "service.processing"),
    api("POST /api/v1/service-clients/{id}/rotate-webhook-secret/", STAFF, "service.processing"),
    # For services with a bearer token only: a session is no credential here.
    api("GET /api/v1/ga4gh/permissions/{sub}", (), "sub.unknown", **NEEDS_CLIENT),
]

ROWS = [*PAGES, *API]
