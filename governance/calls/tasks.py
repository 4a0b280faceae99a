"""Celery tasks of the calls app: they take ids and call a service.

Services never import this module: they announce what happened (`decision_released`) and the
receivers here enqueue the follow-up once the transaction commits. `CallsConfig.ready` imports
this module, so the receivers are connected in every process.
"""

from __future__ import annotations

from celery import shared_task
from django.dispatch import receiver

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


@receiver(services.decision_released, dispatch_uid="calls.letter_on_release")
def letter_after_release(sender, decision, **kwargs) -> None:
    send_decision_letter.delay_on_commit(decision.pk)  # type: ignore[attr-defined]  # celery-types lacks delay_on_commit (Celery 5.4)
