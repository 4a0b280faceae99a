"""Demo clients (SPEC section 6) and a current signing key.

Puts `client.processing` and `client.broker` into the context; adds a note with the
credentials for seed_demo to print.
"""

from __future__ import annotations

from typing import Any

from oauth2_provider.models import Application

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
    context.notes.append(
        "OAuth clients (token service): demo-processing / demo-processing-secret "
        "(client credentials and code + PKCE; serves in_situ_processing, remote_processing) and "
        "demo-broker / demo-broker-secret (may read GET /api/v1/ga4gh/permissions/{sub}). "
        "Discovery: /.well-known/openid-configuration."
    )
