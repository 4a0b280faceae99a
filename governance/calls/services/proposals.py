"""Proposals: an applicant drafts, saves, submits or withdraws; review starts on assignment."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.accounts.models import Organisation
from governance.audit.services import record
from governance.calls import rules
from governance.calls.answers import (
    InvalidAnswer,
    clean_answers,
    eligibility,
    is_blank,
    missing_answers,
)
from governance.calls.models import (
    PROPOSAL_MACHINE,
    Attachment,
    Call,
    Decision,
    OnboardingItem,
    Proposal,
    Question,
    Track,
)
from governance.calls.services.calls import _url
from governance.core.errors import (
    DeadlinePassed,
    Invalid,
    InvalidTransition,
    NotPermitted,
    PortalError,
)
from governance.core.times import format_moment
from governance.core.uploads import check_upload
from governance.notifications.services import send_email


def _check_deadline(call: Call, now: datetime | None = None) -> None:
    now = now or timezone.now()
    phase = call.phase(now)
    if phase == "closed":
        raise DeadlinePassed(
            _(
                "The deadline of %(call)s passed on %(deadline)s (Brussels time); proposals can "
                "no longer be submitted or changed."
            )
            % {
                "call": call.title,
                "deadline": format_moment(call.deadline),
            }
        )
    if phase == "upcoming":
        raise InvalidTransition(
            _("%(call)s opens on %(opens)s; come back then.")
            % {
                "call": call.title,
                "opens": format_moment(call.opens_at),
            }
        )


def _proposal_summary(proposal: Proposal) -> dict[str, Any]:
    return {"title": proposal.title, "state": proposal.state, "track": proposal.track.kind}


@transaction.atomic
def proposal_create(
    *, actor, call: Call, track: Track, organisation: Organisation, title: str
) -> Proposal:
    if organisation.pk not in rules.applicant_organisation_ids(actor):
        raise NotPermitted(
            _("You can apply only for an organisation where you hold the applicant role.")
        )
    if track.call_id != call.pk:
        raise Invalid({"track": _("Choose one of this call's tracks.")})
    if not call.is_published:
        raise InvalidTransition(_("This call is not published."))
    _check_deadline(call)
    title = title.strip()
    if not title or len(title) > 200:
        raise Invalid({"title": _("Give the proposal a title of at most 200 characters.")})
    proposal = Proposal.objects.create(
        call=call, track=track, organisation=organisation, created_by=actor, title=title
    )
    record(
        actor=actor,
        action="calls.proposal_created",
        obj=proposal,
        after=_proposal_summary(proposal),
    )
    return proposal


def _locked(proposal: Proposal) -> Proposal:
    # Lock the proposal row only: without `of`, PostgreSQL also locks the joined call, track and
    # organisation rows FOR UPDATE, which conflicts with the FOR KEY SHARE every concurrent
    # proposal insert takes on its call and track (a deadlock under load, issue 17).
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("call", "track", "organisation")
        .get(pk=proposal.pk)
    )


def _check_applicant(actor, proposal: Proposal) -> None:
    if not rules.is_applicant_of(actor, proposal):
        raise NotPermitted(_("Only the applicant organisation's applicants may do this."))


@transaction.atomic
def proposal_save(
    *,
    actor,
    proposal: Proposal,
    title: str | None = None,
    answers: Mapping[str, Any] | None = None,
    files: Mapping[str, Any] | None = None,
) -> Proposal:
    """Save partial answers (and uploaded files) of a draft; refuses after the deadline."""
    proposal = _locked(proposal)
    _check_applicant(actor, proposal)
    if proposal.state != Proposal.State.DRAFT:
        raise InvalidTransition(
            _("The proposal was submitted and is frozen: what evaluators read cannot change.")
        )
    _check_deadline(proposal.call)
    questions = list(proposal.track.questions.all())
    by_key = {q.key: q for q in questions}
    given = dict(answers or {})
    for key in list(given):
        if key in by_key and by_key[key].kind == Question.Kind.FILE:
            given.pop(key)  # file answers only come from uploads
    cleaned = clean_answers(questions, given)
    merged = {**proposal.answers, **cleaned}
    errors: dict[str, str] = {}
    for key, upload in (files or {}).items():
        question = by_key.get(key)
        if question is None or question.kind != Question.Kind.FILE:
            errors[key] = _("This question takes no file.")
            continue
        try:
            attachment = _store_attachment(
                actor=actor,
                proposal=proposal,
                upload=upload,
                question_key=key,
                allowed=question.allowed_types,
                max_bytes=(question.max_size_mb or 0) * 1024 * 1024 or None,
            )
        except PortalError as error:
            errors[key] = error.detail
            continue
        merged[key] = attachment.pk
    if errors:
        raise InvalidAnswer(errors)
    changed = ["answers", "updated_at"]
    proposal.answers = {k: v for k, v in merged.items() if not is_blank(v)}
    if title is not None and title.strip():
        proposal.title = title.strip()[:200]
        changed.append("title")
    proposal.save(update_fields=changed)
    record(
        actor=actor,
        action="calls.proposal_saved",
        obj=proposal,
        after={"answered": sorted(proposal.answers)},
    )
    return proposal


def _store_attachment(
    *,
    actor,
    proposal: Proposal,
    upload,
    question_key: str = "",
    onboarding_item: OnboardingItem | None = None,
    allowed: list[str] | None = None,
    max_bytes: int | None = None,
) -> Attachment:
    checked = check_upload(upload, allowed=allowed, max_bytes=max_bytes)
    attachment = Attachment(
        proposal=proposal,
        question_key=question_key,
        onboarding_item=onboarding_item,
        original_name=upload.name[-200:],
        kind=checked.kind,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    attachment.file.save(upload.name, upload, save=False)
    attachment.save()
    record(
        actor=actor,
        action="calls.attachment_uploaded",
        obj=attachment,
        after={"proposal": proposal.pk, "kind": checked.kind, "sha256": checked.sha256},
    )
    return attachment


def submission_problems(proposal: Proposal) -> list[str]:
    """What stands between a draft and its submission (besides the deadline)."""
    problems = [check.message for check in eligibility(proposal) if not check.passed]
    for question in missing_answers(list(proposal.track.questions.all()), proposal.answers):
        problems.append(_("Answer “%(q)s”.") % {"q": question.label})
    return problems


@transaction.atomic
def proposal_submit(*, actor, proposal: Proposal) -> Proposal:
    proposal = _locked(proposal)
    _check_applicant(actor, proposal)
    target = PROPOSAL_MACHINE.target(proposal.state, "submit")
    now = timezone.now()
    _check_deadline(proposal.call, now)
    problems = submission_problems(proposal)
    if problems:
        raise PortalError(
            _("The proposal cannot be submitted yet: %(p)s") % {"p": " ".join(problems)},
            code="incomplete",
        )
    files = [
        a
        for a in proposal.attachments.filter(onboarding_item__isnull=True)
        if proposal.answers.get(a.question_key) == a.pk
    ]
    proposal.snapshot = {
        "title": proposal.title,
        "track": proposal.track.kind,
        "organisation": proposal.organisation.name,
        "answers": dict(proposal.answers),
        "attachments": [
            {
                "id": a.pk,
                "question": a.question_key,
                "name": a.original_name,
                "kind": a.kind,
                "size": a.size,
                "sha256": a.sha256,
            }
            for a in files
        ],
        "submitted_at": now.isoformat(),
    }
    before = proposal.state
    proposal.state = target
    proposal.submitted_at = now
    proposal.save(update_fields=["snapshot", "state", "submitted_at", "updated_at"])
    record(
        actor=actor,
        action="calls.proposal_submitted",
        obj=proposal,
        before={"state": before},
        after={"state": target, "attachments": [a.sha256 for a in files]},
    )
    send_email(
        to=actor.email,
        template="calls/proposal_submitted",
        context={"proposal": proposal, "url": _url("calls:proposal", proposal.pk)},
    )
    return proposal


@transaction.atomic
def proposal_withdraw(*, actor, proposal: Proposal, reason: str = "") -> Proposal:
    proposal = _locked(proposal)
    _check_applicant(actor, proposal)
    if proposal.decisions.filter(stage=Decision.Stage.RELEASED).exists():
        raise InvalidTransition(
            _("A decision was released; the proposal can no longer be withdrawn.")
        )
    target = PROPOSAL_MACHINE.target(proposal.state, "withdraw")
    before = proposal.state
    proposal.state = target
    proposal.withdrawn_at = timezone.now()
    proposal.save(update_fields=["state", "withdrawn_at", "updated_at"])
    # Pending decisions on a withdrawn proposal go.
    proposal.decisions.filter(stage__in=[Decision.Stage.STAGED, Decision.Stage.REVIEWED]).update(
        stage=Decision.Stage.DISCARDED
    )
    record(
        actor=actor,
        action="calls.proposal_withdrawn",
        obj=proposal,
        before={"state": before},
        after={"state": target, "reason": reason[:500]},
    )
    return proposal


def start_review(*, actor, proposal: Proposal) -> None:
    """submitted → under_review, when the first evaluator is assigned (caller holds the lock)."""
    if proposal.state != Proposal.State.SUBMITTED:
        return
    proposal.state = PROPOSAL_MACHINE.target(proposal.state, "start_review")
    proposal.save(update_fields=["state", "updated_at"])
    record(
        actor=actor,
        action="calls.proposal_review_started",
        obj=proposal,
        before={"state": "submitted"},
        after={"state": proposal.state},
    )
