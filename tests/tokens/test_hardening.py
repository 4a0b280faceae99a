"""alg none, algorithm confusion, clock skew, rate limits, introspection's query budget."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid

import jwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from django.core.management import call_command
from django.test import Client as DjangoClient

from governance.tokens import keys, ratelimit
from governance.tokens.claims import subject_of
from governance.tokens.models import IssuedToken
from tests.tokens.conftest import client_credentials_token, introspect


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _forge(header: dict, claims: dict, key: bytes | None) -> str:
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    signature = (
        b"" if key is None else hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    )
    return f"{signing_input}.{_b64(signature)}"


@pytest.mark.django_db(transaction=True)
def test_alg_none_and_hs256_with_the_public_key_are_rejected(issuer, broker, researcher):
    real = client_credentials_token(issuer, broker)
    header = jwt.get_unverified_header(real)
    claims = jwt.decode(real, options={"verify_signature": False})
    jwks = requests.get(f"{issuer}/oauth/jwks", timeout=10).json()
    public_pem = jwt.PyJWK(jwks["keys"][0]).key.public_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PublicFormat.SubjectPublicKeyInfo,
    )
    unsigned = _forge({**header, "alg": "none"}, claims, None)
    confused = _forge({**header, "alg": "HS256"}, claims, public_pem)
    sub = subject_of(researcher)
    for forged in (unsigned, confused):
        with pytest.raises(jwt.InvalidTokenError):
            keys.verify(forged)
        response = requests.get(
            f"{issuer}/api/v1/ga4gh/permissions/{sub}",
            headers={"Authorization": f"Bearer {forged}"},
            timeout=10,
        )
        assert response.status_code == 401
    # The genuine token still works, so the refusals above are about the forgery alone.
    genuine = requests.get(
        f"{issuer}/api/v1/ga4gh/permissions/{sub}",
        headers={"Authorization": f"Bearer {real}"},
        timeout=10,
    )
    assert genuine.status_code == 200


@pytest.mark.django_db
def test_verification_tolerates_sixty_seconds_of_clock_skew(settings):
    keys.ensure_current_key()
    now = int(time.time())
    base = {"iss": settings.PORTAL_BASE_URL, "sub": "s", "jti": "j"}
    just_expired, _kid = keys.sign({**base, "iat": now - 600, "exp": now - 30}, typ="at+jwt")
    long_expired, _kid = keys.sign({**base, "iat": now - 600, "exp": now - 90}, typ="at+jwt")
    from_the_future, _kid = keys.sign({**base, "iat": now + 30, "exp": now + 600}, typ="at+jwt")
    assert keys.verify(just_expired)["sub"] == "s"
    assert keys.verify(from_the_future)["sub"] == "s"
    with pytest.raises(jwt.ExpiredSignatureError):
        keys.verify(long_expired)


@pytest.mark.django_db(transaction=True)
def test_token_endpoint_rate_limit_answers_429_with_retry_after(issuer, processing, settings):
    settings.PORTAL_TOKEN_RATE_LIMIT = 2
    for _ in range(2):
        client_credentials_token(issuer, processing)
    response = requests.post(
        f"{issuer}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=processing.auth,
        timeout=10,
    )
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 61


@pytest.mark.django_db(transaction=True)
def test_introspection_rate_limit_is_per_client(issuer, processing, downloader, settings):
    settings.PORTAL_TOKEN_INTROSPECTION_RATE_LIMIT = 1
    token = client_credentials_token(issuer, processing)
    assert introspect(issuer, processing, token)["active"] is True
    limited = requests.post(
        f"{issuer}/oauth/introspect", data={"token": token}, auth=processing.auth, timeout=10
    )
    assert limited.status_code == 429 and limited.headers["Retry-After"]
    # Another client has its own budget.
    assert introspect(issuer, downloader, token) == {"active": False}


def _basic(client) -> str:
    return "Basic " + base64.b64encode(f"{client.client_id}:{client.secret}".encode()).decode()


@pytest.mark.django_db
def test_introspection_costs_one_query(processing, settings, django_assert_max_num_queries):
    # Rate-limit and statistics counters live in the shared cache (Redis in production).
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": uuid.uuid4().hex,  # a cache of this test's own
        }
    }
    keys.ensure_current_key()
    http = DjangoClient()
    issued = http.post(
        "/oauth/token",
        {"grant_type": "client_credentials"},
        HTTP_AUTHORIZATION=_basic(processing),
    )
    token = issued.json()["access_token"]
    http.post("/oauth/introspect", {"token": token}, HTTP_AUTHORIZATION=_basic(processing))
    with django_assert_max_num_queries(1):
        answer = http.post(
            "/oauth/introspect", {"token": token}, HTTP_AUTHORIZATION=_basic(processing)
        )
    assert answer.json()["active"] is True


@pytest.mark.django_db
def test_tokens_are_never_stored_or_logged(processing, caplog):
    keys.ensure_current_key()
    http = DjangoClient()
    token = http.post(
        "/oauth/token", {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=_basic(processing)
    ).json()["access_token"]
    record = IssuedToken.objects.get()
    assert token not in json.dumps(record.claims)
    assert record.token_checksum == hashlib.sha256(token.encode()).hexdigest()
    assert record.access_token.token == ""  # the toolkit keeps only the checksum too
    assert token not in caplog.text


@pytest.mark.django_db(transaction=True)
def test_key_rotation_keeps_old_tokens_valid_and_signs_new_ones_with_the_new_key(
    issuer, processing
):
    old = client_credentials_token(issuer, processing)
    call_command("rotate_signing_keys", verbosity=0)
    new = client_credentials_token(issuer, processing)
    old_kid = jwt.get_unverified_header(old)["kid"]
    new_kid = jwt.get_unverified_header(new)["kid"]
    assert old_kid != new_kid

    published = {
        key["kid"] for key in requests.get(f"{issuer}/oauth/jwks", timeout=10).json()["keys"]
    }
    assert {old_kid, new_kid} <= published
    client = jwt.PyJWKClient(f"{issuer}/oauth/jwks")
    for token in (old, new):
        jwt.decode(
            token,
            client.get_signing_key_from_jwt(token).key,
            algorithms=["ES256", "RS256"],
            audience="https://processing.example",
        )
        assert introspect(issuer, processing, token)["active"] is True


@pytest.mark.django_db
def test_retired_keys_leave_the_jwks_once_their_tokens_have_expired(settings):
    from datetime import timedelta

    from django.utils import timezone

    from governance.tokens.models import SigningKey

    first = keys.ensure_current_key()
    keys.rotate()
    assert first.kid in {key["kid"] for key in keys.published_keys()}
    SigningKey.objects.filter(pk=first.pk).update(
        retired_at=timezone.now() - timedelta(seconds=keys.max_token_lifetime() + 1)
    )
    assert first.kid not in {key["kid"] for key in keys.published_keys()}


@pytest.mark.django_db
def test_private_keys_are_encrypted_at_rest(settings):
    key = keys.ensure_current_key()
    assert "PRIVATE KEY" not in key.private_key_encrypted
    keys._loaded.clear()
    settings.PORTAL_TOKEN_KEY_ENCRYPTION_KEY = "another-key"
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="PORTAL_TOKEN_KEY_ENCRYPTION_KEY"):
        keys.current_key()


@pytest.mark.django_db
def test_a_signing_key_file_replaces_the_database_keys(settings):
    private = keys.new_private_key("RS256")
    settings.PORTAL_TOKEN_SIGNING_KEY = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    token, kid = keys.sign({"iss": settings.PORTAL_BASE_URL, "iat": 1, "exp": 2**31}, typ="JWT")
    assert jwt.get_unverified_header(token)["alg"] == "RS256"
    assert keys.published_keys()[0]["kid"] == kid
    assert keys.verify(token)["iat"] == 1


@pytest.mark.django_db
def test_introspections_are_counted_in_the_cache_and_flushed_to_the_statistics(
    processing, settings
):
    from governance.tokens import selectors, services

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": uuid.uuid4().hex,  # a cache of this test's own
        }
    }
    keys.ensure_current_key()
    http = DjangoClient()
    for _ in range(3):
        http.post("/oauth/introspect", {"token": "x"}, HTTP_AUTHORIZATION=_basic(processing))
    # The web process sends its counts in batches (ratelimit.py): the first at once, the
    # rest within a second or with the next batch; here, at once.
    assert ratelimit.send_pending() == 2
    assert selectors.introspections(processing.service)[-1][1] == 3  # live from the cache
    assert services.flush_introspection_counts() == 3
    assert services.flush_introspection_counts() == 0
    assert selectors.introspections(processing.service)[-1][1] == 3  # now from the table
