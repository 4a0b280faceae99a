from django.urls import path
from django.views.generic import RedirectView

from governance.access import views

app_name = "access"
urlpatterns = [
    # The area's root address leads to its main page: the requests a person makes or decides on.
    path("", RedirectView.as_view(pattern_name="access:requests"), name="home"),
    path("requests/", views.request_list, name="requests"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/edit/", views.request_edit, name="request_edit"),
    path("requests/<int:pk>/submit/", views.request_submit, name="request_submit"),
    path("requests/<int:pk>/withdraw/", views.request_withdraw, name="request_withdraw"),
    path("requests/<int:pk>/return/", views.request_return, name="request_return"),
    path("requests/<int:pk>/comments/", views.comment_add, name="comment_add"),
    path("requests/<int:pk>/conflict/", views.conflict_declare, name="conflict_declare"),
    path("requests/<int:pk>/ethics/", views.ethics_file, name="ethics_file"),
    path("requests/<int:pk>/items/<int:item_pk>/vote/", views.item_vote, name="item_vote"),
    path("requests/<int:pk>/items/<int:item_pk>/decide/", views.item_decide, name="item_decide"),
    path("register/", views.register, name="register"),
    path("committees/", views.committee_list, name="committees"),
    path("committees/new/", views.committee_form, name="committee_new"),
    path("committees/<int:pk>/", views.committee_detail, name="committee"),
    path("committees/<int:pk>/edit/", views.committee_form, name="committee_edit"),
    path("committees/<int:pk>/members/", views.member_add, name="member_add"),
    path(
        "committees/<int:pk>/members/<int:member_pk>/remove/",
        views.member_remove,
        name="member_remove",
    ),
]
