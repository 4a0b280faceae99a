"""The demo clients of SPEC section 6: idempotent, usable with the documented secrets."""

from __future__ import annotations

import base64

import pytest
from django.test import Client as DjangoClient

from governance.core.demo import DemoContext
from governance.tokens import demo
from governance.tokens.models import ServiceClient, SigningKey

pytestmark = pytest.mark.django_db


def _basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def test_demo_clients_are_seeded_once_and_work_with_their_secrets():
    first = DemoContext()
    demo.seed(first)
    second = DemoContext()
    demo.seed(second)
    assert ServiceClient.objects.count() == 3
    assert SigningKey.objects.count() == 1
    assert sum(second.created.values()) == 0
    assert any("demo-processing-secret" in note for note in first.notes)

    http = DjangoClient()
    processing = http.post(
        "/oauth/token",
        {"grant_type": "client_credentials"},
        HTTP_AUTHORIZATION=_basic("demo-processing", "demo-processing-secret"),
    )
    assert processing.status_code == 200
    broker = ServiceClient.objects.get(application__client_id="demo-broker")
    assert broker.may_read_ga4gh
    assert set(
        ServiceClient.objects.get(application__client_id="demo-processing").access_conditions
    ) == {"in_situ_processing", "remote_processing"}
    download = ServiceClient.objects.get(application__client_id="demo-download")
    assert download.access_conditions == ["download"]


def test_demo_download_service_redirects_to_the_portal_only_where_its_scheme_is_allowed(settings):
    # Debug off (a demo server seeded with --force, or these tests): plain http is refused, so a
    # portal on http gives the service a made-up https callback instead of failing the seed.
    settings.PORTAL_BASE_URL = "http://127.0.0.1:8000"
    demo.seed(DemoContext())
    download = ServiceClient.objects.get(application__client_id="demo-download")
    assert download.application.redirect_uris == "https://download.demo.example/oauth/callback"

    ServiceClient.objects.all().delete()
    settings.PORTAL_BASE_URL = "https://demo.portal.test"
    demo.seed(DemoContext())
    download = ServiceClient.objects.get(application__client_id="demo-download")
    assert download.application.redirect_uris == "https://demo.portal.test/tokens/"
