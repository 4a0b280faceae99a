"""OAuth 2.0 / OIDC endpoints at the site root, never language-prefixed (SPEC section 5).

The namespace is the toolkit's own, so that its views find each other by name.
"""

from django.urls import path

from governance.tokens import protocol

app_name = "oauth2_provider"
urlpatterns = [
    path(".well-known/openid-configuration", protocol.metadata, name="oidc-connect-discovery-info"),
    path(".well-known/oauth-authorization-server", protocol.metadata, name="oauth-server-metadata"),
    path("oauth/jwks", protocol.jwks, name="jwks-info"),
    path("oauth/authorize", protocol.AuthorizeView.as_view(), name="authorize"),
    path("oauth/token", protocol.TokenView.as_view(), name="token"),
    path("oauth/introspect", protocol.IntrospectView.as_view(), name="introspect"),
    path("oauth/revoke", protocol.RevokeView.as_view(), name="revoke-token"),
    path("oauth/userinfo", protocol.UserInfoView.as_view(), name="user-info"),
    path(
        "api/v1/ga4gh/permissions/<str:sub>",
        protocol.ga4gh_permissions,
        name="ga4gh-permissions",
    ),
]
