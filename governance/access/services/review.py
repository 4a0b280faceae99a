"""A request after its draft: submission, withdrawal, return, comments, votes and decisions."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.access import selectors
from governance.access.models import (
    REQUEST_MACHINE,
    AccessRequest,
    Committee,
    CommitteeMember,
    RequestComment,
    RequestedDataset,
    RequestVersion,
    Vote,
)
from governance.access.rules import committee_ids_of, conflict_reason
from governance.access.services.requests import (
    Outcome,
    State,
    _lock,
    _require_researcher,
    _url,
    _validate_items,
    request_problems,
)
from governance.audit.services import record
from governance.core.errors import ConcurrentChange, InvalidTransition, NotPermitted, PortalError
from governance.core.events import access_items_approved
from governance.notifications.services import send_email


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
