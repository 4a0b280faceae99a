from django.urls import path

from governance.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("events/<int:sequence>/", views.event_detail, name="detail"),
    path("verify/", views.verify, name="verify"),
]
