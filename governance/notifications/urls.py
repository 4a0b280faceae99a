from django.urls import path

from governance.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.outbox, name="outbox"),
]
