"""Who may do what in the catalogue; used by views, API and templates alike.

Published catalogue entries are public. A data holder registers and edits the datasets of the
organisations where they hold the data-holder role; staff may edit every dataset.
"""

from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy

from governance.accounts.roles import Role
from governance.accounts.selectors import has_role, holder_organisation_ids, is_portal_staff
from governance.core.permissions import explain


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


@rules.predicate
def holds_statement_dataset(user, statement) -> bool:
    return statement is not None and holds_dataset(user, statement.dataset)


rules.add_perm("catalogue.add_dataset", is_staff | is_data_holder)
rules.add_perm("catalogue.change_dataset", is_staff | holds_dataset)
rules.add_perm("catalogue.view_dataset", is_published | is_staff | holds_dataset)
# A statement is written, edited and published by its dataset's holders (or staff).
rules.add_perm("catalogue.add_statement", is_staff | is_data_holder)
rules.add_perm("catalogue.change_statement", is_staff | holds_statement_dataset)

explain(
    "catalogue.add_dataset",
    gettext_lazy("Only data holders (and portal staff) register datasets and write statements."),
)
explain(
    "catalogue.add_statement",
    gettext_lazy("Only data holders (and portal staff) register datasets and write statements."),
)
explain(
    "catalogue.change_dataset",
    gettext_lazy("Only the data holder of this dataset (or portal staff) may change it."),
)
explain(
    "catalogue.change_statement",
    gettext_lazy(
        "Only the data holder of this dataset (or portal staff) may change or publish its "
        "statement."
    ),
)
