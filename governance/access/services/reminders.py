"""Reminding committees of the requests waiting for them."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from governance.access import selectors
from governance.access.models import RequestedDataset
from governance.access.services.requests import _url
from governance.access.services.review import _committee_of
from governance.audit.services import record
from governance.notifications.services import send_email


def remind_committees(*, now: datetime.datetime | None = None) -> int:
    """Email each committee about its datasets left pending for `reminder_days`; returns the
    number of committees reminded. Each item is reminded at most once per period."""
    now = now or timezone.now()
    due = selectors.items_due_for_reminder(now)
    by_committee: dict[int, list[RequestedDataset]] = {}
    for item in due:
        by_committee.setdefault(_committee_of(item).pk, []).append(item)
    reminded = 0
    for committee_id, items in by_committee.items():
        with transaction.atomic():
            committee = _committee_of(items[0])
            recipients = selectors.member_emails([committee_id])
            RequestedDataset.objects.filter(pk__in=[item.pk for item in items]).update(
                reminded_at=now
            )
            if recipients:
                send_email(
                    to=recipients,
                    template="access/reminder",
                    context={
                        "committee": committee,
                        "items": items,
                        "days": committee.reminder_days,
                        "url": _url("access:requests"),
                    },
                )
            record(
                actor=None,
                action="access.committee_reminded",
                obj=committee,
                after={"items": [item.pk for item in items]},
            )
            reminded += 1
    return reminded
