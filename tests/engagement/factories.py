"""Engagement objects for tests, built through the services where state matters."""

from __future__ import annotations

import datetime

from django.utils import timezone

from governance.engagement import services
from governance.engagement.models import (
    Consultation,
    Event,
    PolicyDocument,
    Question,
    Survey,
)
from tests.factories import person_with_role

K = Question.Kind


def staff_person(email: str = "surveys-staff@example.org"):
    return person_with_role("staff", person__email=email)


def options(*labels: str) -> list[dict]:
    return [{"value": label.lower(), "label": label} for label in labels]


def survey_with_questions(actor, *, open_it: bool = True, **data) -> Survey:
    """Two sections: a required single choice (`uses`), a conditional follow-up (`which`) shown
    only to those who answered "yes", a Likert matrix, a 0-10 scale and a long text."""
    survey = services.survey_save(
        actor=actor,
        data={
            "title": data.pop("title", "Imaging data survey"),
            "intro": "Why we ask.",
            "privacy_notice": "What we keep.",
            "access": data.pop("access", Survey.Access.PUBLIC),
            "anonymous": data.pop("anonymous", True),
            "group_source": data.pop("group_source", Survey.GroupSource.ASK),
            "closes_at": data.pop("closes_at", timezone.now() + datetime.timedelta(days=10)),
        },
    )
    first = services.section_add(actor=actor, survey=survey, title="Use")
    uses = services.question_add(
        actor=actor,
        section=first,
        data={
            "kind": K.SINGLE,
            "text": "Do you use shared imaging data?",
            "required": True,
            "options": options("Yes", "No"),
            "allow_other": True,
        },
    )
    second = services.section_add(actor=actor, survey=survey, title="Details")
    services.question_add(
        actor=actor,
        section=second,
        data={
            "kind": K.MULTIPLE,
            "text": "Which modalities?",
            "required": True,
            "options": options("MRI", "CT", "PET"),
            "condition_question": uses,
            "condition_values": ["yes"],
        },
    )
    services.question_add(
        actor=actor,
        section=second,
        data={
            "kind": K.LIKERT,
            "text": "Agree?",
            "options": options("Sharing is good", "Rules are clear"),
        },
    )
    services.question_add(actor=actor, section=second, data={"kind": K.SCALE, "text": "Trust?"})
    services.question_add(
        actor=actor, section=second, data={"kind": K.LONG_TEXT, "text": "Comments?"}
    )
    if open_it:
        survey = services.survey_transition(actor=actor, survey=survey, action="open")
    return survey


def qid(survey: Survey, text: str) -> str:
    return str(survey.questions.get(text=text).pk)


def answers(survey: Survey, *, uses: str = "yes", modalities=("mri",), text: str = "") -> dict:
    result = {
        qid(survey, "Do you use shared imaging data?"): uses,
        qid(survey, "Trust?"): 7,
        qid(survey, "Agree?"): {"0": 4, "1": 2},
    }
    if modalities is not None:
        result[qid(survey, "Which modalities?")] = list(modalities)
    if text:
        result[qid(survey, "Comments?")] = text
    return result


def consultation(actor, *, open_it: bool = True) -> Consultation:
    document, _ = PolicyDocument.objects.get_or_create(
        slug="elsi", defaults={"title": "ELSI framework"}
    )
    version = services.policy_version_create(
        actor=actor,
        document=document,
        plain_summary="In short: images stay in hospitals.",
        sections=[
            ("Scope", "Imaging data for cancer research."),
            ("Consent", "Withdrawal applies everywhere."),
        ],
    )
    services.policy_version_publish(actor=actor, version=version)
    consultation = Consultation.objects.create(
        version=version,
        title="Consultation on the ELSI framework",
        invitation="Tell us.",
        closes_at=timezone.now() + datetime.timedelta(days=5),
    )
    if open_it:
        consultation = services.consultation_transition(
            actor=actor, consultation=consultation, action="open"
        )
    return consultation


def event(
    *, capacity: int = 2, days: int = 10, title: str = "Technical demonstration webinar"
) -> Event:
    starts = timezone.now() + datetime.timedelta(days=days)
    return Event.objects.create(
        title=title,
        description="Live demo.",
        audience="Everyone",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(minutes=90),
        location="Online",
        capacity=capacity,
    )
