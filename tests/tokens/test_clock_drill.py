"""Clock drill (issue 17): the clock passes a grant's end while a token carrying it is live.

The token was cut at the grant's end when it was issued, so introspection answers inactive at
that moment by the token's expiry alone, before beat's expire-grants task has run.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import secrets
import uuid
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
import pytest
import time_machine
from django.test import Client as DjangoClient
from django.utils import timezone
from oauth2_provider.models import AccessToken

from governance.agreements.models import Grant
from governance.catalogue.models import AccessCondition
from governance.tokens import keys
from governance.tokens.models import IssuedToken
from tests.agreements.factories import GrantFactory
from tests.tokens.flows import REDIRECT_URI, form_fields

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_cache(settings):
    # Rate-limit counters of this test alone.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": uuid.uuid4().hex,
        }
    }


def _basic(client) -> str:
    return "Basic " + base64.b64encode(f"{client.client_id}:{client.secret}".encode()).decode()


def _person_token(client, person) -> dict:
    """The authorization code flow with PKCE, in-process: consent, code, token."""
    keys.ensure_current_key()
    browser = DjangoClient()
    browser.force_login(person)
    verifier = secrets.token_urlsafe(48)
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )
    url = "/oauth/authorize?" + urlencode(
        {
            "response_type": "code",
            "client_id": client.client_id,
            "redirect_uri": REDIRECT_URI,
            "scope": "datasets",
            "state": "drill",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    page = browser.get(url)
    assert page.status_code == 200, page.content
    answer = browser.post(url, {**form_fields(page.content.decode()), "allow": "on"})
    assert answer.status_code == 302, answer.content
    code = parse_qs(urlparse(answer["Location"]).query)["code"][0]
    response = DjangoClient().post(
        "/oauth/token",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "code_verifier": verifier,
        },
        HTTP_AUTHORIZATION=_basic(client),
    )
    assert response.status_code == 200, response.content
    return response.json()


def _introspect(client, token: str) -> dict:
    response = DjangoClient().post(
        "/oauth/introspect", {"token": token}, HTTP_AUTHORIZATION=_basic(client)
    )
    assert response.status_code == 200, response.content
    return response.json()


def test_introspection_turns_inactive_at_the_grants_end_before_the_expiry_task(
    processing, researcher, settings
):
    assert settings.PORTAL_TOKEN_LIFETIME > 120  # the grant ends well before the lifetime
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False) as clock:
        grant = GrantFactory(
            person=researcher,
            access_condition=AccessCondition.objects.get(code="in_situ_processing"),
            ends_at=start + datetime.timedelta(minutes=2, microseconds=500_000),
        )
        answer = _person_token(processing, researcher)
        token = answer["access_token"]
        claims = jwt.decode(token, options={"verify_signature": False})
        grant_end = int(grant.ends_at.timestamp())

        # Cut at the grant's end, not at the end of its lifetime: the JWT, its record, the
        # toolkit's row and the response's expires_in say the same.
        assert claims["authorization_details"][0]["grant"] == str(grant.pk)
        assert claims["exp"] == grant_end <= grant.ends_at.timestamp()
        assert answer["expires_in"] <= grant_end - claims["iat"]
        issued = IssuedToken.objects.get(jti=claims["jti"])
        assert issued.expires_at <= grant.ends_at
        assert AccessToken.objects.get(pk=issued.access_token_id).expires <= grant.ends_at
        assert _introspect(processing, token)["active"] is True

        clock.move_to(grant.ends_at + datetime.timedelta(seconds=1))
        # The expire-grants task has not run: the grant is still ACTIVE in its row, the token
        # not revoked; the answer is inactive all the same.
        grant.refresh_from_db()
        issued.refresh_from_db()
        assert grant.state == Grant.State.ACTIVE and issued.revoked_at is None
        assert _introspect(processing, token) == {"active": False}
        assert not issued.is_active()


def test_a_token_carrying_no_grant_keeps_its_full_lifetime(processing, researcher, settings):
    with time_machine.travel(timezone.now(), tick=False):
        answer = _person_token(processing, researcher)
    claims = jwt.decode(answer["access_token"], options={"verify_signature": False})
    assert claims["authorization_details"] == []
    assert claims["exp"] - claims["iat"] == answer["expires_in"] == settings.PORTAL_TOKEN_LIFETIME
