"""Reads in engagement. `*_for(person, pk)` raise Http404 for what the person may not see."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from governance.accounts.selectors import is_portal_staff
from governance.core.permissions import require_or_404
from governance.engagement.models import (
    Comment,
    Consultation,
    Event,
    PolicyDocument,
    PolicySection,
    PolicyVersion,
    Registration,
    StakeholderGroup,
    Survey,
)

# Surveys


def surveys_visible_to(person) -> QuerySet[Survey]:
    if is_portal_staff(person):
        return Survey.objects.all()
    return Survey.objects.filter(
        state__in=[Survey.State.OPEN, Survey.State.RESULTS_PUBLISHED]
    ).exclude(state=Survey.State.OPEN, access=Survey.Access.INVITATION)


def survey_for(person, pk: int) -> Survey:
    """Staff see every survey; others open ones and ones with published results. Invitation-only
    surveys are reachable by their invitation links (see `survey_for_respondent`)."""
    survey = Survey.objects.filter(pk=pk).first()
    if survey is None:
        raise Http404
    if is_portal_staff(person) or survey.state in (
        Survey.State.OPEN,
        Survey.State.RESULTS_PUBLISHED,
    ):
        return survey
    raise Http404


def survey_for_staff(person, pk: int) -> Survey:
    require_or_404(person, "engagement.run_survey")
    survey = Survey.objects.filter(pk=pk).first()
    if survey is None:
        raise Http404
    return survey


def surveys_for_list(person) -> QuerySet[Survey]:
    return (
        surveys_visible_to(person)
        .annotate(respondents=Count("responses", filter=Q(responses__submitted_at__isnull=False)))
        .order_by("-created_at")
    )


def survey_structure(survey: Survey):
    """Sections with their questions in order, in two queries."""
    from governance.engagement.models import Question

    return survey.sections.prefetch_related(
        Prefetch("questions", queryset=Question.objects.order_by("position", "pk"))
    ).order_by("position", "pk")


@dataclass(frozen=True)
class QuotaRow:
    group: str
    label: str
    limit: int | None
    responses: int

    @property
    def is_full(self) -> bool:
        return self.limit is not None and self.responses >= self.limit


def survey_quotas(survey: Survey) -> list[QuotaRow]:
    """Every stakeholder group with its quota (None: no quota) and submitted responses, in two
    queries whatever the number of responses."""
    limits = dict(survey.quotas.values_list("group", "limit"))
    counts = dict(
        survey.responses.filter(submitted_at__isnull=False)
        .order_by()
        .values_list("group")
        .annotate(n=Count("pk"))
        .values_list("group", "n")
    )
    return [
        QuotaRow(value, str(label), limits.get(value), counts.get(value, 0))
        for value, label in StakeholderGroup.choices
    ]


@dataclass(frozen=True)
class SurveyClosing:
    """What closing a survey now would leave behind."""

    submitted: int
    unfinished: int
    unused_invitations: int


def survey_closing(survey: Survey) -> SurveyClosing:
    counts = survey.responses.aggregate(
        submitted=Count("pk", filter=Q(submitted_at__isnull=False)),
        unfinished=Count("pk", filter=Q(submitted_at__isnull=True)),
    )
    return SurveyClosing(
        submitted=counts["submitted"],
        unfinished=counts["unfinished"],
        unused_invitations=survey.invitations.filter(used_on__isnull=True).count(),
    )


# Consultations


def consultations_visible_to(person) -> QuerySet[Consultation]:
    qs = Consultation.objects.select_related("version__document")
    if is_portal_staff(person):
        return qs
    return qs.exclude(state=Consultation.State.DRAFT)


def comments_to_answer(consultation: Consultation) -> QuerySet[Comment]:
    """Comments still without our answer; what we heard cannot be published before they have one."""
    return consultation.comments.filter(outcome=Comment.Outcome.PENDING, hidden_at__isnull=True)


def consultation_for(person, pk: int) -> Consultation:
    consultation = consultations_visible_to(person).filter(pk=pk).first()
    if consultation is None:
        raise Http404
    return consultation


def consultations_for_list(person) -> QuerySet[Consultation]:
    return consultations_visible_to(person).annotate(
        public_comments=Count(
            "comments",
            filter=Q(
                comments__visibility=Comment.Visibility.PUBLIC, comments__hidden_at__isnull=True
            ),
        )
    )


def comments_visible_to(person, consultation: Consultation) -> QuerySet[Comment]:
    """Staff read every comment; others read public, not hidden ones, plus their own."""
    qs = consultation.comments.select_related("author", "section", "changed_section__version")
    if is_portal_staff(person):
        return qs
    public = Q(visibility=Comment.Visibility.PUBLIC, hidden_at__isnull=True)
    if person is not None and person.is_authenticated:
        return qs.filter(public | Q(author=person))
    return qs.filter(public)


def comment_for_staff(person, pk: int) -> Comment:
    require_or_404(person, "engagement.run_consultation")
    comment = Comment.objects.select_related("consultation__version").filter(pk=pk).first()
    if comment is None:
        raise Http404
    return comment


def consultation_for_staff(person, pk: int) -> Consultation:
    require_or_404(person, "engagement.run_consultation")
    return consultation_for(person, pk)


# Policy documents and their versions


def policy_documents_for_list() -> QuerySet[PolicyDocument]:
    """Staff's list: each document with its number of versions, latest number and drafts."""
    return PolicyDocument.objects.annotate(
        version_count=Count("versions"),
        latest_number=Max("versions__number"),
        drafts=Count("versions", filter=Q(versions__state=PolicyVersion.State.DRAFT)),
    ).order_by("title")


def policy_document_for_staff(person, pk: int) -> PolicyDocument:
    require_or_404(person, "engagement.edit_policy")
    document = PolicyDocument.objects.filter(pk=pk).first()
    if document is None:
        raise Http404
    return document


def policy_versions_of(document: PolicyDocument) -> QuerySet[PolicyVersion]:
    """Newest first, with how many sections, translations and consultations each has."""
    return document.versions.annotate(
        section_count=Count("sections", distinct=True),
        translation_count=Count("translations", distinct=True),
        consultation_count=Count("consultations", distinct=True),
    ).order_by("-number")


def policy_version_for_staff(person, pk: int) -> PolicyVersion:
    require_or_404(person, "engagement.edit_policy")
    version = PolicyVersion.objects.select_related("document").filter(pk=pk).first()
    if version is None:
        raise Http404
    return version


def latest_version(document: PolicyDocument) -> PolicyVersion | None:
    return document.versions.order_by("-number").first()


def policy_documents_visible_to(person) -> QuerySet[PolicyDocument]:
    """Staff see every document; others those with a published version."""
    if is_portal_staff(person):
        return PolicyDocument.objects.all()
    return PolicyDocument.objects.filter(
        pk__in=PolicyVersion.objects.filter(state=PolicyVersion.State.PUBLISHED).values(
            "document_id"
        )
    )


def policy_versions_visible_to(person) -> QuerySet[PolicyVersion]:
    if is_portal_staff(person):
        return PolicyVersion.objects.all()
    return PolicyVersion.objects.filter(state=PolicyVersion.State.PUBLISHED)


def published_versions() -> QuerySet[PolicyVersion]:
    return (
        PolicyVersion.objects.filter(state=PolicyVersion.State.PUBLISHED)
        .select_related("document")
        .order_by("document__title", "-number")
    )


def version_sections(version: PolicyVersion) -> list[PolicySection]:
    return list(version.sections.order_by("position", "pk"))


def translated(version: PolicyVersion, language: str):
    """(summary, [(heading, body)]) in `language` when a translation exists, else None."""
    translation = version.translations.filter(language=language).first()
    if translation is None:
        return None
    return translation.plain_summary, [
        (s.get("heading", ""), s.get("body", "")) for s in translation.sections
    ]


@dataclass(frozen=True)
class SectionDiff:
    heading: str
    status: str  # "unchanged", "changed", "added", "removed"
    html: SafeString


def _words_diff(old: str, new: str) -> SafeString:
    old_words, new_words = old.split(), new.split()
    parts: list[str] = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape(" ".join(old_words[a1:a2])))
        if op in ("delete", "replace"):
            parts.append(f"<del>{escape(' '.join(old_words[a1:a2]))}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{escape(' '.join(new_words[b1:b2]))}</ins>")
    return mark_safe(" ".join(parts))  # noqa: S308  # nosec B308 B703 # every piece is escaped above


def version_diff(old: PolicyVersion, new: PolicyVersion) -> list[SectionDiff]:
    """Section by section (matched by heading), word-level <del>/<ins> differences."""
    old_sections = {s.heading: s for s in version_sections(old)}
    result = []
    seen = set()
    for section in version_sections(new):
        before = old_sections.get(section.heading)
        seen.add(section.heading)
        if before is None:
            result.append(SectionDiff(section.heading, "added", _words_diff("", section.body)))
        elif before.body == section.body:
            result.append(
                SectionDiff(section.heading, "unchanged", mark_safe(escape(section.body)))  # noqa: S308  # nosec B308 B703 # escaped
            )
        else:
            result.append(
                SectionDiff(section.heading, "changed", _words_diff(before.body, section.body))
            )
    for heading, section in old_sections.items():
        if heading not in seen:
            result.append(SectionDiff(heading, "removed", _words_diff(section.body, "")))
    return result


# Events


def with_confirmed(events: QuerySet[Event]) -> QuerySet[Event]:
    return events.annotate(
        confirmed=Count(
            "registrations", filter=Q(registrations__status=Registration.Status.CONFIRMED)
        )
    )


def events_upcoming(person=None) -> QuerySet[Event]:
    """Published events not over yet; staff also see the unpublished ones."""
    events = Event.objects.filter(ends_at__gte=timezone.now())
    if not is_portal_staff(person):
        events = events.filter(is_published=True)
    return with_confirmed(events).order_by("starts_at")


def event_for_staff(person, pk: int) -> Event:
    require_or_404(person, "engagement.change_event")
    event = Event.objects.filter(pk=pk).first()
    if event is None:
        raise Http404
    return event


def events_visible_to(person) -> QuerySet[Event]:
    """Staff see every event (they edit the unpublished ones); others the published ones."""
    if is_portal_staff(person):
        return Event.objects.all()
    return Event.objects.filter(is_published=True)


def event_for(person, pk: int) -> Event:
    event = events_visible_to(person).filter(pk=pk).first()
    if event is None:
        raise Http404
    return event


def registration_of(person, event: Event) -> Registration | None:
    if person is None or not person.is_authenticated:
        return None
    return event.registrations.filter(person=person).first()
