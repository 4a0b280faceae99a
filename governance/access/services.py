"""Writes for committees and access requests.

Each service checks permission, runs in one transaction, changes a request's state only through
REQUEST_MACHINE (with the request row locked) and appends an audit event in the same
transaction. Emails are queued in the outbox and go out after commit.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.access import selectors
from governance.access.models import (
    REQUEST_MACHINE,
    AccessRequest,
    Committee,
    CommitteeConflict,
    CommitteeMember,
    RequestComment,
    RequestedDataset,
    RequestVersion,
    Vote,
)
from governance.access.rules import (
    committee_ids_of,
    conflict_reason,
    forget_cached_seats,
)
from governance.accounts.models import Organisation
from governance.accounts.roles import Role
from governance.accounts.selectors import is_portal_staff, organisations_of
from governance.audit.services import record
from governance.catalogue.models import AccessCondition, Dataset, DuoTerm
from governance.core.errors import (
    ConcurrentChange,
    InvalidTransition,
    NotPermitted,
    PortalError,
    Problems,
    full_clean,
)
from governance.core.events import access_items_approved
from governance.core.uploads import check_pdf
from governance.notifications.services import send_email

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
COMMITTEE_FIELDS = (
    "name",
    "organisation",
    "contact_email",
    "decision_rule",
    "quorum",
    "reminder_days",
)
ETHICS_MAX_BYTES = 10 * 1024 * 1024
EDITABLE_STATES = (State.DRAFT, State.RETURNED)


# Committees


def _require_staff(actor, message: str) -> None:
    if not is_portal_staff(actor):
        raise NotPermitted(message)


def _committee_summary(committee: Committee) -> dict[str, Any]:
    return {
        "name": committee.name,
        "organisation": committee.organisation_id,
        "decision_rule": committee.decision_rule,
        "quorum": committee.quorum,
        "reminder_days": committee.reminder_days,
        "datasets": sorted(committee.datasets.values_list("pk", flat=True)),
    }


@transaction.atomic
def committee_create(*, actor, data: Mapping[str, Any]) -> Committee:
    _require_staff(actor, _("Only portal staff set up access committees."))
    committee = Committee(**{name: data[name] for name in COMMITTEE_FIELDS if name in data})
    committee.full_clean()
    committee.save()
    if "datasets" in data:
        committee.datasets.set(data["datasets"])
    record(
        actor=actor,
        action="access.committee_created",
        obj=committee,
        after=_committee_summary(committee),
    )
    return committee


@transaction.atomic
def committee_update(*, actor, committee: Committee, data: Mapping[str, Any]) -> Committee:
    _require_staff(actor, _("Only portal staff change access committees."))
    committee = Committee.objects.select_for_update().get(pk=committee.pk)
    before = _committee_summary(committee)
    changed = [name for name in COMMITTEE_FIELDS if name in data]
    for name in changed:
        setattr(committee, name, data[name])
    committee.full_clean()
    committee.save(update_fields=changed or None)
    if "datasets" in data:
        committee.datasets.set(data["datasets"])
    record(
        actor=actor,
        action="access.committee_updated",
        obj=committee,
        before=before,
        after=_committee_summary(committee),
    )
    return committee


@transaction.atomic
def committee_member_add(
    *, actor, committee: Committee, person, is_chair: bool = False
) -> CommitteeMember:
    _require_staff(actor, _("Only portal staff change a committee's members."))
    if CommitteeMember.objects.filter(committee=committee, person=person).exists():
        raise PortalError(
            _("%(person)s already sits on %(committee)s.")
            % {"person": person.email, "committee": committee.name},
            code="duplicate_member",
        )
    if is_chair:
        CommitteeMember.objects.filter(committee=committee, is_chair=True).update(is_chair=False)
    member = CommitteeMember.objects.create(committee=committee, person=person, is_chair=is_chair)
    _ensure_role(committee, person, Role.COMMITTEE_CHAIR if is_chair else Role.COMMITTEE_MEMBER)
    forget_cached_seats(person)
    record(
        actor=actor,
        action="access.committee_member_added",
        obj=committee,
        after={"person": person.pk, "is_chair": is_chair},
    )
    return member


def _ensure_role(committee: Committee, person, role: str) -> None:
    """A seat is also a role (so that the second factor is required) where the committee has an
    organisation; federation-wide committees' members get their role from staff."""
    from governance.accounts.models import Membership
    from governance.accounts.selectors import forget_cached_roles

    if committee.organisation_id is not None:
        Membership.objects.get_or_create(
            person=person, organisation_id=committee.organisation_id, role=role
        )
        forget_cached_roles(person)


@transaction.atomic
def committee_member_remove(*, actor, member: CommitteeMember) -> None:
    _require_staff(actor, _("Only portal staff change a committee's members."))
    record(
        actor=actor,
        action="access.committee_member_removed",
        obj=member.committee,
        before={"person": member.person_id, "is_chair": member.is_chair},
    )
    member.delete()
    forget_cached_seats(member.person)


@transaction.atomic
def conflict_declare(*, actor, organisation: Organisation, reason: str) -> CommitteeConflict:
    """A committee member declares a conflict of interest with an organisation."""
    if not committee_ids_of(actor):
        raise NotPermitted(_("Only committee members declare conflicts of interest."))
    if not reason.strip():
        raise PortalError(_("Say in a few words why you have a conflict of interest."))
    conflict, created = CommitteeConflict.objects.get_or_create(
        person=actor, organisation=organisation, defaults={"reason": reason.strip()[:500]}
    )
    if created:
        record(
            actor=actor,
            action="access.conflict_declared",
            obj=conflict,
            after={"organisation": organisation.pk},
        )
    return conflict


# Requests: building them


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


# Requests: transitions


def snapshot(request: AccessRequest) -> dict[str, Any]:
    items = request.items.select_related("dataset", "access_condition").order_by("pk")
    return {
        "version": request.version,
        "title": request.title,
        "lay_summary": request.lay_summary,
        "scientific_abstract": request.scientific_abstract,
        "purpose": f"{request.purpose.shorthand} ({request.purpose_id})",
        "disease": request.disease.label if request.disease else "",
        "commercial": request.commercial,
        "for_profit": request.for_profit,
        "method_development": request.method_development,
        "genetic_study": request.genetic_study,
        "starts_on": request.starts_on.isoformat(),
        "ends_on": request.ends_on.isoformat(),
        "team": request.team,
        "ethics_approval": (request.ethics_approval.name or "").rsplit("/", 1)[-1]
        if request.ethics_approval
        else "",
        "public_register_consent": request.public_register_consent,
        "items": [
            {
                "dataset_id": item.dataset_id,
                "dataset": item.dataset.title,
                "access_condition": item.access_condition_id,
                "justification": item.justification,
                "outcome": item.outcome,
            }
            for item in items
        ],
    }


@transaction.atomic
def request_submit(*, actor, request: AccessRequest) -> AccessRequest:
    request = _lock(request)
    _require_researcher(actor, request)
    target = REQUEST_MACHINE.target(request.state, "submit")
    items = list(
        request.items.select_related("dataset", "dataset__current_statement", "access_condition")
    )
    pending = [item for item in items if item.outcome == Outcome.PENDING]
    if not pending:
        raise PortalError(
            _("Add at least one dataset to the request before submitting it."), code="no_datasets"
        )
    if not request.public_register_consent:
        raise PortalError(
            _(
                "Agree to the publication of the title, lay summary, organisation and datasets "
                "in the public register: approved projects are public."
            ),
            code="consent_required",
        )
    request_problems({}, request).raise_if_any()
    _validate_items(
        [{"dataset": item.dataset, "access_condition": item.access_condition} for item in pending]
    )
    matches = selectors.compatibility_of(request, pending)
    for item in pending:
        compatibility, _statement = matches[item.pk]
        if not compatibility.compatible and not item.justification.strip():
            raise PortalError(
                _(
                    "“%(dataset)s” does not fit the stated purpose (%(reasons)s). Explain why "
                    "the committee should still grant it, or remove it from the request."
                )
                % {"dataset": item.dataset.title, "reasons": " ".join(compatibility.reasons)},
                code="justification_required",
            )
    committees = selectors.committees_by_dataset(item.dataset_id for item in pending)
    for item in pending:
        if item.dataset_id not in committees:
            raise PortalError(
                _(
                    "No access committee covers “%(dataset)s” yet, so nobody could decide on it. "
                    "Remove it from the request or ask the data holder (%(holder)s) to set one up."
                )
                % {"dataset": item.dataset.title, "holder": item.dataset.custodian},
                code="no_committee",
            )
    before = {"state": request.state, "version": request.version}
    if request.state == State.RETURNED:
        request.version += 1
    now = timezone.now()
    for item in pending:
        item.committee = committees[item.dataset_id]
        item.reminded_at = None
        item.save(update_fields=["committee", "reminded_at"])
    request.state = target
    request.submitted_at = now
    request.save(update_fields=["state", "version", "submitted_at"])
    RequestVersion.objects.create(
        request=request, version=request.version, snapshot=snapshot(request), submitted_at=now
    )
    record(
        actor=actor,
        action="access.request_submitted",
        obj=request,
        before=before,
        after={"state": request.state, "version": request.version},
    )
    committee_ids = {item.committee_id for item in pending}
    for committee in Committee.objects.filter(pk__in=[pk for pk in committee_ids if pk]):
        recipients = selectors.member_emails([committee.pk])
        if recipients:
            send_email(
                to=recipients,
                template="access/submitted",
                context={
                    "request": request,
                    "committee": committee,
                    "datasets": [
                        i.dataset.title for i in pending if i.committee_id == committee.pk
                    ],
                    "url": _url("access:request", request.pk),
                },
            )
    return request


@transaction.atomic
def request_withdraw(*, actor, request: AccessRequest) -> AccessRequest:
    request = _lock(request)
    _require_researcher(actor, request)
    target = REQUEST_MACHINE.target(request.state, "withdraw")
    decided = request.items.exclude(outcome=Outcome.PENDING).select_related("dataset").first()
    if decided is not None:
        raise InvalidTransition(
            _(
                "A committee has already decided on “%(dataset)s”, so the request can no longer "
                "be withdrawn; ask staff to end the access instead."
            )
            % {"dataset": decided.dataset.title}
        )
    before = {"state": request.state}
    request.state = target
    request.save(update_fields=["state"])
    record(
        actor=actor,
        action="access.request_withdrawn",
        obj=request,
        before=before,
        after={"state": request.state},
    )
    return request


def _acting_seat(actor, request: AccessRequest, committee_id: int | None) -> CommitteeMember:
    """The actor's seat on the committee answering this part, refusing conflicted members."""
    if committee_id is None:
        raise NotPermitted(_("Only members of the dataset's committee review it."))
    seat = CommitteeMember.objects.filter(committee_id=committee_id, person=actor).first()
    if seat is None:
        raise NotPermitted(_("Only members of the dataset's committee review it."))
    reason = conflict_reason(actor, request.organisation)
    if reason:
        raise NotPermitted(reason)
    return seat


def _start_review(actor, request: AccessRequest) -> None:
    if request.state == State.SUBMITTED:
        request.state = REQUEST_MACHINE.target(request.state, "start_review")
        request.save(update_fields=["state"])
        record(
            actor=actor,
            action="access.request_review_started",
            obj=request,
            before={"state": State.SUBMITTED},
            after={"state": request.state},
        )


def _require_open(request: AccessRequest, action: str) -> None:
    if request.state not in selectors.OPEN_STATES:
        message = {
            "vote": _(
                "This request is %(state)s: there is nothing to vote on until it is submitted."
            ),
            "decide": _(
                "This request is %(state)s: there is nothing to decide until it is submitted."
            ),
        }[action]
        raise InvalidTransition(message % {"state": request.get_state_display().lower()})


@transaction.atomic
def request_return(*, actor, request: AccessRequest, reason: str) -> AccessRequest:
    """A committee's chair sends the request back to the researcher for changes."""
    request = _lock(request)
    target = REQUEST_MACHINE.target(request.state, "return")
    committees = set(
        request.items.filter(outcome=Outcome.PENDING).values_list("committee_id", flat=True)
    )
    seat = (
        CommitteeMember.objects.filter(person=actor, committee_id__in=committees, is_chair=True)
        .select_related("committee")
        .first()
    )
    if seat is None:
        raise NotPermitted(
            _("Only the chair of a committee with a dataset still to decide may return it.")
        )
    conflict = conflict_reason(actor, request.organisation)
    if conflict:
        raise NotPermitted(conflict)
    if not reason.strip():
        raise PortalError(
            _("Tell the researcher what to change before returning the request."),
            code="reason_required",
        )
    before = {"state": request.state}
    request.state = target
    request.save(update_fields=["state"])
    RequestComment.objects.create(
        request=request,
        committee=seat.committee,
        author=actor,
        version=request.version,
        body=reason.strip(),
        visibility=RequestComment.Visibility.RESEARCHER,
    )
    record(
        actor=actor,
        action="access.request_returned",
        obj=request,
        before=before,
        after={"state": request.state, "committee": seat.committee_id},
    )
    send_email(
        to=request.researcher.email,
        template="access/returned",
        context={
            "request": request,
            "committee": seat.committee,
            "reason": reason.strip(),
            "url": _url("access:request", request.pk),
        },
    )
    return request


@transaction.atomic
def comment_add(
    *, actor, request: AccessRequest, body: str, visibility: str = "committee"
) -> RequestComment:
    request = _lock(request)
    committees = committee_ids_of(actor) & set(request.items.values_list("committee_id", flat=True))
    if not committees or request.state == State.DRAFT:
        raise NotPermitted(_("Only the committees reviewing this request comment on it."))
    if visibility not in RequestComment.Visibility.values:
        raise PortalError(_("Choose who may read the comment."))
    if not body.strip():
        raise PortalError(_("Write the comment first."), code="empty_comment")
    if request.state in selectors.OPEN_STATES:
        _start_review(actor, request)
    comment = RequestComment.objects.create(
        request=request,
        committee_id=min(committees),
        author=actor,
        version=request.version,
        body=body.strip(),
        visibility=visibility,
    )
    record(
        actor=actor,
        action="access.comment_added",
        obj=request,
        after={"comment": comment.pk, "visibility": visibility},
    )
    return comment


def _committee_of(item: RequestedDataset) -> Committee:
    """The committee of a submitted item (submission assigns one to every item)."""
    if item.committee is None:
        raise InvalidTransition(_("This dataset has no committee yet: submit the request first."))
    return item.committee


def _lock_item(request: AccessRequest, item: RequestedDataset) -> RequestedDataset:
    return (
        RequestedDataset.objects.select_for_update(of=("self",))
        .select_related("dataset", "committee", "access_condition")
        .get(pk=item.pk, request=request)
    )


@transaction.atomic
def vote_cast(*, actor, item: RequestedDataset, choice: str, reason: str = "") -> Vote:
    """One vote per member, dataset and version; under majority rule, the vote that meets the
    quorum with a majority decides."""
    request = _lock(item.request)
    item = _lock_item(request, item)
    _require_open(request, "vote")
    _acting_seat(actor, request, item.committee_id)
    if item.outcome != Outcome.PENDING:
        raise InvalidTransition(
            _("The committee has already decided on “%(dataset)s”.") % {"dataset": item.dataset}
        )
    if choice not in Vote.Choice.values:
        raise PortalError(_("Vote approve or reject."), code="invalid_vote")
    if Vote.objects.filter(item=item, voter=actor, version=request.version).exists():
        raise InvalidTransition(
            _("You have already voted on “%(dataset)s” for this version of the request.")
            % {"dataset": item.dataset},
            code="already_voted",
        )
    try:
        with transaction.atomic():
            vote = Vote.objects.create(
                item=item, voter=actor, version=request.version, choice=choice, reason=reason
            )
    except IntegrityError:
        raise ConcurrentChange(
            _("Your vote on “%(dataset)s” was already counted.") % {"dataset": item.dataset}
        ) from None
    _start_review(actor, request)
    record(
        actor=actor,
        action="access.vote_cast",
        obj=item,
        after={"choice": choice, "version": request.version, "request": request.pk},
    )
    if _committee_of(item).decision_rule == Committee.DecisionRule.MAJORITY:
        _decide_by_majority(actor, request, item)
    return vote


def _decide_by_majority(actor, request: AccessRequest, item: RequestedDataset) -> None:
    votes = list(Vote.objects.filter(item=item, version=request.version))
    approve = [v for v in votes if v.choice == Vote.Choice.APPROVE]
    reject = [v for v in votes if v.choice == Vote.Choice.REJECT]
    if len(votes) < _committee_of(item).quorum:
        return
    if len(approve) * 2 > len(votes):
        outcome, side = Outcome.APPROVED, approve
    elif len(reject) * 2 > len(votes):
        outcome, side = Outcome.REJECTED, reject
    else:
        return
    reasons = _("Majority vote: %(approve)s to approve, %(reject)s to reject.") % {
        "approve": len(approve),
        "reject": len(reject),
    }
    details = [v.reason.strip() for v in side if v.reason.strip()]
    _record_decision(actor, request, item, outcome, "\n".join([reasons, *details]))


@transaction.atomic
def item_decide(*, actor, item: RequestedDataset, outcome: str, reasons: str) -> RequestedDataset:
    """The chair's decision on one dataset (committees that decide by the chair)."""
    request = _lock(item.request)
    item = _lock_item(request, item)
    _require_open(request, "decide")
    seat = _acting_seat(actor, request, item.committee_id)
    if _committee_of(item).decision_rule != Committee.DecisionRule.CHAIR:
        raise InvalidTransition(
            _(
                "%(committee)s decides by majority vote: cast your vote; the decision is taken "
                "when the quorum is reached."
            )
            % {"committee": item.committee}
        )
    if not seat.is_chair:
        raise NotPermitted(_("Only the committee's chair decides; you can vote and comment."))
    if item.outcome != Outcome.PENDING:
        raise InvalidTransition(
            _("The committee has already decided on “%(dataset)s”.") % {"dataset": item.dataset}
        )
    if outcome not in (Outcome.APPROVED, Outcome.REJECTED):
        raise PortalError(_("Decide approved or rejected."), code="invalid_outcome")
    if not reasons.strip():
        raise PortalError(
            _("Give the reasons for the decision: the researcher reads them."),
            code="reasons_required",
        )
    _start_review(actor, request)
    _record_decision(actor, request, item, outcome, reasons.strip())
    return item


def _record_decision(
    actor, request: AccessRequest, item: RequestedDataset, outcome: str, reasons: str
) -> None:
    now = timezone.now()
    item.outcome = outcome
    item.reasons = reasons
    item.decided_by = actor
    item.decided_at = now
    item.save(update_fields=["outcome", "reasons", "decided_by", "decided_at"])
    record(
        actor=actor,
        action=f"access.item_{outcome}",
        obj=item,
        before={"outcome": Outcome.PENDING},
        after={"outcome": outcome, "request": request.pk, "dataset": item.dataset_id},
    )
    if outcome == Outcome.APPROVED:
        # Receivers (the agreements context) draft the data-use agreement in this transaction.
        access_items_approved.send(sender=AccessRequest, request=request, items=[item])
    outcomes = list(request.items.values_list("outcome", flat=True))
    if Outcome.PENDING not in outcomes:
        action = "approve" if Outcome.APPROVED in outcomes else "reject"
        before = {"state": request.state}
        request.state = REQUEST_MACHINE.target(request.state, action)
        request.decided_at = now
        request.save(update_fields=["state", "decided_at"])
        record(
            actor=actor,
            action=f"access.request_{request.state}",
            obj=request,
            before=before,
            after={"state": request.state},
        )
    send_email(
        to=request.researcher.email,
        template="access/decided",
        context={
            "request": request,
            "item": item,
            "dataset": item.dataset.title,
            "outcome": item.get_outcome_display().lower(),
            "reasons": reasons,
            "final": request.state in (State.APPROVED, State.REJECTED),
            "url": _url("access:request", request.pk),
        },
    )


# Reminders


def remind_committees(*, now: datetime.datetime | None = None) -> int:
    """Email each committee about its datasets left pending for `reminder_days`; returns the
    number of committees reminded. Each item is reminded at most once per period."""
    now = now or timezone.now()
    due = selectors.items_due_for_reminder(now)
    by_committee: dict[int, list[RequestedDataset]] = {}
    for item in due:
        by_committee.setdefault(_committee_of(item).pk, []).append(item)
    reminded = 0
    for committee_id, items in by_committee.items():
        with transaction.atomic():
            committee = _committee_of(items[0])
            recipients = selectors.member_emails([committee_id])
            RequestedDataset.objects.filter(pk__in=[item.pk for item in items]).update(
                reminded_at=now
            )
            if recipients:
                send_email(
                    to=recipients,
                    template="access/reminder",
                    context={
                        "committee": committee,
                        "items": items,
                        "days": committee.reminder_days,
                        "url": _url("access:requests"),
                    },
                )
            record(
                actor=None,
                action="access.committee_reminded",
                obj=committee,
                after={"items": [item.pk for item in items]},
            )
            reminded += 1
    return reminded


def _url(name: str, *args) -> str:
    from django.urls import reverse

    return settings.PORTAL_BASE_URL.rstrip("/") + reverse(name, args=args)
