"""Reads of agreements and grants. `usable_grants_for` is what the token service mints from."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from governance.access.models import RequestedDataset
from governance.accounts.models import Membership
from governance.accounts.roles import Role
from governance.accounts.selectors import holder_organisation_ids, is_portal_staff
from governance.agreements import rules
from governance.agreements.models import Agreement, AgreementSignature, AgreementTemplate, Grant


def usable_grants(now=None) -> QuerySet[Grant]:
    """Grants that may be used now: active and within their period (standing ACTIVE)."""
    return grants_standing(Grant.objects.all(), Grant.Standing.ACTIVE, now)


def usable_grants_for(person, *, access_conditions=None, now=None) -> QuerySet[Grant]:
    """The person's usable grants, optionally only those for the given access-condition codes."""
    grants = usable_grants(now).filter(person=person)
    if access_conditions is not None:
        grants = grants.filter(access_condition_id__in=list(access_conditions))
    return grants.select_related("dataset", "committee", "access_condition")


def usable_grants_on(dataset_id: int, now=None) -> QuerySet[Grant]:
    """Usable grants on one dataset (e.g. to tell their holders of a consent withdrawal)."""
    return usable_grants(now).filter(dataset_id=dataset_id).select_related("person", "committee")


def grants_standing(qs: QuerySet[Grant], standing: str, now=None) -> QuerySet[Grant]:
    """The grants of `qs` whose `Grant.standing()` at `now` is `standing` (the same rule)."""
    now = now or timezone.now()
    live = Q(state=Grant.State.ACTIVE)
    conditions = {
        Grant.Standing.ACTIVE: live & Q(starts_at__lte=now, ends_at__gt=now),
        Grant.Standing.UPCOMING: live & Q(starts_at__gt=now, ends_at__gt=now),
        Grant.Standing.EXPIRED: Q(state=Grant.State.EXPIRED) | (live & Q(ends_at__lte=now)),
        Grant.Standing.REVOKED: Q(state=Grant.State.REVOKED),
    }
    return qs.filter(conditions[Grant.Standing(standing)])


def grants_due_to_expire(now=None) -> QuerySet[Grant]:
    now = now or timezone.now()
    return Grant.objects.filter(Q(state=Grant.State.ACTIVE) & Q(ends_at__lte=now))


# Agreements and grants as people see them


def agreements_visible_to(person) -> QuerySet[Agreement]:
    """Agreements the person is a party to, decided on as a committee member, or (staff) all."""
    if person is None or not person.is_authenticated:
        return Agreement.objects.none()
    if is_portal_staff(person):
        return Agreement.objects.all()
    by_committee = Agreement.objects.filter(
        items__committee_id__in=list(rules.committee_ids(person))
    ).values("pk")
    return Agreement.objects.filter(
        Q(researcher=person)
        | Q(holder_id__in=list(holder_organisation_ids(person)))
        | Q(pk__in=by_committee)
    )


def with_agreement_details(qs: QuerySet[Agreement]) -> QuerySet[Agreement]:
    return qs.select_related("researcher", "holder", "request", "supersedes").prefetch_related(
        Prefetch(
            "items",
            queryset=RequestedDataset.objects.select_related("dataset", "access_condition"),
        )
    )


def agreement_for(person, pk: int) -> Agreement:
    agreement = (
        with_agreement_details(agreements_visible_to(person))
        .select_related("template", "request__organisation", "request__purpose")
        .prefetch_related(
            Prefetch("signatures", queryset=AgreementSignature.objects.select_related("signer"))
        )
        .filter(pk=pk)
        .first()
    )
    if agreement is None:
        raise Http404
    return agreement


def agreements_to_countersign(person) -> QuerySet[Agreement]:
    return Agreement.objects.filter(
        state=Agreement.State.SIGNED_BY_RESEARCHER,
        holder_id__in=list(holder_organisation_ids(person)),
    ).exclude(researcher=person)


def agreements_to_sign(person) -> QuerySet[Agreement]:
    return Agreement.objects.filter(state=Agreement.State.DRAFTED, researcher=person)


def grants_visible_to(person) -> QuerySet[Grant]:
    """The person's own grants, those on their datasets, those of their committees; staff all."""
    if person is None or not person.is_authenticated:
        return Grant.objects.none()
    if is_portal_staff(person):
        return Grant.objects.all()
    return Grant.objects.filter(
        Q(person=person)
        | Q(committee_id__in=list(rules.committee_ids(person)))
        | Q(dataset__custodian_id__in=list(holder_organisation_ids(person)))
    )


def with_grant_details(qs: QuerySet[Grant]) -> QuerySet[Grant]:
    return qs.select_related("person", "dataset", "access_condition", "committee", "agreement")


def grant_for(person, pk: int) -> Grant:
    grant = with_grant_details(grants_visible_to(person)).filter(pk=pk).first()
    if grant is None:
        raise Http404
    return grant


def grants_ending_soon(person, *, days: int = 30, now=None) -> QuerySet[Grant]:
    now = now or timezone.now()
    return usable_grants(now).filter(person=person, ends_at__lte=now + timedelta(days=days))


def grants_to_remind(now=None, *, days: int = 30) -> QuerySet[Grant]:
    """Active grants ending within `days` whose researcher has not been reminded yet."""
    now = now or timezone.now()
    return Grant.objects.filter(
        state=Grant.State.ACTIVE,
        renewal_reminded_at__isnull=True,
        ends_at__gt=now,
        ends_at__lte=now + timedelta(days=days),
    )


def grants_ended_with(agreement: Agreement) -> QuerySet[Grant]:
    """The grants that end when the agreement ends: those still active."""
    return Grant.objects.filter(agreement=agreement, state=Grant.State.ACTIVE)


def amendments_ended_with(agreement: Agreement) -> QuerySet[Agreement]:
    """Amendments still being signed; terminating what they amend terminates them too."""
    return Agreement.objects.filter(
        supersedes=agreement,
        state__in=[Agreement.State.DRAFTED, Agreement.State.SIGNED_BY_RESEARCHER],
    )


def signatory_emails(holder_id: int) -> list[str]:
    return list(
        Membership.objects.filter(
            organisation_id=holder_id, role=Role.DATA_HOLDER, person__erased_at__isnull=True
        )
        .values_list("person__email", flat=True)
        .distinct()
    )


def parties_emails(agreement: Agreement) -> list[str]:
    """Who is told when the agreement ends: the researcher and the holder's signatories."""
    return [agreement.researcher.email, *signatory_emails(agreement.holder_id)]


def agreements_due_to_expire(today=None) -> QuerySet[Agreement]:
    today = today or timezone.localdate()
    return Agreement.objects.filter(state=Agreement.State.IN_FORCE, ends_on__lt=today)


def current_template() -> AgreementTemplate | None:
    return AgreementTemplate.objects.order_by("-version").first()
