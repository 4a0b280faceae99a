"""Celery tasks of the token service: webhook delivery with backoff, counter flush.

Services never import this module: `services.webhooks_queued` announces new deliveries and the
receiver here enqueues them once the transaction commits (`TokensConfig.ready` imports this
module, so the receiver is connected in every process).
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.dispatch import receiver

from governance.tokens import services


@shared_task(bind=True, name="governance.tokens.tasks.deliver_webhook", max_retries=None)
def deliver_webhook(self, delivery_id: int) -> bool:
    if services.attempt_delivery(delivery_id=delivery_id):
        return True
    if self.request.retries >= settings.PORTAL_TOKEN_WEBHOOK_RETRIES:
        services.give_up_delivery(delivery_id=delivery_id)
        return False
    # 30 s, 1 min, 2 min, ... capped at an hour.
    raise self.retry(countdown=min(30 * 2**self.request.retries, 3600))


@shared_task(name="governance.tokens.tasks.flush_introspection_counts")
def flush_introspection_counts() -> int:
    return services.flush_introspection_counts()


@receiver(services.webhooks_queued, dispatch_uid="tokens.deliver_on_queue")
def deliver_after_commit(sender, delivery_ids: list[int], **kwargs) -> None:
    for delivery_id in delivery_ids:
        deliver_webhook.delay_on_commit(delivery_id)  # type: ignore[attr-defined]  # celery-types lacks delay_on_commit (Celery 5.4)
