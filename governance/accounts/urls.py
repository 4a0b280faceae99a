from django.urls import path

from governance.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.profile, name="profile"),
    path("name/", views.profile_name, name="profile_name"),
    path("tokens/new/", views.token_create, name="token_create"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("export/", views.data_export, name="data_export"),
    path("erasure/", views.erasure, name="erasure"),
    path("erasure-requests/", views.erasure_request_list, name="erasure_request_list"),
    path(
        "erasure-requests/<int:request_id>/",
        views.erasure_request_detail,
        name="erasure_request_detail",
    ),
    path("people/", views.people_list, name="people_list"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path(
        "organisations/<int:organisation_id>/",
        views.organisation_detail,
        name="organisation_detail",
    ),
    path(
        "organisations/<int:organisation_id>/edit/",
        views.organisation_edit,
        name="organisation_edit",
    ),
    path(
        "organisations/<int:organisation_id>/memberships/",
        views.membership_add,
        name="membership_add",
    ),
    path(
        "memberships/<int:membership_id>/remove/",
        views.membership_remove,
        name="membership_remove",
    ),
]
