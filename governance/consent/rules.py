"""Who may do what with consent; used by views, API and templates alike.

A data holder manages the consent records of the datasets whose custodian is an organisation
where they hold the data-holder role, and that organisation's consent forms; staff manage all of
them and the federation-wide forms. Patient-organisation representatives read aggregated,
non-identifying figures and the forms in use: never a pseudonym.
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
def is_patient_org_rep(user) -> bool:
    return has_role(user, Role.PATIENT_ORG_REP)


@rules.predicate
def manages_dataset(user, dataset) -> bool:
    return dataset is not None and dataset.custodian_id in holder_organisation_ids(user)


@rules.predicate
def manages_form(user, form) -> bool:
    return form is not None and form.organisation_id in holder_organisation_ids(user)


@rules.predicate
def manages_record(user, record) -> bool:
    return record is not None and manages_dataset(user, record.dataset)


# Identifying views (pseudonyms): holders of the dataset and staff.
rules.add_perm("consent.manage_records", is_staff | is_data_holder)
rules.add_perm("consent.manage_dataset_records", is_staff | manages_dataset)
rules.add_perm("consent.change_record", is_staff | manages_record)
rules.add_perm("consent.change_consentform", is_staff | manages_form)
# Federation-wide forms (no holder organisation) are the coordination office's.
rules.add_perm("consent.write_federation_form", is_staff)
# Aggregated, non-identifying figures and the forms in use.
rules.add_perm("consent.view_figures", is_staff | is_data_holder | is_patient_org_rep)

explain(
    "consent.manage_records",
    gettext_lazy("Only data holders (and portal staff) keep consent records and forms."),
)
explain(
    "consent.change_record",
    gettext_lazy("Only the data holder of the record's dataset (or portal staff) may change it."),
)
explain(
    "consent.change_consentform",
    gettext_lazy("Only the data holder of this consent form (or portal staff) may change it."),
)
explain(
    "consent.view_figures",
    gettext_lazy("Consent figures are for data holders, patient organisations and portal staff."),
)
