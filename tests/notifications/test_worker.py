"""Delivery through a real broker and a real Celery worker process."""

import pytest
from django.core import mail

from governance.notifications import services
from governance.notifications.models import OutboundEmail
from tests.notifications.helpers import closed_port
from tests.worker import wait_for

pytestmark = pytest.mark.worker

TIMEOUT = 30


def reload(email: OutboundEmail) -> OutboundEmail:
    email.refresh_from_db()
    return email


def test_worker_delivers_a_committed_email_and_marks_it_sent(celery_worker):
    email = services.send_email(
        to="ana@example.org",
        template="notifications/test_message",
        context={"person": None},
    )
    wait_for(
        lambda: reload(email).state == "sent",
        timeout=TIMEOUT,
        message="The worker did not deliver the email",
        worker=celery_worker,
    )
    assert (email.attempts, email.last_error) == (1, "")
    (raw,) = celery_worker.sent_mail()
    assert "Subject: Test message from the governance portal" in raw
    assert "To: ana@example.org" in raw
    assert f"X-Portal-Email-Id: {email.pk}" in raw
    assert not mail.outbox  # delivered by the worker, not in this process


def test_worker_retries_a_failing_delivery_and_records_each_attempt(celery_worker_factory):
    worker = celery_worker_factory(PORTAL_EMAIL_URL=f"smtp://127.0.0.1:{closed_port()}")
    email = services.queue_rendered_email(to="ana@example.org", subject="Hi", body_text="Text")
    wait_for(
        lambda: reload(email).attempts >= 2,
        timeout=TIMEOUT,
        message="The worker did not retry the failing delivery",
        worker=worker,
    )
    assert email.state == "queued"  # still being retried, with backoff
    assert "ConnectionRefusedError" in email.last_error
    assert "Retry in" in worker.log()
    assert not worker.sent_mail()
