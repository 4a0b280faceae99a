"""A statement in plain words, for patients and the public (and the top of every dataset page).

Each sentence stands alone; proprietary and federated-only data are always named as such.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from governance.catalogue.models import AvailabilityStatement, Dataset
from governance.core.times import format_day

# What each DUO permission means, in words a patient understands.
PERMISSION_WORDS = {
    "NRES": N_("The data may be used for any purpose, without restriction."),
    "GRU": N_("The data may be used for any kind of research."),
    "HMB": N_("The data may be used for health, medical or biomedical research only."),
    "DS": N_("The data may be used only for research on %(disease)s."),
    "POA": N_("The data may be used only for research on population origins or ancestry."),
}
MODIFIER_WORDS = {
    "NCU": N_("Only non-commercial use is allowed."),
    "NPU": N_("Only not-for-profit organisations may use the data."),
    "NPUNCU": N_("Only not-for-profit organisations may use the data, and not commercially."),
    "NMDS": N_("The data may not be used to develop general methods or software."),
    "GSO": N_("The data may be used for genetic studies only."),
    "NPOA": N_("The data may not be used to research population origins or ancestry."),
    "IRB": N_("Researchers must show the approval of an ethics committee."),
    "PUB": N_("Researchers must publish their results for the scientific community."),
    "COL": N_("Researchers must collaborate with the team that collected the data."),
    "RTN": N_("Researchers must return what they derive from the data to its holder."),
    "US": N_("Only approved users may use the data."),
    "PS": N_("The data may be used only within an approved project."),
    "IS": N_("The data may be used only within an approved institution."),
    "RS": N_("The data may be used only for certain kinds of research."),
    "CC": N_("The data may also be used for clinical care."),
    "TS": N_("Each use is allowed for %(months)s months."),
    "MOR": N_("Results may not be published before %(date)s."),
    "GS": N_("The data may be used only in %(area)s."),
}
ACCESS_WORDS = {
    "download": N_("Approved researchers may download a copy."),
    "in_situ_processing": N_("Approved researchers may analyse the data where it is held."),
    "remote_processing": N_(
        "Approved researchers may only send analyses to run remotely; they never see the data."
    ),
}


@dataclass(frozen=True)
class PlainStatement:
    headline: str
    sentences: list[str]


def describe(statement: AvailabilityStatement) -> PlainStatement:
    dataset: Dataset = statement.dataset
    sentences: list[str] = []
    if dataset.is_federated_only:
        sentences.append(
            _(
                "Federated only: the images never leave %(holder)s. Researchers' analyses are "
                "brought to the data instead."
            )
            % {"holder": dataset.custodian.name}
        )
    else:
        sentences.append(_("The images are anonymised and kept in the federation's central atlas."))
    if statement.is_proprietary:
        sentences.append(
            _("This is proprietary data: it belongs to %(owner)s.")
            % {"owner": (statement.proprietor or _("its owner")).rstrip(".")}
        )
    else:
        sentences.append(_("This data is not proprietary."))
    sentences.append(_access_rights_words(statement))
    for condition in statement.access_conditions.all():
        if condition.code in ACCESS_WORDS:
            sentences.append(_(ACCESS_WORDS[condition.code]))
    if statement.duo_permission is not None:
        words = PERMISSION_WORDS.get(statement.duo_permission.shorthand)
        if words:
            disease = statement.disease.label.lower() if statement.disease else _("one disease")
            sentences.append(_(words) % {"disease": disease} if "%(" in words else _(words))
    for modifier in statement.modifiers.all():
        words = MODIFIER_WORDS.get(modifier.duo_term.shorthand)
        if not words:
            continue
        sentences.append(
            _(words)
            % {
                "months": modifier.months or "?",
                "date": format_day(modifier.until_date) if modifier.until_date else "?",
                "area": modifier.area or "?",
            }
            if "%(" in words
            else _(words)
        )
        if modifier.detail:
            sentences.append(modifier.detail)
    if statement.reuse_restrictions:
        sentences.append(_("On reuse: %(text)s") % {"text": statement.reuse_restrictions})
    if statement.federated_use_restrictions:
        sentences.append(
            _("On federated use: %(text)s") % {"text": statement.federated_use_restrictions}
        )
    if statement.licence_name:
        sentences.append(_("Licence: %(licence)s.") % {"licence": statement.licence_name})
    if statement.embargo_until:
        sentences.append(
            _("Nobody may use the data before %(date)s.")
            % {"date": format_day(statement.embargo_until)}
        )
    if statement.retention:
        sentences.append(_("Kept: %(retention)s.") % {"retention": statement.retention.rstrip(".")})
    if statement.access_committee_name:
        sentences.append(
            _("Requests are decided by %(committee)s.")
            % {"committee": statement.access_committee_name}
        )
    return PlainStatement(headline=_headline(statement), sentences=sentences)


def _access_rights_words(statement: AvailabilityStatement) -> str:
    rights = statement.access_rights
    if rights == AvailabilityStatement.AccessRights.PUBLIC:
        return _("Anyone may use this data without asking first.")
    if rights == AvailabilityStatement.AccessRights.NON_PUBLIC:
        return _(
            "This data is not open to the public; only people the access committee approves, "
            "under a signed agreement, may use it."
        )
    return _(
        "Researchers must ask for access; an access committee checks their purpose, and they "
        "sign a data-use agreement first."
    )


def _headline(statement: AvailabilityStatement) -> str:
    parts = []
    if statement.is_proprietary:
        parts.append(_("Proprietary"))
    if statement.dataset.is_federated_only:
        parts.append(_("federated only") if parts else _("Federated only"))
    rights = AvailabilityStatement.AccessRights
    words: dict[str, str] = {
        rights.PUBLIC: _("public access"),
        rights.RESTRICTED: _("restricted access"),
        rights.NON_PUBLIC: _("non-public access"),
    }
    parts.append(words[statement.access_rights])
    if len(parts) > 1 or not parts[0][:1].isupper():
        parts[0] = parts[0][:1].upper() + parts[0][1:]
    return " · ".join(parts)
