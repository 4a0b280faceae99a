"""Subscriptions to calls and the announcements sent to confirmed subscribers."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.calls.models import (
    Call,
    CallNotice,
    Subscription,
)
from governance.calls.services.calls import _url
from governance.core.errors import (
    InvalidTransition,
)
from governance.notifications.services import send_email

DEADLINE_NOTICE_DAYS = 7


@transaction.atomic
def subscribe(*, email: str, call: Call | None = None) -> Subscription:
    """Ask for a confirmation; nothing is sent to the address until its owner confirms."""
    email = email.strip().lower()
    subscription = Subscription.objects.filter(
        email=email, call=call, unsubscribed_at__isnull=True
    ).first()
    if subscription is None:
        subscription = Subscription.objects.create(email=email, call=call)
    if subscription.confirmed_at is None:
        send_email(
            to=email,
            template="calls/subscription_confirm",
            context={
                "call": call,
                "confirm_url": _url("calls:subscription_confirm", subscription.token),
            },
            sensitive=True,
        )
    return subscription


@transaction.atomic
def subscription_confirm(*, subscription: Subscription) -> Subscription:
    if subscription.unsubscribed_at is not None:
        raise InvalidTransition(_("You unsubscribed with this link; subscribe again."))
    if subscription.confirmed_at is None:
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["confirmed_at"])
    return subscription


@transaction.atomic
def unsubscribe(*, subscription: Subscription) -> Subscription:
    if subscription.unsubscribed_at is None:
        subscription.unsubscribed_at = timezone.now()
        subscription.save(update_fields=["unsubscribed_at"])
    return subscription


def announce_calls(*, now: datetime | None = None) -> int:
    """Tell confirmed subscribers about opened calls and near deadlines; each notice once."""
    now = now or timezone.now()
    sent = 0
    calls = Call.objects.filter(is_published=True, opens_at__lte=now, deadline__gte=now)
    subscriptions = list(
        Subscription.objects.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)
    )
    for call in calls:
        kinds = [CallNotice.Kind.OPENED]
        if call.deadline - now <= timedelta(days=DEADLINE_NOTICE_DAYS):
            kinds.append(CallNotice.Kind.DEADLINE_NEAR)
        for subscription in subscriptions:
            if subscription.call_id not in (None, call.pk):
                continue
            for kind in kinds:
                with transaction.atomic():
                    _notice, created = CallNotice.objects.get_or_create(
                        call=call, subscription=subscription, kind=kind
                    )
                    if not created:
                        continue
                    send_email(
                        to=subscription.email,
                        template=f"calls/{kind}",
                        context={
                            "call": call,
                            "url": _url("calls:call", call.pk),
                            "unsubscribe_url": _url("calls:unsubscribe", subscription.token),
                        },
                    )
                    sent += 1
    return sent
