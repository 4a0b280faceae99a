"""Does a statement contradict itself? Checked when it is published and shown on the draft page.

Each problem names the field to fix and says how, in words a data holder can act on.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from governance.catalogue.models import AvailabilityStatement, CancerType
from governance.core.times import format_day

# Modifiers that narrow who may use the data or for what: "no restriction" cannot carry them.
RESTRICTING_MODIFIERS = frozenset(
    {"NCU", "NPU", "NPUNCU", "NMDS", "GSO", "NPOA", "RS", "GS", "IS", "US", "PS", "TS", "MOR"}
)
# Modifiers that need somebody to approve a person or project: public access has no such step.
APPROVAL_MODIFIERS = frozenset({"US", "PS", "IS", "COL"})
# Which parameter each modifier needs, the model field it lives in, and how to ask for it.
REQUIRED_PARAMETERS = {
    "TS": ("months", gettext_noop("the number of months the data may be used")),
    "MOR": ("until_date", gettext_noop("the date until which publication is not allowed")),
    "GS": ("area", gettext_noop("the geographic area the data may be used in")),
}


@dataclass(frozen=True)
class Problem:
    field: str
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "message": self.message}


def contradictions(
    statement: AvailabilityStatement, *, today: datetime.date | None = None
) -> list[Problem]:
    """Every way the statement contradicts itself or its dataset; empty when it may be published."""
    today = today or timezone.localdate()
    dataset = statement.dataset
    problems: list[Problem] = []
    conditions = {condition.code for condition in statement.access_conditions.all()}
    modifiers = list(statement.modifiers.select_related("duo_term"))
    shorthands = {modifier.duo_term.shorthand for modifier in modifiers}
    permission = statement.duo_permission.shorthand if statement.duo_permission else ""

    if not conditions:
        problems.append(
            Problem(
                "access_conditions",
                "no_access_condition",
                _(
                    "Choose at least one access condition: download, in-situ processing or "
                    "remote processing only."
                ),
            )
        )
    if "download" in conditions and dataset.is_federated_only:
        problems.append(
            Problem(
                "access_conditions",
                "download_on_federated_data",
                _(
                    "The dataset is federated only: its data never leaves the hospital, so it "
                    "cannot be offered for download. Remove “Download access”, or change the "
                    "dataset's hosting if the data is in fact in the central atlas."
                ),
            )
        )
    if not permission:
        problems.append(
            Problem(
                "duo_permission",
                "no_permission",
                _(
                    "Choose the data-use permission (DUO), e.g. “general research use” or "
                    "“disease specific research”."
                ),
            )
        )
    if permission == "DS" and statement.disease_id is None:
        problems.append(
            Problem(
                "disease",
                "disease_missing",
                _("Disease-specific research needs a disease: choose it under “Disease”."),
            )
        )
    if permission and permission != "DS" and statement.disease_id is not None:
        problems.append(
            Problem(
                "disease",
                "disease_without_disease_specific_permission",
                _(
                    "A disease is named, but the permission is not disease-specific research. "
                    "Clear the disease, or choose “disease specific research”."
                ),
            )
        )
    if permission == "DS" and statement.disease_id is not None:
        problem = _disease_outside_dataset(statement)
        if problem:
            problems.append(problem)
    for modifier in modifiers:
        needed = REQUIRED_PARAMETERS.get(modifier.duo_term.shorthand)
        if needed and not getattr(modifier, needed[0]):
            problems.append(
                Problem(
                    "modifiers",
                    "modifier_parameter_missing",
                    _("The modifier “%(modifier)s” needs %(what)s: fill it in.")
                    % {"modifier": modifier.duo_term.label, "what": _(needed[1])},
                )
            )
        if (
            modifier.duo_term.shorthand == "MOR"
            and modifier.until_date
            and modifier.until_date < today
        ):
            problems.append(
                Problem(
                    "modifiers",
                    "moratorium_in_past",
                    _(
                        "The publication moratorium ended on %(date)s: remove the modifier or "
                        "give a future date."
                    )
                    % {"date": format_day(modifier.until_date)},
                )
            )
    if permission == "NRES" and shorthands & RESTRICTING_MODIFIERS:
        problems.append(
            Problem(
                "modifiers",
                "restrictions_on_unrestricted_data",
                _(
                    "“No restriction” contradicts the restricting modifiers %(modifiers)s. Choose "
                    "another permission (e.g. general research use) or remove those modifiers."
                )
                % {"modifiers": ", ".join(sorted(shorthands & RESTRICTING_MODIFIERS))},
            )
        )
    if statement.access_rights == AvailabilityStatement.AccessRights.PUBLIC:
        approval = shorthands & APPROVAL_MODIFIERS
        if approval:
            problems.append(
                Problem(
                    "access_rights",
                    "public_access_with_approval",
                    _(
                        "Public access means anyone may use the data without asking, but the "
                        "modifiers %(modifiers)s need an approval by the access committee. "
                        "Choose restricted access, or remove those modifiers."
                    )
                    % {"modifiers": ", ".join(sorted(approval))},
                )
            )
    elif not (statement.access_committee_name and statement.contact_email):
        problems.append(
            Problem(
                "access_committee_name",
                "committee_missing",
                _(
                    "Restricted and non-public data are requested from an access committee: "
                    "name the committee and give a contact email."
                ),
            )
        )
    if statement.is_proprietary and not statement.proprietor.strip():
        problems.append(
            Problem(
                "proprietor",
                "proprietor_missing",
                _("The data is marked proprietary: name the proprietor."),
            )
        )
    if statement.licence_url and not statement.licence_name.strip():
        problems.append(
            Problem(
                "licence_name",
                "licence_name_missing",
                _("A licence URL is given without its name: name the licence."),
            )
        )
    if statement.embargo_until and statement.embargo_until < today:
        problems.append(
            Problem(
                "embargo_until",
                "embargo_in_past",
                _(
                    "The embargo date %(date)s has passed: clear it, or give a future date if "
                    "the data is still under embargo."
                )
                % {"date": format_day(statement.embargo_until)},
            )
        )
    return problems


def _disease_outside_dataset(statement: AvailabilityStatement) -> Problem | None:
    """The DS disease must be one of the dataset's cancer types, or a broader or narrower one."""
    parents = dict(CancerType.objects.values_list("code", "parent_id"))

    def lineage(code: str | None) -> set[str]:
        seen: set[str] = set()
        while code and code not in seen:
            seen.add(code)
            code = parents.get(code)
        return seen

    disease = statement.disease_id
    dataset_types = set(statement.dataset.cancer_types.values_list("code", flat=True))
    if any(disease in lineage(code) or code in lineage(disease) for code in dataset_types):
        return None
    return Problem(
        "disease",
        "disease_not_in_dataset",
        _(
            "The disease named for disease-specific research (%(disease)s) is not among this "
            "dataset's cancer types. Choose one of them, or add the cancer type to the dataset."
        )
        % {"disease": statement.disease.label if statement.disease else disease},
    )
