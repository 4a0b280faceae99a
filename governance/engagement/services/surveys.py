"""Surveys: authoring, invitations, responses and tallies."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.accounts.roles import ProviderType, Role
from governance.accounts.selectors import memberships_of
from governance.audit.services import record
from governance.core.errors import DeadlinePassed, InvalidTransition, NotPermitted, PortalError
from governance.core.times import format_moment
from governance.engagement import questions as q
from governance.engagement.models import (
    SURVEY_MACHINE,
    Answer,
    AnswerTally,
    Question,
    StakeholderGroup,
    Survey,
    SurveyInvitation,
    SurveyParticipation,
    SurveyQuota,
    SurveyResponse,
    SurveySection,
)
from governance.engagement.services.common import (
    FieldInvalid,
    _abs,
    _check_staff,
    new_token,
    token_hash,
)
from governance.notifications.services import send_email

SURVEY_FIELDS = (
    "title",
    "intro",
    "privacy_notice",
    "access",
    "anonymous",
    "group_source",
    "closes_at",
)


# Building surveys


@transaction.atomic
def survey_save(*, actor, survey: Survey | None = None, data: Mapping[str, Any]) -> Survey:
    _check_staff(actor)
    creating = survey is None
    if survey is None:
        survey = Survey(created_by=actor)
    else:
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        if survey.state != Survey.State.DRAFT and any(
            name in data for name in ("access", "anonymous", "group_source")
        ):
            changed = [
                n for n in ("access", "anonymous", "group_source") if data[n] != getattr(survey, n)
            ]
            if changed:
                raise InvalidTransition(
                    _("Who may answer and whether it is anonymous are fixed once a survey opens.")
                )
    for name in SURVEY_FIELDS:
        if name in data:
            setattr(survey, name, data[name])
    _check_identified_needs_people(survey)
    survey.full_clean()
    survey.save()
    record(
        actor=actor,
        action="engagement.survey_created" if creating else "engagement.survey_updated",
        obj=survey,
        after={"title": survey.title, "access": survey.access, "anonymous": survey.anonymous},
    )
    return survey


def _check_identified_needs_people(survey: Survey) -> None:
    if not survey.anonymous and survey.access == Survey.Access.PUBLIC:
        raise FieldInvalid(
            _(
                "An identified survey must know who answers: make it signed-in only or by "
                "invitation, or make it anonymous."
            ),
            code="identified_public",
            field="access",
        )


def _editable_survey(actor, survey: Survey) -> Survey:
    _check_staff(actor)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.state != Survey.State.DRAFT:
        raise InvalidTransition(
            _("The questions of an open survey cannot change: answers already given refer to them.")
        )
    return survey


@transaction.atomic
def section_add(*, actor, survey: Survey, title: str, description: str = "") -> SurveySection:
    survey = _editable_survey(actor, survey)
    last = survey.sections.aggregate(m=Max("position"))["m"]
    section = SurveySection.objects.create(
        survey=survey, title=title, description=description, position=(last or 0) + 1
    )
    record(actor=actor, action="engagement.section_added", obj=survey, after={"section": title})
    return section


@transaction.atomic
def question_add(*, actor, section: SurveySection, data: Mapping[str, Any]) -> Question:
    survey = _editable_survey(actor, section.survey)
    last = section.questions.aggregate(m=Max("position"))["m"]
    question = Question(survey=survey, section=section, position=(last or 0) + 1)
    for name in ("kind", "text", "help_text", "required", "options", "allow_other"):
        if name in data:
            setattr(question, name, data[name])
    condition = data.get("condition_question")
    if condition is not None:
        if condition.survey_id != survey.pk or condition.section.position >= section.position:
            raise PortalError(
                _(
                    "A question can depend only on a question of an earlier section, so that "
                    "the pages work without JavaScript."
                )
            )
        question.condition_question = condition
        question.condition_values = [str(v) for v in data.get("condition_values", [])]
    choices = {Question.Kind.SINGLE, Question.Kind.MULTIPLE, Question.Kind.RANKING}
    if question.kind in choices and len(question.options) < 2:
        raise PortalError(_("Give at least two options, one a line."))
    if question.kind == Question.Kind.LIKERT and not question.options:
        raise PortalError(_("Give at least one statement to agree or disagree with."))
    question.full_clean()
    question.save()
    record(
        actor=actor,
        action="engagement.question_added",
        obj=survey,
        after={"question": question.text, "kind": question.kind},
    )
    return question


@transaction.atomic
def question_delete(*, actor, question: Question) -> None:
    survey = _editable_survey(actor, question.survey)
    record(
        actor=actor,
        action="engagement.question_deleted",
        obj=survey,
        after={"question": question.text},
    )
    question.delete()


@transaction.atomic
def quota_set(*, actor, survey: Survey, group: str, limit: int | None) -> None:
    """Cap the submitted responses of one stakeholder group (None removes the cap). A cap
    below what the group has already given just stops further answers from that group."""
    _check_staff(actor)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if group not in StakeholderGroup.values:
        raise FieldInvalid(
            _("Choose one of the stakeholder groups."), code="invalid_group", field="group"
        )
    if limit is not None and limit < 0:
        raise FieldInvalid(
            _("A quota is a number of responses: 0 or more. Leave it empty for no quota."),
            code="invalid_limit",
            field="limit",
        )
    if survey.state not in (Survey.State.DRAFT, Survey.State.OPEN):
        raise InvalidTransition(_("The survey is closed: its quotas no longer change."))
    before = survey.quotas.filter(group=group).values_list("limit", flat=True).first()
    if limit is None:
        SurveyQuota.objects.filter(survey=survey, group=group).delete()
    else:
        SurveyQuota.objects.update_or_create(survey=survey, group=group, defaults={"limit": limit})
    record(
        actor=actor,
        action="engagement.quota_set",
        obj=survey,
        before={"group": group, "limit": before},
        after={"group": group, "limit": limit},
    )


@transaction.atomic
def quotas_set(*, actor, survey: Survey, limits: Mapping[str, int | None]) -> None:
    """Several groups' quotas at once (the survey page's form): all or none."""
    for group, limit in limits.items():
        quota_set(actor=actor, survey=survey, group=group, limit=limit)


@transaction.atomic
def survey_transition(*, actor, survey: Survey, action: str) -> Survey:
    _check_staff(actor)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    before = survey.state
    target = SURVEY_MACHINE.target(survey.state, action)
    now = timezone.now()
    fields = ["state", "updated_at"]
    if action == "open":
        if not survey.questions.exists():
            raise PortalError(_("Add at least one question before opening the survey."))
        if survey.closes_at is not None and survey.closes_at <= now:
            raise PortalError(_("Set a closing date in the future before opening the survey."))
        survey.opened_at = now
        fields.append("opened_at")
        if survey.access == Survey.Access.INVITATION:
            _send_pending_invitations(survey)
    elif action == "close":
        survey.closed_at = now
        fields.append("closed_at")
    elif action == "publish_results":
        survey.results_published_at = now
        fields.append("results_published_at")
    survey.state = target
    survey.save(update_fields=fields)
    record(
        actor=actor,
        action=f"engagement.survey_{action}",
        obj=survey,
        before={"state": before},
        after={"state": target},
    )
    return survey


# Invitations


@transaction.atomic
def invitations_send(*, actor, survey: Survey, emails: Sequence[str]) -> int:
    """Invite each address not invited yet; returns how many were invited now."""
    _check_staff(actor)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.access != Survey.Access.INVITATION:
        raise PortalError(_("Only a survey answered by invitation sends invitation links."))
    if survey.state not in (Survey.State.DRAFT, Survey.State.OPEN):
        raise InvalidTransition(_("The survey is closed; it can no longer invite anyone."))
    known = set(survey.invitations.values_list("email", flat=True))
    count = 0
    for email in dict.fromkeys(e.strip().lower() for e in emails if e.strip()):
        if email in known:
            continue
        raw = new_token()
        invitation = SurveyInvitation.objects.create(
            survey=survey, email=email, token_hash=token_hash(raw)
        )
        # A draft's invitations go out when it opens, each with a new token then (the raw
        # token is kept nowhere).
        if survey.state == Survey.State.OPEN:
            _send_invitation(invitation, raw, template="engagement/survey_invitation")
        count += 1
    record(actor=actor, action="engagement.invitations_created", obj=survey, after={"count": count})
    return count


def _send_invitation(invitation: SurveyInvitation, raw: str, *, template: str) -> None:
    survey = invitation.survey
    link = _abs(reverse("engagement:survey_invitation", args=[survey.pk, raw]))
    send_email(
        to=invitation.email,
        template=template,
        context={"survey": survey, "link": link, "minutes": survey_minutes(survey)},
        sensitive=True,
    )
    invitation.sent_at = invitation.sent_at or timezone.now()
    invitation.save(update_fields=["sent_at", "token_hash"])


def _send_pending_invitations(survey: Survey) -> int:
    """Invitations created while the survey was a draft go out once it is open."""
    count = 0
    for invitation in survey.invitations.select_for_update().filter(sent_at__isnull=True):
        raw = new_token()
        invitation.token_hash = token_hash(raw)
        _send_invitation(invitation, raw, template="engagement/survey_invitation")
        count += 1
    return count


REMINDER_AFTER = 3  # days
MAX_REMINDERS = 2


@transaction.atomic
def remind_invitees(*, survey: Survey, now=None) -> int:
    """Remind those who have not answered; each reminder carries a fresh link (the old one
    stops working, as only one hash is kept)."""
    now = now or timezone.now()
    if not survey.is_accepting(now):
        return 0
    due = survey.invitations.select_for_update().filter(
        used_on__isnull=True,
        sent_at__lte=now - datetime.timedelta(days=REMINDER_AFTER),
        reminders_sent__lt=MAX_REMINDERS,
    )
    count = 0
    for invitation in due:
        if invitation.last_reminded_at and invitation.last_reminded_at > now - datetime.timedelta(
            days=REMINDER_AFTER
        ):
            continue
        raw = new_token()
        invitation.token_hash = token_hash(raw)
        _send_invitation(invitation, raw, template="engagement/survey_reminder")
        invitation.reminders_sent += 1
        invitation.last_reminded_at = now
        invitation.save(update_fields=["reminders_sent", "last_reminded_at"])
        count += 1
    return count


def invitation_for(survey: Survey, raw: str) -> SurveyInvitation | None:
    """The unused invitation the token belongs to, or None."""
    invitation = survey.invitations.filter(token_hash=token_hash(raw)).first()
    if invitation is None or invitation.used_on is not None:
        return None
    return invitation


def survey_minutes(survey: Survey) -> int:
    return q.estimated_minutes(
        survey.questions.all(), asks_group=survey.group_source == Survey.GroupSource.ASK
    )


# Responding


def group_from_account(person) -> tuple[str, str]:
    """(stakeholder group, country) derived from a person's roles and organisations."""
    memberships = list(memberships_of(person))
    roles = {m.role for m in memberships}
    org = memberships[0].organisation if memberships else None
    country = str(org.country) if org else ""
    if Role.PATIENT_ORG_REP in roles:
        return StakeholderGroup.PATIENT, country
    if Role.DATA_HOLDER in roles:
        return StakeholderGroup.DATA_PROVIDER, country
    if Role.RESEARCHER in roles and org is not None:
        industry = org.provider_type in (ProviderType.INDUSTRY, ProviderType.AI_DEVELOPER)
        return (StakeholderGroup.INDUSTRY if industry else StakeholderGroup.ACADEMIC), country
    if org is not None and org.provider_type == ProviderType.PUBLIC_AUTHORITY:
        return StakeholderGroup.POLICY_MAKER, country
    if org is not None and org.provider_type == ProviderType.RESEARCH_INFRASTRUCTURE:
        return StakeholderGroup.SERVICE_PROVIDER, country
    return StakeholderGroup.OTHER, country


def check_may_respond(survey: Survey, person, *, invitation: SurveyInvitation | None) -> None:
    if not survey.is_accepting():
        if survey.state == Survey.State.OPEN:
            raise DeadlinePassed(
                _("This survey closed on %(date)s; it no longer takes answers.")
                % {"date": format_moment(survey.closes_at)}
            )
        raise InvalidTransition(_("This survey is not open for answers."))
    signed_in = person is not None and person.is_authenticated
    if (survey.access == Survey.Access.SIGNED_IN or not survey.anonymous) and not signed_in:
        raise NotPermitted(_("Sign in to answer this survey."))
    if survey.access == Survey.Access.INVITATION and invitation is None:
        raise NotPermitted(
            _(
                "This survey is answered through personal invitation links, each usable once. "
                "Use the link from your invitation email."
            )
        )
    if signed_in and _has_answered(survey, person):
        raise InvalidTransition(_("You have already answered this survey. Thank you!"))


def _has_answered(survey: Survey, person) -> bool:
    if survey.anonymous:
        return SurveyParticipation.objects.filter(survey=survey, person=person).exists()
    return survey.responses.filter(person=person, submitted_at__isnull=False).exists()


@transaction.atomic
def response_start(
    *, survey: Survey, person, invitation: SurveyInvitation | None = None
) -> tuple[SurveyResponse, str]:
    """A response in progress and, for anonymous surveys, the raw resume token ("" otherwise)."""
    check_may_respond(survey, person, invitation=invitation)
    signed_in = person is not None and person.is_authenticated
    if not survey.anonymous:
        existing = survey.responses.filter(person=person, submitted_at__isnull=True).first()
        if existing is not None:
            return existing, ""
    response = SurveyResponse(survey=survey)
    raw = ""
    if survey.anonymous:
        raw = new_token()
        response.resume_token_hash = token_hash(raw)
    else:
        response.person = person
    if signed_in and survey.group_source == Survey.GroupSource.ACCOUNT:
        response.group, response.country = group_from_account(person)
    response.save()
    return response, raw


def response_resume(*, survey: Survey, person, raw_token: str = "") -> SurveyResponse | None:
    """The response in progress: by person for identified surveys, by token for anonymous ones."""
    if survey.anonymous:
        if not raw_token:
            return None
        return survey.responses.filter(
            resume_token_hash=token_hash(raw_token), submitted_at__isnull=True
        ).first()
    if person is None or not person.is_authenticated:
        return None
    return survey.responses.filter(person=person, submitted_at__isnull=True).first()


@transaction.atomic
def response_save(
    *,
    response: SurveyResponse,
    answers: Mapping[str, Any],
    section_index: int,
    group: str = "",
    country: str = "",
) -> SurveyResponse:
    """Keep the answers given so far (save and resume); nothing is counted until submitted."""
    response = SurveyResponse.objects.select_for_update().get(pk=response.pk)
    if response.is_submitted:
        raise InvalidTransition(_("This response was already submitted."))
    response.draft = {**response.draft, **answers}
    response.section_index = section_index
    fields = ["draft", "section_index"]
    if group:
        response.group = group
        fields.append("group")
    if country or group:
        response.country = country
        fields.append("country")
    response.save(update_fields=fields)
    return response


class AnswersInvalid(PortalError):
    code = "invalid_answers"

    def __init__(self, problems: list[q.Problem]) -> None:
        super().__init__(_("Some answers need attention: ") + " ".join(p.message for p in problems))
        self.problems = problems


@transaction.atomic
def response_submit(
    *,
    survey: Survey,
    person,
    answers: Mapping[str, Any],
    group: str = "",
    country: str = "",
    response: SurveyResponse | None = None,
    invitation_token: str = "",
) -> SurveyResponse:
    """Validate every shown question, enforce closing date and quotas, store the answers."""
    # The survey row is the lock that makes quota counting and single use race-free.
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    invitation = None
    if invitation_token:
        invitation = (
            survey.invitations.select_for_update()
            .filter(token_hash=token_hash(invitation_token))
            .first()
        )
        if invitation is None or invitation.used_on is not None:
            raise InvalidTransition(
                _(
                    "This invitation link has already been used or is not valid. Each link "
                    "answers the survey once; ask the survey team for a new one if you need it."
                ),
                code="invitation_used",
            )
    check_may_respond(survey, person, invitation=invitation)
    signed_in = person is not None and person.is_authenticated
    if survey.group_source == Survey.GroupSource.ACCOUNT and signed_in:
        group, country = group_from_account(person)
    elif response is not None and not group:
        group, country = response.group, response.country
    if group not in StakeholderGroup.values:
        raise FieldInvalid(
            _("Say which stakeholder group you belong to."), code="invalid_group", field="group"
        )
    questions = list(
        survey.questions.select_related("section").order_by("section__position", "position", "pk")
    )
    cleaned, problems = q.clean_all(questions, answers)
    if problems:
        raise AnswersInvalid(problems)
    quota = survey.quotas.filter(group=group).first()
    if quota is not None:
        taken = survey.responses.filter(group=group, submitted_at__isnull=False).count()
        if taken >= quota.limit:
            raise InvalidTransition(
                _(
                    "We already have all the answers we need from your stakeholder group. "
                    "Thank you for your interest."
                ),
                code="quota_full",
            )
    now = timezone.now()
    if response is None:
        response = SurveyResponse(survey=survey)
    else:
        response = SurveyResponse.objects.select_for_update().get(pk=response.pk, survey=survey)
        if response.is_submitted:
            raise InvalidTransition(_("This response was already submitted."))
    response.group = group
    response.country = (country or "")[:2].upper()
    response.draft = {}
    response.resume_token_hash = ""  # nosec B105 # clears the stored hash of a resume token
    if survey.anonymous:
        response.person = None
        # The hour is enough for response-rate charts and too coarse to match a response to a
        # sign-in or an invitation log.
        response.submitted_at = now.replace(minute=0, second=0, microsecond=0)
        response.started_on = response.submitted_at.date()
    else:
        response.person = person
        response.submitted_at = now
    response.save()
    by_id = {str(question.pk): question for question in questions}
    answers_rows = [
        Answer(
            response=response,
            survey=survey,
            question=by_id[key],
            item=value.item,
            choice=value.choice,
            number=value.number,
            text=value.text,
            first=index == 0,
            group=response.group,
            country=response.country,
        )
        for key, answer in cleaned.items()
        for index, value in enumerate(q.values_of(by_id[key], answer))
    ]
    Answer.objects.bulk_create(answers_rows)
    _count_in_tallies(survey, response.group, answers_rows)
    if invitation is not None:
        invitation.used_on = timezone.localdate(now)
        invitation.save(update_fields=["used_on"])
    if survey.anonymous:
        if signed_in:
            try:
                with transaction.atomic():
                    SurveyParticipation.objects.create(
                        survey=survey, person=person, on=timezone.localdate(now)
                    )
            except IntegrityError:
                raise InvalidTransition(
                    _("You have already answered this survey. Thank you!")
                ) from None
    else:
        record(
            actor=person,
            action="engagement.response_submitted",
            obj=response,
            after={"survey": survey.pk, "group": group},
        )
    return response


def _count_in_tallies(survey: Survey, group: str, rows: list[Answer]) -> None:
    """Add a response's values to the tallies (a text counts as one value). The caller holds
    the survey's row lock, so read-modify-write cannot lose a count."""
    added: Counter[tuple] = Counter(
        (row.question_id, row.item, row.choice, row.number, row.first) for row in rows
    )
    if not added:
        return
    existing = {
        (t.question_id, t.item, t.choice, t.number, t.first): t
        for t in AnswerTally.objects.filter(
            survey=survey, group=group, question_id__in={key[0] for key in added}
        )
    }
    changed = []
    for key, n in added.items():
        tally = existing.get(key)
        if tally is not None:
            tally.count += n
            changed.append(tally)
    AnswerTally.objects.bulk_update(changed, ["count"])
    AnswerTally.objects.bulk_create(
        AnswerTally(
            survey=survey,
            question_id=key[0],
            item=key[1],
            choice=key[2],
            number=key[3],
            first=key[4],
            group=group,
            count=n,
        )
        for key, n in added.items()
        if key not in existing
    )


@transaction.atomic
def rebuild_tallies(*, survey: Survey) -> int:
    """Recompute a survey's tallies from its answers (one GROUP BY in the database)."""
    Survey.objects.select_for_update().get(pk=survey.pk)
    AnswerTally.objects.filter(survey=survey).delete()
    grouped = (
        Answer.objects.filter(survey=survey)
        .order_by()
        .values("question_id", "item", "choice", "number", "first", "group")
        .annotate(n=Count("*"))
    )
    tallies = AnswerTally.objects.bulk_create(
        (
            AnswerTally(
                survey=survey,
                question_id=row["question_id"],
                item=row["item"],
                choice=row["choice"],
                number=row["number"],
                first=row["first"],
                group=row["group"],
                count=row["n"],
            )
            for row in grouped
        ),
        batch_size=2000,
    )
    return len(tallies)


# Consultations
