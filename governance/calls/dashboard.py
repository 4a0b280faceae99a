"""What waits in the calls: applicants' drafts, chairs' calls, staff's onboarding evidence
(evaluators' reviews are the reviews app's)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from governance.accounts.roles import Role
from governance.calls import selectors
from governance.calls.models import Proposal
from governance.core.content import people
from governance.core.dashboard import Item, Section
from governance.core.navigation import Area


def sections(person, roles: frozenset[str]) -> list[Section]:
    result = []
    if Role.APPLICANT in roles:
        proposals = (
            selectors.with_listing_details(selectors.proposals_visible_to(person))
            .filter(organisation_id__in=_applicant_orgs(person))
            .exclude(state__in=[Proposal.State.WITHDRAWN, Proposal.State.REJECTED])
            .order_by("-updated_at")[:10]
        )
        result.append(
            Section(
                title=_("Your proposals"),
                role=Role.APPLICANT,
                items=[
                    Item(
                        p.title,
                        reverse("calls:proposal", args=[p.pk]),
                        format_html("{} · {}", p.get_state_display(), people(p.call.title)),
                        people=True,
                    )
                    for p in proposals
                ],
                empty_text=_("No proposal yet."),
                links=[
                    Item(_("Open calls"), reverse("calls:list")),
                    Item(_("All your proposals"), reverse("calls:proposals")),
                ],
            )
        )
    if Role.CALL_CHAIR in roles:
        calls = selectors.calls_chaired_by(person).order_by("-deadline")[:10]
        result.append(
            Section(
                title=_("Calls you chair"),
                role=Role.CALL_CHAIR,
                items=[
                    Item(c.title, reverse("calls:call", args=[c.pk]), people=True) for c in calls
                ],
                empty_text=_("No call yet."),
                links=[
                    Item(_("Create a call"), reverse("calls:call_create")),
                    Item(_("Proposals"), reverse("calls:proposals")),
                ],
            )
        )
    if Role.STAFF in roles:
        waiting = selectors.onboarding_waiting_for_staff()[:20]
        if waiting:
            result.append(
                Section(
                    title=_("Onboarding evidence to review"),
                    role=Role.STAFF,
                    items=[
                        Item(
                            f"{i.proposal.organisation.name}: {i.label}",
                            reverse("calls:proposal", args=[i.proposal_id]),
                        )
                        for i in waiting
                    ],
                )
            )
    return result


def _applicant_orgs(person):
    from governance.calls.rules import applicant_organisation_ids

    return applicant_organisation_ids(person)


PROPOSAL_PAGES = (
    "proposals",
    "proposal",
    "proposal_start",
    "proposal_edit",
    "proposal_submit",
    "proposal_withdraw",
    "decision_stage",
    "decision_letter",
)


def areas(person, roles: frozenset[str]) -> list[Area]:
    """Proposals for applicants and chairs."""
    result = []
    if roles & {Role.APPLICANT, Role.CALL_CHAIR}:
        waiting = 0
        if Role.APPLICANT in roles:
            # Drafts that can still be submitted; one past its deadline waits for nobody.
            waiting = (
                selectors.proposals_visible_to(person)
                .filter(
                    organisation_id__in=_applicant_orgs(person),
                    state=Proposal.State.DRAFT,
                    call__deadline__gt=timezone.now(),
                )
                .count()
            )
        result.append(
            Area(
                _("Proposals"),
                reverse("calls:proposals"),
                "calls",
                waiting=waiting,
                url_names=PROPOSAL_PAGES,
            )
        )
    return result
