"""Demo clients (SPEC section 6) and a current signing key.

The researcher's grant is a download of the lung dataset, which the processing back end does not
serve (it serves in-situ and remote processing): the demo download service does, so the
researcher's token by code + PKCE from it carries that grant. Its redirect URI is the portal's own
"Your services and tokens" page, so that the flow can be tried by hand with a browser and curl
(the code is read off the address bar; docs/tokens.md, "Try it with the demo").

Puts `client.processing`, `client.download` and `client.broker` into the context; adds a note
with the credentials for seed_demo to print.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from oauth2_provider.models import Application
from oauth2_provider.settings import oauth2_settings

from governance.core.demo import DemoContext
from governance.tokens import keys, services
from governance.tokens.models import ServiceClient, SigningKey

CLIENTS: list[dict[str, Any]] = [
    {
        "key": "client.processing",
        "client_id": "demo-processing",
        "client_secret": "demo-processing-secret",  # nosec B105 # a demo client's published secret
        "name": "Demo processing back end",
        "audience": "https://processing.demo.example",
        "grant_types": ["client_credentials", "authorization_code"],
        "scopes": ["openid", "profile", "email", "datasets", "ga4gh_passport_v1"],
        "access_conditions": ["in_situ_processing", "remote_processing"],
        "may_read_ga4gh": False,
        "redirect_uris": "https://processing.demo.example/oauth/callback",
    },
    {
        "key": "client.download",
        "client_id": "demo-download",
        "client_secret": "demo-download-secret",  # nosec B105 # a demo client's published secret
        "name": "Demo download service",
        "audience": "https://download.demo.example",
        "grant_types": ["authorization_code"],
        "scopes": ["openid", "profile", "email", "datasets"],
        "access_conditions": ["download"],
        "may_read_ga4gh": False,
        "redirect_uris": "",  # download_redirect_uri(), read when seeding
    },
    {
        "key": "client.broker",
        "client_id": "demo-broker",
        "client_secret": "demo-broker-secret",  # nosec B105 # a demo client's published secret
        "name": "Demo life-science login broker",
        "audience": "https://broker.demo.example",
        "grant_types": ["client_credentials"],
        "scopes": ["datasets"],
        "access_conditions": [],
        "may_read_ga4gh": True,
        "redirect_uris": "",
    },
]


def seed(context: DemoContext) -> None:
    created_key = not SigningKey.objects.filter(retired_at__isnull=True).exists()
    keys.ensure_current_key()
    context.tally("signing keys", created_key)
    for spec in CLIENTS:
        spec = dict(spec)
        key = spec.pop("key")
        if key == "client.download":
            spec["redirect_uris"] = download_redirect_uri()
        existing = ServiceClient.objects.filter(application__client_id=spec["client_id"]).first()
        created = existing is None
        if existing is None:
            # A bare toolkit application of that id (made in the admin) gives way to the demo's.
            Application.objects.filter(client_id=spec["client_id"]).delete()
            existing, _secret, _webhook = services.register_client(
                actor=None, check_permission=False, **spec
            )
        context[key] = existing
        context.tally("OAuth clients", created)
    redirect_uri = context["client.download"].application.redirect_uris
    context.notes.append(
        "OAuth clients (token service): demo-processing / demo-processing-secret "
        "(client credentials and code + PKCE; serves in_situ_processing, remote_processing); "
        "demo-download / demo-download-secret (code + PKCE; serves download, so the "
        f"researcher's token carries their grant; redirect URI {redirect_uri}); "
        "demo-broker / demo-broker-secret (may read GET /api/v1/ga4gh/permissions/{sub}). "
        "Discovery: /.well-known/openid-configuration. The whole chain by hand: docs/tokens.md, "
        '"Try it with the demo".'
    )


def download_redirect_uri() -> str:
    """The portal's "Your services and tokens" page (on a local trial
    http://127.0.0.1:8000/tokens/); a made-up callback of the service where the portal refuses
    its scheme (plain http with debug off)."""
    if urlparse(settings.PORTAL_BASE_URL).scheme in oauth2_settings.ALLOWED_REDIRECT_URI_SCHEMES:
        return f"{settings.PORTAL_BASE_URL}/tokens/"
    return "https://download.demo.example/oauth/callback"
