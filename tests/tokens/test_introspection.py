"""Introspection in-process: who may ask, what is active, its one prepared query, and the short
middleware path of the endpoints only machines call."""

from __future__ import annotations

import base64
import datetime
import uuid
from urllib.parse import quote_plus

import pytest
from django.db import connection
from django.test import Client as DjangoClient
from django.utils import timezone

from governance.tokens import keys, oauth
from governance.tokens.models import IssuedToken
from governance.tokens.oauth import basic_credentials
from tests.tokens.conftest import make_client


@pytest.fixture(autouse=True)
def _own_cache(settings):
    # Rate-limit counters of this test alone.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": uuid.uuid4().hex,
        }
    }


def _basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def _token(http: DjangoClient, client) -> str:
    keys.ensure_current_key()
    response = http.post(
        "/oauth/token",
        {"grant_type": "client_credentials"},
        HTTP_AUTHORIZATION=_basic(client.client_id, client.secret),
    )
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


def _introspect(http: DjangoClient, client, token: str, secret: str | None = None):
    return http.post(
        "/oauth/introspect",
        {"token": token},
        HTTP_AUTHORIZATION=_basic(client.client_id, secret or client.secret),
    )


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Basic " + base64.b64encode(b"svc:s3cret").decode(), ("svc", "s3cret")),
        # RFC 6749 2.3.1: both parts are form-urlencoded before the Basic encoding.
        (
            "basic "
            + base64.b64encode(f"{quote_plus('a b')}:{quote_plus('x:y%z')}".encode()).decode(),
            ("a b", "x:y%z"),
        ),
        ("Bearer abc", None),
        ("Basic !!!not-base64", None),
        ("Basic " + base64.b64encode(b"no-colon").decode(), None),
        ("Basic " + base64.b64encode(b"\xff\xfe:x").decode(), None),
        ("", None),
    ],
)
def test_basic_credentials_are_decoded_like_the_toolkit_does(header, expected):
    assert basic_credentials(header) == expected


@pytest.mark.django_db
def test_a_wrong_secret_or_a_deactivated_service_is_an_invalid_client(processing):
    http = DjangoClient()
    token = _token(http, processing)
    wrong = _introspect(http, processing, token, secret="not-the-secret")
    assert wrong.status_code == 401 and wrong.json() == {"error": "invalid_client"}
    assert wrong["WWW-Authenticate"].startswith("Basic")
    unknown = http.post(
        "/oauth/introspect", {"token": token}, HTTP_AUTHORIZATION=_basic("nobody", "x")
    )
    assert unknown.status_code == 401
    assert _introspect(http, processing, token).json()["active"] is True
    processing.service.is_active = False
    processing.service.save(update_fields=["is_active"])
    assert _introspect(http, processing, token).status_code == 401


@pytest.mark.django_db
def test_a_missing_token_is_a_bad_request(processing):
    answer = DjangoClient().post(
        "/oauth/introspect", {}, HTTP_AUTHORIZATION=_basic(processing.client_id, processing.secret)
    )
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_request"


@pytest.mark.django_db
def test_expired_revoked_or_deleted_tokens_are_exactly_inactive(processing):
    http = DjangoClient()
    expired, revoked, deleted, live = (_token(http, processing) for _ in range(4))
    records = list(IssuedToken.objects.order_by("issued_at", "pk"))
    records[0].expires_at = timezone.now() - datetime.timedelta(seconds=1)
    records[0].save(update_fields=["expires_at"])
    records[1].revoked_at = timezone.now()
    records[1].save(update_fields=["revoked_at"])
    records[2].access_token.delete()  # what the toolkit does at /oauth/revoke
    for token in (expired, revoked, deleted):
        answer = _introspect(http, processing, token)
        assert answer.json() == {"active": False}
        assert answer["Cache-Control"] == "no-store"
    assert _introspect(http, processing, live).json()["active"] is True


@pytest.mark.django_db
def test_the_audience_service_may_introspect_another_clients_token_for_it(processing):
    # A front end (another client) asks for tokens whose audience is the processing service.
    front = make_client("front-end")
    front.service.audience = processing.service.audience
    front.service.save(update_fields=["audience"])
    outsider = make_client("outsider")
    http = DjangoClient()
    token = _token(http, front)
    answer = _introspect(http, processing, token).json()
    assert answer["active"] is True and answer["client_id"] == "front-end"
    assert _introspect(http, outsider, token).json() == {"active": False}


@pytest.mark.django_db
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)
def test_on_postgresql_the_introspection_query_is_prepared_once_per_connection(processing):
    http = DjangoClient()
    token = _token(http, processing)
    for _ in range(3):
        assert _introspect(http, processing, token).json()["active"] is True
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%tokens_issuedtoken t ON t.token_checksum%"],
        )
        prepared = cursor.fetchall()
    assert len(prepared) == 1


@pytest.mark.django_db
def test_machine_endpoints_skip_the_browser_middleware_but_keep_the_security_headers(
    processing, settings
):
    http = DjangoClient()
    token = _token(http, processing)
    machine = http.post(
        "/oauth/introspect",
        {"token": token},
        HTTP_AUTHORIZATION=_basic(processing.client_id, processing.secret),
        HTTP_ACCEPT_LANGUAGE="es",
    )
    page = http.get("/", HTTP_ACCEPT_LANGUAGE="es")
    # The locale middleware says which language a page is in; it never saw the machine.
    assert page["Content-Language"]
    assert "Content-Language" not in machine
    assert "Accept-Language" not in machine.get("Vary", "")
    for response in (machine, page):
        assert response["X-Request-ID"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "Content-Security-Policy" in response
    assert not machine.cookies
    jwks = http.get("/oauth/jwks", HTTP_ACCEPT_LANGUAGE="es")
    assert jwks.status_code == 200 and "Content-Language" not in jwks


@pytest.mark.django_db
def test_wrong_secrets_past_the_limit_are_refused_without_hashing(
    processing, settings, monkeypatch
):
    settings.PORTAL_TOKEN_AUTH_FAILURE_LIMIT = 2
    http = DjangoClient()
    token = _token(http, processing)  # the real secret is verified once and remembered
    hashed = []
    real_check = oauth.check_password
    monkeypatch.setattr(
        oauth, "check_password", lambda *args: hashed.append(1) or real_check(*args)
    )
    for _ in range(4):
        assert _introspect(http, processing, token, secret="guess").status_code == 401
    assert len(hashed) == 2  # the third and fourth guesses were not hashed
    # The service itself keeps working with its secret.
    assert _introspect(http, processing, token).json()["active"] is True
    # Another client's budget is its own.
    other = make_client("other-service")
    assert _introspect(http, other, "x", secret="guess").status_code == 401
    assert len(hashed) == 3
