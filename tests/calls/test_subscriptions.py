from datetime import timedelta

import pytest
from django.utils import timezone

from governance.calls import services
from governance.calls.models import CallNotice, Subscription
from governance.calls.tasks import announce_calls
from governance.notifications.models import OutboundEmail
from tests.calls.factories import make_call

pytestmark = pytest.mark.django_db


def _emails_to(address):
    return [e for e in OutboundEmail.objects.order_by("pk") if address in e.to]


def test_subscribe_page_sends_confirmation_only(client, call):
    response = client.post("/calls/subscribe/", {"email": "Visitor@Example.org"}, follow=True)

    assert "we emailed you a link" in response.content.decode()
    subscription = Subscription.objects.get()
    assert subscription.email == "visitor@example.org"
    assert subscription.confirmed_at is None
    [email] = _emails_to("visitor@example.org")
    assert email.template == "calls/subscription_confirm"
    assert email.sensitive


def test_subscribe_bad_email(client, call):
    response = client.post("/calls/subscribe/", {"email": "not-an-address"}, follow=True)

    assert "Enter a valid email address" in response.content.decode()
    assert not Subscription.objects.exists()


def test_unconfirmed_subscription_gets_no_announcement(call):
    services.subscribe(email="v@example.org")

    assert announce_calls() == 0


def test_confirm_link_then_announcements_once(client, chair):
    subscription = services.subscribe(email="v@example.org")
    page = client.get(f"/calls/subscriptions/{subscription.token}/confirm/")
    assert "Yes, subscribe me" in page.content.decode()
    client.post(f"/calls/subscriptions/{subscription.token}/confirm/")
    now = timezone.now()
    make_call(title="Far", deadline=now + timedelta(days=40), chair=chair)
    make_call(title="Near", deadline=now + timedelta(days=3), chair=chair)

    assert announce_calls() == 3  # two openings, one deadline near
    assert announce_calls() == 0  # each notice once
    assert sorted(CallNotice.objects.values_list("call__title", "kind")) == [
        ("Far", "opened"),
        ("Near", "deadline_near"),
        ("Near", "opened"),
    ]
    assert any("Unsubscribe" in e.body_text for e in _emails_to("v@example.org"))


def test_unsubscribe_stops_announcements(client, call):
    subscription = services.subscribe(email="v@example.org")
    services.subscription_confirm(subscription=subscription)

    client.post(f"/calls/subscriptions/{subscription.token}/unsubscribe/")

    assert announce_calls() == 0


def test_subscription_for_one_call_only(chair):
    first = make_call(title="First", chair=chair)
    make_call(title="Second", chair=chair)
    subscription = services.subscribe(email="v@example.org", call=first)
    services.subscription_confirm(subscription=subscription)

    announce_calls()

    assert list(CallNotice.objects.values_list("call__title", flat=True)) == ["First"]


def test_subscription_bad_token_404(client):
    assert client.get("/calls/subscriptions/nope/confirm/").status_code == 404
