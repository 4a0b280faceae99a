"""Writes of the consent context: forms, records and withdrawals (the CSV import is in
`importing.py`).

Each service checks permission, runs in one transaction, changes state only through the
transition tables in models.py and appends an audit event in the same transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.accounts.models import Organisation
from governance.accounts.selectors import holder_organisation_ids, is_portal_staff
from governance.agreements.selectors import usable_grants_on
from governance.audit.services import record as audit
from governance.catalogue.models import Dataset, DuoTerm
from governance.consent.models import (
    FORM_MACHINE,
    RECORD_MACHINE,
    ConsentForm,
    ConsentRecord,
    ConsentWithdrawal,
    FormIsFinal,
    Scope,
)
from governance.consent.pseudonyms import problem_with
from governance.consent.selectors import versions_of
from governance.core.errors import (
    Invalid,
    InvalidTransition,
    NotPermitted,
    PortalError,
    Problems,
    full_clean,
)
from governance.core.events import dataset_consent_changed
from governance.core.times import format_day
from governance.notifications.services import send_email

SCOPES = frozenset(Scope.values)
FORM_FIELDS = (
    "code",
    "title",
    "language",
    "duo_permission",
    "legal_basis",
    "offers_data_altruism",
    "plain_summary",
    "document",
)


# Permissions


def check_manages_dataset(actor, dataset: Dataset) -> None:
    if not (is_portal_staff(actor) or dataset.custodian_id in holder_organisation_ids(actor)):
        raise NotPermitted(
            _(
                "Only the data holders of the dataset's custodian organisation (or portal staff) "
                "may manage its consent records."
            )
        )


def _check_manages_organisation(actor, organisation_id: int | None) -> None:
    if is_portal_staff(actor):
        return
    if organisation_id is None:
        raise NotPermitted(
            _(
                "Only portal staff may write federation-wide consent forms; choose your "
                "organisation."
            )
        )
    if organisation_id not in holder_organisation_ids(actor):
        raise NotPermitted(
            _("Only the data holders of an organisation may write its consent forms.")
        )


# Consent forms


def _form_summary(form: ConsentForm) -> dict[str, Any]:
    return {
        "code": form.code,
        "version": form.version,
        "state": form.state,
        "organisation": form.organisation_id,
        "language": form.language,
        "duo_permission": form.duo_permission_id,
        "duo_modifiers": sorted(term.pk for term in form.duo_modifiers.all()),
        "legal_basis": form.legal_basis,
        "offers_data_altruism": form.offers_data_altruism,
        "document": form.document.name if form.document else "",
    }


def _apply_form_data(form: ConsentForm, data: Mapping[str, Any]) -> list[str]:
    changed = []
    for name in FORM_FIELDS:
        if name in data and not (name == "document" and not data[name]):
            setattr(form, name, data[name])
            changed.append(name)
    if form.duo_permission_id is not None:
        permission = form.duo_permission
        if permission.kind != DuoTerm.Kind.PERMISSION or permission.deprecated:
            raise Invalid(
                {
                    "duo_permission": _(
                        "%(term)s is not a data-use permission; choose one from the list."
                    )
                    % {"term": permission}
                }
            )
    return changed


def _set_modifiers(form: ConsentForm, data: Mapping[str, Any]) -> None:
    if "duo_modifiers" not in data:
        return
    terms = list(data["duo_modifiers"])
    for term in terms:
        if term.kind != DuoTerm.Kind.MODIFIER or term.deprecated:
            raise Invalid(
                {
                    "duo_modifiers": _(
                        "%(term)s is not a data-use modifier; choose one from the list."
                    )
                    % {"term": term}
                }
            )
    form.duo_modifiers.set(terms)


@transaction.atomic
def form_create(
    *, actor, organisation: Organisation | None, data: Mapping[str, Any]
) -> ConsentForm:
    """Version 1 of a new form, as a draft."""
    _check_manages_organisation(actor, organisation.pk if organisation else None)
    form = ConsentForm(organisation=organisation, created_by=actor, version=1)
    _apply_form_data(form, data)
    if versions_of(form).exists():
        raise Invalid(
            {
                "code": _(
                    "A consent form with the code “%(code)s” exists already. Open it and start "
                    "a new version, or choose another code."
                )
                % {"code": form.code}
            }
        )
    full_clean(form, exclude=["document"], validate_constraints=False)
    form.save()
    _set_modifiers(form, data)
    audit(actor=actor, action="consent.form_created", obj=form, after=_form_summary(form))
    return form


@transaction.atomic
def form_update_draft(*, actor, form: ConsentForm, data: Mapping[str, Any]) -> ConsentForm:
    form = ConsentForm.objects.select_for_update().get(pk=form.pk)
    _check_manages_organisation(actor, form.organisation_id)
    if not form.is_draft:
        raise FormIsFinal(form)
    data = {name: value for name, value in data.items() if name != "code"}
    before = _form_summary(form)
    changed = _apply_form_data(form, data)
    full_clean(form, exclude=["document"], validate_constraints=False)
    form.save(update_fields=[*changed, "updated_at"])
    _set_modifiers(form, data)
    audit(
        actor=actor,
        action="consent.form_updated",
        obj=form,
        before=before,
        after=_form_summary(form),
    )
    return form


@transaction.atomic
def form_publish(*, actor, form: ConsentForm) -> ConsentForm:
    """Put a draft in use; the version in use before it becomes superseded."""
    form = ConsentForm.objects.select_for_update().get(pk=form.pk)
    _check_manages_organisation(actor, form.organisation_id)
    target = FORM_MACHINE.target(form.state, "publish")
    if not form.document:
        raise PortalError(
            _("Upload the form itself (PDF) before putting this version in use."),
            code="document_missing",
        )
    previous = (
        versions_of(form).select_for_update().filter(state=ConsentForm.State.PUBLISHED).first()
    )
    if previous is not None:
        previous.state = FORM_MACHINE.target(previous.state, "supersede")
        previous.save(update_fields=["state", "updated_at"])
        audit(
            actor=actor,
            action="consent.form_superseded",
            obj=previous,
            before={"state": "published"},
            after={"state": previous.state, "superseded_by_version": form.version},
        )
    form.state = target
    form.published_at = timezone.now()
    form.save(update_fields=["state", "published_at", "updated_at"])
    audit(
        actor=actor,
        action="consent.form_published",
        obj=form,
        before={"state": "draft"},
        after=_form_summary(form),
    )
    return form


@transaction.atomic
def form_new_version(*, actor, form: ConsentForm) -> ConsentForm:
    """A draft copy of the latest version, numbered one higher."""
    _check_manages_organisation(actor, form.organisation_id)
    versions = list(versions_of(form).select_for_update().order_by("-version"))
    draft = next((version for version in versions if version.is_draft), None)
    if draft is not None:
        raise InvalidTransition(
            _("Version %(version)s of this form is already a draft: edit and publish that one.")
            % {"version": draft.version}
        )
    latest = versions[0]
    copy = ConsentForm(
        organisation_id=latest.organisation_id,
        code=latest.code,
        version=latest.version + 1,
        created_by=actor,
        supersedes=latest,
        **{name: getattr(latest, name) for name in FORM_FIELDS if name not in {"code"}},
    )
    copy.save()
    copy.duo_modifiers.set(latest.duo_modifiers.all())
    audit(actor=actor, action="consent.form_drafted", obj=copy, after=_form_summary(copy))
    return copy


# Consent records


def record_problems(
    *,
    pseudonym: str,
    form: ConsentForm | None,
    given_on: datetime.date | None,
    scope: str,
    data_altruism: bool,
    today: datetime.date,
) -> Problems:
    """What is wrong with a record's values, by field (the CSV import checks rows with them)."""
    problems = Problems()
    problem = problem_with(pseudonym)
    if problem:
        problems.add("pseudonym", problem)
    if given_on is not None and given_on > today:
        problems.add(
            "given_on",
            _("The consent date %(date)s is in the future.") % {"date": format_day(given_on)},
        )
    if scope not in SCOPES:
        problems.add(
            "scope",
            _("The scope “%(scope)s” is unknown; use one of: %(choices)s.")
            % {"scope": scope, "choices": ", ".join(Scope.values)},
        )
    if data_altruism and form is not None and not form.offers_data_altruism:
        problems.add(
            "data_altruism",
            _("Version %(version)s of “%(form)s” does not offer data altruism.")
            % {"version": form.version, "form": form.code},
        )
    return problems


def _record_summary(record: ConsentRecord) -> dict[str, Any]:
    return {
        "dataset": record.dataset_id,
        "form": record.form_id,
        "given_on": record.given_on,
        "scope": record.scope,
        "data_altruism": record.data_altruism,
        "status": record.status,
    }


@transaction.atomic
def record_create(*, actor, dataset: Dataset, data: Mapping[str, Any]) -> ConsentRecord:
    """Record one subject's consent for a dataset."""
    check_manages_dataset(actor, dataset)
    form: ConsentForm = data["form"]
    usable = not form.is_draft and (
        form.organisation_id is None or form.organisation_id == dataset.custodian_id
    )
    if not usable:
        raise PortalError(
            _(
                "This consent form version cannot be used for this dataset: choose a version "
                "in use of the custodian's own forms or a federation-wide one."
            ),
            code="form_not_usable",
        )
    pseudonym = data["pseudonym"].strip()
    problems = record_problems(
        pseudonym=pseudonym,
        form=form,
        given_on=data["given_on"],
        scope=data["scope"],
        data_altruism=bool(data.get("data_altruism")),
        today=timezone.localdate(),
    )
    problems.raise_if_any()
    record = ConsentRecord(
        dataset=dataset,
        pseudonym=pseudonym,
        form=form,
        given_on=data["given_on"],
        scope=data["scope"],
        data_altruism=bool(data.get("data_altruism")),
    )
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        raise PortalError(
            _(
                "The subject “%(pseudonym)s” already has a consent record for this dataset; "
                "open it from the subject's history."
            )
            % {"pseudonym": pseudonym},
            code="duplicate_record",
        ) from None
    audit(actor=actor, action="consent.record_created", obj=record, after=_record_summary(record))
    return record


@transaction.atomic
def record_withdraw(
    *,
    actor,
    record: ConsentRecord,
    withdrawn_on: datetime.date,
    scope: str,
    reason: str = "",
) -> ConsentWithdrawal:
    """The subject withdrew consent. In this one transaction: the record becomes withdrawn,
    the dataset's counts change with it, every usable grant on the dataset gets a notice (to its
    researcher and its committee), the audit trail records it and the token service is told."""
    record = (
        ConsentRecord.objects.select_for_update(of=("self",))
        .select_related("dataset", "form")
        .get(pk=record.pk)
    )
    check_manages_dataset(actor, record.dataset)
    target = RECORD_MACHINE.target(record.status, "withdraw")
    if scope not in ConsentWithdrawal.Scope.values:
        raise PortalError(
            _("Choose whether the withdrawal stops future use only or also asks for removal."),
            code="invalid_withdrawal",
        )
    if withdrawn_on > timezone.localdate():
        raise PortalError(
            _("The withdrawal date %(date)s is in the future; record it on or after that day.")
            % {"date": format_day(withdrawn_on)},
            code="invalid_withdrawal",
        )
    if withdrawn_on < record.given_on:
        raise PortalError(
            _("The withdrawal date is before consent was given (%(date)s).")
            % {"date": format_day(record.given_on)},
            code="invalid_withdrawal",
        )
    before = _record_summary(record)
    withdrawal = ConsentWithdrawal.objects.create(
        record=record,
        withdrawn_on=withdrawn_on,
        scope=scope,
        reason=reason.strip(),
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record.status = target
    record.withdrawn_on = withdrawn_on
    record.save(update_fields=["status", "withdrawn_on", "updated_at"])
    withdrawal.notified_grants = _notify_grant_holders(record, withdrawal)
    withdrawal.save(update_fields=["notified_grants"])
    audit(
        actor=actor,
        action="consent.withdrawn",
        obj=record,
        before=before,
        after={
            **_record_summary(record),
            "withdrawn_on": withdrawn_on,
            "withdrawal_scope": scope,
            "reason_given": bool(withdrawal.reason),
            "grants_notified": withdrawal.notified_grants,
        },
    )
    dataset_consent_changed.send(
        sender=ConsentWithdrawal,
        dataset_id=record.dataset_id,
        pseudonym=record.pseudonym,
        withdrawal=withdrawal,
    )
    return withdrawal


def _notify_grant_holders(record: ConsentRecord, withdrawal: ConsentWithdrawal) -> int:
    """Queue one notice per researcher and per committee member with a usable grant on the
    dataset (the outbox delivers them after commit). Returns the number of grants concerned."""
    grants = list(
        usable_grants_on(record.dataset_id).prefetch_related("committee__members__person")
    )
    researchers: dict[int, Any] = {}
    members: dict[int, Any] = {}
    for grant in grants:
        researchers.setdefault(grant.person_id, grant.person)
        if grant.committee is not None:
            for member in grant.committee.members.all():
                members.setdefault(member.person_id, member.person)
    context = {
        "dataset": record.dataset,
        "pseudonym": record.pseudonym,
        "withdrawal": withdrawal,
        "removal": withdrawal.scope == ConsentWithdrawal.Scope.REMOVAL,
        "grants_count": len(grants),
    }
    for person in researchers.values():
        if person.email:
            send_email(
                to=person.email,
                template="consent/withdrawal_researcher",
                context={**context, "person": person},
            )
    for person in members.values():
        if person.email:
            send_email(
                to=person.email,
                template="consent/withdrawal_committee",
                context={
                    **context,
                    "person": person,
                    "dataset_url": reverse("catalogue:dataset", args=[record.dataset_id]),
                },
            )
    return len(grants)
