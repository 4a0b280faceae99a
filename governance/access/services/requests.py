"""Drafting and editing access requests: one field list, one check, the ethics approval."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from governance.access.models import AccessRequest, RequestedDataset
from governance.accounts.models import Organisation
from governance.accounts.roles import Role
from governance.accounts.selectors import organisations_of
from governance.audit.services import record
from governance.catalogue.models import AccessCondition, Dataset, DuoTerm
from governance.core.errors import (
    InvalidTransition,
    NotPermitted,
    PortalError,
    Problems,
    full_clean,
)
from governance.core.uploads import check_pdf

State = AccessRequest.State
Outcome = RequestedDataset.Outcome

REQUEST_FIELDS = (
    "title",
    "lay_summary",
    "scientific_abstract",
    "purpose",
    "disease",
    "commercial",
    "for_profit",
    "method_development",
    "genetic_study",
    "starts_on",
    "ends_on",
    "team",
    "public_register_consent",
)
ETHICS_MAX_BYTES = 10 * 1024 * 1024
EDITABLE_STATES = (State.DRAFT, State.RETURNED)


def researcher_organisations(person):
    return organisations_of(person, Role.RESEARCHER).order_by("name")


def check_ethics_file(upload: UploadedFile) -> None:
    """A PDF by its content (not its name), at most ETHICS_MAX_BYTES."""
    check_pdf(upload, max_bytes=ETHICS_MAX_BYTES)


def request_problems(data: Mapping[str, Any], current: AccessRequest | None) -> Problems:
    """What is wrong with a request's project fields, read from `data` or else from `current`."""

    def value(name):
        return data[name] if name in data else getattr(current, name, None)

    problems = Problems()
    purpose = value("purpose")
    if purpose is not None:
        if not isinstance(purpose, DuoTerm) or purpose.kind != DuoTerm.Kind.PERMISSION:
            problems.add("purpose", _("State the purpose with a DUO data-use permission term."))
        elif purpose.shorthand == "NRES":
            problems.add(
                "purpose",
                _("“No restriction” describes data, not a purpose: choose GRU, HMB, DS or POA."),
            )
        elif purpose.shorthand == "DS" and value("disease") is None:
            problems.add(
                "disease", _("Disease-specific research needs the disease studied: choose it.")
            )
    starts, ends = value("starts_on"), value("ends_on")
    if starts and ends and ends <= starts:
        problems.add("ends_on", _("The period must end after it starts."))
    team = value("team") or []
    if not isinstance(team, list) or not all(
        isinstance(member, dict) and member.get("name") for member in team
    ):
        problems.add("team", _("Give each team member at least a name."))
    return problems


def _validate_items(items: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    items = list(items)
    seen = set()
    for entry in items:
        dataset: Dataset = entry["dataset"]
        condition: AccessCondition = entry["access_condition"]
        statement = dataset.current_statement
        if statement is None:
            raise PortalError(
                _("“%(dataset)s” has no published availability statement and cannot be requested.")
                % {"dataset": dataset.title},
                code="not_published",
            )
        offered = {c.code for c in statement.access_conditions.all()}
        if condition.code not in offered:
            raise PortalError(
                _(
                    "“%(dataset)s” is not offered for %(condition)s; its statement offers: "
                    "%(offered)s."
                )
                % {
                    "dataset": dataset.title,
                    "condition": condition.label.lower(),
                    "offered": ", ".join(
                        c.label.lower() for c in statement.access_conditions.all()
                    ),
                },
                code="condition_not_offered",
            )
        key = (dataset.pk, condition.code)
        if key in seen:
            raise PortalError(
                _("“%(dataset)s” is listed twice with the same access; keep it once.")
                % {"dataset": dataset.title},
                code="duplicate_dataset",
            )
        seen.add(key)
    return items


def _request_summary(request: AccessRequest) -> dict[str, Any]:
    return {
        "state": request.state,
        "version": request.version,
        "title": request.title,
        "purpose": request.purpose_id,
        "datasets": sorted(request.items.values_list("dataset_id", flat=True)),
    }


def _store_ethics(request: AccessRequest, upload: UploadedFile | None) -> list[str]:
    if upload is None:
        return []
    check_ethics_file(upload)
    # A random name: the file is served only through the request's page, never by its path.
    request.ethics_approval.save(f"{uuid.uuid4().hex}.pdf", upload, save=False)
    return ["ethics_approval"]


@transaction.atomic
def request_create(
    *,
    actor,
    organisation: Organisation,
    data: Mapping[str, Any],
    items: Iterable[Mapping[str, Any]] = (),
    ethics_approval: UploadedFile | None = None,
) -> AccessRequest:
    if not researcher_organisations(actor).filter(pk=organisation.pk).exists():
        raise NotPermitted(
            _(
                "Only researchers of %(organisation)s may request access in its name. Ask your "
                "organisation's staff contact for the researcher role."
            )
            % {"organisation": organisation.name}
        )
    request_problems(data, None).raise_if_any()
    items = _validate_items(items)
    values = {name: data[name] for name in REQUEST_FIELDS if name in data}
    values.setdefault("for_profit", organisation.is_for_profit)
    request = AccessRequest(researcher=actor, organisation=organisation, **values)
    _store_ethics(request, ethics_approval)
    full_clean(request, exclude=["ethics_approval"])
    request.save()
    _replace_items(request, items)
    record(
        actor=actor, action="access.request_created", obj=request, after=_request_summary(request)
    )
    return request


def _replace_items(request: AccessRequest, items: list[Mapping[str, Any]]) -> None:
    """Set the request's pending datasets. Datasets a committee already decided stay as they are;
    pending ones that stay keep their row (and so their votes and history)."""
    existing = {(item.dataset_id, item.access_condition_id): item for item in request.items.all()}
    wanted = set()
    for entry in items:
        key = (entry["dataset"].pk, entry["access_condition"].pk)
        wanted.add(key)
        justification = (entry.get("justification") or "").strip()
        item = existing.get(key)
        if item is None:
            RequestedDataset.objects.create(
                request=request,
                dataset=entry["dataset"],
                access_condition=entry["access_condition"],
                justification=justification,
            )
        elif item.outcome == Outcome.PENDING and item.justification != justification:
            item.justification = justification
            item.save(update_fields=["justification"])
    for key, item in existing.items():
        if key not in wanted and item.outcome == Outcome.PENDING:
            item.delete()


def _lock(request: AccessRequest) -> AccessRequest:
    return (
        AccessRequest.objects.select_for_update(of=("self",))
        .select_related("organisation", "researcher", "purpose", "disease")
        .get(pk=request.pk)
    )


def _require_researcher(actor, request: AccessRequest) -> None:
    if request.researcher_id != getattr(actor, "pk", None):
        raise NotPermitted(_("Only the researcher who made the request may change it."))


@transaction.atomic
def request_update(
    *,
    actor,
    request: AccessRequest,
    data: Mapping[str, Any],
    items: Iterable[Mapping[str, Any]] | None = None,
    ethics_approval: UploadedFile | None = None,
) -> AccessRequest:
    request = _lock(request)
    _require_researcher(actor, request)
    if request.state not in EDITABLE_STATES:
        raise InvalidTransition(
            _(
                "This request is %(state)s and can no longer be edited; only drafts and requests "
                "returned for changes can."
            )
            % {"state": request.get_state_display().lower()}
        )
    before = _request_summary(request)
    request_problems(data, request).raise_if_any()
    changed = [name for name in REQUEST_FIELDS if name in data]
    for name in changed:
        setattr(request, name, data[name])
    changed += _store_ethics(request, ethics_approval)
    full_clean(request, exclude=["ethics_approval"])
    if changed:
        request.save(update_fields=changed)
    if items is not None:
        _replace_items(request, _validate_items(items))
    record(
        actor=actor,
        action="access.request_updated",
        obj=request,
        before=before,
        after=_request_summary(request),
    )
    return request


def _url(name: str, *args) -> str:
    from django.urls import reverse

    return settings.PORTAL_BASE_URL.rstrip("/") + reverse(name, args=args)
