"""The outbox pages for staff."""

import pytest
from django.core import mail
from django.urls import reverse

from governance.audit.models import AuditEvent
from governance.core.permissions import allowed_actions
from governance.notifications import services
from governance.notifications.models import EMAIL_STATES, OutboundEmail
from tests.notifications.helpers import use_memory_mailer, use_refusing_smtp

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff_with_mfa):
    client.force_login(staff_with_mfa)
    return client


def queue(count: int = 1, **kwargs) -> list[OutboundEmail]:
    defaults = {"to": "ana@example.org", "subject": "Your proposal", "body_text": "Dear Ana"}
    return [
        services.queue_rendered_email(**{**defaults, "template": f"calls/t{n}", **kwargs})
        for n in range(count)
    ]


def failed_email(settings) -> OutboundEmail:
    use_refusing_smtp(settings)
    (email,) = queue(1)
    services.deliver(email_id=email.pk, final_attempt=True)  # skipped if delivery ran on commit
    email.refresh_from_db()
    return email


@pytest.mark.parametrize("count", [1, 3])
def test_outbox_query_count_does_not_grow_with_emails(
    staff_client, django_assert_num_queries, count
):
    queue(count)
    # session, person, roles, TOTP, counts by state, count, page
    with django_assert_num_queries(8):
        response = staff_client.get(reverse("notifications:outbox"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == count


def test_outbox_shows_counts_per_state_and_each_email(staff_client, settings):
    queue(2)
    failed_email(settings)
    response = staff_client.get(reverse("notifications:outbox"))
    assert response.context["counts"] == [
        ("queued", "Queued", 2),
        ("sent", "Sent", 0),
        ("failed", "Failed", 1),
    ]
    text = response.content.decode()
    assert "Your proposal" in text and "ana@example.org" in text and "calls/t0" in text


def test_outbox_filters_by_state_recipient_template_and_date(staff_client, settings):
    queue(2)
    queue(1, to="bo@example.org", template="")
    failed_email(settings)
    url = reverse("notifications:outbox")

    def found(**params):
        return staff_client.get(url, params).context["page"].paginator.count

    assert found(state="failed") == 1
    assert found(recipient="BO@") == 1
    assert found(template="calls/t1") == 1
    assert found(date_to="2000-01-01") == 0
    assert found(state="queued", recipient="ana") == 2


def test_outbox_bad_filter_says_what_to_fix(staff_client):
    url = reverse("notifications:outbox")
    response = staff_client.get(url, {"state": "lost", "date_from": "x"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "Select a valid choice." in text and "Enter a valid date." in text


def test_outbox_is_404_for_people_without_outbox_permission(client, alice):
    client.force_login(alice)
    assert client.get(reverse("notifications:outbox")).status_code == 404


def test_outbox_asks_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("notifications:outbox"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_email_detail_shows_text_error_and_resend_button(staff_client, settings):
    email = failed_email(settings)
    response = staff_client.get(reverse("notifications:detail", args=[email.pk]))
    text = response.content.decode()
    assert "Dear Ana" in text
    assert "ConnectionRefusedError" in text
    assert "The portal gave up on this email" in text
    assert reverse("notifications:resend", args=[email.pk]) in text


def test_email_detail_offers_resend_from_the_machines_allowed_actions(staff_client, settings):
    email = failed_email(settings)
    staff = staff_client.get(reverse("notifications:detail", args=[email.pk])).wsgi_request.user
    assert allowed_actions(staff, email, EMAIL_STATES) == ["resend"]
    (queued,) = queue(1)
    assert allowed_actions(staff, queued, EMAIL_STATES) == []
    text = staff_client.get(reverse("notifications:detail", args=[queued.pk])).content.decode()
    assert reverse("notifications:resend", args=[queued.pk]) not in text


def test_email_detail_hides_the_text_of_sensitive_email(staff_client):
    (email,) = queue(1, body_text="https://portal/reset/secret-key/", sensitive=True)
    text = staff_client.get(reverse("notifications:detail", args=[email.pk])).content.decode()
    assert "secret-key" not in text
    assert "The text is not shown" in text


def test_email_detail_is_404_for_people_without_outbox_permission(client, alice):
    (email,) = queue(1)
    client.force_login(alice)
    assert client.get(reverse("notifications:detail", args=[email.pk])).status_code == 404


def test_email_detail_unknown_email_is_404(staff_client):
    assert staff_client.get(reverse("notifications:detail", args=[424242])).status_code == 404


# These two run outside a test transaction so that, as in production, the in-process delivery
# happens before the page answers and the page can say how it went.
def test_resend_button_sends_a_failed_email(transactional_db, staff_client, settings):
    email = failed_email(settings)
    use_memory_mailer(settings)
    response = staff_client.post(reverse("notifications:resend", args=[email.pk]), follow=True)
    assert "The email was sent again." in response.content.decode()
    email.refresh_from_db()
    assert email.state == "sent" and len(mail.outbox) == 1
    assert AuditEvent.objects.filter(action="email.resent", object_id=str(email.pk)).exists()


def test_resend_button_failing_again_says_what_to_check(transactional_db, staff_client, settings):
    email = failed_email(settings)
    response = staff_client.post(reverse("notifications:resend", args=[email.pk]), follow=True)
    assert "Sending failed again" in response.content.decode()
    assert "ConnectionRefusedError" in response.content.decode()
    email.refresh_from_db()
    assert (email.state, email.attempts) == ("failed", 2)


def test_resend_button_on_a_queued_email_explains_why_not(staff_client):
    (email,) = queue(1)
    response = staff_client.post(reverse("notifications:resend", args=[email.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("notifications:detail", args=[email.pk])
    assert "This email is still queued" in response.content.decode()
    assert not AuditEvent.objects.exists()


def test_resend_is_404_for_people_without_outbox_permission(client, alice, settings):
    email = failed_email(settings)
    client.force_login(alice)
    assert client.post(reverse("notifications:resend", args=[email.pk])).status_code == 404
    email.refresh_from_db()
    assert email.state == "failed"


def test_resend_needs_post(staff_client, settings):
    email = failed_email(settings)
    assert staff_client.get(reverse("notifications:resend", args=[email.pk])).status_code == 405


def test_test_email_button_sends_a_message_to_the_staff_member(
    staff_client, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("notifications:send_test"), follow=True)
    email = OutboundEmail.objects.get()
    assert response.redirect_chain[-1][0] == reverse("notifications:detail", args=[email.pk])
    assert (email.to, email.state) == ([staff.email], "sent")
    assert mail.outbox[0].subject == "Test message from the governance portal"
    assert AuditEvent.objects.get().action == "email.test_sent"


def test_test_email_button_is_404_for_people_without_outbox_permission(client, alice):
    client.force_login(alice)
    assert client.post(reverse("notifications:send_test")).status_code == 404
    assert not OutboundEmail.objects.exists()
