"""Periodic and follow-up work for agreements and grants. Tasks take ids and call a service.

Services never import this module: they announce what happened (`agreement_drafted`) and the
receivers here enqueue the follow-up once the transaction commits. `AgreementsConfig.ready`
imports this module, so the receivers are connected in every process.
"""

from __future__ import annotations

from celery import shared_task
from django.dispatch import receiver

from governance.agreements import services
from governance.agreements.models import Agreement


@shared_task(name="governance.agreements.tasks.expire_grants")
def expire_grants() -> int:
    """Every few minutes: agreements past their period and grants past their end expire."""
    return services.expire_due()


@shared_task(name="governance.agreements.tasks.remind_renewals")
def remind_renewals() -> int:
    """Daily: researchers hear once, 30 days ahead, that their grants are ending."""
    return services.remind_renewals()


@shared_task(name="governance.agreements.tasks.render_document", acks_late=True)
def render_document(agreement_id: int) -> str:
    """Render and store an agreement's current PDF ahead of its first download; its SHA-256."""
    agreement = Agreement.objects.filter(pk=agreement_id).first()
    if agreement is None:
        return ""
    services.agreement_document(agreement=agreement)
    agreement.refresh_from_db(fields=["document_sha256"])
    return agreement.document_sha256


@receiver(services.agreement_drafted, dispatch_uid="agreements.render_on_draft")
def render_after_draft(sender, agreement, **kwargs) -> None:
    render_document.delay_on_commit(agreement.pk)  # type: ignore[attr-defined]  # celery-types lacks delay_on_commit (Celery 5.4)
