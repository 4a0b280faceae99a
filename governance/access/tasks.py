"""Periodic work of the access context."""

from __future__ import annotations

from celery import shared_task

from governance.access import services


@shared_task(name="governance.access.tasks.remind_committees")
def remind_committees() -> int:
    """Daily: remind committees of datasets they left pending for their `reminder_days`."""
    return services.remind_committees()
