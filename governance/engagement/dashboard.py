"""What waits in engagement: staff see drafts and comments to answer; patient organisations
see open consultations and surveys; everyone sees upcoming events."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.accounts.roles import Role
from governance.core.dashboard import Item, Section
from governance.core.navigation import Area
from governance.core.times import format_day, format_moment, last_day
from governance.engagement import selectors
from governance.engagement.models import Comment, Consultation, Survey


def _links() -> list[Item]:
    return [
        Item(_("Surveys"), reverse("engagement:surveys")),
        Item(_("Consultations on our policies"), reverse("engagement:consultations")),
        Item(_("Events and webinars"), reverse("engagement:events")),
    ]


def sections(person, roles: frozenset[str]) -> list[Section]:
    result = []
    if Role.STAFF in roles or getattr(person, "is_superuser", False):
        result.append(_staff_section())
    if Role.PATIENT_ORG_REP in roles:
        result.append(_stakeholder_section(person))
    result.append(_events_section())
    return result


def _staff_section() -> Section:
    items = []
    for survey in Survey.objects.filter(state__in=[Survey.State.DRAFT, Survey.State.OPEN]).order_by(
        "state", "title"
    ):
        note = (
            _("draft: add questions and open it")
            if survey.state == Survey.State.DRAFT
            else _("open")
        )
        items.append(
            Item(
                survey.title,
                reverse("engagement:survey_build", args=[survey.pk]),
                note,
                people=True,
            )
        )
    consultations = Consultation.objects.exclude(
        state=Consultation.State.RESPONSE_PUBLISHED
    ).annotate(
        pending=Count(
            "comments",
            filter=Q(comments__outcome=Comment.Outcome.PENDING, comments__hidden_at__isnull=True),
        )
    )
    for consultation in consultations:
        items.append(
            Item(
                consultation.title,
                reverse("engagement:consultation", args=[consultation.pk]),
                _("%(state)s, %(count)d comments to answer")
                % {
                    "state": consultation.get_state_display().lower(),
                    "count": consultation.pending,
                },
                people=True,
            )
        )
    return Section(
        title=_("Engagement"),
        role=Role.STAFF,
        items=items,
        empty_text=_("No survey or consultation in progress."),
        links=[Item(_("Build a survey"), reverse("engagement:survey_create")), *_links()],
    )


def _stakeholder_section(person) -> Section:
    items = []
    for consultation in Consultation.objects.filter(
        state=Consultation.State.OPEN, closes_at__gt=timezone.now()
    ):
        items.append(
            Item(
                consultation.title,
                reverse("engagement:consultation", args=[consultation.pk]),
                _("open for comments until %(date)s")
                % {"date": format_day(last_day(consultation.closes_at))},
                people=True,
            )
        )
    for survey in selectors.surveys_visible_to(person).filter(state=Survey.State.OPEN):
        items.append(
            Item(
                survey.title,
                reverse("engagement:survey", args=[survey.pk]),
                _("survey open"),
                people=True,
            )
        )
    return Section(
        title=_("Have your say"),
        role=Role.PATIENT_ORG_REP,
        items=items,
        empty_text=_("No consultation or survey is open right now."),
        links=_links(),
    )


def _events_section() -> Section:
    items = [
        Item(
            event.title,
            reverse("engagement:event", args=[event.pk]),
            format_moment(event.starts_at),
            people=True,
        )
        for event in selectors.events_upcoming()[:5]
    ]
    return Section(
        title=_("Upcoming events"),
        items=items,
        empty_text=_("No event is planned yet."),
        links=[Item(_("All events and webinars"), reverse("engagement:events"))],
    )


def areas(person, roles: frozenset[str]) -> list[Area]:
    staff = Role.STAFF in roles or getattr(person, "is_superuser", False)
    if not (staff or Role.PATIENT_ORG_REP in roles):
        return []
    waiting = 0
    if Role.PATIENT_ORG_REP in roles:
        # What "Have your say" on the dashboard lists.
        waiting = (
            Consultation.objects.filter(
                state=Consultation.State.OPEN, closes_at__gt=timezone.now()
            ).count()
            + selectors.surveys_visible_to(person).filter(state=Survey.State.OPEN).count()
        )
    return [
        Area(
            _("Consultations and surveys"),
            reverse("engagement:consultations"),
            "engagement",
            waiting=waiting,
        )
    ]
