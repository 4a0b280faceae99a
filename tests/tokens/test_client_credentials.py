"""Client credentials, discovery, JWKS and introspection over HTTP, verified with PyJWT."""

from __future__ import annotations

import jwt
import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session

from tests.tokens.conftest import client_credentials_token, introspect

pytestmark = pytest.mark.django_db(transaction=True)


def test_discovery_documents_name_every_endpoint_and_agree(issuer):
    oidc = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=10).json()
    rfc8414 = requests.get(f"{issuer}/.well-known/oauth-authorization-server", timeout=10).json()
    assert oidc == rfc8414
    assert oidc["issuer"] == issuer
    assert oidc["jwks_uri"] == f"{issuer}/oauth/jwks"
    assert oidc["token_endpoint"] == f"{issuer}/oauth/token"
    assert oidc["introspection_endpoint"] == f"{issuer}/oauth/introspect"
    assert oidc["revocation_endpoint"] == f"{issuer}/oauth/revoke"
    assert oidc["userinfo_endpoint"] == f"{issuer}/oauth/userinfo"
    assert oidc["authorization_endpoint"] == f"{issuer}/oauth/authorize"
    assert set(oidc["grant_types_supported"]) == {
        "authorization_code",
        "client_credentials",
        "refresh_token",
    }
    assert oidc["token_endpoint_auth_methods_supported"] == ["client_secret_basic"]
    assert oidc["code_challenge_methods_supported"] == ["S256"]


def test_jwks_keys_have_kid_use_and_alg(issuer):
    keys = requests.get(f"{issuer}/oauth/jwks", timeout=10).json()["keys"]
    assert keys
    for key in keys:
        assert key["kid"] and key["use"] == "sig" and key["alg"] in {"ES256", "RS256"}
        assert "d" not in key  # never the private part


def test_client_credentials_token_is_an_rfc9068_jwt_verified_with_the_jwks(issuer, processing):
    session = OAuth2Session(
        processing.client_id,
        processing.secret,
        token_endpoint_auth_method="client_secret_basic",
        scope="datasets",
    )
    token = session.fetch_token(f"{issuer}/oauth/token", grant_type="client_credentials")
    access_token = token["access_token"]
    assert token["token_type"] == "Bearer"
    assert token["expires_in"] == 600

    signing_key = jwt.PyJWKClient(f"{issuer}/oauth/jwks").get_signing_key_from_jwt(access_token)
    claims = jwt.decode(
        access_token,
        signing_key.key,
        algorithms=["ES256", "RS256"],
        audience="https://processing.example",
        issuer=issuer,
    )
    header = jwt.get_unverified_header(access_token)
    assert header["typ"] == "at+jwt"
    assert header["kid"] == signing_key.key_id
    assert claims["sub"] == claims["client_id"] == "processing"
    assert claims["exp"] - claims["iat"] == 600
    assert claims["scope"] == "datasets"
    assert claims["jti"]
    assert "authorization_details" not in claims  # no person, no datasets


def test_token_endpoint_refuses_client_secret_in_the_body(issuer, processing):
    response = requests.post(
        f"{issuer}/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": processing.client_id,
            "client_secret": processing.secret,
        },
        timeout=10,
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_token_endpoint_refuses_a_wrong_secret(issuer, processing):
    response = requests.post(
        f"{issuer}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(processing.client_id, "not-the-secret"),
        timeout=10,
    )
    assert response.status_code == 401


def test_token_endpoint_refuses_a_scope_the_client_may_not_have(issuer, downloader):
    response = requests.post(
        f"{issuer}/oauth/token",
        data={"grant_type": "client_credentials", "scope": "ga4gh_passport_v1"},
        auth=downloader.auth,
        timeout=10,
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"


def test_introspection_of_a_live_token_returns_its_claims(issuer, processing):
    token = client_credentials_token(issuer, processing)
    answer = introspect(issuer, processing, token)
    assert answer["active"] is True
    assert answer["client_id"] == "processing"
    assert answer["aud"] == "https://processing.example"
    assert answer["token_type"] == "Bearer"


def test_introspection_of_unknown_or_foreign_tokens_is_exactly_inactive(
    issuer, processing, downloader
):
    assert introspect(issuer, processing, "not-a-token") == {"active": False}
    theirs = client_credentials_token(issuer, downloader)
    assert introspect(issuer, processing, theirs) == {"active": False}


def test_introspection_needs_client_authentication(issuer, processing):
    token = client_credentials_token(issuer, processing)
    response = requests.post(f"{issuer}/oauth/introspect", data={"token": token}, timeout=10)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic")


def test_revocation_makes_introspection_inactive(issuer, processing):
    token = client_credentials_token(issuer, processing)
    response = requests.post(
        f"{issuer}/oauth/revoke", data={"token": token}, auth=processing.auth, timeout=10
    )
    assert response.status_code == 200
    assert introspect(issuer, processing, token) == {"active": False}


def test_revocation_of_an_unknown_token_answers_200(issuer, processing):
    response = requests.post(
        f"{issuer}/oauth/revoke", data={"token": "nonsense"}, auth=processing.auth, timeout=10
    )
    assert response.status_code == 200
