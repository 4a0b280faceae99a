"""Who may do what with calls and proposals; used by views, API, templates and the reviews app.

- Anyone reads published calls. Staff and call chairs create calls; a call's chairs (or, while a
  call names none, every call chair) configure it, assign evaluators and decide.
- Applicants draft and submit for the organisations where they hold the applicant role, and see
  only those organisations' proposals.
- Evaluators see the proposals assigned to them, unless they are in conflict with it.
"""

from __future__ import annotations

import rules

from governance.accounts.roles import Role
from governance.accounts.selectors import has_role, is_portal_staff, organisations_of


def _cached(person, name: str, compute):
    value = getattr(person, name, None)
    if value is None:
        value = compute()
        setattr(person, name, value)
    return value


def applicant_organisation_ids(person) -> frozenset[int]:
    if person is None or not person.is_authenticated:
        return frozenset()
    return _cached(
        person,
        "_calls_applicant_orgs",
        lambda: frozenset(organisations_of(person, Role.APPLICANT).values_list("pk", flat=True)),
    )


def member_organisations(person) -> list:
    """Every organisation the person belongs to in any role (for evident conflicts)."""
    if person is None or not person.is_authenticated:
        return []
    return _cached(person, "_calls_member_orgs", lambda: list(organisations_of(person)))


def may_create_calls(person) -> bool:
    return is_portal_staff(person) or has_role(person, Role.CALL_CHAIR)


def may_chair(person, call) -> bool:
    if is_portal_staff(person):
        return True
    if not has_role(person, Role.CALL_CHAIR):
        return False
    chair_ids = _chair_ids(call)
    return not chair_ids or person.pk in chair_ids


def _chair_ids(call) -> frozenset[int]:
    cached = getattr(call, "_chair_ids", None)
    if cached is None:
        cached = frozenset(call.chairs.values_list("pk", flat=True))
        call._chair_ids = cached
    return cached


def may_apply(person) -> bool:
    return bool(applicant_organisation_ids(person))


def is_applicant_of(person, proposal) -> bool:
    """An applicant of the proposing organisation, or the person who wrote the proposal: the
    author stays its applicant on the record when their role changes (the repository's author
    became its data holder once onboarded, and still answers the onboarding checklist)."""
    if person is None or not person.is_authenticated:
        return False
    return (
        proposal.organisation_id in applicant_organisation_ids(person)
        or proposal.created_by_id == person.pk
    )


def is_evaluator(person) -> bool:
    return has_role(person, Role.EVALUATOR)


def may_decide(person, proposal) -> bool:
    return may_chair(person, proposal.call)


def may_read_decision_letter(person, proposal) -> bool:
    return is_applicant_of(person, proposal) or may_chair(person, proposal.call)


# The actions, as the API's RulesPermission and the pages ask them (the state is the machine's:
# a submitted proposal is no longer edited, a past deadline refuses a submission, 409).
rules.add_perm("calls.create_call", rules.predicate(lambda person: may_create_calls(person)))
rules.add_perm("calls.configure_call", rules.predicate(may_chair))
rules.add_perm("calls.apply", rules.predicate(lambda person: may_apply(person)))
rules.add_perm("calls.edit_proposal", rules.predicate(is_applicant_of))
rules.add_perm("calls.decide", rules.predicate(may_decide))
rules.add_perm("calls.read_decision_letter", rules.predicate(may_read_decision_letter))
# The coordination office checks what selected applicants send for onboarding.
rules.add_perm("calls.review_onboarding", rules.predicate(lambda person: is_portal_staff(person)))
