from django.urls import path

from governance.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.event_list, name="list"),
]
