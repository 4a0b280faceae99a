"""Committees are reminded of datasets left pending for their `reminder_days`, once per period."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from governance.access import services
from governance.access.tasks import remind_committees
from governance.notifications.models import OutboundEmail
from tests.access.conftest import submitted

pytestmark = pytest.mark.django_db


def reminders() -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(template="access/reminder"))


def test_reminder_after_reminder_days_once_per_period(researcher, dataset, committee, chair):
    committee.reminder_days = 7
    committee.save()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        request = submitted(researcher, dataset)

    with time_machine.travel(start + datetime.timedelta(days=6), tick=False):
        assert remind_committees.delay().get() == 0
    assert reminders() == []

    with time_machine.travel(start + datetime.timedelta(days=7, hours=1), tick=False):
        assert remind_committees.delay().get() == 1
        assert remind_committees.delay().get() == 0  # not twice in one period
    [email] = reminders()
    assert email.to == [chair.email]
    assert dataset.title in email.body_text
    assert request.title in email.body_text

    with time_machine.travel(start + datetime.timedelta(days=14, hours=2), tick=False):
        assert services.remind_committees() == 1
    assert len(reminders()) == 2


def test_no_reminder_for_decided_or_withdrawn(researcher, dataset, other_dataset, chair):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        decided = submitted(researcher, dataset, title="Decided")
        services.item_decide(
            actor=chair, item=decided.items.get(), outcome="approved", reasons="ok"
        )
        withdrawn = submitted(researcher, dataset, title="Withdrawn")
        services.request_withdraw(actor=researcher, request=withdrawn)
    with time_machine.travel(start + datetime.timedelta(days=30), tick=False):
        assert services.remind_committees() == 0
    assert reminders() == []


def test_reminder_task_name_matches_beat_schedule(settings):
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert remind_committees.name == "governance.access.tasks.remind_committees"
    assert remind_committees.name in names
