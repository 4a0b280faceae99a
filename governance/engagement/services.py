"""Writes in engagement: surveys and their responses, consultations and comments, events.

Each service runs in one transaction, checks permission, changes state through the transition
table of its aggregate (survey, consultation, policy version, registration) under
`select_for_update`, and appends an audit event — except for the responses of an anonymous
survey, which leave no trace that names a person.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import re
import secrets
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from governance.accounts.roles import ProviderType, Role
from governance.accounts.selectors import is_portal_staff, memberships_of
from governance.audit.services import record
from governance.core.errors import DeadlinePassed, InvalidTransition, NotPermitted, PortalError
from governance.core.permissions import may
from governance.core.times import format_moment
from governance.core.translations import clean_translations, merged_translations
from governance.engagement import questions as q
from governance.engagement import selectors
from governance.engagement.models import (
    CONSULTATION_MACHINE,
    POLICY_VERSION_MACHINE,
    REGISTRATION_MACHINE,
    SURVEY_MACHINE,
    Answer,
    AnswerTally,
    Comment,
    Consultation,
    Event,
    PolicyDocument,
    PolicySection,
    PolicyTranslation,
    PolicyVersion,
    Question,
    Registration,
    StakeholderGroup,
    Survey,
    SurveyInvitation,
    SurveyParticipation,
    SurveyQuota,
    SurveyResponse,
    SurveySection,
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


def token_hash(raw: str) -> str:
    key = f"engagement:{settings.SECRET_KEY}".encode()
    return hmac.new(key, raw.encode(), hashlib.sha256).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(24)


def _check_staff(actor) -> None:
    if not is_portal_staff(actor):
        raise NotPermitted(_("Only portal staff may manage surveys, consultations and events."))


class FieldInvalid(PortalError):
    """A value someone entered breaks a rule; `field` names the form or API field to fix."""

    def __init__(self, detail: str, *, code: str, field: str | None = None) -> None:
        super().__init__(detail, code=code)
        self.field = field


def _short(value: Any) -> Any:
    """An audit summary keeps values short (a description is not copied whole)."""
    return value[:100] if isinstance(value, str) else value


def _abs(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


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


@transaction.atomic
def policy_document_create(*, actor, title: str, slug: str = "") -> PolicyDocument:
    """A new policy; its address (slug) comes from the title unless one is given."""
    _check_staff(actor)
    title = title.strip()
    if not title:
        raise FieldInvalid(_("Give the policy a title."), code="required", field="title")
    if len(title) > 200:
        raise FieldInvalid(
            _("Keep the title under 200 characters."), code="too_long", field="title"
        )
    if slug.strip():
        slug = slugify(slug)[:50]
        if not slug:
            raise FieldInvalid(
                _("Use letters, digits and hyphens in the short name, or leave it empty."),
                code="invalid_slug",
                field="slug",
            )
        if PolicyDocument.objects.filter(slug=slug).exists():
            raise _slug_taken(slug)
    else:
        base = slugify(title)[:44] or "policy"
        slug, n = base, 2
        while PolicyDocument.objects.filter(slug=slug).exists():
            slug, n = f"{base}-{n}", n + 1
    try:
        with transaction.atomic():
            document = PolicyDocument.objects.create(title=title, slug=slug)
    except IntegrityError:
        raise _slug_taken(slug) from None
    record(
        actor=actor,
        action="engagement.policy_document_created",
        obj=document,
        after={"title": title, "slug": slug},
    )
    return document


def _slug_taken(slug: str) -> FieldInvalid:
    return FieldInvalid(
        _(
            "The short name “%(slug)s” belongs to another policy: choose another one, or leave "
            "it empty to derive one from the title."
        )
        % {"slug": slug},
        code="slug_taken",
        field="slug",
    )


def _clean_sections(sections: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """Sections with both heading and text; empty rows are dropped, half-filled ones refused."""
    cleaned = []
    for index, (heading, body) in enumerate(sections, start=1):
        heading, body = (heading or "").strip(), (body or "").strip()
        if not heading and not body:
            continue
        if not heading or not body:
            raise FieldInvalid(
                _("Section %(n)d needs both a heading and a text.") % {"n": index},
                code="section_incomplete",
                field="sections",
            )
        if len(heading) > 200:
            raise FieldInvalid(
                _("The heading of section %(n)d is longer than 200 characters: shorten it.")
                % {"n": index},
                code="too_long",
                field="sections",
            )
        cleaned.append((heading, body))
    if not cleaned:
        raise FieldInvalid(
            _("Give the version at least one section (a heading and its text)."),
            code="sections_required",
            field="sections",
        )
    return cleaned


def _clean_summary(plain_summary: str) -> str:
    plain_summary = (plain_summary or "").strip()
    if not plain_summary:
        raise FieldInvalid(
            _("Write the plain-language summary: what the policy means, in everyday words."),
            code="required",
            field="plain_summary",
        )
    return plain_summary


@transaction.atomic
def policy_version_create(
    *,
    actor,
    document: PolicyDocument,
    plain_summary: str,
    sections: Sequence[tuple[str, str]],
    change_note: str = "",
) -> PolicyVersion:
    """The next version, as a draft. One draft at a time, so that numbers follow publication."""
    _check_staff(actor)
    PolicyDocument.objects.select_for_update().get(pk=document.pk)
    draft = document.versions.filter(state=PolicyVersion.State.DRAFT).first()
    if draft is not None:
        raise InvalidTransition(
            _(
                "Version %(n)d is still a draft: edit it or publish it before writing another "
                "version."
            )
            % {"n": draft.number}
        )
    plain_summary = _clean_summary(plain_summary)
    sections = _clean_sections(sections)
    last = document.versions.aggregate(m=Max("number"))["m"] or 0
    version = PolicyVersion.objects.create(
        document=document,
        number=last + 1,
        plain_summary=plain_summary,
        change_note=change_note.strip(),
    )
    PolicySection.objects.bulk_create(
        PolicySection(version=version, position=index, heading=heading, body=body)
        for index, (heading, body) in enumerate(sections, start=1)
    )
    record(
        actor=actor,
        action="engagement.policy_version_created",
        obj=version,
        after={"number": version.number, "sections": len(sections)},
    )
    return version


@transaction.atomic
def policy_version_update(
    *,
    actor,
    version: PolicyVersion,
    plain_summary: str,
    sections: Sequence[tuple[str, str]],
    change_note: str = "",
) -> PolicyVersion:
    """Rewrite a draft. Published versions never change: people commented on their words."""
    _check_staff(actor)
    version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    if not POLICY_VERSION_MACHINE.can(version.state, "edit"):
        raise InvalidTransition(
            _(
                "Version %(n)d is published, and published versions never change: write a new "
                "version instead."
            )
            % {"n": version.number}
        )
    version.plain_summary = _clean_summary(plain_summary)
    version.change_note = change_note.strip()
    version.save(update_fields=["plain_summary", "change_note"])
    cleaned = _clean_sections(sections)
    # Rows are updated in place (by position) so that their ids stay stable.
    existing = list(version.sections.order_by("position", "pk"))
    for index, (heading, body) in enumerate(cleaned, start=1):
        if index <= len(existing):
            section = existing[index - 1]
            section.position, section.heading, section.body = index, heading, body
            section.save(update_fields=["position", "heading", "body"])
        else:
            PolicySection.objects.create(
                version=version, position=index, heading=heading, body=body
            )
    PolicySection.objects.filter(pk__in=[s.pk for s in existing[len(cleaned) :]]).delete()
    record(
        actor=actor,
        action="engagement.policy_version_updated",
        obj=version,
        after={"number": version.number, "sections": len(cleaned)},
    )
    return version


LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")


@transaction.atomic
def policy_translation_save(
    *,
    actor,
    version: PolicyVersion,
    language: str,
    plain_summary: str,
    sections: Sequence[tuple[str, str]],
) -> PolicyTranslation:
    """Add or correct a version's text in another language, section for section. Allowed on
    published versions too: a translation renders the text, it does not change it."""
    _check_staff(actor)
    version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    language = (language or "").strip().lower()
    if not LANGUAGE_CODE.match(language):
        raise FieldInvalid(
            _("Give the language as a code such as es, fr, de or pt-br."),
            code="invalid_language",
            field="language",
        )
    if language == "en":
        raise FieldInvalid(
            _("English is the original text; a translation is in another language."),
            code="same_as_original",
            field="language",
        )
    plain_summary = _clean_summary(plain_summary)
    count = version.sections.count()
    given = [((h or "").strip(), (b or "").strip()) for h, b in sections]
    if len(given) != count or not all(h and b for h, b in given):
        raise FieldInvalid(
            _(
                "Translate each of the %(n)d sections, heading and text, in the order of the "
                "original."
            )
            % {"n": count},
            code="sections_mismatch",
            field="sections",
        )
    translation, created = PolicyTranslation.objects.update_or_create(
        version=version,
        language=language,
        defaults={
            "plain_summary": plain_summary,
            "sections": [{"heading": h, "body": b} for h, b in given],
        },
    )
    record(
        actor=actor,
        action="engagement.policy_translation_saved",
        obj=version,
        after={"language": language, "created": created},
    )
    return translation


@transaction.atomic
def policy_version_publish(*, actor, version: PolicyVersion) -> PolicyVersion:
    _check_staff(actor)
    version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    if not POLICY_VERSION_MACHINE.can(version.state, "publish"):
        raise InvalidTransition(
            _("This version is already published; write a new version to change it.")
        )
    version.state = POLICY_VERSION_MACHINE.target(version.state, "publish")
    version.published_at = timezone.now()
    version.save(update_fields=["state", "published_at"])
    record(
        actor=actor,
        action="engagement.policy_version_published",
        obj=version,
        after={"number": version.number},
    )
    return version


CONSULTATION_FIELDS = ("version", "title", "invitation", "closes_at")


@transaction.atomic
def consultation_save(
    *, actor, consultation: Consultation | None = None, data: Mapping[str, Any]
) -> Consultation:
    """Create a consultation on a published version, or change it while it is a draft."""
    _check_staff(actor)
    creating = consultation is None
    before: dict[str, Any] = {}
    if consultation is None:
        consultation = Consultation()
    else:
        consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if consultation.state != Consultation.State.DRAFT:
            raise InvalidTransition(
                _(
                    "This consultation is %(state)s: only a draft can be changed. Its invitation "
                    "and dates are what people were told."
                )
                % {"state": consultation.get_state_display().lower()}
            )
        before = {n: getattr(consultation, n) for n in CONSULTATION_FIELDS}
    for name in CONSULTATION_FIELDS:
        if name in data:
            setattr(consultation, name, data[name])
    consultation.full_clean()
    if consultation.version.state != PolicyVersion.State.PUBLISHED:
        raise FieldInvalid(
            _("Publish version %(n)d of “%(title)s” first: people comment on published text.")
            % {"n": consultation.version.number, "title": consultation.version.document.title},
            code="version_not_published",
            field="version",
        )
    if consultation.closes_at <= timezone.now():
        raise FieldInvalid(
            _("Set the closing date in the future: people need time to read and comment."),
            code="closes_in_past",
            field="closes_at",
        )
    changed = [n for n in CONSULTATION_FIELDS if creating or before[n] != getattr(consultation, n)]
    if creating:
        consultation.save()
    else:
        consultation.save(update_fields=changed)
    record(
        actor=actor,
        action=(
            "engagement.consultation_created" if creating else "engagement.consultation_updated"
        ),
        obj=consultation,
        before={n: _audit_value(before[n]) for n in changed} if not creating else None,
        after={n: _audit_value(getattr(consultation, n)) for n in changed},
    )
    return consultation


@transaction.atomic
def consultation_translations_save(
    *,
    actor,
    consultation: Consultation,
    translations: Mapping[str, Any],
    partial: bool = False,
) -> Consultation:
    """Set the consultation's texts in other languages (`{language: {field: text}}`); with
    `partial`, only the languages given change. Allowed in any state: a translation renders what
    people were told, it does not change it."""
    _check_staff(actor)
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    cleaned = clean_translations(translations, model=Consultation, fields=Consultation.TRANSLATABLE)
    before = consultation.translations
    after = merged_translations(before, translations, cleaned, partial=partial)
    consultation.translations = after
    consultation.save(update_fields=["translations"])
    record(
        actor=actor,
        action="engagement.consultation_translations_saved",
        obj=consultation,
        before={"languages": sorted(before)},
        after={"languages": sorted(after)},
    )
    return consultation


def _audit_value(value: Any) -> Any:
    if isinstance(value, PolicyVersion):
        return value.pk
    return _short(value)


@transaction.atomic
def consultation_transition(
    *, actor, consultation: Consultation, action: str, data: Mapping[str, Any] | None = None
) -> Consultation:
    _check_staff(actor)
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    before = consultation.state
    target = CONSULTATION_MACHINE.target(consultation.state, action)
    fields = ["state"]
    data = data or {}
    if action == "open":
        if consultation.version.state != PolicyVersion.State.PUBLISHED:
            raise PortalError(_("Publish the policy version before opening it for comments."))
        if consultation.closes_at <= timezone.now():
            raise PortalError(
                _("Set a closing date in the future before opening the consultation.")
            )
        consultation.opened_at = timezone.now()
        fields.append("opened_at")
    if action == "publish_response":
        if selectors.comments_to_answer(consultation).exists():
            raise InvalidTransition(
                _("Answer every comment before publishing what you heard and changed.")
            )
        consultation.response_summary = data.get("response_summary", consultation.response_summary)
        result_version = data.get("result_version", consultation.result_version)
        if result_version is not None:
            result_version = PolicyVersion.objects.get(pk=result_version.pk)
        if result_version is not None and (
            result_version.document_id != consultation.version.document_id
            or result_version.state != PolicyVersion.State.PUBLISHED
        ):
            raise PortalError(_("Choose a published later version of the same policy."))
        consultation.result_version = result_version
        consultation.response_published_at = timezone.now()
        fields += ["response_summary", "result_version", "response_published_at"]
    consultation.state = target
    consultation.save(update_fields=fields)
    record(
        actor=actor,
        action=f"engagement.consultation_{action}",
        obj=consultation,
        before={"state": before},
        after={"state": target},
    )
    return consultation


def may_comment(person) -> bool:
    return person is not None and person.is_authenticated


@transaction.atomic
def comment_add(
    *, actor, consultation: Consultation, section: PolicySection | None, body: str, visibility: str
) -> Comment:
    if not may_comment(actor):
        raise NotPermitted(_("Sign in to comment."))
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.state != Consultation.State.OPEN:
        raise InvalidTransition(_("This consultation is not open for comments."))
    if not consultation.is_accepting():
        raise DeadlinePassed(
            _("Comments closed on %(date)s.") % {"date": format_moment(consultation.closes_at)}
        )
    if section is not None and section.version_id != consultation.version_id:
        raise PortalError(_("Comment on a section of the version under consultation."))
    body = body.strip()
    if not body:
        raise PortalError(_("Write your comment."))
    if visibility not in Comment.Visibility.values:
        raise PortalError(_("Say whether your comment is public or private to staff."))
    comment = Comment.objects.create(
        consultation=consultation,
        section=section,
        author=actor,
        body=body[:10000],
        visibility=visibility,
    )
    record(
        actor=actor,
        action="engagement.comment_added",
        obj=comment,
        after={"consultation": consultation.pk, "visibility": visibility},
    )
    return comment


@transaction.atomic
def comment_hide(*, actor, comment: Comment, reason: str) -> Comment:
    _check_staff(actor)
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if not reason.strip():
        raise PortalError(_("Say why the comment is hidden; the author sees the reason."))
    comment.hidden_at = timezone.now()
    comment.hidden_by = actor
    comment.hidden_reason = reason.strip()[:300]
    comment.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    record(
        actor=actor,
        action="engagement.comment_hidden",
        obj=comment,
        after={"reason": comment.hidden_reason},
    )
    return comment


@transaction.atomic
def comment_answer(
    *,
    actor,
    comment: Comment,
    reply: str,
    outcome: str,
    changed_section: PolicySection | None = None,
) -> Comment:
    _check_staff(actor)
    comment = Comment.objects.select_for_update().select_related("consultation").get(pk=comment.pk)
    if outcome not in Comment.Outcome.values or outcome == Comment.Outcome.PENDING:
        raise PortalError(_("Choose what became of the comment."))
    if not reply.strip():
        raise PortalError(_("Write the answer to the comment."))
    if changed_section is not None and (
        changed_section.version.document_id != comment.consultation.version.document_id
        or changed_section.version.number <= comment.consultation.version.number
    ):
        raise PortalError(_("Link the comment to a section of a later version of the same policy."))
    before = {"outcome": comment.outcome}
    comment.reply = reply.strip()
    comment.outcome = outcome
    comment.changed_section = changed_section
    comment.replied_at = timezone.now()
    comment.replied_by = actor
    comment.save(update_fields=["reply", "outcome", "changed_section", "replied_at", "replied_by"])
    record(
        actor=actor,
        action="engagement.comment_answered",
        obj=comment,
        before=before,
        after={"outcome": outcome},
    )
    return comment


# Events


EVENT_FIELDS = (
    "title",
    "kind",
    "description",
    "audience",
    "starts_at",
    "ends_at",
    "location",
    "join_url",
    "capacity",
    "is_published",
)


@transaction.atomic
def event_save(*, actor, event: Event | None = None, data: Mapping[str, Any]) -> Event:
    """Plan an event or change it.

    It must end after it starts. A new start cannot be in the past; an event that has already
    started keeps its start and can still be corrected otherwise. Capacity cannot drop below
    the confirmed registrations (nobody loses a confirmed place); raised, it gives the new places
    to the waiting list.
    """
    _check_staff(actor)
    creating = event is None
    before: dict[str, Any] = {}
    if event is None:
        event = Event()
    else:
        event = Event.objects.select_for_update().get(pk=event.pk)
        before = {n: getattr(event, n) for n in EVENT_FIELDS}
    for name in EVENT_FIELDS:
        if name in data:
            setattr(event, name, data[name])
    old_start = before.get("starts_at")
    # Forms send minutes; an unchanged start must not count as moved because of its seconds.
    if (
        old_start is not None
        and event.starts_at is not None
        and abs(event.starts_at - old_start) < datetime.timedelta(minutes=1)
    ):
        event.starts_at = old_start
    event.full_clean()
    if event.ends_at <= event.starts_at:
        raise FieldInvalid(
            _("The event must end after it starts: set the end later than the start."),
            code="ends_before_start",
            field="ends_at",
        )
    now = timezone.now()
    if event.starts_at < now and event.starts_at != old_start:
        raise FieldInvalid(
            _("The start is in the past: give a date and time still to come (Brussels time)."),
            code="starts_in_past",
            field="starts_at",
        )
    if not creating:
        confirmed = event.registrations.filter(status=Registration.Status.CONFIRMED).count()
        if event.capacity < confirmed:
            raise FieldInvalid(
                _(
                    "%(n)d people have a confirmed place, so the event needs at least %(n)d "
                    "places. Nobody loses a confirmed place: keep %(n)d or more."
                )
                % {"n": confirmed},
                code="capacity_below_confirmed",
                field="capacity",
            )
    changed = [n for n in EVENT_FIELDS if creating or before[n] != getattr(event, n)]
    if creating:
        event.save()
    else:
        event.save(update_fields=changed)
    record(
        actor=actor,
        action="engagement.event_created" if creating else "engagement.event_updated",
        obj=event,
        before={n: _short(before[n]) for n in changed} if not creating else None,
        after={n: _short(getattr(event, n)) for n in changed},
    )
    if not creating and event.capacity > before["capacity"] and event.starts_at > now:
        _promote_waiting(event)
    return event


@transaction.atomic
def event_register(*, person, event: Event) -> Registration:
    """Confirm a place, or put the person on the waiting list when the event is full."""
    if person is None or not person.is_authenticated:
        raise NotPermitted(_("Sign in to register."))
    # Locking the event row serialises registrations, so the capacity check cannot race.
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.starts_at <= timezone.now():
        raise DeadlinePassed(_("This event has started; registration is closed."))
    registration = Registration.objects.filter(event=event, person=person).first()
    if registration is not None and not REGISTRATION_MACHINE.can(registration.status, "register"):
        return registration  # registered already (a second click, two tabs): nothing to do
    confirmed = event.registrations.filter(status=Registration.Status.CONFIRMED).count()
    action = "register" if confirmed < event.capacity else "join_waiting_list"
    # A first registration starts where taking a cancelled one up again leads.
    status = REGISTRATION_MACHINE.transitions[action].target
    if registration is None:
        registration = Registration.objects.create(event=event, person=person, status=status)
    else:
        registration.status = REGISTRATION_MACHINE.target(registration.status, action)
        registration.created_at = timezone.now()
        registration.save(update_fields=["status", "created_at"])
    record(
        actor=person,
        action="engagement.registered",
        obj=registration,
        after={"event": event.pk, "status": status},
    )
    _send_registration_email(registration)
    return registration


@transaction.atomic
def registration_cancel(*, person, registration: Registration) -> Registration:
    event = Event.objects.select_for_update().get(pk=registration.event_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if not may(person, "engagement.cancel_registration", registration):
        raise NotPermitted(_("Only the registered person may cancel this registration."))
    if registration.status == Registration.Status.CANCELLED:
        return registration  # cancelled already (a second click, two tabs): nothing to do
    was_confirmed = registration.has_place
    registration.status = REGISTRATION_MACHINE.target(registration.status, "cancel")
    registration.save(update_fields=["status"])
    record(
        actor=person,
        action="engagement.registration_cancelled",
        obj=registration,
        after={"event": event.pk},
    )
    if was_confirmed and event.starts_at > timezone.now():
        _promote_waiting(event)
    return registration


def _promote_waiting(event: Event) -> int:
    """Give free places to the waiting list, first come first served. The caller holds the
    event's row lock."""
    confirmed = event.registrations.filter(status=Registration.Status.CONFIRMED).count()
    promoted = 0
    for waiting in event.registrations.filter(status=Registration.Status.WAITLISTED).order_by(
        "created_at", "pk"
    )[: max(event.capacity - confirmed, 0)]:
        waiting.status = REGISTRATION_MACHINE.target(waiting.status, "promote")
        waiting.save(update_fields=["status"])
        record(
            actor=None,
            action="engagement.registration_promoted",
            obj=waiting,
            after={"event": event.pk},
        )
        _send_registration_email(waiting, promoted=True)
        promoted += 1
    return promoted


def _send_registration_email(registration: Registration, *, promoted: bool = False) -> None:
    event = registration.event
    send_email(
        to=registration.person.email,
        template="engagement/event_registration",
        context={
            "event": event,
            "registration": registration,
            "confirmed": registration.has_place,
            "promoted": promoted,
            "ics_link": _abs(reverse("engagement:event_ics", args=[event.pk])),
            "event_link": _abs(reverse("engagement:event", args=[event.pk])),
        },
    )


@transaction.atomic
def attendance_mark(*, actor, event: Event, attended_ids: Sequence[int]) -> int:
    _check_staff(actor)
    registrations = event.registrations.filter(status=Registration.Status.CONFIRMED)
    registrations.update(attended=False)
    count = registrations.filter(pk__in=list(attended_ids)).update(attended=True)
    record(actor=actor, action="engagement.attendance_marked", obj=event, after={"attended": count})
    return count


def remind_registrants(*, now=None) -> int:
    """Remind confirmed people of events starting within the next day, once."""
    now = now or timezone.now()
    count = 0
    due = Registration.objects.filter(
        status=Registration.Status.CONFIRMED,
        reminded_at__isnull=True,
        event__starts_at__gt=now,
        event__starts_at__lte=now + datetime.timedelta(days=1),
    ).select_related("event", "person")
    for registration in due:
        with transaction.atomic():
            locked = Registration.objects.select_for_update().get(pk=registration.pk)
            if locked.reminded_at is not None:
                continue
            send_email(
                to=registration.person.email,
                template="engagement/event_reminder",
                context={
                    "event": registration.event,
                    "ics_link": _abs(reverse("engagement:event_ics", args=[registration.event_id])),
                    "event_link": _abs(reverse("engagement:event", args=[registration.event_id])),
                },
            )
            locked.reminded_at = now
            locked.save(update_fields=["reminded_at"])
            count += 1
    return count
