"""Who may see and do what with agreements and grants; used by views, API and templates alike.

A party sees its agreements (the researcher; the data holders of the holder organisation, who
are its signatories); the members of a committee see the agreements and grants for the datasets
it decided; staff see everything. Objects outside that are 404 to the person.
"""

from __future__ import annotations

import rules

from governance.access.models import CommitteeMember
from governance.accounts.selectors import holder_organisation_ids, is_portal_staff


def committee_ids(person) -> frozenset[int]:
    """Committees the person sits on (cached)."""
    if person is None or not person.is_authenticated:
        return frozenset()
    cached = getattr(person, "_agreements_committees", None)
    if cached is None:
        cached = frozenset(
            CommitteeMember.objects.filter(person=person).values_list("committee_id", flat=True)
        )
        person._agreements_committees = cached
    return cached


def is_researcher_of(person, agreement) -> bool:
    return person is not None and person.is_authenticated and agreement.researcher_id == person.pk


def is_signatory_of(person, agreement) -> bool:
    """A data holder of the holder organisation, other than the researcher, may countersign."""
    return agreement.holder_id in holder_organisation_ids(person) and not is_researcher_of(
        person, agreement
    )


def may_terminate(person, agreement) -> bool:
    return is_portal_staff(person)


def may_amend(person, agreement) -> bool:
    return (
        is_researcher_of(person, agreement)
        or is_signatory_of(person, agreement)
        or is_portal_staff(person)
    )


def may_revoke(person, grant) -> bool:
    return is_portal_staff(person) or (
        grant.committee_id is not None and grant.committee_id in committee_ids(person)
    )


# The actions, as the API's RulesPermission and the pages ask them (the state is the machine's).
rules.add_perm(
    "agreements.sign",
    rules.predicate(lambda person, agreement: is_researcher_of(person, agreement))
    | rules.predicate(lambda person, agreement: is_signatory_of(person, agreement)),
)
rules.add_perm("agreements.terminate", rules.predicate(may_terminate))
rules.add_perm("agreements.amend", rules.predicate(may_amend))
rules.add_perm("agreements.revoke_grant", rules.predicate(may_revoke))
