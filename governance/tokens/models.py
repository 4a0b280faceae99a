"""The token service (SPEC section 5): registered services, signing keys, issued tokens.

Django OAuth Toolkit owns the OAuth protocol and its own tables (Application, AccessToken,
RefreshToken, Grant, IDToken). This app adds what the portal needs around them: a profile per
client (`ServiceClient`), the signing keys, one `IssuedToken` row per access token with the
grants it carries (so a revoked grant or a changed consent turns the tokens off at once), the
consent a person gave a service, webhook deliveries and introspection counters.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from governance.core.transitions import StateMachine


class ServiceClient(models.Model):
    """What the portal knows about a registered technical service (an OAuth client)."""

    class GrantType(models.TextChoices):
        CLIENT_CREDENTIALS = "client_credentials", _("Client credentials (service to service)")
        AUTHORIZATION_CODE = "authorization_code", _("Authorization code with PKCE (a person)")

    application = models.OneToOneField(
        "oauth2_provider.Application", on_delete=models.CASCADE, related_name="service"
    )
    audience = models.CharField(
        _("audience"),
        max_length=255,
        help_text=_("The service's identifier in the tokens' aud claim, e.g. its base URL."),
    )
    grant_types = models.JSONField(_("allowed grant types"), default=list)
    scopes = models.JSONField(_("allowed scopes"), default=list)
    access_conditions = models.JSONField(
        _("access conditions served"),
        default=list,
        help_text=_("Codes of the access conditions this service serves, e.g. download."),
    )
    may_read_ga4gh = models.BooleanField(
        _("may read GA4GH permissions"),
        default=False,
        help_text=_("A broker that may fetch a person's GA4GH visas."),
    )
    webhook_url = models.URLField(_("webhook URL"), blank=True)
    webhook_secret_encrypted = models.TextField(blank=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    secret_rotated_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("technical service")
        verbose_name_plural = _("technical services")
        ordering = ["application__name"]

    def __str__(self) -> str:
        return self.application.name or self.application.client_id

    def allows(self, grant_type: str) -> bool:
        if grant_type == "refresh_token":
            grant_type = self.GrantType.AUTHORIZATION_CODE
        return grant_type in self.grant_types


class SigningKey(models.Model):
    """A key the portal signs tokens with; the private half is encrypted at rest."""

    class Algorithm(models.TextChoices):
        ES256 = "ES256", "ES256 (ECDSA P-256)"
        RS256 = "RS256", "RS256 (RSA 2048)"

    kid = models.CharField(max_length=64, unique=True)
    alg = models.CharField(max_length=10, choices=Algorithm.choices)
    public_jwk = models.JSONField()
    private_key_encrypted = models.TextField(editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("No longer signs; stays published until every token it signed expired."),
    )

    class Meta:
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kid} ({self.alg})"


class Subject(models.Model):
    """The opaque `sub` a person has in tokens and GA4GH passports (not their database id)."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="token_subject"
    )
    sub = models.CharField(max_length=64, unique=True, default=uuid.uuid4)

    def __str__(self) -> str:
        return self.sub


class IssuedToken(models.Model):
    """One access token the portal issued: never the token itself, only its hash and claims.

    Active while not revoked, not expired and its OAuth Toolkit row still exists (the toolkit
    deletes that row when the token is revoked at /oauth/revoke or its refresh token rotates).
    """

    jti = models.CharField(max_length=64, unique=True)
    token_checksum = models.CharField(max_length=64, unique=True)
    access_token = models.OneToOneField(
        "oauth2_provider.AccessToken",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="portal_record",
    )
    client = models.ForeignKey(
        "oauth2_provider.Application", on_delete=models.CASCADE, related_name="issued_tokens"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="issued_tokens",
    )
    grant_type = models.CharField(max_length=40)
    kid = models.CharField(max_length=64)
    claims = models.JSONField()
    issued_at = models.DateTimeField(db_index=True)
    expires_at = models.DateTimeField(db_index=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("issued token")
        verbose_name_plural = _("issued tokens")
        ordering = ["-issued_at"]
        indexes = [models.Index(fields=["client", "issued_at"], name="token_client_issued")]

    def __str__(self) -> str:
        return f"token {self.jti[:8]}… for {self.client}"

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.revoked_at is None and self.access_token_id is not None and now < self.expires_at
        )

    @property
    def state(self) -> str:
        """Read off the record (no column): revoked, or else active until it expires (or the
        toolkit drops its row when its refresh token rotates)."""
        if self.revoked_at is not None:
            return "revoked"
        return "active" if self.is_active() else "expired"


# An issued token is active until it expires (by its time, no write) or is revoked: by the
# person, by the client at /oauth/revoke, or because a grant it carries ended.
TOKEN_MACHINE = StateMachine(
    "token",
    ("active", "revoked", "expired"),
    {
        "revoke": (["active"], "revoked"),
        "expire": (["active"], "expired"),
    },
    rules={"revoke": "tokens.revoke_token"},
    noun=pgettext_lazy("after “the status of”", "this token"),
    # Read off the record, no choices: the words of a grant's states.
    state_labels={"active": _("Active"), "revoked": _("Revoked"), "expired": _("Expired")},
    action_labels={
        "revoke": pgettext_lazy("action", "Revoke"),
        "expire": pgettext_lazy("action", "Mark as expired"),
    },
)


class CarriedGrant(models.Model):
    """A grant (and its dataset) that an issued token carries in authorization_details."""

    token = models.ForeignKey(IssuedToken, on_delete=models.CASCADE, related_name="carried")
    grant = models.ForeignKey(
        "agreements.Grant", on_delete=models.CASCADE, related_name="carried_by_tokens"
    )
    dataset = models.ForeignKey(
        "catalogue.Dataset", on_delete=models.CASCADE, related_name="carried_by_tokens"
    )

    def __str__(self) -> str:
        return f"{self.token} carries grant {self.grant_id}"


class ServiceAuthorization(models.Model):
    """A person's remembered consent to a service acting for them (code flow)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="service_authorizations"
    )
    client = models.ForeignKey(
        "oauth2_provider.Application", on_delete=models.CASCADE, related_name="authorizations"
    )
    scopes = models.JSONField(default=list)
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("service authorisation")
        verbose_name_plural = _("service authorisations")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "client"], name="one_authorization_per_client"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} authorised {self.client}"


class WebhookDelivery(models.Model):
    """One signed notification to a service, with its attempts (the delivery log)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    service = models.ForeignKey(ServiceClient, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=60)
    payload = models.JSONField()
    state = models.CharField(
        max_length=20, choices=State.choices, default=State.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.event} to {self.service} ({self.state})"


# A delivery waits while its attempts fail (retried with backoff) until one succeeds or the
# portal gives up after PORTAL_TOKEN_WEBHOOK_RETRIES; both ends are final.
WEBHOOK_DELIVERY_MACHINE = StateMachine(
    "webhook_delivery",
    tuple(WebhookDelivery.State.values),
    {
        "deliver": ([WebhookDelivery.State.PENDING], WebhookDelivery.State.DELIVERED),
        "retry": ([WebhookDelivery.State.PENDING], WebhookDelivery.State.PENDING),
        "give_up": ([WebhookDelivery.State.PENDING], WebhookDelivery.State.FAILED),
    },
    noun=pgettext_lazy("after “the status of”", "this webhook delivery"),
    state_labels=dict(WebhookDelivery.State.choices),
    action_labels={
        "deliver": pgettext_lazy("action", "Send"),
        "retry": pgettext_lazy("action", "Try again"),
        "give_up": pgettext_lazy("action", "Give up"),
    },
)


class IntrospectionCount(models.Model):
    """Introspections per client and day, flushed from cache counters (never one row each)."""

    client = models.ForeignKey(
        "oauth2_provider.Application", on_delete=models.CASCADE, related_name="introspection_counts"
    )
    day = models.DateField()
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "day"], name="one_count_per_client_day")
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.day}: {self.count}"
