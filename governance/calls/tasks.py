"""Celery tasks of the calls app: they take ids and call a service."""

from __future__ import annotations

from celery import shared_task

from governance.calls import services


@shared_task(name="governance.calls.tasks.announce_calls")
def announce_calls() -> int:
    """Hourly: tell subscribers that a call opened or that its deadline is near (once each)."""
    return services.announce_calls()


@shared_task(
    name="governance.calls.tasks.send_decision_letter",
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=5,
    acks_late=True,
)
def send_decision_letter(decision_id: int) -> None:
    services.send_decision_letter(decision_id=decision_id)
