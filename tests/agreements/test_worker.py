"""Grants past their end are expired by the periodic task in a real Celery worker."""

import datetime

import pytest
from django.utils import timezone

from governance.agreements import tasks
from governance.agreements.models import Grant
from governance.audit.models import AuditEvent
from tests.agreements.helpers import approved_request, in_force
from tests.worker import wait_for

pytestmark = pytest.mark.worker

TIMEOUT = 60


def test_worker_expires_grants_past_their_end(migrated_db, celery_worker, password):
    # migrated_db: earlier transactional tests flush the vocabularies the migrations loaded.
    setup = approved_request()
    in_force(setup, password)
    grant = Grant.objects.get()
    Grant.objects.filter(pk=grant.pk).update(ends_at=timezone.now() - datetime.timedelta(minutes=1))

    tasks.expire_grants.delay()

    def expired():
        grant.refresh_from_db()
        return grant.state == "expired"

    wait_for(
        expired,
        timeout=TIMEOUT,
        message="The worker did not expire the grant",
        worker=celery_worker,
    )
    assert grant.end_reason == "expired"
    assert AuditEvent.objects.filter(
        action="agreements.grant_expired", object_id=str(grant.pk)
    ).exists()
    assert "governance.agreements.tasks.expire_grants" in celery_worker.log()
