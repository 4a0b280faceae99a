"""Conflicts of interest: declared ones and evident ones.

An evaluator is in conflict with a proposal when they declared a conflict with the proposal or
its organisation, when they belong to the applicant organisation, or, for calls that ask for it,
when one of their organisations is in the applicant organisation's country.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from governance.calls.models import Proposal
from governance.calls.rules import member_organisations
from governance.reviews.models import ConflictOfInterest


@dataclass(frozen=True)
class EvaluatorProfile:
    """What conflict checks need about one evaluator, read once."""

    organisation_ids: frozenset[int]
    countries: frozenset[str]
    declared_organisations: frozenset[int]
    declared_proposals: frozenset[int]


def profile_of(evaluator) -> EvaluatorProfile:
    cached = getattr(evaluator, "_reviews_profile", None)
    if cached is not None:
        return cached
    organisations = member_organisations(evaluator)
    declared = list(
        ConflictOfInterest.objects.filter(evaluator=evaluator).values_list(
            "organisation_id", "proposal_id"
        )
    )
    profile = EvaluatorProfile(
        organisation_ids=frozenset(org.pk for org in organisations),
        countries=frozenset(str(org.country) for org in organisations),
        declared_organisations=frozenset(org for org, _p in declared if org),
        declared_proposals=frozenset(p for _o, p in declared if p),
    )
    evaluator._reviews_profile = profile
    return profile


def forget_profile(evaluator) -> None:
    for name in ("_reviews_profile", "_calls_member_orgs"):
        if hasattr(evaluator, name):
            delattr(evaluator, name)


def conflict_reason(evaluator, proposal: Proposal, *, country: str | None = None) -> str | None:
    """Why the evaluator may not evaluate the proposal, or None. `proposal.call` and
    `proposal.organisation` should be loaded (select_related) by the caller."""
    profile = profile_of(evaluator)
    if proposal.pk in profile.declared_proposals:
        return _("declared a conflict with this proposal")
    if proposal.organisation_id in profile.declared_organisations:
        return _("declared a conflict with the applicant organisation")
    if proposal.organisation_id in profile.organisation_ids:
        return _("belongs to the applicant organisation")
    if proposal.call.conflict_same_country:
        country = country or str(proposal.organisation.country)
        if country in profile.countries:
            return _("works in the applicant organisation's country (%(country)s)") % {
                "country": country
            }
    return None
