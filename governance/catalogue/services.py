"""Writes in the catalogue: datasets and their availability statements.

Each service checks permission, runs in one transaction, changes statement state only through
STATEMENT_MACHINE and appends an audit event in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.accounts.models import Organisation
from governance.accounts.selectors import holder_organisation_ids, is_portal_staff
from governance.audit.services import record
from governance.catalogue.contradictions import Problem, contradictions
from governance.catalogue.models import (
    STATEMENT_MACHINE,
    AvailabilityStatement,
    Dataset,
    DuoTerm,
    StatementIsFinal,
    StatementModifier,
)
from governance.core.errors import (
    InvalidTransition,
    NotPermitted,
    PortalError,
    Problems,
    full_clean,
)

DATASET_FIELDS = (
    "persistent_url",
    "title",
    "description",
    "subject_count",
    "study_count",
    "source",
    "trial_sponsor",
    "industry_sponsored",
    "hosting",
    "has_radiation_reports",
    "quality_score",
    "quality_method",
    "biobank_links",
)
DATASET_RELATIONS = ("cancer_types", "modalities", "body_parts")
STATEMENT_FIELDS = (
    "is_proprietary",
    "proprietor",
    "licence_name",
    "licence_url",
    "access_rights",
    "duo_permission",
    "disease",
    "reuse_restrictions",
    "federated_use_restrictions",
    "access_committee_name",
    "contact_email",
    "embargo_until",
    "retention",
    "plain_summary",
)
MODIFIER_FIELDS = ("months", "until_date", "area", "detail")


class ContradictoryStatement(PortalError):
    """The statement contradicts itself; `problems` say what to fix."""

    code = "contradictory_statement"
    status = 400

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(
            _("The statement contradicts itself and was not published: %(problems)s")
            % {"problems": " ".join(problem.message for problem in problems)}
        )
        self.problems = problems


def _check_may_hold(actor, organisation_id: int) -> None:
    if not (is_portal_staff(actor) or organisation_id in holder_organisation_ids(actor)):
        raise NotPermitted(
            _(
                "Only the data holders of the custodian organisation (or portal staff) may "
                "register and edit its datasets. Ask your organisation's staff contact to give "
                "you the data-holder role."
            )
        )


def _dataset_summary(dataset: Dataset) -> dict[str, Any]:
    return {
        "title": dataset.title,
        "persistent_url": dataset.persistent_url,
        "custodian": dataset.custodian_id,
        "hosting": dataset.hosting,
        "source": dataset.source,
        "subject_count": dataset.subject_count,
    }


def dataset_problems(dataset: Dataset) -> Problems:
    """What a dataset's fields say together that none says alone."""
    problems = Problems()
    if dataset.source == Dataset.Source.CLINICAL_TRIAL and not dataset.trial_sponsor:
        problems.add("trial_sponsor", _("Name the sponsor of the clinical trial."))
    if dataset.source == Dataset.Source.REAL_WORLD:
        if dataset.trial_sponsor:
            problems.add(
                "trial_sponsor",
                _("Real-world data has no trial sponsor: clear it or choose “clinical trial”."),
            )
        if dataset.industry_sponsored:
            problems.add(
                "industry_sponsored",
                _("Only a clinical trial can be industry-sponsored: untick this."),
            )
    if dataset.quality_score is not None and not dataset.quality_method:
        problems.add("quality_method", _("Say how the quality score was obtained."))
    return problems


def _set_relations(obj, data: Mapping[str, Any], names: Iterable[str]) -> None:
    for name in names:
        if name in data:
            getattr(obj, name).set(data[name])


@transaction.atomic
def dataset_create(*, actor, custodian: Organisation, data: Mapping[str, Any]) -> Dataset:
    _check_may_hold(actor, custodian.pk)
    dataset = Dataset(custodian=custodian)
    for name in DATASET_FIELDS:
        if name in data:
            setattr(dataset, name, data[name])
    full_clean(dataset, dataset_problems(dataset))
    dataset.save()
    _set_relations(dataset, data, DATASET_RELATIONS)
    record(
        actor=actor,
        action="catalogue.dataset_created",
        obj=dataset,
        after=_dataset_summary(dataset),
    )
    return dataset


@transaction.atomic
def dataset_update(*, actor, dataset: Dataset, data: Mapping[str, Any]) -> Dataset:
    dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
    _check_may_hold(actor, dataset.custodian_id)
    before = _dataset_summary(dataset)
    if "custodian" in data and data["custodian"].pk != dataset.custodian_id:
        _check_may_hold(actor, data["custodian"].pk)
        dataset.custodian = data["custodian"]
    changed = ["custodian"] if "custodian" in data else []
    for name in DATASET_FIELDS:
        if name in data:
            setattr(dataset, name, data[name])
            changed.append(name)
    _refuse_federated_download(dataset)
    full_clean(dataset, dataset_problems(dataset))
    dataset.save(update_fields=[*changed, "updated_at"])
    _set_relations(dataset, data, DATASET_RELATIONS)
    record(
        actor=actor,
        action="catalogue.dataset_updated",
        obj=dataset,
        before=before,
        after=_dataset_summary(dataset),
    )
    return dataset


def _refuse_federated_download(dataset: Dataset) -> None:
    if not dataset.is_federated_only or dataset.current_statement_id is None:
        return
    current = dataset.current_statement
    if current is not None and current.access_conditions.filter(code="download").exists():
        raise PortalError(
            _(
                "The published statement offers this dataset for download, which federated-only "
                "data cannot be. Publish a new statement version without download access first, "
                "then change the hosting."
            ),
            code="contradictory_statement",
        )


# Statements


def _statement_summary(statement: AvailabilityStatement) -> dict[str, Any]:
    return {
        "version": statement.version,
        "state": statement.state,
        "access_rights": statement.access_rights,
        "is_proprietary": statement.is_proprietary,
        "duo_permission": statement.duo_permission_id,
        "disease": statement.disease_id,
        "access_conditions": sorted(c.code for c in statement.access_conditions.all()),
        "modifiers": sorted(m.duo_term_id for m in statement.modifiers.all()),
    }


def _apply_statement_data(statement: AvailabilityStatement, data: Mapping[str, Any]) -> list[str]:
    changed = []
    for name in STATEMENT_FIELDS:
        if name in data:
            setattr(statement, name, data[name])
            changed.append(name)
    return changed


def modifier_problems(entries: Iterable[Mapping[str, Any]]) -> Problems:
    """A statement's modifiers: each a data-use modifier, none twice."""
    problems = Problems()
    seen: set[str] = set()
    for entry in entries:
        term: DuoTerm = entry["duo_term"]
        if term.kind != DuoTerm.Kind.MODIFIER or term.deprecated:
            problems.add(
                "modifiers",
                _("%(term)s is not a data-use modifier; choose one from the list.")
                % {"term": term},
            )
        elif term.pk in seen:
            problems.add(
                "modifiers", _("The modifier %(term)s is listed twice; keep one.") % {"term": term}
            )
        seen.add(term.pk)
    return problems


def _set_statement_relations(statement: AvailabilityStatement, data: Mapping[str, Any]) -> None:
    if "access_conditions" in data:
        statement.access_conditions.set(data["access_conditions"])
    if "modifiers" in data:
        modifier_problems(data["modifiers"]).raise_if_any()
        statement.modifiers.all().delete()
        for entry in data["modifiers"]:
            StatementModifier.objects.create(
                statement=statement,
                duo_term=entry["duo_term"],
                **{name: entry.get(name) or _empty(name) for name in MODIFIER_FIELDS},
            )


def _empty(name: str):
    return "" if name in {"area", "detail"} else None


@transaction.atomic
def statement_create_draft(
    *, actor, dataset: Dataset, data: Mapping[str, Any] | None = None
) -> AvailabilityStatement:
    """A new draft version: a copy of the published statement if there is one, else blank."""
    dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
    _check_may_hold(actor, dataset.custodian_id)
    existing = list(dataset.statements.order_by("-version"))
    draft = next((s for s in existing if s.is_draft), None)
    if draft is not None:
        raise InvalidTransition(
            _(
                "Version %(version)s of this dataset's statement is already a draft: edit and "
                "publish that one."
            )
            % {"version": draft.version}
        )
    version = existing[0].version + 1 if existing else 1
    current = dataset.current_statement
    statement = AvailabilityStatement(dataset=dataset, version=version, created_by=actor)
    if current is not None:
        for name in STATEMENT_FIELDS:
            setattr(statement, name, getattr(current, name))
        statement.supersedes = current
    else:
        statement.contact_email = getattr(actor, "email", "")
    _apply_statement_data(statement, data or {})
    full_clean(statement, validate_constraints=False)
    statement.save()
    if current is not None:
        statement.access_conditions.set(current.access_conditions.all())
        for modifier in current.modifiers.all():
            StatementModifier.objects.create(
                statement=statement,
                duo_term_id=modifier.duo_term_id,
                **{name: getattr(modifier, name) for name in MODIFIER_FIELDS},
            )
    _set_statement_relations(statement, data or {})
    record(
        actor=actor,
        action="catalogue.statement_drafted",
        obj=statement,
        after=_statement_summary(statement),
    )
    return statement


def statement_new_version(*, actor, statement: AvailabilityStatement) -> AvailabilityStatement:
    """Start the next version of a published statement, as an editable copy of it."""
    if statement.state != AvailabilityStatement.State.PUBLISHED:
        raise InvalidTransition(
            _("Only the published version can be the base of a new one; this version is %(state)s.")
            % {"state": statement.get_state_display().lower()}
        )
    return statement_create_draft(actor=actor, dataset=statement.dataset)


@transaction.atomic
def statement_update_draft(
    *, actor, statement: AvailabilityStatement, data: Mapping[str, Any]
) -> AvailabilityStatement:
    statement = AvailabilityStatement.objects.select_for_update().get(pk=statement.pk)
    _check_may_hold(actor, statement.dataset.custodian_id)
    if not statement.is_draft:
        raise StatementIsFinal(statement)
    before = _statement_summary(statement)
    changed = _apply_statement_data(statement, data)
    full_clean(statement, validate_constraints=False)
    statement.save(update_fields=[*changed, "updated_at"])
    _set_statement_relations(statement, data)
    record(
        actor=actor,
        action="catalogue.statement_updated",
        obj=statement,
        before=before,
        after=_statement_summary(statement),
    )
    return statement


@transaction.atomic
def statement_publish(*, actor, statement: AvailabilityStatement) -> AvailabilityStatement:
    """Publish a draft; the version published before it becomes superseded."""
    statement = (
        AvailabilityStatement.objects.select_for_update(of=("self",))
        .select_related("dataset", "duo_permission", "disease")
        .get(pk=statement.pk)
    )
    dataset = Dataset.objects.select_for_update().get(pk=statement.dataset_id)
    _check_may_hold(actor, dataset.custodian_id)
    target = STATEMENT_MACHINE.target(statement.state, "publish")
    problems = contradictions(statement)
    if problems:
        raise ContradictoryStatement(problems)
    previous = dataset.current_statement
    if previous is not None:
        previous.state = STATEMENT_MACHINE.target(previous.state, "supersede")
        previous.save(update_fields=["state"])
        record(
            actor=actor,
            action="catalogue.statement_superseded",
            obj=previous,
            before={"state": "published"},
            after={"state": previous.state, "superseded_by_version": statement.version},
        )
    before = {"state": statement.state}
    statement.state = target
    statement.published_at = timezone.now()
    statement.published_by = actor
    statement.save(update_fields=["state", "published_at", "published_by", "updated_at"])
    dataset.current_statement = statement
    dataset.save(update_fields=["current_statement", "updated_at"])
    record(
        actor=actor,
        action="catalogue.statement_published",
        obj=statement,
        before=before,
        after=_statement_summary(statement),
    )
    return statement
