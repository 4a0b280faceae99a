"""Surveys and events: the survey, question and event pages of `engagement:` and the API's
surveys and events.

SPEC 2 and governance/engagement/rules.py: staff build, open, close and publish surveys and plan
events; anyone may answer an open survey (anonymously: the answers keep no link to the person)
and read its results once published; staff read every answer. Published events are public;
signed-in people register; staff see unpublished ones and take attendance.
"""

from __future__ import annotations

from tests.authz.table import (
    PUBLIC,
    SIGNED_IN,
    STAFF,
    api,
    api_prefixes,
    page,
)

PREFIXES = (
    "engagement:survey",
    "engagement:question_",
    "engagement:event",
    *api_prefixes("surveys", "events"),
)

SURVEY = "Stakeholder survey 2026: imaging data sharing in the federation"
WEBINAR = "Technical demonstration webinar"


def _survey():
    from governance.engagement.models import Survey

    return Survey.objects.get(title=SURVEY)


def _question():
    return _survey().questions.order_by("pk").first()


def _text_question():
    survey = _survey()
    question = survey.questions.filter(kind="text").order_by("pk").first() or _question()
    return {"pk": survey.pk, "question_pk": question.pk}


def _event():
    from governance.engagement.models import Event

    return Event.objects.get(title=WEBINAR)


SUBJECTS = {
    "survey.open": ("the open stakeholder survey", _survey),
    "survey.open_close": (
        "closing the open survey",
        lambda: {"pk": _survey().pk, "action": "close"},
    ),
    "survey.invitation_unknown": (
        "an invitation to the open survey that was never sent",
        lambda: {"pk": _survey().pk, "token": "unknown"},
    ),
    "survey.export_csv": (
        "the CSV export of the open survey's answers",
        lambda: {"pk": _survey().pk, "fmt": "csv"},
    ),
    "survey.text_answers": (
        "the free-text answers to a question of the open survey",
        _text_question,
    ),
    "question.first": ("the open survey's first question", _question),
    "event.webinar": ("the upcoming, published webinar", _event),
}

# Building and running a survey or an event: staff's pages, unknown to anyone else.
STAFF_ONLY = {"denied": 404}

SURVEYS = [
    page("engagement:surveys", PUBLIC),
    page("engagement:survey_create", STAFF, **STAFF_ONLY),
    page("engagement:survey", PUBLIC, subject="survey.open"),
    page("engagement:survey_edit", STAFF, subject="survey.open", **STAFF_ONLY),
    page("engagement:survey_build", STAFF, subject="survey.open", **STAFF_ONLY),
    page("engagement:survey_invitations", STAFF, subject="survey.open", **STAFF_ONLY),
    page("engagement:survey_transition", STAFF, "POST", subject="survey.open_close", **STAFF_ONLY),
    page(
        "engagement:survey_invitation",
        (),
        subject="survey.invitation_unknown",
        denied=404,
        anonymous=404,
    ),
    page("engagement:survey_start", PUBLIC, "POST", subject="survey.open"),
    page("engagement:survey_respond", PUBLIC, subject="survey.open"),
    # A link that resumes nothing says so on a page of its own: the answers are anonymous, and
    # the page tells nothing about anyone.
    page("engagement:survey_resume", PUBLIC, subject="survey.invitation_unknown"),
    page("engagement:survey_saved", PUBLIC, subject="survey.open"),
    page("engagement:survey_thanks", PUBLIC, subject="survey.open"),
    # Results before publication exist for staff only.
    page("engagement:survey_results", STAFF, subject="survey.open", denied=404, anonymous=404),
    page("engagement:survey_export", STAFF, subject="survey.export_csv", denied=404),
    page(
        "engagement:survey_text_answers",
        STAFF,
        subject="survey.text_answers",
        denied=404,
    ),
    page("engagement:question_delete", STAFF, "POST", subject="question.first", **STAFF_ONLY),
]

EVENTS = [
    page("engagement:events", PUBLIC),
    page("engagement:event_create", STAFF, **STAFF_ONLY),
    page("engagement:event", PUBLIC, subject="event.webinar"),
    page("engagement:event_edit", STAFF, subject="event.webinar", **STAFF_ONLY),
    page("engagement:event_register", SIGNED_IN, "POST", subject="event.webinar"),
    # Nobody in the demo is registered: there is no registration to cancel.
    page("engagement:event_cancel", (), "POST", subject="event.webinar", denied=404),
    page("engagement:event_ics", PUBLIC, subject="event.webinar"),
    page("engagement:event_attendance", STAFF, subject="event.webinar", **STAFF_ONLY),
]

API = [
    api("GET /api/v1/surveys/", PUBLIC),
    api("GET /api/v1/surveys/{id}/", PUBLIC, "survey.open"),
    api("POST /api/v1/surveys/{id}/respond/", PUBLIC, "survey.open"),
    api("GET /api/v1/surveys/{id}/results/", STAFF, "survey.open", denied=404, anonymous=404),
    # The open survey is public: running it is refused (403), not hidden.
    *(
        api(operation, STAFF, "survey.open", denied=403)
        for operation in (
            "GET /api/v1/surveys/{id}/quotas/",
            "POST /api/v1/surveys/{id}/quotas/",
            "POST /api/v1/surveys/{id}/open/",
            "POST /api/v1/surveys/{id}/close/",
            "POST /api/v1/surveys/{id}/publish-results/",
        )
    ),
    api("GET /api/v1/events/", PUBLIC),
    api("POST /api/v1/events/", STAFF),
    api("GET /api/v1/events/{id}/", PUBLIC, "event.webinar"),
    api("PATCH /api/v1/events/{id}/", STAFF, "event.webinar"),
    api("POST /api/v1/events/{id}/register/", SIGNED_IN, "event.webinar"),
    api("POST /api/v1/events/{id}/cancel/", (), "event.webinar", denied=404),
]

ROWS = [*SURVEYS, *EVENTS, *API]
