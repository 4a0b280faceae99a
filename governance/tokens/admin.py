from django.contrib import admin

from governance.tokens.models import (
    IssuedToken,
    ServiceAuthorization,
    ServiceClient,
    SigningKey,
    WebhookDelivery,
)


@admin.register(ServiceClient)
class ServiceClientAdmin(admin.ModelAdmin):
    list_display = ["__str__", "audience", "may_read_ga4gh", "is_active", "created_at"]
    list_filter = ["is_active", "may_read_ga4gh"]
    search_fields = ["application__name", "application__client_id", "audience"]
    raw_id_fields = ["application", "created_by"]


@admin.register(SigningKey)
class SigningKeyAdmin(admin.ModelAdmin):
    list_display = ["kid", "alg", "created_at", "retired_at"]
    readonly_fields = ["kid", "alg", "public_jwk", "created_at"]


@admin.register(IssuedToken)
class IssuedTokenAdmin(admin.ModelAdmin):
    """Read only: the records never hold a token, only its hash and claims."""

    list_display = [
        "jti",
        "client",
        "person",
        "grant_type",
        "issued_at",
        "expires_at",
        "revoked_at",
    ]
    list_filter = ["grant_type"]
    search_fields = ["jti", "client__client_id"]
    readonly_fields = [f.name for f in IssuedToken._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(ServiceAuthorization)
class ServiceAuthorizationAdmin(admin.ModelAdmin):
    list_display = ["person", "client", "granted_at", "revoked_at"]
    raw_id_fields = ["person", "client"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["service", "event", "state", "attempts", "last_status", "created_at"]
    list_filter = ["state", "event"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
