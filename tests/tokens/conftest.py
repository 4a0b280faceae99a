"""Fixtures of the token-service tests: an issuer on the live server, clients, a researcher."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import requests

from governance.catalogue.models import AccessCondition
from governance.tokens import keys, ratelimit, services
from governance.tokens.models import ServiceClient
from tests.agreements.factories import GrantFactory
from tests.factories import UserFactory


@dataclass
class Client:
    client_id: str
    secret: str
    service: ServiceClient
    webhook_secret: str = ""

    @property
    def auth(self) -> tuple[str, str]:
        return (self.client_id, self.secret)


def make_client(client_id: str, **options) -> Client:
    spec = {
        "name": client_id.replace("-", " ").title(),
        "audience": f"https://{client_id}.example",
        "grant_types": ["client_credentials"],
        "scopes": ["datasets"],
        "access_conditions": ["in_situ_processing", "remote_processing"],
        "redirect_uris": "",
        **options,
    }
    service, secret, webhook_secret = services.register_client(
        actor=None, check_permission=False, client_id=client_id, **spec
    )
    return Client(client_id, secret, service, webhook_secret)


@pytest.fixture(autouse=True)
def _fresh_request_counts():
    # Request counts a process has not yet sent to the cache belong to the test that made them.
    ratelimit.forget_local()
    yield
    ratelimit.forget_local()


@pytest.fixture(autouse=True)
def _fresh_key_cache():
    # Keys are cached per process by kid; each test's database has its own keys.
    keys.forget_current()
    keys._loaded.clear()
    yield
    keys.forget_current()


@pytest.fixture
def issuer(live_server, settings, migrated_db):
    """The live server as the token issuer (PORTAL_BASE_URL), on a migrated database."""
    settings.PORTAL_BASE_URL = live_server.url
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "OIDC_ISS_ENDPOINT": live_server.url}
    keys.ensure_current_key()
    return live_server.url


@pytest.fixture
def processing(db):
    return make_client(
        "processing",
        grant_types=["client_credentials", "authorization_code"],
        scopes=["openid", "profile", "email", "datasets", "ga4gh_passport_v1"],
        redirect_uris="https://processing.example/callback",
    )


@pytest.fixture
def downloader(db):
    return make_client("downloader", access_conditions=["download"])


@pytest.fixture
def broker(db):
    return make_client("broker", access_conditions=[], may_read_ga4gh=True)


@pytest.fixture
def researcher(db):
    return UserFactory(email="researcher@example.org", full_name="Rosa Researcher")


@pytest.fixture
def in_situ_grant(researcher):
    return GrantFactory(
        person=researcher, access_condition=AccessCondition.objects.get(code="in_situ_processing")
    )


def client_credentials_token(base: str, client: Client, scope: str = "datasets") -> str:
    response = requests.post(
        f"{base}/oauth/token",
        data={"grant_type": "client_credentials", "scope": scope},
        auth=client.auth,
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def introspect(base: str, client: Client, token: str) -> dict:
    response = requests.post(
        f"{base}/oauth/introspect", data={"token": token}, auth=client.auth, timeout=10
    )
    assert response.status_code == 200, response.text
    return response.json()
