"""Reads of agreements and grants. `usable_grants_for` is what the token service mints from."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from governance.agreements.models import Grant


def usable_grants(now=None) -> QuerySet[Grant]:
    """Grants that may be used now: active and within their period."""
    now = now or timezone.now()
    return Grant.objects.filter(state=Grant.State.ACTIVE, starts_at__lte=now, ends_at__gt=now)


def usable_grants_for(person, *, access_conditions=None, now=None) -> QuerySet[Grant]:
    """The person's usable grants, optionally only those for the given access-condition codes."""
    grants = usable_grants(now).filter(person=person)
    if access_conditions is not None:
        grants = grants.filter(access_condition_id__in=list(access_conditions))
    return grants.select_related("dataset", "committee", "access_condition")


def usable_grants_on(dataset_id: int, now=None) -> QuerySet[Grant]:
    """Usable grants on one dataset (e.g. to tell their holders of a consent withdrawal)."""
    return usable_grants(now).filter(dataset_id=dataset_id).select_related("person", "committee")


def grants_due_to_expire(now=None) -> QuerySet[Grant]:
    now = now or timezone.now()
    return Grant.objects.filter(Q(state=Grant.State.ACTIVE) & Q(ends_at__lte=now))
