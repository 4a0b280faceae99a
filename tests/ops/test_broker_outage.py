"""With the broker down, a write that sends email still succeeds; the email waits and goes later."""

from unittest import mock

import pytest
from kombu.exceptions import OperationalError

from governance.notifications import services, tasks
from governance.notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db(transaction=True)


def _queue_one():
    return services.queue_rendered_email(to="alice@example.org", subject="Hi", body_text="Hello\n")


def test_a_broker_outage_leaves_the_email_waiting_and_requeue_sends_it_once(mailoutbox):
    with mock.patch("celery.app.task.Task.delay", side_effect=OperationalError("refused")):
        email = _queue_one()  # the commit enqueues; the broker error is caught
    email.refresh_from_db()
    assert email.state == OutboundEmail.State.QUEUED and email.attempts == 0
    assert mailoutbox == []

    assert tasks.requeue_waiting(older_than_seconds=0) == 1  # eager here: delivered now
    email.refresh_from_db()
    assert email.state == OutboundEmail.State.SENT
    assert tasks.requeue_waiting(older_than_seconds=0) == 0
    assert len(mailoutbox) == 1


def test_requeue_leaves_recent_emails_alone(mailoutbox):
    with mock.patch("celery.app.task.Task.delay", side_effect=OperationalError("refused")):
        _queue_one()
    assert tasks.requeue_waiting() == 0
    assert mailoutbox == []
