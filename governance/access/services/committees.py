"""Access committees, their members and their declared conflicts (portal staff)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from governance.access.models import Committee, CommitteeConflict, CommitteeMember
from governance.access.rules import committee_ids_of, forget_cached_seats
from governance.accounts.models import Organisation
from governance.accounts.roles import Role
from governance.accounts.selectors import is_portal_staff
from governance.audit.services import record
from governance.core.errors import NotPermitted, PortalError

COMMITTEE_FIELDS = (
    "name",
    "organisation",
    "contact_email",
    "decision_rule",
    "quorum",
    "reminder_days",
)


def _require_staff(actor, message: str) -> None:
    if not is_portal_staff(actor):
        raise NotPermitted(message)


def _committee_summary(committee: Committee) -> dict[str, Any]:
    return {
        "name": committee.name,
        "organisation": committee.organisation_id,
        "decision_rule": committee.decision_rule,
        "quorum": committee.quorum,
        "reminder_days": committee.reminder_days,
        "datasets": sorted(committee.datasets.values_list("pk", flat=True)),
    }


@transaction.atomic
def committee_create(*, actor, data: Mapping[str, Any]) -> Committee:
    _require_staff(actor, _("Only portal staff set up access committees."))
    committee = Committee(**{name: data[name] for name in COMMITTEE_FIELDS if name in data})
    committee.full_clean()
    committee.save()
    if "datasets" in data:
        committee.datasets.set(data["datasets"])
    record(
        actor=actor,
        action="access.committee_created",
        obj=committee,
        after=_committee_summary(committee),
    )
    return committee


@transaction.atomic
def committee_update(*, actor, committee: Committee, data: Mapping[str, Any]) -> Committee:
    _require_staff(actor, _("Only portal staff change access committees."))
    committee = Committee.objects.select_for_update().get(pk=committee.pk)
    before = _committee_summary(committee)
    changed = [name for name in COMMITTEE_FIELDS if name in data]
    for name in changed:
        setattr(committee, name, data[name])
    committee.full_clean()
    committee.save(update_fields=changed or None)
    if "datasets" in data:
        committee.datasets.set(data["datasets"])
    record(
        actor=actor,
        action="access.committee_updated",
        obj=committee,
        before=before,
        after=_committee_summary(committee),
    )
    return committee


@transaction.atomic
def committee_member_add(
    *, actor, committee: Committee, person, is_chair: bool = False
) -> CommitteeMember:
    _require_staff(actor, _("Only portal staff change a committee's members."))
    if CommitteeMember.objects.filter(committee=committee, person=person).exists():
        raise PortalError(
            _("%(person)s already sits on %(committee)s.")
            % {"person": person.email, "committee": committee.name},
            code="duplicate_member",
        )
    if is_chair:
        CommitteeMember.objects.filter(committee=committee, is_chair=True).update(is_chair=False)
    member = CommitteeMember.objects.create(committee=committee, person=person, is_chair=is_chair)
    _ensure_role(committee, person, Role.COMMITTEE_CHAIR if is_chair else Role.COMMITTEE_MEMBER)
    forget_cached_seats(person)
    record(
        actor=actor,
        action="access.committee_member_added",
        obj=committee,
        after={"person": person.pk, "is_chair": is_chair},
    )
    return member


def _ensure_role(committee: Committee, person, role: str) -> None:
    """A seat is also a role (so that the second factor is required) where the committee has an
    organisation; federation-wide committees' members get their role from staff."""
    from governance.accounts.models import Membership
    from governance.accounts.selectors import forget_cached_roles

    if committee.organisation_id is not None:
        Membership.objects.get_or_create(
            person=person, organisation_id=committee.organisation_id, role=role
        )
        forget_cached_roles(person)


@transaction.atomic
def committee_member_remove(*, actor, member: CommitteeMember) -> None:
    _require_staff(actor, _("Only portal staff change a committee's members."))
    record(
        actor=actor,
        action="access.committee_member_removed",
        obj=member.committee,
        before={"person": member.person_id, "is_chair": member.is_chair},
    )
    member.delete()
    forget_cached_seats(member.person)


@transaction.atomic
def conflict_declare(*, actor, organisation: Organisation, reason: str) -> CommitteeConflict:
    """A committee member declares a conflict of interest with an organisation."""
    if not committee_ids_of(actor):
        raise NotPermitted(_("Only committee members declare conflicts of interest."))
    if not reason.strip():
        raise PortalError(_("Say in a few words why you have a conflict of interest."))
    conflict, created = CommitteeConflict.objects.get_or_create(
        person=actor, organisation=organisation, defaults={"reason": reason.strip()[:500]}
    )
    if created:
        record(
            actor=actor,
            action="access.conflict_declared",
            obj=conflict,
            after={"organisation": organisation.pk},
        )
    return conflict
