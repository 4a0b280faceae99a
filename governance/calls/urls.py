from django.urls import path

from governance.calls import views

app_name = "calls"
urlpatterns = [
    path("", views.call_list, name="list"),
    path("new/", views.call_create, name="call_create"),
    path("subscribe/", views.subscribe, name="subscribe"),
    path(
        "subscriptions/<str:token>/confirm/",
        views.subscription_confirm,
        name="subscription_confirm",
    ),
    path("subscriptions/<str:token>/unsubscribe/", views.unsubscribe, name="unsubscribe"),
    path("<int:pk>/", views.call_detail, name="call"),
    path("<int:pk>/edit/", views.call_edit, name="call_edit"),
    path("<int:pk>/translations/", views.call_translations, name="call_translations"),
    path("<int:pk>/dashboard/", views.call_dashboard, name="dashboard"),
    path("<int:pk>/apply/", views.proposal_start, name="proposal_start"),
    path("<int:pk>/decisions/", views.call_decisions, name="decisions"),
    path("<int:pk>/decisions/release/", views.decisions_release, name="decisions_release"),
    path("decisions/<int:pk>/<str:verb>/", views.decision_act, name="decision_act"),
    path("proposals/", views.proposal_list, name="proposals"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/edit/", views.proposal_edit, name="proposal_edit"),
    path("proposals/<int:pk>/submit/", views.proposal_submit, name="proposal_submit"),
    path("proposals/<int:pk>/withdraw/", views.proposal_withdraw, name="proposal_withdraw"),
    path("proposals/<int:pk>/decide/", views.decision_stage, name="decision_stage"),
    path("proposals/<int:pk>/decision-letter/", views.decision_letter, name="decision_letter"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("onboarding/<int:pk>/submit/", views.onboarding_submit, name="onboarding_submit"),
    path("onboarding/<int:pk>/review/", views.onboarding_review, name="onboarding_review"),
]
