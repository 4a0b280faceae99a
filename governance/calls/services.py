"""Writes for calls and proposals: one atomic function per action, each checking permission,
changing state through its transition table and recording an audit event in the same
transaction. Emails and letters follow after commit.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.accounts.models import Organisation
from governance.accounts.roles import ProviderType
from governance.accounts.selectors import is_portal_staff
from governance.audit.services import record
from governance.calls import rules, selectors
from governance.calls.answers import (
    InvalidAnswer,
    clean_answers,
    eligibility,
    is_blank,
    missing_answers,
)
from governance.calls.defaults import ONBOARDING_CHECKLISTS
from governance.calls.models import (
    DECISION_MACHINE,
    ONBOARDING_ITEM_MACHINE,
    PROPOSAL_MACHINE,
    Attachment,
    Call,
    CallNotice,
    Criterion,
    Decision,
    OnboardingItem,
    Proposal,
    Question,
    Subscription,
    Track,
)
from governance.core.errors import (
    ConcurrentChange,
    DeadlinePassed,
    InvalidTransition,
    NotPermitted,
    PortalError,
)
from governance.core.times import format_moment
from governance.core.translations import clean_translations, merged_translations
from governance.core.uploads import KINDS, check_upload
from governance.notifications.services import send_email

CALL_FIELDS = (
    "title",
    "summary",
    "description",
    "opens_at",
    "deadline",
    "is_published",
    "eligible_countries",
    "evaluators_per_proposal",
    "conflict_same_country",
    "hide_scores_until_submitted",
    "scale_min",
    "scale_max",
)
DEADLINE_NOTICE_DAYS = 7
OUTCOME_ACTION = {"accept": "accept", "reject": "reject", "waitlist": "waitlist"}


def _url(name: str, *args) -> str:
    from django.conf import settings

    return settings.PORTAL_BASE_URL + reverse(name, args=args)


# Calls


def _check_may_configure(actor, call: Call | None) -> None:
    allowed = rules.may_chair(actor, call) if call else rules.may_create_calls(actor)
    if not allowed:
        raise NotPermitted(_("Only portal staff and the call's chairs may configure a call."))


def _call_summary(call: Call) -> dict[str, Any]:
    return {
        "title": call.title,
        "opens_at": call.opens_at,
        "deadline": call.deadline,
        "is_published": call.is_published,
        "evaluators_per_proposal": call.evaluators_per_proposal,
        "conflict_same_country": call.conflict_same_country,
    }


def _validate_call(call: Call) -> None:
    if call.opens_at and call.deadline and call.deadline <= call.opens_at:
        raise PortalError(_("The deadline must come after the opening."), code="invalid")
    if call.scale_max <= call.scale_min:
        raise PortalError(_("The highest score must be above the lowest."), code="invalid")
    try:
        call.full_clean(exclude=["created_by"])
    except ValidationError as error:
        raise PortalError(
            " ".join(f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items()),
            code="invalid",
        ) from None


@transaction.atomic
def call_create(
    *, actor, data: Mapping[str, Any], configuration: Mapping[str, Any] | None = None
) -> Call:
    _check_may_configure(actor, None)
    call = Call(created_by=actor)
    for name in CALL_FIELDS:
        if name in data:
            setattr(call, name, data[name])
    _validate_call(call)
    call.save()
    if "chairs" in data:
        call.chairs.set(data["chairs"])
    elif not is_portal_staff(actor):
        call.chairs.add(actor)
    if configuration is not None:
        _configure(call, configuration)
    record(actor=actor, action="calls.call_created", obj=call, after=_call_summary(call))
    return call


@transaction.atomic
def call_update(
    *, actor, call: Call, data: Mapping[str, Any], configuration: Mapping[str, Any] | None = None
) -> Call:
    call = Call.objects.select_for_update().get(pk=call.pk)
    _check_may_configure(actor, call)
    before = _call_summary(call)
    changed = [name for name in CALL_FIELDS if name in data]
    for name in changed:
        setattr(call, name, data[name])
    _validate_call(call)
    call.save(update_fields=[*changed, "updated_at"])
    if "chairs" in data:
        call.chairs.set(data["chairs"])
    if configuration is not None:
        if call.proposals.exists():
            raise InvalidTransition(
                _(
                    "Proposals were started on this call, so its forms and rubric can no "
                    "longer change. Change the texts and dates only."
                )
            )
        _configure(call, configuration)
    record(
        actor=actor,
        action="calls.call_updated",
        obj=call,
        before=before,
        after=_call_summary(call),
    )
    return call


@transaction.atomic
def call_translations_save(
    *, actor, call: Call, translations: Mapping[str, Any], partial: bool = False
) -> Call:
    """Set the call's texts in other languages (`{language: {field: text}}`); with `partial`,
    only the languages given change. Allowed in any phase: a translation renders the call's
    texts, it does not change them."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    _check_may_configure(actor, call)
    cleaned = clean_translations(translations, model=Call, fields=Call.TRANSLATABLE)
    before = call.translations
    after = merged_translations(before, translations, cleaned, partial=partial)
    call.translations = after
    call.save(update_fields=["translations", "updated_at"])
    record(
        actor=actor,
        action="calls.call_translations_saved",
        obj=call,
        before={"languages": sorted(before)},
        after={"languages": sorted(after)},
    )
    return call


def _configure(call: Call, configuration: Mapping[str, Any]) -> None:
    """Replace the call's tracks, questions and criteria by those described in `configuration`."""
    try:
        tracks = configuration.get("tracks") or []
        criteria = configuration.get("criteria") or []
        if not tracks or not criteria:
            raise ValueError(_("A call needs at least one track and one criterion."))
        call.tracks.all().delete()
        call.criteria.all().delete()
        for spec in tracks:
            kind = spec["kind"]
            if kind not in Track.Kind.values:
                raise ValueError(_("Unknown track %(kind)s.") % {"kind": kind})
            unknown = set(spec.get("provider_types", [])) - set(ProviderType.values)
            if unknown:
                raise ValueError(_("Unknown organisation types: %(u)s.") % {"u": sorted(unknown)})
            track = Track.objects.create(
                call=call,
                kind=kind,
                description=spec.get("description", ""),
                provider_types=list(spec.get("provider_types", [])),
            )
            for position, q in enumerate(spec.get("questions", [])):
                if q["kind"] not in Question.Kind.values:
                    raise ValueError(_("Unknown question kind %(k)s.") % {"k": q["kind"]})
                if set(q.get("allowed_types", [])) - set(KINDS):
                    raise ValueError(_("Files may be: %(k)s.") % {"k": ", ".join(KINDS)})
                question = Question(
                    track=track,
                    position=position,
                    key=q["key"],
                    label=q["label"],
                    help_text=q.get("help_text", ""),
                    kind=q["kind"],
                    required=q.get("required", True),
                    max_length=q.get("max_length"),
                    choices=list(q.get("choices", [])),
                    min_value=Decimal(str(q["min_value"])) if q.get("min_value") else None,
                    max_value=Decimal(str(q["max_value"])) if q.get("max_value") else None,
                    allowed_types=list(q.get("allowed_types", [])),
                    max_size_mb=q.get("max_size_mb"),
                )
                if question.kind == Question.Kind.CHOICE and not question.choices:
                    raise ValueError(_("A choice question needs choices: %(k)s.") % {"k": q["key"]})
                question.full_clean(exclude=["track"])
                question.save()
        for position, c in enumerate(criteria):
            Criterion.objects.create(
                call=call,
                position=position,
                name=c["name"],
                description=c.get("description", ""),
                weight=Decimal(str(c.get("weight", 1))),
            )
    except (KeyError, TypeError, ValueError, ValidationError, IntegrityError) as error:
        message = error.messages if isinstance(error, ValidationError) else [str(error)]
        raise PortalError(
            _("The form and rubric configuration is not valid: %(error)s")
            % {"error": " ".join(message)},
            code="invalid_configuration",
        ) from None


def configuration_of(call: Call) -> dict[str, Any]:
    def number(value):
        # Written out, never with an exponent: Decimal("10000000").normalize() is "1E+7".
        if value is None:
            return None
        return str(int(value)) if value == value.to_integral_value() else f"{value.normalize():f}"

    return {
        "tracks": [
            {
                "kind": track.kind,
                "description": track.description,
                "provider_types": track.provider_types,
                "questions": [
                    {
                        key: value
                        for key, value in {
                            "key": q.key,
                            "label": q.label,
                            "kind": q.kind,
                            "help_text": q.help_text or None,
                            "required": q.required,
                            "max_length": q.max_length,
                            "choices": q.choices or None,
                            "min_value": number(q.min_value),
                            "max_value": number(q.max_value),
                            "allowed_types": q.allowed_types or None,
                            "max_size_mb": q.max_size_mb,
                        }.items()
                        if value is not None
                    }
                    for q in track.questions.all()
                ],
            }
            for track in call.tracks.all()
        ],
        "criteria": [
            {"name": c.name, "description": c.description, "weight": float(c.weight)}
            for c in call.criteria.all()
        ],
    }


# Proposals


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
        raise PortalError(_("Choose one of this call's tracks."), code="invalid")
    if not call.is_published:
        raise InvalidTransition(_("This call is not published."))
    _check_deadline(call)
    title = title.strip()
    if not title or len(title) > 200:
        raise PortalError(_("Give the proposal a title of at most 200 characters."))
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
    return (
        Proposal.objects.select_for_update()
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


# Decisions: staged → reviewed → released (together)


def _check_chair(actor, call: Call) -> None:
    if not rules.may_chair(actor, call):
        raise NotPermitted(_("Only the call's chairs may decide on its proposals."))


@transaction.atomic
def decision_stage(*, actor, proposal: Proposal, outcome: str, reason: str) -> Decision:
    """Stage a decision. Of two chairs deciding at once, the second is told (409)."""
    proposal = _locked(proposal)
    _check_chair(actor, proposal.call)
    if outcome not in OUTCOME_ACTION:
        raise PortalError(_("Choose accept, reject or waitlist."), code="invalid")
    if not reason.strip():
        raise PortalError(_("Give the applicant a reason."), code="invalid")
    # The state machine decides whether this outcome is possible from here.
    PROPOSAL_MACHINE.target(proposal.state, OUTCOME_ACTION[outcome])
    pending = proposal.decisions.filter(
        stage__in=[Decision.Stage.STAGED, Decision.Stage.REVIEWED]
    ).first()
    if pending is not None:
        raise ConcurrentChange(
            _(
                "%(who)s already staged “%(outcome)s” for this proposal. Reload the page; "
                "discard that decision first if you disagree."
            )
            % {"who": pending.decided_by, "outcome": pending.get_outcome_display()}
        )
    decision = Decision.objects.create(
        proposal=proposal, outcome=outcome, reason=reason.strip(), decided_by=actor
    )
    record(
        actor=actor,
        action="calls.decision_staged",
        obj=decision,
        after={"proposal": proposal.pk, "outcome": outcome},
    )
    return decision


def _locked_decision(decision: Decision) -> Decision:
    return (
        Decision.objects.select_for_update()
        .select_related("proposal", "proposal__call")
        .get(pk=decision.pk)
    )


@transaction.atomic
def decision_review(*, actor, decision: Decision) -> Decision:
    decision = _locked_decision(decision)
    _check_chair(actor, decision.proposal.call)
    decision.stage = DECISION_MACHINE.target(decision.stage, "review")
    decision.reviewed_by = actor
    decision.reviewed_at = timezone.now()
    decision.save(update_fields=["stage", "reviewed_by", "reviewed_at"])
    record(actor=actor, action="calls.decision_reviewed", obj=decision, after={"stage": "reviewed"})
    return decision


@transaction.atomic
def decision_discard(*, actor, decision: Decision) -> Decision:
    decision = _locked_decision(decision)
    _check_chair(actor, decision.proposal.call)
    before = decision.stage
    decision.stage = DECISION_MACHINE.target(decision.stage, "discard")
    decision.save(update_fields=["stage"])
    record(
        actor=actor,
        action="calls.decision_discarded",
        obj=decision,
        before={"stage": before},
        after={"stage": decision.stage},
    )
    return decision


@transaction.atomic
def decisions_release(*, actor, call: Call) -> list[Decision]:
    """Release every reviewed decision of the call together; each applicant gets a letter."""
    _check_chair(actor, call)
    decisions = list(selectors.decisions_to_release(call).select_for_update(of=("self",)))
    if not decisions:
        raise InvalidTransition(
            _("No reviewed decision is waiting. Stage decisions and review them first.")
        )
    now = timezone.now()
    for decision in decisions:
        proposal = _locked(decision.proposal)
        before = proposal.state
        proposal.state = PROPOSAL_MACHINE.target(proposal.state, OUTCOME_ACTION[decision.outcome])
        proposal.save(update_fields=["state", "updated_at"])
        decision.stage = DECISION_MACHINE.target(decision.stage, "release")
        decision.released_at = now
        decision.proposal = proposal
        decision.save(update_fields=["stage", "released_at"])
        if proposal.state == Proposal.State.ACCEPTED:
            _create_checklist(proposal)
        record(
            actor=actor,
            action="calls.decision_released",
            obj=proposal,
            before={"state": before},
            after={"state": proposal.state, "decision": decision.pk},
        )
        transaction.on_commit(partial(_start_letter, decision.pk))
    return decisions


def _start_letter(decision_id: int) -> None:
    from governance.calls.tasks import send_decision_letter

    send_decision_letter.delay(decision_id)


def send_decision_letter(*, decision_id: int) -> None:
    """Render and store the letter, then email each applicant of the organisation."""
    from governance.calls.letters import letter_of

    decision = Decision.objects.select_related(
        "proposal", "proposal__call", "proposal__organisation"
    ).get(pk=decision_id)
    letter_of(decision)
    proposal = decision.proposal
    recipients = [person.email for person in selectors.letter_recipients(proposal)]
    with transaction.atomic():
        for email in recipients:
            send_email(
                to=email,
                template="calls/decision_released",
                context={
                    "proposal": proposal,
                    "decision": decision,
                    "url": _url("calls:proposal", proposal.pk),
                    "letter_url": _url("calls:decision_letter", proposal.pk),
                },
            )


# Onboarding


def _create_checklist(proposal: Proposal) -> None:
    for position, spec in enumerate(ONBOARDING_CHECKLISTS[proposal.track.kind]):
        OnboardingItem.objects.get_or_create(
            proposal=proposal,
            key=spec["key"],
            defaults={
                "position": position,
                "label": spec["label"],
                "help_text": spec.get("help_text", ""),
                "required": spec.get("required", True),
                "needs_evidence": spec.get("needs_evidence", False),
            },
        )


@transaction.atomic
def onboarding_submit(*, actor, item: OnboardingItem, statement: str, upload=None):
    item = OnboardingItem.objects.select_for_update().get(pk=item.pk)
    proposal = _locked(item.proposal)
    _check_applicant(actor, proposal)
    if proposal.state not in (Proposal.State.ACCEPTED, Proposal.State.ONBOARDING):
        raise InvalidTransition(_("Onboarding is open to accepted proposals only."))
    target = ONBOARDING_ITEM_MACHINE.target(item.state, "submit")
    if item.needs_evidence and upload is None and not item.attachments.exists():
        raise PortalError(_("Upload the evidence for “%(i)s”.") % {"i": item.label})
    if not statement.strip() and upload is None:
        raise PortalError(_("Confirm the item in a sentence or upload evidence."))
    if upload is not None:
        _store_attachment(
            actor=actor,
            proposal=proposal,
            upload=upload,
            onboarding_item=item,
            allowed=["pdf", "png", "jpeg", "docx", "xlsx"],
        )
    item.state = target
    item.statement = statement.strip()
    item.submitted_at = timezone.now()
    item.save(update_fields=["state", "statement", "submitted_at"])
    if proposal.state == Proposal.State.ACCEPTED:
        proposal.state = PROPOSAL_MACHINE.target(proposal.state, "start_onboarding")
        proposal.save(update_fields=["state", "updated_at"])
    record(
        actor=actor,
        action="calls.onboarding_item_submitted",
        obj=item,
        after={"proposal": proposal.pk, "key": item.key},
    )
    return item


@transaction.atomic
def onboarding_review(*, actor, item: OnboardingItem, approve: bool, note: str = ""):
    if not is_portal_staff(actor):
        raise NotPermitted(_("Portal staff review onboarding evidence."))
    item = OnboardingItem.objects.select_for_update().get(pk=item.pk)
    if not approve and not note.strip():
        raise PortalError(_("Say what the beneficiary must change."))
    item.state = ONBOARDING_ITEM_MACHINE.target(item.state, "approve" if approve else "return")
    item.review_note = note.strip()
    item.reviewed_by = actor
    item.reviewed_at = timezone.now()
    item.save(update_fields=["state", "review_note", "reviewed_by", "reviewed_at"])
    record(
        actor=actor,
        action="calls.onboarding_item_reviewed",
        obj=item,
        after={"state": item.state},
    )
    proposal = _locked(item.proposal)
    remaining = proposal.onboarding_items.filter(required=True).exclude(
        state=OnboardingItem.State.APPROVED
    )
    if proposal.state == Proposal.State.ONBOARDING and not remaining.exists():
        proposal.state = PROPOSAL_MACHINE.target(proposal.state, "complete_onboarding")
        proposal.save(update_fields=["state", "updated_at"])
        record(
            actor=actor,
            action="calls.proposal_onboarded",
            obj=proposal,
            before={"state": "onboarding"},
            after={"state": proposal.state},
        )
    return item


# Subscriptions and announcements


@transaction.atomic
def subscribe(*, email: str, call: Call | None = None) -> Subscription:
    """Ask for a confirmation; nothing is sent to the address until its owner confirms."""
    email = email.strip().lower()
    subscription = Subscription.objects.filter(
        email=email, call=call, unsubscribed_at__isnull=True
    ).first()
    if subscription is None:
        subscription = Subscription.objects.create(email=email, call=call)
    if subscription.confirmed_at is None:
        send_email(
            to=email,
            template="calls/subscription_confirm",
            context={
                "call": call,
                "confirm_url": _url("calls:subscription_confirm", subscription.token),
            },
            sensitive=True,
        )
    return subscription


@transaction.atomic
def subscription_confirm(*, subscription: Subscription) -> Subscription:
    if subscription.unsubscribed_at is not None:
        raise InvalidTransition(_("You unsubscribed with this link; subscribe again."))
    if subscription.confirmed_at is None:
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["confirmed_at"])
    return subscription


@transaction.atomic
def unsubscribe(*, subscription: Subscription) -> Subscription:
    if subscription.unsubscribed_at is None:
        subscription.unsubscribed_at = timezone.now()
        subscription.save(update_fields=["unsubscribed_at"])
    return subscription


def announce_calls(*, now: datetime | None = None) -> int:
    """Tell confirmed subscribers about opened calls and near deadlines; each notice once."""
    now = now or timezone.now()
    sent = 0
    calls = Call.objects.filter(is_published=True, opens_at__lte=now, deadline__gte=now)
    subscriptions = list(
        Subscription.objects.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)
    )
    for call in calls:
        kinds = [CallNotice.Kind.OPENED]
        if call.deadline - now <= timedelta(days=DEADLINE_NOTICE_DAYS):
            kinds.append(CallNotice.Kind.DEADLINE_NEAR)
        for subscription in subscriptions:
            if subscription.call_id not in (None, call.pk):
                continue
            for kind in kinds:
                with transaction.atomic():
                    _notice, created = CallNotice.objects.get_or_create(
                        call=call, subscription=subscription, kind=kind
                    )
                    if not created:
                        continue
                    send_email(
                        to=subscription.email,
                        template=f"calls/{kind}",
                        context={
                            "call": call,
                            "url": _url("calls:call", call.pk),
                            "unsubscribe_url": _url("calls:unsubscribe", subscription.token),
                        },
                    )
                    sent += 1
    return sent
