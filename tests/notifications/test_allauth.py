"""django-allauth's emails (verification, password reset) go through the outbox."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from governance.notifications.models import WITHHELD_BODY, OutboundEmail

pytestmark = pytest.mark.django_db

SIGNUP = "/accounts/signup/"
NEW_PASSWORD = "a-long-and-unusual-passphrase-2026"


def test_signup_verification_email_is_queued_in_the_outbox_then_sent(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            SIGNUP,
            {"email": "newcomer@example.org", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
    assert response.status_code == 302
    email = OutboundEmail.objects.get()
    assert email.to == ["newcomer@example.org"]
    assert email.template == "account/email/email_confirmation_signup"
    assert (email.state, email.sensitive, email.language) == ("queued", True, "en")
    link = re.search(r"http://testserver/accounts/confirm-email/\S+/", email.body_text)
    assert link, email.body_text
    assert not mail.outbox

    for callback in callbacks:
        callback()

    email.refresh_from_db()
    assert email.state == "sent" and email.attempts == 1
    assert email.body_text == WITHHELD_BODY
    (message,) = mail.outbox
    assert message.to == ["newcomer@example.org"]
    assert link.group(0) in message.body
    # The link works: it verifies the address.
    client.post(link.group(0).removeprefix("http://testserver"))
    assert EmailAddress.objects.get(email="newcomer@example.org").verified


def test_password_reset_email_goes_through_the_outbox(
    client, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": alice.email})
    email = OutboundEmail.objects.get()
    assert email.template == "account/email/password_reset_key"
    assert email.sensitive and email.state == "sent"
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
    assert "/accounts/password/reset/key/" not in email.body_text


def test_signup_with_a_taken_address_sends_a_notice_staff_may_read(
    client, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            SIGNUP, {"email": alice.email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
        )
    email = OutboundEmail.objects.get()
    assert email.template == "account/email/account_already_exists"
    assert not email.sensitive
    assert email.body_text == mail.outbox[0].body
