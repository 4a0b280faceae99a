"""Authorization code + PKCE (authlib), dataset claims, OIDC, refresh rotation, revocation."""

from __future__ import annotations

import datetime

import jwt
import pytest
import requests

from governance.catalogue.models import AccessCondition
from governance.core.events import dataset_consent_changed, grant_ended
from governance.tokens.models import IssuedToken, ServiceAuthorization
from tests.agreements.factories import GrantFactory
from tests.tokens.conftest import introspect
from tests.tokens.flows import authorize, code_flow_token, form_fields, signed_in_browser

pytestmark = pytest.mark.django_db(transaction=True)


def _verify(issuer: str, token: str, audience: str) -> dict:
    key = jwt.PyJWKClient(f"{issuer}/oauth/jwks").get_signing_key_from_jwt(token)
    return jwt.decode(
        token, key.key, algorithms=["ES256", "RS256"], audience=audience, issuer=issuer
    )


def test_person_token_lists_only_grants_the_service_serves(
    issuer, processing, researcher, in_situ_grant
):
    GrantFactory(person=researcher)  # a download grant: the processing service does not serve it
    token = code_flow_token(issuer, processing, researcher, "openid datasets")
    claims = _verify(issuer, token["access_token"], "https://processing.example")

    dataset = in_situ_grant.dataset
    assert claims["sub"] != str(researcher.pk)
    assert claims["client_id"] == "processing"
    assert claims["authorization_details"] == [
        {
            "type": "dataset_access",
            "identifier": dataset.persistent_url,
            "actions": ["in_situ_processing"],
            "grant": str(in_situ_grant.pk),
            "expires": int(in_situ_grant.ends_at.timestamp()),
        }
    ]
    assert len(claims["eduperson_entitlement"]) == 1
    assert claims["eduperson_entitlement"][0].startswith("urn:geant:")


def test_id_token_is_signed_with_the_published_keys(issuer, processing, researcher):
    token = code_flow_token(issuer, processing, researcher, "openid email")
    id_claims = jwt.decode(
        token["id_token"],
        jwt.PyJWKClient(f"{issuer}/oauth/jwks").get_signing_key_from_jwt(token["id_token"]).key,
        algorithms=["ES256", "RS256"],
        audience="processing",
        issuer=issuer,
    )
    assert id_claims["nonce"] == "n-0S6_WzA2Mj"
    assert id_claims["email"] == "researcher@example.org"
    access = jwt.decode(token["access_token"], options={"verify_signature": False})
    assert id_claims["sub"] == access["sub"]


def test_userinfo_with_the_passport_scope_returns_verifiable_visas(
    issuer, processing, researcher, in_situ_grant
):
    token = code_flow_token(issuer, processing, researcher, "openid ga4gh_passport_v1 datasets")
    info = requests.get(
        f"{issuer}/oauth/userinfo",
        headers={"Authorization": f"Bearer {token['access_token']}"},
        timeout=10,
    ).json()
    [visa] = info["ga4gh_passport_v1"]
    header = jwt.get_unverified_header(visa)
    assert header["typ"] == "vnd.ga4gh.visa+jwt"
    assert header["jku"] == f"{issuer}/oauth/jwks"
    key = jwt.PyJWKClient(header["jku"]).get_signing_key(header["kid"])
    claims = jwt.decode(visa, key.key, algorithms=[header["alg"]], issuer=issuer)
    assert claims["ga4gh_visa_v1"]["value"] == in_situ_grant.dataset.persistent_url
    assert claims["sub"] == info["sub"]


def test_consent_is_remembered_and_denial_sends_the_person_back(issuer, processing, researcher):
    browser = signed_in_browser(researcher)
    _session, _verifier, denied = authorize(issuer, processing, browser, "datasets", allow=False)
    assert denied.status_code == 302
    assert "error=access_denied" in denied.headers["Location"]
    assert not ServiceAuthorization.objects.exists()

    _session, _verifier, allowed = authorize(issuer, processing, browser, "datasets")
    assert "code=" in allowed.headers["Location"]
    assert ServiceAuthorization.objects.get().scopes == ["datasets"]

    # The next time the service asks for the same, the person is not asked again.
    first = browser.get(
        f"{issuer}/oauth/authorize?response_type=code&client_id=processing&scope=datasets"
        "&redirect_uri=https://processing.example/callback&code_challenge="
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256",
        allow_redirects=False,
        timeout=10,
    )
    assert first.status_code == 302 and "code=" in first.headers["Location"]


def test_authorize_refuses_a_plain_pkce_challenge(issuer, processing, researcher):
    browser = signed_in_browser(researcher)
    url = (
        f"{issuer}/oauth/authorize?response_type=code&client_id=processing&scope=datasets"
        "&redirect_uri=https://processing.example/callback&code_challenge=abc"
        "&code_challenge_method=plain"
    )
    page = browser.get(url, timeout=10)
    answer = browser.post(
        url, data={**form_fields(page.text), "allow": "on"}, allow_redirects=False, timeout=10
    )
    assert answer.status_code == 302
    assert "error=invalid_request" in answer.headers["Location"]
    assert "code=" not in answer.headers["Location"]


def test_refresh_token_rotates_and_replaying_the_old_one_ends_the_family(
    issuer, processing, researcher
):
    token = code_flow_token(issuer, processing, researcher, "datasets")
    refreshed = requests.post(
        f"{issuer}/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": token["refresh_token"]},
        auth=processing.auth,
        timeout=10,
    )
    assert refreshed.status_code == 200, refreshed.text
    assert refreshed.json()["refresh_token"] != token["refresh_token"]
    new_access = refreshed.json()["access_token"]
    assert introspect(issuer, processing, new_access)["active"] is True
    assert introspect(issuer, processing, token["access_token"]) == {"active": False}
    # Replaying the used refresh token fails and, as reuse, ends the whole family.
    again = requests.post(
        f"{issuer}/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": token["refresh_token"]},
        auth=processing.auth,
        timeout=10,
    )
    assert again.status_code == 400
    assert introspect(issuer, processing, new_access) == {"active": False}


def test_grant_ended_makes_the_token_inactive_at_once_and_new_tokens_omit_it(
    issuer, processing, researcher, in_situ_grant
):
    token = code_flow_token(issuer, processing, researcher, "datasets")["access_token"]
    assert introspect(issuer, processing, token)["active"] is True

    in_situ_grant.state = in_situ_grant.State.REVOKED
    in_situ_grant.save(update_fields=["state"])
    grant_ended.send(sender=None, grant=in_situ_grant, reason="revoked")

    assert introspect(issuer, processing, token) == {"active": False}
    fresh = code_flow_token(issuer, processing, researcher, "datasets")["access_token"]
    assert jwt.decode(fresh, options={"verify_signature": False})["authorization_details"] == []


def test_consent_change_on_a_dataset_makes_its_tokens_inactive(
    issuer, processing, researcher, in_situ_grant
):
    other = GrantFactory(
        person=researcher,
        access_condition=AccessCondition.objects.get(code="remote_processing"),
    )
    token = code_flow_token(issuer, processing, researcher, "datasets")["access_token"]
    untouched = requests.post(
        f"{issuer}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=processing.auth,
        timeout=10,
    ).json()["access_token"]

    dataset_consent_changed.send(
        sender=None, dataset_id=other.dataset_id, pseudonym="P-1", withdrawal=None
    )

    assert introspect(issuer, processing, token) == {"active": False}
    assert introspect(issuer, processing, untouched)["active"] is True
    assert IssuedToken.objects.get(
        jti=jwt.decode(token, options={"verify_signature": False})["jti"]
    ).revoked_reason


def test_userinfo_refuses_a_token_revoked_by_a_grant_event(
    issuer, processing, researcher, in_situ_grant
):
    token = code_flow_token(issuer, processing, researcher, "openid datasets")["access_token"]
    grant_ended.send(sender=None, grant=in_situ_grant, reason="expired")
    response = requests.get(
        f"{issuer}/oauth/userinfo", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    assert response.status_code == 401


def test_grant_expired_by_the_agreements_service_turns_the_token_off(
    issuer, processing, researcher, in_situ_grant
):
    from governance.agreements import services as agreements

    token = code_flow_token(issuer, processing, researcher, "datasets")["access_token"]
    assert introspect(issuer, processing, token)["active"] is True
    # The grant's end passes (as the periodic expire_grants task would see it).
    agreements.expire_due(now=in_situ_grant.ends_at + datetime.timedelta(seconds=1))
    assert introspect(issuer, processing, token) == {"active": False}
