"""The demo shows the whole chain (issue 16, point 7): the researcher's download grant is served
by the demo download service, so the researcher's token by code + PKCE carries it, and revoking
the grant ends the token at once (docs/tokens.md, "Try it with the demo")."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
import pytest
from django.test import Client as DjangoClient

from governance.agreements import services as agreements
from governance.audit.models import AuditEvent
from governance.core.demo import seed_all
from governance.tokens.claims import entitlement
from governance.tokens.models import IssuedToken, ServiceClient
from tests.tokens.flows import form_fields

pytestmark = pytest.mark.django_db

CLIENT_ID, SECRET = "demo-download", "demo-download-secret"  # nosec B105 # published demo secret
REDIRECT_URI = "http://127.0.0.1:8000/tokens/"


@pytest.fixture
def local_trial(settings):
    """The portal as `make run` serves it: debug on, so plain-http redirect URIs are allowed."""
    settings.PORTAL_BASE_URL = "http://127.0.0.1:8000"
    settings.OAUTH2_PROVIDER = {
        **settings.OAUTH2_PROVIDER,
        "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"],
        "OIDC_ISS_ENDPOINT": "http://127.0.0.1:8000",
    }


def _basic(client_id: str = CLIENT_ID, secret: str = SECRET) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def _code_flow(person, scope: str = "openid datasets") -> dict:
    """What docs/tokens.md tells a person to do by hand: authorize with S256, allow, token."""
    browser = DjangoClient()
    browser.force_login(person)
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    query = urlencode(
        {
            "response_type": "code",
            "client_id": CLIENT_ID,
            "scope": scope,
            "redirect_uri": REDIRECT_URI,
            "state": "demo",
            "code_challenge": challenge.decode(),
            "code_challenge_method": "S256",
        }
    )
    answer = browser.get(f"/oauth/authorize?{query}")
    if answer.status_code == 200:  # the consent page; once allowed, it is remembered
        page = answer.content.decode()
        assert "Demo download service" in page
        answer = browser.post(f"/oauth/authorize?{query}", {**form_fields(page), "allow": "on"})
    assert answer.status_code == 302, answer.content.decode()[:2000]
    location = answer["Location"]
    assert location.startswith(REDIRECT_URI + "?")
    # The redirect URI is the researcher's own "Your services and tokens" page: it opens.
    assert browser.get(location).status_code == 200
    code = parse_qs(urlparse(location).query)["code"][0]
    response = DjangoClient().post(
        "/oauth/token",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "code_verifier": verifier,
        },
        HTTP_AUTHORIZATION=_basic(),
    )
    assert response.status_code == 200, response.content
    return response.json()


def _verified(token: str) -> dict:
    jwks = DjangoClient().get("/oauth/jwks").json()
    kid = jwt.get_unverified_header(token)["kid"]
    [key] = [key for key in jwks["keys"] if key["kid"] == kid]
    return jwt.decode(
        token,
        jwt.PyJWK(key).key,
        algorithms=["ES256", "RS256"],
        audience="https://download.demo.example",
        issuer="http://127.0.0.1:8000",
    )


def _introspect(token: str) -> dict:
    response = DjangoClient().post(
        "/oauth/introspect", {"token": token}, HTTP_AUTHORIZATION=_basic()
    )
    assert response.status_code == 200, response.content
    return response.json()


def test_demo_download_service_serves_the_researchers_grant_and_is_seeded_once(local_trial):
    context = seed_all()
    again = seed_all()

    service = ServiceClient.objects.get(application__client_id=CLIENT_ID)
    assert again["client.download"] == service == context["client.download"]
    assert sum(again.created.values()) == 0
    assert ServiceClient.objects.filter(application__client_id=CLIENT_ID).count() == 1
    grant = context["grant.researcher"]
    assert grant.access_condition_id in service.access_conditions
    assert service.application.redirect_uris == REDIRECT_URI
    # Registered through the token service, so the registration is in the audit trail.
    assert AuditEvent.objects.filter(
        action="tokens.client_registered", object_id=str(service.pk)
    ).exists()
    assert any("demo-download-secret" in note for note in context.notes)


def test_demo_researcher_token_carries_the_grant_until_it_is_revoked(local_trial):
    context = seed_all()
    researcher, grant = context["person.researcher"], context["grant.researcher"]

    token = _code_flow(researcher)["access_token"]

    claims = _verified(token)
    dataset = grant.dataset
    assert claims["client_id"] == CLIENT_ID
    assert set(claims["scope"].split()) == {"openid", "datasets"}
    assert claims["authorization_details"] == [
        {
            "type": "dataset_access",
            "identifier": dataset.persistent_url,
            "actions": ["download"],
            "grant": str(grant.pk),
            "expires": int(grant.ends_at.timestamp()),
        }
    ]
    assert claims["eduperson_entitlement"] == [entitlement(dataset)]
    assert claims["eduperson_entitlement"][0].startswith("urn:geant:127.0.0.1:res:dataset:")
    introspection = _introspect(token)
    assert introspection["active"] is True
    assert introspection["sub"] == claims["sub"]
    assert introspection["authorization_details"] == claims["authorization_details"]

    agreements.grant_revoke(
        grant=grant,
        actor=context["person.committee"],
        reason="The project ended early; the data must no longer be downloaded.",
    )

    assert _introspect(token) == {"active": False}
    record = IssuedToken.objects.get(jti=claims["jti"])
    assert record.revoked_at is not None
    # A new token follows the current grants: the revoked one is no longer in it.
    fresh = _verified(_code_flow(researcher)["access_token"])
    assert fresh.get("authorization_details", []) == []
    assert json.dumps(fresh).count(dataset.persistent_url) == 0
    # The demo seeded again after the walk-through keeps things as they are.
    assert not seed_all().created_anything
