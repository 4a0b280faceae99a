"""Delivering the outbox. Tasks take ids and call a service."""

from __future__ import annotations

from celery import shared_task

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
