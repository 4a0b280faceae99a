"""What engagement holds about a person. Anonymous survey responses are not theirs to export:
nothing links them to the person (only the fact of taking part, `SurveyParticipation`)."""

from __future__ import annotations

from typing import Any

from governance.engagement.models import (
    Comment,
    Registration,
    SurveyInvitation,
    SurveyParticipation,
    SurveyResponse,
)


def export(person) -> dict[str, Any]:
    return {
        "survey_responses": [
            {
                "survey": response.survey.title,
                "submitted_at": response.submitted_at,
                "group": response.group,
                "answers": [
                    {
                        "question": a.question.text,
                        "item": a.item,
                        "choice": a.choice,
                        "number": a.number,
                        "text": a.text,
                    }
                    for a in response.answers.select_related("question")
                ],
                "draft": response.draft,
            }
            for response in SurveyResponse.objects.filter(person=person).select_related("survey")
        ],
        "anonymous_surveys_taken_part_in": [
            {"survey": p.survey.title, "on": p.on}
            for p in SurveyParticipation.objects.filter(person=person).select_related("survey")
        ],
        "survey_invitations": [
            {"survey": i.survey.title, "sent_at": i.sent_at, "used_on": i.used_on}
            for i in SurveyInvitation.objects.filter(email__iexact=person.email).select_related(
                "survey"
            )
        ],
        "consultation_comments": [
            {
                "consultation": c.consultation.title,
                "body": c.body,
                "visibility": c.visibility,
                "created_at": c.created_at,
                "reply": c.reply,
            }
            for c in Comment.objects.filter(author=person).select_related("consultation")
        ],
        "event_registrations": [
            {
                "event": r.event.title,
                "status": r.status,
                "created_at": r.created_at,
                "attended": r.attended,
            }
            for r in Registration.objects.filter(person=person).select_related("event")
        ],
    }


def erase(person) -> None:
    # Identified responses stay as statistics but lose the person; comments keep their text
    # (it shaped a published policy) under the pseudonymised author.
    SurveyResponse.objects.filter(person=person).update(person=None, draft={})
    for invitation in SurveyInvitation.objects.filter(email__iexact=person.email):
        invitation.email = f"erased-{invitation.pk}@invalid.example"
        invitation.save(update_fields=["email"])
    SurveyParticipation.objects.filter(person=person).delete()
    Registration.objects.filter(person=person).delete()
