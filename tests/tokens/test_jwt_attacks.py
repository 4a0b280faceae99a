"""Every endpoint that takes a bearer token refuses every kind of forged or misused JWT.

From one genuine broker token, each attack makes a variant: `alg: none`, HS256 signed with the
published public key, expired, another audience, another issuer, an unknown `kid`, a tampered
payload. Each goes to every door a bearer token opens (the GA4GH permissions endpoint, OIDC
userinfo, token introspection, the REST API) and must be refused there; the genuine token
still works, so each refusal is about the attack alone.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from django.test import Client as DjangoClient

from governance.tokens import keys
from governance.tokens.claims import subject_of

pytestmark = pytest.mark.django_db

ISSUER = "http://testserver"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64_json(value: dict) -> str:
    return _b64(json.dumps(value).encode())


def _hs256(header: dict, claims: dict, key: bytes) -> str:
    signing_input = f"{_b64_json(header)}.{_b64_json(claims)}"
    signature = hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


def _resigned(claims: dict, header: dict, **changes) -> str:
    extra = {k: v for k, v in header.items() if k not in ("alg", "typ", "kid")}
    token, _kid = keys.sign({**claims, **changes}, typ=header["typ"], extra_headers=extra)
    return token


@pytest.fixture
def issuer(settings):
    settings.PORTAL_BASE_URL = ISSUER
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "OIDC_ISS_ENDPOINT": ISSUER}
    keys.ensure_current_key()
    return ISSUER


@pytest.fixture
def genuine(issuer, broker):
    response = DjangoClient().post(
        "/oauth/token",
        {"grant_type": "client_credentials", "scope": "datasets"},
        HTTP_AUTHORIZATION="Basic "
        + base64.b64encode(f"{broker.client_id}:{broker.secret}".encode()).decode(),
    )
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


def _attacks(genuine: str) -> dict[str, str]:
    header = jwt.get_unverified_header(genuine)
    claims = jwt.decode(genuine, options={"verify_signature": False})
    (jwk,) = [k for k in keys.published_keys() if k["kid"] == header["kid"]]
    public_pem = jwt.PyJWK(jwk).key.public_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PublicFormat.SubjectPublicKeyInfo,
    )
    now = int(time.time())
    head, _payload, signature = genuine.split(".")
    return {
        "alg-none": f"{_b64_json({**header, 'alg': 'none'})}.{_b64_json(claims)}.",
        "hs256-with-public-key": _hs256({**header, "alg": "HS256"}, claims, public_pem),
        "expired": _resigned(claims, header, iat=now - 7200, nbf=now - 7200, exp=now - 3600),
        "wrong-audience": _resigned(claims, header, aud="https://elsewhere.example"),
        "wrong-issuer": _resigned(claims, header, iss="https://evil.example"),
        "unknown-kid": _with_kid(claims, header),
        "tampered-payload": f"{head}.{_b64_json({**claims, 'scope': 'datasets openid'})}."
        + signature,
    }


def _with_kid(claims: dict, header: dict) -> str:
    key = keys.current_key()
    return jwt.encode(
        claims, key.private_key, algorithm=key.alg, headers={"typ": header["typ"], "kid": "nope"}
    )


ATTACKS = [
    "alg-none",
    "hs256-with-public-key",
    "expired",
    "wrong-audience",
    "wrong-issuer",
    "unknown-kid",
    "tampered-payload",
]


def _doors(client: DjangoClient, token: str, broker, sub: str) -> dict[str, object]:
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    basic = "Basic " + base64.b64encode(f"{broker.client_id}:{broker.secret}".encode()).decode()
    return {
        "ga4gh-permissions": client.get(f"/api/v1/ga4gh/permissions/{sub}", **bearer).status_code,
        "userinfo": client.get("/oauth/userinfo", **bearer).status_code,
        "introspection": client.post(
            "/oauth/introspect", {"token": token}, HTTP_AUTHORIZATION=basic
        ).json()["active"],
        "rest-api": client.get("/api/v1/me/", **bearer).status_code,
    }


@pytest.mark.parametrize("attack", ATTACKS)
def test_every_bearer_door_refuses_the_attack(genuine, broker, researcher, attack):
    forged = _attacks(genuine)[attack]
    with pytest.raises(jwt.InvalidTokenError):
        keys.verify(
            forged, audience=jwt.decode(genuine, options={"verify_signature": False})["aud"]
        )
    doors = _doors(DjangoClient(), forged, broker, subject_of(researcher))
    assert doors == {
        "ga4gh-permissions": 401,
        "userinfo": 401,
        "introspection": False,
        "rest-api": 401,
    }


def test_the_genuine_token_opens_the_doors_it_is_for(genuine, broker, researcher):
    doors = _doors(DjangoClient(), genuine, broker, subject_of(researcher))
    assert doors["ga4gh-permissions"] == 200
    assert doors["introspection"] is True
