"""Answering surveys: conditions, required answers, single-use invitations, anonymity, quotas
and the closing date — enforced by the services that both the pages and the API call."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from governance.audit.models import AuditEvent
from governance.core.errors import DeadlinePassed, InvalidTransition, NotPermitted
from governance.engagement import questions, services
from governance.engagement.models import (
    Answer,
    Survey,
    SurveyInvitation,
    SurveyParticipation,
    SurveyQuota,
    SurveyResponse,
)
from tests.engagement.factories import answers, qid, survey_with_questions
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_submit_stores_one_row_per_value(manager):
    survey = survey_with_questions(manager)
    services.response_submit(
        survey=survey,
        person=None,
        answers=answers(survey, modalities=["mri", "ct"]),
        group="patient",
    )
    response = SurveyResponse.objects.get(survey=survey)
    rows = Answer.objects.filter(response=response)
    # single + 2 multiple + 2 Likert rows + scale
    assert rows.count() == 6
    assert sorted(
        rows.filter(question__text="Which modalities?").values_list("choice", flat=True)
    ) == ["ct", "mri"]
    assert set(rows.values_list("group", flat=True)) == {"patient"}


def test_conditional_question_is_skipped_when_condition_unmet(manager):
    survey = survey_with_questions(manager)
    given = answers(survey, uses="no", modalities=None)
    services.response_submit(survey=survey, person=None, answers=given, group="industry")
    assert not Answer.objects.filter(question__text="Which modalities?").exists()


def test_conditional_required_question_must_be_answered_when_shown(manager):
    survey = survey_with_questions(manager)
    with pytest.raises(services.AnswersInvalid) as error:
        services.response_submit(
            survey=survey, person=None, answers=answers(survey, modalities=None), group="industry"
        )
    assert [p.question_id for p in error.value.problems] == [int(qid(survey, "Which modalities?"))]
    assert not SurveyResponse.objects.filter(submitted_at__isnull=False).exists()


def test_answer_to_hidden_question_is_discarded(manager):
    survey = survey_with_questions(manager)
    services.response_submit(
        survey=survey,
        person=None,
        answers=answers(survey, uses="no", modalities=["pet"]),
        group="other",
    )
    assert not Answer.objects.filter(question__text="Which modalities?").exists()


def test_required_question_missing_is_refused(manager):
    survey = survey_with_questions(manager)
    given = answers(survey)
    del given[qid(survey, "Do you use shared imaging data?")]
    with pytest.raises(services.AnswersInvalid):
        services.response_submit(survey=survey, person=None, answers=given, group="other")


def test_other_choice_needs_its_text(manager):
    survey = survey_with_questions(manager)
    question = survey.questions.get(text="Do you use shared imaging data?")
    with pytest.raises(questions.InvalidAnswer):
        questions.clean(question, {"choice": "other", "other": " "})
    assert questions.clean(question, {"choice": "other", "other": "Sometimes"}) == {
        "choice": "other",
        "other": "Sometimes",
    }


def test_unknown_option_is_refused(manager):
    survey = survey_with_questions(manager)
    with pytest.raises(questions.InvalidAnswer):
        questions.clean(survey.questions.get(text="Which modalities?"), ["xray"])


def test_stakeholder_group_is_required(manager):
    survey = survey_with_questions(manager)
    with pytest.raises(services.FieldInvalid, match="stakeholder group") as refused:
        services.response_submit(survey=survey, person=None, answers=answers(survey), group="")
    assert (refused.value.field, refused.value.code) == ("group", "invalid_group")


def test_anonymous_response_holds_no_link_to_the_person(manager):
    survey = survey_with_questions(manager, access=Survey.Access.SIGNED_IN)
    person = UserFactory(email="respondent@example.org")
    events_before = AuditEvent.objects.count()
    response, _raw = services.response_start(survey=survey, person=person)
    services.response_submit(
        survey=survey, person=person, answers=answers(survey), group="patient", response=response
    )

    row = SurveyResponse.objects.filter(survey=survey).values().get()
    assert row["person_id"] is None
    assert row["resume_token_hash"] == ""
    assert row["draft"] == {}
    assert row["submitted_at"].minute == 0 and row["submitted_at"].second == 0
    # No audit event was written for the response, so none names its actor.
    assert AuditEvent.objects.count() == events_before
    assert not AuditEvent.objects.filter(object_type="engagement.surveyresponse").exists()
    # That the person took part is known (so they answer once), but not which response is theirs.
    participation = SurveyParticipation.objects.get(survey=survey)
    assert participation.person == person
    assert not any(
        f.related_model is SurveyResponse for f in SurveyParticipation._meta.get_fields()
    )
    with pytest.raises(InvalidTransition):
        services.response_start(survey=survey, person=person)


def test_identified_response_records_the_person_and_an_audit_event(manager):
    survey = survey_with_questions(manager, access=Survey.Access.SIGNED_IN, anonymous=False)
    person = UserFactory()
    response = services.response_submit(
        survey=survey, person=person, answers=answers(survey), group="academic_researcher"
    )
    assert response.person == person
    event = AuditEvent.objects.get(action="engagement.response_submitted")
    assert event.actor == person


def test_identified_public_survey_is_refused(manager):
    with pytest.raises(services.FieldInvalid, match="identified survey") as refused:
        survey_with_questions(manager, anonymous=False, access=Survey.Access.PUBLIC)
    assert (refused.value.field, refused.value.code) == ("access", "identified_public")


def test_signed_in_survey_refuses_visitors(manager):
    survey = survey_with_questions(manager, access=Survey.Access.SIGNED_IN)
    with pytest.raises(NotPermitted):
        services.response_submit(
            survey=survey, person=None, answers=answers(survey), group="patient"
        )


def test_invitation_link_works_once(manager, mailoutbox):
    survey = survey_with_questions(manager, access=Survey.Access.INVITATION)
    services.invitations_send(
        actor=manager, survey=survey, emails=["a@example.org", "b@example.org"]
    )
    invitation = SurveyInvitation.objects.get(email="a@example.org")
    raw = "raw-token-for-test"
    invitation.token_hash = services.token_hash(raw)
    invitation.save()
    assert raw not in str(SurveyInvitation.objects.values_list("token_hash", flat=True))

    services.response_submit(
        survey=survey, person=None, answers=answers(survey), group="patient", invitation_token=raw
    )
    invitation.refresh_from_db()
    assert invitation.used_on == timezone.localdate()
    with pytest.raises(InvalidTransition) as error:
        services.response_submit(
            survey=survey,
            person=None,
            answers=answers(survey),
            group="patient",
            invitation_token=raw,
        )
    assert error.value.code == "invitation_used"
    assert SurveyResponse.objects.filter(survey=survey, submitted_at__isnull=False).count() == 1
    # The invitation does not point at the response.
    assert not any(f.related_model is SurveyResponse for f in SurveyInvitation._meta.get_fields())


def test_invitation_survey_refuses_answers_without_a_link(manager):
    survey = survey_with_questions(manager, access=Survey.Access.INVITATION)
    with pytest.raises(NotPermitted):
        services.response_submit(
            survey=survey, person=None, answers=answers(survey), group="patient"
        )


def test_invitations_are_emailed_with_a_link_and_reminded(
    manager, mailoutbox, django_capture_on_commit_callbacks
):
    survey = survey_with_questions(manager, access=Survey.Access.INVITATION)
    with django_capture_on_commit_callbacks(execute=True):
        services.invitations_send(actor=manager, survey=survey, emails=["a@example.org"])
    assert len(mailoutbox) == 1
    assert f"/engagement/surveys/{survey.pk}/invitation/" in mailoutbox[0].body
    later = timezone.now() + datetime.timedelta(days=4)
    with time_machine.travel(later), django_capture_on_commit_callbacks(execute=True):
        assert services.remind_invitees(survey=survey) == 1
        assert services.remind_invitees(survey=survey) == 0
    assert len(mailoutbox) == 2
    assert "Reminder" in mailoutbox[1].subject


def test_quota_per_group_is_enforced(manager):
    survey = survey_with_questions(manager)
    SurveyQuota.objects.create(survey=survey, group="industry", limit=1)
    services.response_submit(survey=survey, person=None, answers=answers(survey), group="industry")
    with pytest.raises(InvalidTransition) as error:
        services.response_submit(
            survey=survey, person=None, answers=answers(survey), group="industry"
        )
    assert error.value.code == "quota_full"
    services.response_submit(survey=survey, person=None, answers=answers(survey), group="patient")


def test_closing_date_is_enforced(manager):
    survey = survey_with_questions(manager)
    after = survey.closes_at + datetime.timedelta(minutes=1)
    with time_machine.travel(after), pytest.raises(DeadlinePassed):
        services.response_submit(
            survey=survey, person=None, answers=answers(survey), group="patient"
        )


def test_draft_survey_takes_no_answers(manager):
    survey = survey_with_questions(manager, open_it=False)
    with pytest.raises(InvalidTransition):
        services.response_submit(
            survey=survey, person=None, answers=answers(survey), group="patient"
        )


def test_questions_cannot_change_once_open(manager):
    survey = survey_with_questions(manager)
    with pytest.raises(InvalidTransition):
        services.section_add(actor=manager, survey=survey, title="Late")


def test_state_machine_draft_open_closed_published(manager):
    survey = survey_with_questions(manager, open_it=False)
    for action, state in [
        ("open", "open"),
        ("close", "closed"),
        ("publish_results", "results_published"),
    ]:
        survey = services.survey_transition(actor=manager, survey=survey, action=action)
        assert survey.state == state
    with pytest.raises(InvalidTransition):
        services.survey_transition(actor=manager, survey=survey, action="open")


def test_only_staff_build_surveys(db):
    with pytest.raises(NotPermitted):
        services.survey_save(actor=UserFactory(), data={"title": "x"})


def test_resume_finds_the_anonymous_draft_by_token_only(manager):
    survey = survey_with_questions(manager)
    response, raw = services.response_start(survey=survey, person=None)
    services.response_save(response=response, answers={"1": "x"}, section_index=2)
    assert services.response_resume(survey=survey, person=None, raw_token=raw) == response
    assert services.response_resume(survey=survey, person=None, raw_token="wrong") is None
    assert SurveyResponse.objects.get().resume_token_hash != raw


def test_estimated_time_of_the_demo_survey_is_about_ten_minutes():
    from governance.engagement.demo import SURVEY
    from governance.engagement.models import Question

    built = [
        Question(kind=spec["kind"], options=spec.get("options", []))
        for _t, qs in SURVEY
        for spec in qs
    ]
    minutes = questions.estimated_minutes(built)
    assert minutes == 10
    assert questions.estimate_text(minutes) == "about 10 minutes"


def test_group_from_account_uses_role_and_organisation(db):
    from tests.factories import OrganisationFactory, person_with_role

    patient = person_with_role("patient_org_rep", organisation=OrganisationFactory(country="IT"))
    assert services.group_from_account(patient) == ("patient", "IT")
    industry = person_with_role(
        "researcher", organisation=OrganisationFactory(provider_type="ai_developer")
    )
    assert services.group_from_account(industry)[0] == "industry"


def test_identified_survey_needs_a_signed_in_person(manager):
    survey = survey_with_questions(manager, access=Survey.Access.INVITATION, anonymous=False)
    services.invitations_send(actor=manager, survey=survey, emails=["a@example.org"])
    invitation = SurveyInvitation.objects.get()
    invitation.token_hash = services.token_hash("tok")
    invitation.save()
    with pytest.raises(NotPermitted):
        services.response_submit(
            survey=survey,
            person=None,
            answers=answers(survey),
            group="patient",
            invitation_token="tok",
        )
