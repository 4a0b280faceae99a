"""What waits in the access context: a researcher's requests, a committee member's reviews."""

from __future__ import annotations

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance.access import selectors
from governance.access.models import AccessRequest
from governance.access.rules import committee_ids_of
from governance.accounts.roles import Role
from governance.core.dashboard import Item, Section
from governance.core.navigation import Area

# Lazy: translated in the language of the page that shows them, not of the first import.
WAITING_NOTES: dict[str, Promise] = {
    AccessRequest.State.DRAFT: gettext_lazy("draft: check compatibility and submit it"),
    AccessRequest.State.RETURNED: gettext_lazy("returned for changes: edit and submit it again"),
    AccessRequest.State.SUBMITTED: gettext_lazy("submitted: waiting for the committees"),
    AccessRequest.State.UNDER_REVIEW: gettext_lazy("under review by the committees"),
}


def sections(person, roles: frozenset[str]) -> list[Section]:
    result = []
    if Role.RESEARCHER in roles:
        items = [
            Item(
                text=access_request.title,
                people=True,
                url=reverse("access:request", args=[access_request.pk]),
                note=str(
                    WAITING_NOTES.get(access_request.state, access_request.get_state_display())
                ),
            )
            for access_request in selectors.requests_of(person).filter(
                state__in=list(WAITING_NOTES)
            )[:20]
        ]
        result.append(
            Section(
                title=_("Your access requests"),
                role=Role.RESEARCHER,
                items=items,
                empty_text=_("No request of yours is open."),
                links=[
                    Item(_("All your access requests"), reverse("access:requests")),
                    Item(_("Request access to datasets"), reverse("access:request_new")),
                ],
            )
        )
    if committee_ids_of(person):
        items = [
            Item(
                text=f"{item.dataset.title} — {item.request.title}",
                people=True,
                url=reverse("access:request", args=[item.request_id]),
                note=(
                    _("from %(organisation)s, waiting for your decision")
                    if item.committee is not None
                    and item.committee.decision_rule == "chair"
                    and item.committee_id in _chaired(person)
                    else _("from %(organisation)s, waiting for your vote")
                )
                % {"organisation": item.request.organisation.name},
            )
            for item in selectors.items_awaiting(person)[:50]
        ]
        result.append(
            Section(
                title=_("Access requests to review"),
                role=Role.COMMITTEE_MEMBER,
                items=items,
                empty_text=_("No dataset waits for your vote or decision."),
                links=[
                    Item(_("All requests for your committees"), reverse("access:requests")),
                    Item(_("Your committees"), reverse("access:committees")),
                ],
            )
        )
    if Role.STAFF in roles:
        result.append(
            Section(
                title=_("Access committees"),
                items=[
                    Item(
                        text=dataset.title,
                        people=True,
                        url=reverse("catalogue:dataset", args=[dataset.pk]),
                        note=_("published, but no access committee covers it"),
                    )
                    for dataset in selectors.datasets_without_committee()[:20]
                ],
                empty_text=_("Every published dataset has an access committee."),
                links=[
                    Item(_("All committees"), reverse("access:committees")),
                    Item(_("Set up a committee"), reverse("access:committee_new")),
                    Item(_("All access requests"), reverse("access:requests")),
                ],
            )
        )
    return result


def _chaired(person) -> frozenset[int]:
    from governance.access.rules import chaired_committee_ids_of

    return chaired_committee_ids_of(person)


ACTIONABLE = (AccessRequest.State.DRAFT, AccessRequest.State.RETURNED)


def areas(person, roles: frozenset[str]) -> list[Area]:
    """One area for the access context: a researcher's requests, a committee's reviews, or both
    (the same pages)."""
    sits = bool(committee_ids_of(person))
    researcher = Role.RESEARCHER in roles
    if not (researcher or sits or Role.STAFF in roles):
        return []
    waiting = 0
    if researcher:
        waiting += selectors.requests_of(person).filter(state__in=ACTIONABLE).count()
    if sits:
        waiting += selectors.items_awaiting(person).count()
    label = _("Committee work") if sits and not researcher else _("Access requests")
    return [Area(label, reverse("access:requests"), "access", waiting=waiting)]
