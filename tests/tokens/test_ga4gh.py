"""GET /api/v1/ga4gh/permissions/{sub}: visas for brokers, verified with the jku keys."""

from __future__ import annotations

import datetime

import jwt
import pytest
import requests
from django.utils import timezone

from governance.agreements.models import Grant
from governance.tokens.claims import subject_of
from tests.agreements.factories import GrantFactory
from tests.tokens.conftest import client_credentials_token

pytestmark = pytest.mark.django_db(transaction=True)


def _permissions(issuer: str, sub: str, token: str | None) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(f"{issuer}/api/v1/ga4gh/permissions/{sub}", headers=headers, timeout=10)


def test_broker_reads_one_verifiable_visa_per_usable_grant(
    issuer, broker, researcher, in_situ_grant
):
    GrantFactory(person=researcher, state=Grant.State.EXPIRED)
    GrantFactory(
        person=researcher,
        starts_at=timezone.now() - datetime.timedelta(days=60),
        ends_at=timezone.now() - datetime.timedelta(days=1),
    )
    sub = subject_of(researcher)
    response = _permissions(issuer, sub, client_credentials_token(issuer, broker))
    assert response.status_code == 200
    [visa] = response.json()["ga4gh_passport_v1"]

    header = jwt.get_unverified_header(visa)
    assert header["typ"] == "vnd.ga4gh.visa+jwt"
    assert header["jku"] == f"{issuer}/oauth/jwks"
    signing_key = jwt.PyJWKClient(header["jku"]).get_signing_key(header["kid"])
    claims = jwt.decode(visa, signing_key.key, algorithms=[header["alg"]], issuer=issuer)
    assert claims["sub"] == sub
    assert claims["jti"] and claims["iat"] <= claims["exp"]
    assert claims["ga4gh_visa_v1"] == {
        "type": "ControlledAccessGrants",
        "asserted": int(in_situ_grant.starts_at.timestamp()),
        "value": in_situ_grant.dataset.persistent_url,
        "source": f"{issuer}/access/committees/{in_situ_grant.committee_id}/"
        if in_situ_grant.committee_id
        else f"{issuer}/",
        "by": "dac",
    }


def test_a_client_that_is_not_a_broker_is_refused(issuer, processing, researcher):
    response = _permissions(
        issuer, subject_of(researcher), client_credentials_token(issuer, processing)
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_no_token_or_a_revoked_token_is_unauthenticated(issuer, broker, researcher):
    sub = subject_of(researcher)
    assert _permissions(issuer, sub, None).status_code == 401
    token = client_credentials_token(issuer, broker)
    requests.post(f"{issuer}/oauth/revoke", data={"token": token}, auth=broker.auth, timeout=10)
    assert _permissions(issuer, sub, token).status_code == 401


def test_unknown_subject_is_not_found(issuer, broker):
    response = _permissions(issuer, "no-such-subject", client_credentials_token(issuer, broker))
    assert response.status_code == 404
