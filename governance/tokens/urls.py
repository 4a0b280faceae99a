from django.urls import path

from governance.tokens import views

app_name = "tokens"
urlpatterns = [
    path("", views.my_services, name="mine"),
    path("tokens/<int:pk>/revoke/", views.revoke_token, name="revoke"),
    path("authorisations/<int:pk>/withdraw/", views.withdraw_authorization, name="withdraw"),
    path("clients/", views.clients, name="clients"),
    path("clients/new/", views.client_create, name="client_create"),
    path("clients/<int:pk>/", views.client_detail, name="client"),
    path("clients/<int:pk>/edit/", views.client_edit, name="client_edit"),
    path("clients/<int:pk>/rotate-secret/", views.client_rotate_secret, name="client_rotate"),
    path(
        "clients/<int:pk>/rotate-webhook-secret/",
        views.client_rotate_webhook_secret,
        name="client_rotate_webhook",
    ),
    path("clients/<int:pk>/toggle/", views.client_toggle, name="client_toggle"),
    path("webhooks/", views.deliveries, name="deliveries"),
]
