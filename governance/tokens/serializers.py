"""What the token service's API reads and writes. Secrets appear only in the responses that
create them (`*SecretSerializer`, `ServiceClientCreatedSerializer`); never the hashed client
secret or the encrypted webhook secret."""

from __future__ import annotations

from rest_framework import serializers

from governance.api.fields import AllowedActionsField
from governance.tokens.models import (
    TOKEN_MACHINE,
    IssuedToken,
    ServiceAuthorization,
    ServiceClient,
    WebhookDelivery,
)

# Service clients (staff)


class ServiceClientSerializer(serializers.ModelSerializer):
    client_id = serializers.CharField(source="application.client_id", read_only=True)
    name = serializers.CharField(source="application.name", read_only=True)
    grant_types = serializers.ListField(child=serializers.CharField(), read_only=True)
    scopes = serializers.ListField(child=serializers.CharField(), read_only=True)
    access_conditions = serializers.ListField(child=serializers.CharField(), read_only=True)
    redirect_uris = serializers.CharField(
        source="application.redirect_uris", read_only=True, help_text="Space-separated."
    )
    webhook_url = serializers.URLField(read_only=True, allow_blank=True)  # "" without a webhook
    has_webhook_secret = serializers.SerializerMethodField()
    issued_today = serializers.IntegerField(
        read_only=True, help_text="Access tokens issued since midnight (portal time)."
    )
    issued_week = serializers.IntegerField(
        read_only=True, help_text="Access tokens issued today and the six days before."
    )

    class Meta:
        model = ServiceClient
        fields = [
            "id",
            "client_id",
            "name",
            "audience",
            "grant_types",
            "scopes",
            "access_conditions",
            "may_read_ga4gh",
            "redirect_uris",
            "webhook_url",
            "has_webhook_secret",
            "is_active",
            "secret_rotated_at",
            "created_at",
            "issued_today",
            "issued_week",
        ]
        read_only_fields = fields

    def get_has_webhook_secret(self, service) -> bool:
        return bool(service.webhook_secret_encrypted)


class ServiceClientInputSerializer(serializers.Serializer):
    """The settings of a service (`services.EDITABLE`). Which values are allowed is decided by
    `services.check_client_spec`, which answers 400 with a code and what to fix."""

    name = serializers.CharField(max_length=200)
    audience = serializers.CharField(
        max_length=255,
        help_text="The service's identifier in its tokens' aud claim, e.g. its base URL.",
    )
    grant_types = serializers.ListField(
        child=serializers.CharField(),
        allow_empty=True,
        help_text=" | ".join(ServiceClient.GrantType.values),
    )
    scopes = serializers.ListField(
        child=serializers.CharField(),
        allow_empty=True,
        help_text="Among the portal's scopes, e.g. datasets, openid, ga4gh_passport_v1.",
    )
    access_conditions = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        default=list,
        help_text="Codes of the access conditions the service serves, e.g. download.",
    )
    may_read_ga4gh = serializers.BooleanField(
        required=False, default=False, help_text="A broker that may fetch a person's GA4GH visas."
    )
    redirect_uris = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Space-separated; needed for the authorization code flow.",
    )
    webhook_url = serializers.URLField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Receives signed notices when tokens it holds are revoked.",
    )


class ServiceClientCreatedSerializer(ServiceClientSerializer):
    client_secret = serializers.CharField(
        read_only=True, help_text="Shown only in this response; store it now."
    )
    webhook_secret = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text="Signs the webhook notices; shown only in this response. Null without a "
        "webhook URL.",
    )

    class Meta(ServiceClientSerializer.Meta):
        fields = [*ServiceClientSerializer.Meta.fields, "client_secret", "webhook_secret"]
        read_only_fields = fields


class ServiceClientSecretSerializer(ServiceClientSerializer):
    client_secret = serializers.CharField(
        read_only=True,
        help_text="The new client secret (the old one no longer works); shown only here.",
    )

    class Meta(ServiceClientSerializer.Meta):
        fields = [*ServiceClientSerializer.Meta.fields, "client_secret"]
        read_only_fields = fields


class ServiceClientWebhookSecretSerializer(ServiceClientSerializer):
    webhook_secret = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text="A new webhook signing secret, shown only in this response; null when "
        "there is none new.",
    )

    class Meta(ServiceClientSerializer.Meta):
        fields = [*ServiceClientSerializer.Meta.fields, "webhook_secret"]
        read_only_fields = fields


class DailyStatisticsSerializer(serializers.Serializer):
    day = serializers.DateField()
    issued = serializers.IntegerField(help_text="Access tokens issued that day.")
    introspections = serializers.IntegerField(help_text="Introspections the service made.")


class WebhookDeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event",
            "state",
            "attempts",
            "last_status",
            "last_error",
            "created_at",
            "delivered_at",
        ]
        read_only_fields = fields


# The signed-in person's services and tokens


class ServiceAuthorisationSerializer(serializers.ModelSerializer):
    client_id = serializers.CharField(source="client.client_id", read_only=True)
    service_name = serializers.CharField(source="client.name", read_only=True)
    scopes = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = ServiceAuthorization
        fields = ["id", "client_id", "service_name", "scopes", "granted_at", "revoked_at"]
        read_only_fields = fields


class ServiceTokenSerializer(serializers.ModelSerializer):
    client_id = serializers.CharField(source="client.client_id", read_only=True)
    service_name = serializers.CharField(source="client.name", read_only=True)
    scope = serializers.SerializerMethodField()
    datasets = serializers.SerializerMethodField()
    allowed_actions = AllowedActionsField(
        TOKEN_MACHINE,
        help_text="What you may do to this token now: `revoke` (POST `revoke`) while it is live.",
    )

    class Meta:
        model = IssuedToken
        fields = [
            "id",
            "client_id",
            "service_name",
            "jti",
            "scope",
            "datasets",
            "issued_at",
            "expires_at",
            "revoked_at",
            "allowed_actions",
        ]
        read_only_fields = fields

    def get_scope(self, token) -> str:
        return str(token.claims.get("scope", ""))

    def get_datasets(self, token) -> list[str]:
        """Persistent URLs of the datasets the token lets the service use."""
        return [
            entry["identifier"]
            for entry in token.claims.get("authorization_details", [])
            if isinstance(entry, dict) and entry.get("identifier")
        ]
