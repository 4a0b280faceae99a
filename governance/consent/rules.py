"""Who may do what with consent; used by views, API and templates alike.

A data holder manages the consent records of the datasets whose custodian is an organisation
where they hold the data-holder role, and that organisation's consent forms; staff manage all of
them and the federation-wide forms. Patient-organisation representatives read aggregated,
non-identifying figures and the forms in use: never a pseudonym.
"""

from __future__ import annotations

import rules

from governance.accounts.roles import Role
from governance.accounts.selectors import has_role, is_portal_staff, organisations_of


def holder_organisation_ids(person) -> frozenset[int]:
    """Ids of the organisations where the person is a data holder (cached for the request)."""
    if person is None or not person.is_authenticated:
        return frozenset()
    cached = getattr(person, "_consent_holder_orgs", None)
    if cached is None:
        cached = frozenset(organisations_of(person, Role.DATA_HOLDER).values_list("pk", flat=True))
        person._consent_holder_orgs = cached
    return cached


@rules.predicate
def is_staff(user) -> bool:
    return is_portal_staff(user)


@rules.predicate
def is_data_holder(user) -> bool:
    return has_role(user, Role.DATA_HOLDER)


@rules.predicate
def is_patient_org_rep(user) -> bool:
    return has_role(user, Role.PATIENT_ORG_REP)


@rules.predicate
def manages_dataset(user, dataset) -> bool:
    return dataset is not None and dataset.custodian_id in holder_organisation_ids(user)


@rules.predicate
def manages_form(user, form) -> bool:
    return form is not None and form.organisation_id in holder_organisation_ids(user)


# Identifying views (pseudonyms): holders of the dataset and staff.
rules.add_perm("consent.manage_records", is_staff | is_data_holder)
rules.add_perm("consent.manage_dataset_records", is_staff | manages_dataset)
rules.add_perm("consent.change_consentform", is_staff | manages_form)
# Aggregated, non-identifying figures and the forms in use.
rules.add_perm("consent.view_figures", is_staff | is_data_holder | is_patient_org_rep)
