from django.urls import path
from django.views.generic import RedirectView

from governance.engagement.views import consultations, events, policies, surveys

app_name = "engagement"
urlpatterns = [
    # The area root leads to its main page: the public consultations (which link the rest).
    path("", RedirectView.as_view(pattern_name="engagement:consultations"), name="home"),
    path("surveys/", surveys.survey_list, name="surveys"),
    path("surveys/new/", surveys.survey_edit, name="survey_create"),
    path("surveys/<int:pk>/", surveys.survey_detail, name="survey"),
    path("surveys/<int:pk>/edit/", surveys.survey_edit, name="survey_edit"),
    path("surveys/<int:pk>/build/", surveys.survey_build, name="survey_build"),
    path("surveys/<int:pk>/invitations/", surveys.survey_invitations, name="survey_invitations"),
    path("surveys/<int:pk>/do/<slug:action>/", surveys.survey_transition, name="survey_transition"),
    path(
        "surveys/<int:pk>/invitation/<str:token>/",
        surveys.survey_invitation,
        name="survey_invitation",
    ),
    path("surveys/<int:pk>/start/", surveys.survey_start, name="survey_start"),
    path("surveys/<int:pk>/respond/", surveys.survey_respond, name="survey_respond"),
    path("surveys/<int:pk>/resume/<str:token>/", surveys.survey_resume, name="survey_resume"),
    path("surveys/<int:pk>/saved/", surveys.survey_saved, name="survey_saved"),
    path("surveys/<int:pk>/thanks/", surveys.survey_thanks, name="survey_thanks"),
    path("surveys/<int:pk>/results/", surveys.survey_results_page, name="survey_results"),
    path("surveys/<int:pk>/export.<slug:fmt>", surveys.survey_export, name="survey_export"),
    path(
        "surveys/<int:pk>/questions/<int:question_pk>/answers/",
        surveys.survey_text_answers,
        name="survey_text_answers",
    ),
    path("questions/<int:pk>/delete/", surveys.question_delete, name="question_delete"),
    path("consultations/", consultations.consultation_list, name="consultations"),
    path("consultations/new/", consultations.consultation_edit, name="consultation_create"),
    path("consultations/<int:pk>/", consultations.consultation_detail, name="consultation"),
    path("consultations/<int:pk>/edit/", consultations.consultation_edit, name="consultation_edit"),
    path(
        "consultations/<int:pk>/translations/",
        consultations.consultation_translations,
        name="consultation_translations",
    ),
    path(
        "consultations/<int:pk>/comment/",
        consultations.consultation_comment,
        name="consultation_comment",
    ),
    path(
        "consultations/<int:pk>/do/<slug:action>/",
        consultations.consultation_transition,
        name="consultation_transition",
    ),
    path(
        "consultations/<int:pk>/what-we-heard/",
        consultations.consultation_outcome,
        name="consultation_outcome",
    ),
    path("comments/<int:pk>/moderate/", consultations.comment_moderate, name="comment_moderate"),
    path("events/", events.event_list, name="events"),
    path("events/new/", events.event_edit, name="event_create"),
    path("events/<int:pk>/", events.event_detail, name="event"),
    path("events/<int:pk>/edit/", events.event_edit, name="event_edit"),
    path("events/<int:pk>/register/", events.event_register, name="event_register"),
    path("events/<int:pk>/cancel/", events.event_cancel, name="event_cancel"),
    path("events/<int:pk>/invite.ics", events.event_ics, name="event_ics"),
    path("events/<int:pk>/attendance/", events.event_attendance, name="event_attendance"),
    path("policies/", policies.policy_list, name="policies"),
    path("policies/new/", policies.policy_create, name="policy_create"),
    path("policies/<int:pk>/", policies.policy_detail, name="policy"),
    path(
        "policies/<int:pk>/versions/new/",
        policies.policy_version_create,
        name="policy_version_create",
    ),
    path("policies/versions/<int:pk>/", policies.policy_version_detail, name="policy_version"),
    path(
        "policies/versions/<int:pk>/edit/", policies.policy_version_edit, name="policy_version_edit"
    ),
    path(
        "policies/versions/<int:pk>/publish/",
        policies.policy_version_publish,
        name="policy_version_publish",
    ),
    path(
        "policies/versions/<int:pk>/translation/",
        policies.policy_translation,
        name="policy_translation",
    ),
]
