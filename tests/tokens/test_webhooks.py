"""Signed webhooks to services when a grant ends: signature, retries, delivery log."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.utils import timezone
from oauth2_provider.models import AccessToken

from governance.core.events import grant_ended
from governance.tokens import keys, services
from governance.tokens.models import IssuedToken, WebhookDelivery
from tests.tokens.conftest import make_client


class Receiver:
    """A tiny HTTP server standing in for a service's webhook endpoint."""

    def __init__(self, status: int = 200):
        received: list[tuple[dict, bytes]] = []
        self.received = received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                received.append((dict(self.headers), body))
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def failing_receiver():
    server = Receiver(status=503)
    yield server
    server.close()


def _issue_person_token(client, person, grant):
    """A token record carrying `grant`, as the code flow would leave it (no HTTP needed)."""
    access = AccessToken.objects.create(
        user=person,
        application=client.service.application,
        token_checksum=hashlib.sha256(b"t-" + str(grant.pk).encode()).hexdigest(),
        expires=timezone.now() + datetime.timedelta(minutes=10),
        scope="datasets",
    )
    now = int(timezone.now().timestamp())
    return services.record_issued(
        access_token=access,
        raw_token=f"raw-{grant.pk}",
        claims={
            "jti": f"jti-{grant.pk}",
            "iat": now,
            "exp": now + 600,
            "client_id": client.client_id,
        },
        kid="k",
        carried=[(grant.pk, grant.dataset_id)],
        grant_type="authorization_code",
    )


@pytest.mark.django_db
def test_grant_revocation_sends_a_signed_webhook(
    receiver, researcher, in_situ_grant, django_capture_on_commit_callbacks
):
    keys.ensure_current_key()
    service = make_client("hooked", webhook_url=receiver.url)
    issued = _issue_person_token(service, researcher, in_situ_grant)

    with django_capture_on_commit_callbacks(execute=True):
        grant_ended.send(sender=None, grant=in_situ_grant, reason="revoked")

    assert IssuedToken.objects.get(pk=issued.pk).revoked_at is not None
    [(headers, body)] = receiver.received
    timestamp = headers["X-Portal-Timestamp"]
    expected = hmac.new(
        service.webhook_secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    assert headers["X-Portal-Signature"] == f"sha256={expected}"
    payload = json.loads(body)
    assert payload["event"] == "grant.ended"
    assert payload["grant"] == str(in_situ_grant.pk)
    assert payload["dataset"] == in_situ_grant.dataset.persistent_url
    assert payload["revoked_tokens"] == [issued.jti]
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == WebhookDelivery.State.DELIVERED and delivery.attempts == 1


@pytest.mark.django_db
def test_failed_webhooks_are_retried_then_marked_failed(
    failing_receiver, researcher, in_situ_grant, settings, django_capture_on_commit_callbacks
):
    settings.PORTAL_TOKEN_WEBHOOK_RETRIES = 2
    keys.ensure_current_key()
    service = make_client("flaky", webhook_url=failing_receiver.url)
    _issue_person_token(service, researcher, in_situ_grant)

    with django_capture_on_commit_callbacks(execute=True):
        grant_ended.send(sender=None, grant=in_situ_grant, reason="revoked")

    delivery = WebhookDelivery.objects.get()
    assert len(failing_receiver.received) == 3  # the first attempt and two retries
    assert delivery.attempts == 3
    assert delivery.state == WebhookDelivery.State.FAILED
    assert delivery.last_status == 503


@pytest.mark.django_db
def test_services_without_a_webhook_or_unconcerned_get_nothing(
    receiver, researcher, in_situ_grant, django_capture_on_commit_callbacks
):
    make_client("quiet")  # no webhook
    make_client("unconcerned", webhook_url=receiver.url, access_conditions=["download"])
    with django_capture_on_commit_callbacks(execute=True):
        grant_ended.send(sender=None, grant=in_situ_grant, reason="expired")
    assert receiver.received == []
    assert not WebhookDelivery.objects.exists()
