from django.urls import path

from governance.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.outbox, name="outbox"),
    path("<int:pk>/", views.email_detail, name="detail"),
    path("<int:pk>/resend/", views.email_resend, name="resend"),
    path("test/", views.send_test, name="send_test"),
]
