"""Who may do what in the catalogue; used by views, API and templates alike.

Published catalogue entries are public. A data holder registers and edits the datasets of the
organisations where they hold the data-holder role; staff may edit every dataset.
"""

from __future__ import annotations

import rules

from governance.accounts.roles import Role
from governance.accounts.selectors import has_role, is_portal_staff, organisations_of


def holder_organisation_ids(person) -> frozenset[int]:
    """Ids of the organisations where the person is a data holder (cached for the request)."""
    if person is None or not person.is_authenticated:
        return frozenset()
    cached = getattr(person, "_catalogue_holder_orgs", None)
    if cached is None:
        cached = frozenset(organisations_of(person, Role.DATA_HOLDER).values_list("pk", flat=True))
        person._catalogue_holder_orgs = cached
    return cached


@rules.predicate
def is_staff(user) -> bool:
    return is_portal_staff(user)


@rules.predicate
def is_data_holder(user) -> bool:
    return has_role(user, Role.DATA_HOLDER)


@rules.predicate
def holds_dataset(user, dataset) -> bool:
    return dataset is not None and dataset.custodian_id in holder_organisation_ids(user)


@rules.predicate
def is_published(user, dataset) -> bool:
    return dataset is not None and dataset.current_statement_id is not None


rules.add_perm("catalogue.add_dataset", is_staff | is_data_holder)
rules.add_perm("catalogue.change_dataset", is_staff | holds_dataset)
rules.add_perm("catalogue.view_dataset", is_published | is_staff | holds_dataset)
