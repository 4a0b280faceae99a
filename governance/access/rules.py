"""Who may see and do what with committees and access requests; used by views, API, templates.

A committee member sees a request only once it is submitted and only if it names a dataset of
their committee, and within it only their committee's datasets. A member who belongs to the
requesting organisation, or declared a conflict with it, sees the request but may not vote,
decide or return it.
"""

from __future__ import annotations

import rules
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance.accounts.models import Membership
from governance.accounts.selectors import is_portal_staff
from governance.core.permissions import explain


def committee_ids_of(person) -> frozenset[int]:
    """The committees the person sits on (cached on the instance for the request)."""
    if person is None or not person.is_authenticated:
        return frozenset()
    cached = getattr(person, "_access_committee_ids", None)
    if cached is None:
        from governance.access.models import CommitteeMember

        cached = frozenset(
            CommitteeMember.objects.filter(person=person).values_list("committee_id", flat=True)
        )
        person._access_committee_ids = cached
    return cached


def chaired_committee_ids_of(person) -> frozenset[int]:
    if person is None or not person.is_authenticated:
        return frozenset()
    cached = getattr(person, "_access_chaired_ids", None)
    if cached is None:
        from governance.access.models import CommitteeMember

        cached = frozenset(
            CommitteeMember.objects.filter(person=person, is_chair=True).values_list(
                "committee_id", flat=True
            )
        )
        person._access_chaired_ids = cached
    return cached


def forget_cached_seats(person) -> None:
    for name in ("_access_committee_ids", "_access_chaired_ids"):
        if hasattr(person, name):
            delattr(person, name)


def conflict_reason(person, organisation) -> str:
    """Why the person may not vote or decide on this organisation's requests ("" if they may)."""
    from governance.access.models import CommitteeConflict

    if Membership.objects.filter(person=person, organisation=organisation).exists():
        return _(
            "You are a member of %(organisation)s, which makes this request: you may read it "
            "but not vote, decide or return it."
        ) % {"organisation": organisation.name}
    declared = CommitteeConflict.objects.filter(person=person, organisation=organisation).first()
    if declared is not None:
        return _(
            "You declared a conflict of interest with %(organisation)s (%(reason)s): you may "
            "read this request but not vote, decide or return it."
        ) % {"organisation": organisation.name, "reason": declared.reason}
    return ""


def is_researcher_of(person, request) -> bool:
    return bool(person and person.is_authenticated and request.researcher_id == person.pk)


@rules.predicate
def is_staff(user) -> bool:
    return is_portal_staff(user)


@rules.predicate
def sits_on_committee(user, committee) -> bool:
    return committee is not None and committee.pk in committee_ids_of(user)


rules.add_perm("access.manage_committees", is_staff)
rules.add_perm("access.view_committee", is_staff | sits_on_committee)


@rules.predicate
def is_researcher(user) -> bool:
    from governance.accounts.roles import Role
    from governance.accounts.selectors import has_role

    return has_role(user, Role.RESEARCHER)


rules.add_perm("access.add_accessrequest", is_researcher)
explain("access.add_accessrequest", gettext_lazy("Only researchers request access to datasets."))


@rules.predicate
def wrote_request(user, request) -> bool:
    return request is not None and is_researcher_of(user, request)


rules.add_perm("access.change_request", wrote_request)
explain(
    "access.change_request",
    gettext_lazy("Only the researcher who wrote this request may change, submit or withdraw it."),
)


def committees_of_request(request) -> frozenset[int]:
    """The committees answering for the request's datasets (cached on the instance)."""
    cached = getattr(request, "_access_committee_ids", None)
    if cached is None:
        # The items are usually prefetched (the request's page and the API list them).
        cached = frozenset(item.committee_id for item in request.items.all() if item.committee_id)
        request._access_committee_ids = cached
    return cached


@rules.predicate
def reviews_request(user, request) -> bool:
    """A member of a committee that answers for one of the submitted request's datasets.

    Whether that member may vote or decide today (a conflict, the chair's decision, a dataset
    already decided) is the service's to say, with its reason."""
    if request is None or request.state == request.State.DRAFT:
        return False
    return bool(committee_ids_of(user) & committees_of_request(request))


# Commenting (to the committee, or to the researcher), voting, deciding, returning and
# declaring a conflict are the committees'; the researcher answers by editing the request.
NOT_ITS_COMMITTEE = gettext_lazy(
    "Only the members of a committee answering for one of the request's datasets may do this."
)
for _rule in (
    "access.comment",
    "access.vote",
    "access.decide",
    "access.return_request",
    "access.declare_conflict",
):
    rules.add_perm(_rule, reviews_request)
    explain(_rule, NOT_ITS_COMMITTEE)
