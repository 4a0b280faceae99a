"""Delivering the outbox. Tasks take ids and call a service.

Services never import this module: `services.email_queued` announces a queued email and the
receiver here starts its delivery once the transaction commits. `NotificationsConfig.ready`
imports this module, so the receiver is connected in every process.
"""

from __future__ import annotations

from celery import shared_task
from django.dispatch import receiver

from governance.notifications import services

MAX_RETRIES = 5


@shared_task(
    bind=True,
    autoretry_for=(Exception,),
    retry_backoff=True,  # 1 s, 2 s, 4 s, ... between attempts
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=MAX_RETRIES,
    acks_late=True,
)
def deliver_email(self, email_id: int) -> str:
    """Send one email; on failure retry with backoff, and after the last one mark it failed.

    Run in-process (no broker), there is nobody to retry later: the first failure is final and
    staff resend from the outbox.
    """
    final_attempt = bool(self.request.is_eager) or self.request.retries >= self.max_retries
    return services.deliver(email_id=email_id, final_attempt=final_attempt)


@receiver(services.email_queued, dispatch_uid="notifications.deliver_on_queue")
def deliver_after_commit(sender, email_id: int, **kwargs) -> None:
    deliver_email.delay_on_commit(email_id)  # type: ignore[attr-defined]  # celery-types lacks delay_on_commit (Celery 5.4)
