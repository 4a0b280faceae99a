"""Queueing, rendering and delivering email through the outbox."""

import pytest
from django.core import mail
from django.db import transaction

from governance.audit.models import AuditEvent
from governance.core.errors import InvalidTransition, NotPermitted
from governance.notifications import services
from governance.notifications.models import WITHHELD_BODY, OutboundEmail
from governance.notifications.tasks import MAX_RETRIES, deliver_email
from tests.notifications.helpers import use_memory_mailer, use_refusing_smtp

pytestmark = pytest.mark.django_db


@pytest.fixture
def email_templates(settings, tmp_path):
    """A throwaway email template, to test rendering without depending on real ones."""
    folder = tmp_path / "templates" / "emails" / "tests"
    folder.mkdir(parents=True)
    (folder / "greeting_subject.txt").write_text(
        "{% load i18n %}{% get_current_language as lang %}\n  Hello {{ name }} ({{ lang }})\n"
    )
    (folder / "greeting.txt").write_text("{{ name }}: {{ True|yesno }}\n{{ PORTAL_BASE_URL }}\n")
    (folder / "greeting.html").write_text("<p>{{ name }}</p>")
    (folder / "plain_subject.txt").write_text("Plain")
    (folder / "plain.txt").write_text("Only text")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path / "templates", *settings.TEMPLATES[0]["DIRS"]]}
    ]


def test_send_email_renders_and_delivers_on_commit(
    email_templates, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email = services.send_email(
            to="ana@example.org", template="tests/greeting", context={"name": "Tom & Jerry"}
        )
    email.refresh_from_db()
    assert email.subject == "Hello Tom & Jerry (en)"
    assert email.body_text.startswith("Tom & Jerry: yes\nhttp://")
    assert email.body_html == "<p>Tom &amp; Jerry</p>"
    assert (email.state, email.attempts, email.template) == ("sent", 1, "tests/greeting")
    assert email.sent_at is not None
    (message,) = mail.outbox
    assert message.to == ["ana@example.org"]
    assert message.subject == "Hello Tom & Jerry (en)"
    assert message.alternatives[0].mimetype == "text/html"
    assert message.extra_headers["X-Portal-Email-Id"] == str(email.pk)


def test_send_email_renders_in_the_recipients_language(email_templates):
    email = services.send_email(
        to=["a@example.org", "b@example.org"],
        template="tests/greeting",
        context={"name": "Ana"},
        language="es",
    )
    assert email.subject == "Hello Ana (es)"
    assert email.body_text.startswith("Ana: sí")
    assert (email.language, email.to) == ("es", ["a@example.org", "b@example.org"])


def test_send_email_without_html_template_sends_text_only(
    email_templates, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email = services.send_email(to="a@example.org", template="tests/plain", context={})
    assert email.body_html == ""
    assert mail.outbox[0].alternatives == []


def test_send_email_waits_for_commit(email_templates, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        email = services.send_email(to="a@example.org", template="tests/plain", context={})
    email.refresh_from_db()
    assert email.state == "queued" and not mail.outbox and len(callbacks) == 1


def test_send_email_rolled_back_is_neither_stored_nor_sent(
    email_templates, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.send_email(to="a@example.org", template="tests/plain", context={})
        raise RuntimeError("the change failed")
    assert not OutboundEmail.objects.exists()
    assert not mail.outbox


def test_send_email_needs_a_recipient(email_templates):
    with pytest.raises(ValueError, match="recipient"):
        services.send_email(to=[], template="tests/plain", context={})


def test_real_test_message_template_renders():
    subject, text, html = services.render_email(
        template="notifications/test_message", context={"person": None}
    )
    assert subject == "Test message from the governance portal"
    assert "email delivery works" in text and "nobody reads this mailbox" in text
    assert "<p>" in html


def test_delivery_failure_without_broker_marks_the_email_failed_at_once(
    settings, django_capture_on_commit_callbacks
):
    use_refusing_smtp(settings)
    with django_capture_on_commit_callbacks(execute=True):
        email = services.queue_rendered_email(to="a@example.org", subject="Hi", body_text="Text")
    email.refresh_from_db()
    assert (email.state, email.attempts) == ("failed", 1)
    assert "ConnectionRefusedError" in email.last_error
    assert email.sent_at is None and email.last_attempt_at is not None


def test_deliver_failure_before_the_last_attempt_is_recorded_and_raised(settings):
    use_refusing_smtp(settings)
    email = services.queue_rendered_email(to="a@example.org", subject="Hi", body_text="Text")
    with pytest.raises(ConnectionRefusedError):
        services.deliver(email_id=email.pk, final_attempt=False)
    email.refresh_from_db()
    assert (email.state, email.attempts) == ("queued", 1)
    assert "ConnectionRefusedError" in email.last_error


def test_deliver_final_failure_marks_failed_without_raising(settings):
    use_refusing_smtp(settings)
    email = services.queue_rendered_email(to="a@example.org", subject="Hi", body_text="Text")
    assert services.deliver(email_id=email.pk, final_attempt=True) == "failed"
    email.refresh_from_db()
    assert email.state == "failed"


def test_deliver_never_sends_an_email_twice():
    email = services.queue_rendered_email(to="a@example.org", subject="Hi", body_text="Text")
    assert services.deliver(email_id=email.pk, final_attempt=False) == "sent"
    assert services.deliver(email_id=email.pk, final_attempt=False) == "skipped"
    assert deliver_email.delay(email.pk).get() == "skipped"
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.attempts == 1


def test_deliver_unknown_email_is_skipped():
    assert services.deliver(email_id=987654, final_attempt=True) == "skipped"


def test_deliver_email_task_retries_five_times_with_jittered_backoff():
    assert deliver_email.max_retries == MAX_RETRIES == 5
    assert deliver_email.retry_backoff and deliver_email.retry_jitter
    assert deliver_email.autoretry_for == (Exception,)


def test_sensitive_email_text_is_removed_once_delivered(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = services.queue_rendered_email(
            to="a@example.org",
            subject="Reset your password",
            body_text="https://portal/reset/secret-key/",
            body_html="<a href='https://portal/reset/secret-key/'>reset</a>",
            sensitive=True,
        )
    email.refresh_from_db()
    assert email.state == "sent"
    assert (email.body_text, email.body_html) == (WITHHELD_BODY, "")
    assert "secret-key" in mail.outbox[0].body


def test_resend_failed_email_delivers_it_and_is_audited(
    settings, staff, django_capture_on_commit_callbacks
):
    email = services.queue_rendered_email(to="a@example.org", subject="Hi", body_text="Text")
    use_refusing_smtp(settings)
    services.deliver(email_id=email.pk, final_attempt=True)
    use_memory_mailer(settings)
    email.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.resend(email=email, actor=staff)
    email.refresh_from_db()
    assert (email.state, email.attempts) == ("sent", 2)
    assert len(mail.outbox) == 1
    event = AuditEvent.objects.get(action="email.resent")
    assert event.actor == staff
    assert (event.before["state"], event.after["state"]) == ("failed", "queued")
    assert "a@example.org" not in event.object_repr


def test_resend_sent_email_sends_it_again(staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = services.queue_rendered_email(to="a@example.org", subject="Hi", body_text="Text")
    with django_capture_on_commit_callbacks(execute=True):
        services.resend(email=email, actor=staff)
    assert len(mail.outbox) == 2


def test_resend_queued_email_is_refused(staff):
    email = services.queue_rendered_email(to="a@example.org", subject="Hi", body_text="Text")
    with pytest.raises(InvalidTransition, match="still queued"):
        services.resend(email=email, actor=staff)


def test_resend_withheld_sensitive_email_is_refused(staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = services.queue_rendered_email(
            to="a@example.org", subject="Reset", body_text="secret", sensitive=True
        )
    email.refresh_from_db()
    with pytest.raises(InvalidTransition) as excinfo:
        services.resend(email=email, actor=staff)
    assert excinfo.value.code == "email_withheld"
    assert "request a new one" in excinfo.value.detail


def test_resend_by_someone_without_outbox_permission_is_refused(alice, settings):
    email = services.queue_rendered_email(to="a@example.org", subject="Hi", body_text="Text")
    use_refusing_smtp(settings)
    services.deliver(email_id=email.pk, final_attempt=True)
    with pytest.raises(NotPermitted):
        services.resend(email=email, actor=alice)
    email.refresh_from_db()
    assert email.state == "failed"
    assert not AuditEvent.objects.filter(action="email.resent").exists()
