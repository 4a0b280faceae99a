"""Periodic engagement work: reminders to invitees who have not answered, and to people
registered for an event starting within a day."""

from __future__ import annotations

from celery import shared_task

from governance.engagement import services
from governance.engagement.models import Survey


@shared_task(name="governance.engagement.tasks.send_reminders")
def send_reminders() -> dict[str, int]:
    invitees = 0
    for survey in Survey.objects.filter(state=Survey.State.OPEN, access=Survey.Access.INVITATION):
        invitees += services.remind_invitees(survey=survey)
    return {"invitees": invitees, "registrants": services.remind_registrants()}
