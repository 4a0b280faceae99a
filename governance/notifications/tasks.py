"""Delivering the outbox. Tasks take ids and call a service.

Services never import this module: `services.email_queued` announces a queued email and the
receiver here starts its delivery once the transaction commits. `NotificationsConfig.ready`
imports this module, so the receiver is connected in every process.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from django.conf import settings
from django.db.models import Q
from django.dispatch import receiver
from django.utils import timezone

from governance.notifications import services
from governance.notifications.models import OutboundEmail

logger = logging.getLogger(__name__)

MAX_RETRIES = 5


class BrokerTolerantTask(DjangoTask):
    """A task whose enqueueing survives a broker outage: the email waits in the outbox.

    `delay_on_commit` calls `delay` once the transaction has committed; with the broker down
    that call fails after the change was saved, so the failure is logged instead of turning
    the saved change into an error page. `requeue_waiting` (beat) enqueues it later.
    """

    def delay(self, *args, **kwargs):
        try:
            return super().delay(*args, **kwargs)
        except Exception as exc:  # broker unreachable: the outbox row waits for requeue_waiting
            logger.warning(
                "Could not enqueue %s%r (%s: %s); it waits for requeue_waiting.",
                self.name,
                args,
                exc.__class__.__name__,
                exc,
            )
            return None


@shared_task(
    bind=True,
    autoretry_for=(Exception,),
    retry_backoff=True,  # 1 s, 2 s, 4 s, ... between attempts
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=MAX_RETRIES,
    acks_late=True,
    base=BrokerTolerantTask,
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


@shared_task(name="governance.notifications.tasks.requeue_waiting")
def requeue_waiting(older_than_seconds: int | None = None) -> int:
    """Enqueue again the queued emails nobody has touched for a while (beat, every 5 minutes).

    An email whose enqueueing failed (broker down) or whose task was lost waits in the outbox;
    this sends it once the broker is back. Delivery locks the row and skips a row already
    sent, so an email enqueued twice is still sent exactly once.
    """
    if older_than_seconds is None:
        older_than_seconds = settings.PORTAL_OUTBOX_REQUEUE_SECONDS
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    waiting = OutboundEmail.objects.filter(state=OutboundEmail.State.QUEUED).filter(
        Q(last_attempt_at__isnull=True, created_at__lte=cutoff) | Q(last_attempt_at__lte=cutoff)
    )
    count = 0
    for email_id in waiting.values_list("pk", flat=True).iterator():
        if deliver_email.delay(email_id) is not None:
            count += 1
    return count
