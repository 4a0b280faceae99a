"""The token service in the REST API: the same services and selectors as its pages.

`service-clients` (portal staff): register, change, rotate secrets, (de)activate, statistics and
the webhook delivery log. Secrets are in the response that makes them, with `no-store`, and in
no other. `service-authorisations` and `service-tokens`: the signed-in person's own, with
`withdraw` and `revoke`. The GA4GH permissions endpoint is a plain view (`protocol.py`); the
schema describes it through `openapi.add_ga4gh_permissions`.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from governance.api.permissions import SIGNED_IN
from governance.tokens import selectors, services
from governance.tokens.models import IssuedToken, ServiceAuthorization, ServiceClient
from governance.tokens.serializers import (
    DailyStatisticsSerializer,
    ServiceAuthorisationSerializer,
    ServiceClientCreatedSerializer,
    ServiceClientInputSerializer,
    ServiceClientSecretSerializer,
    ServiceClientSerializer,
    ServiceClientWebhookSecretSerializer,
    ServiceTokenSerializer,
    WebhookDeliverySerializer,
)


def _no_store(response: Response) -> Response:
    response["Cache-Control"] = "no-store"
    return response


class ServiceClientViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Technical services registered as OAuth clients, with their issuance counts (staff)."""

    serializer_class = ServiceClientSerializer
    # Staff only, lists included: a service's secrets and counts are nobody else's business.
    action_rules = dict.fromkeys(
        [
            "list",
            "retrieve",
            "create",
            "partial_update",
            "rotate_secret",
            "rotate_webhook_secret",
            "activate",
            "deactivate",
            "statistics",
            "deliveries",
        ],
        "tokens.manage_services",
    )
    filterset_fields = ["is_active"]
    ordering_fields = ["created_at", "issued_today", "issued_week"]
    queryset = ServiceClient.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self):
        return selectors.services_with_statistics()

    def _fresh(self, service: ServiceClient, **secrets: str | None) -> dict:
        """The service as listed (with its counts), plus any secret made by this request."""
        listed = selectors.services_with_statistics().get(pk=service.pk)
        return {**self.get_serializer(listed).data, **secrets}

    @extend_schema(
        request=ServiceClientInputSerializer, responses={201: ServiceClientCreatedSerializer}
    )
    def create(self, request, *args, **kwargs):
        data = ServiceClientInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        service, secret, webhook_secret = services.register_client(
            actor=request.user, **data.validated_data
        )
        body = self._fresh(service, client_secret=secret, webhook_secret=webhook_secret or None)
        return _no_store(Response(body, status=status.HTTP_201_CREATED))

    @extend_schema(
        request=ServiceClientInputSerializer,
        responses=ServiceClientWebhookSecretSerializer,
        description="Change settings. A change to what the service's tokens say (audience, "
        "grant types, scopes, access conditions, GA4GH) revokes its live tokens. Adding a "
        "webhook URL makes a webhook secret, returned in this response only.",
    )
    def partial_update(self, request, *args, **kwargs):
        data = ServiceClientInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        service, webhook_secret = services.update_client(
            actor=request.user, service=self.get_object(), **data.validated_data
        )
        response = Response(self._fresh(service, webhook_secret=webhook_secret or None))
        return _no_store(response) if webhook_secret else response

    @extend_schema(request=None, responses=ServiceClientSecretSerializer)
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        """A new client secret; the old one stops working at once."""
        service = self.get_object()
        secret = services.rotate_secret(actor=request.user, service=service)
        return _no_store(Response(self._fresh(service, client_secret=secret)))

    @extend_schema(request=None, responses=ServiceClientWebhookSecretSerializer)
    @action(detail=True, methods=["post"], url_path="rotate-webhook-secret")
    def rotate_webhook_secret(self, request, pk=None):
        """A new webhook signing secret (400 `no_webhook` when the service has no webhook)."""
        service = self.get_object()
        secret = services.rotate_webhook_secret(actor=request.user, service=service)
        return _no_store(Response(self._fresh(service, webhook_secret=secret)))

    @extend_schema(request=None, responses=ServiceClientSerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        service = services.set_active(actor=request.user, service=self.get_object(), active=True)
        return Response(self._fresh(service))

    @extend_schema(request=None, responses=ServiceClientSerializer)
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        """The service gets no new tokens and may not introspect until activated again."""
        service = services.set_active(actor=request.user, service=self.get_object(), active=False)
        return Response(self._fresh(service))

    @extend_schema(responses=DailyStatisticsSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def statistics(self, request, pk=None):
        """Tokens issued and introspections made per day, the last 7 days, oldest first."""
        service = self.get_object()
        introspections = dict(selectors.introspections(service))
        days = [
            {"day": day, "issued": issued, "introspections": introspections.get(day, 0)}
            for day, issued in selectors.issuance(service)
        ]
        return Response(DailyStatisticsSerializer(days, many=True).data)

    @extend_schema(responses=WebhookDeliverySerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[])
    def deliveries(self, request, pk=None):
        """The service's webhook notices, newest first (never the secret they were signed with)."""
        page = self.paginate_queryset(selectors.deliveries(self.get_object()))
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)


class ServiceAuthorisationViewSet(viewsets.ReadOnlyModelViewSet):
    """The services you authorised to act for you: yours only, staff included. Anything else,
    an authorisation already withdrawn among them, is 404."""

    serializer_class = ServiceAuthorisationSerializer
    action_rules = {
        "list": SIGNED_IN,
        "retrieve": SIGNED_IN,
        "withdraw": "tokens.withdraw_authorisation",
    }
    ordering_fields = ["granted_at"]
    queryset = ServiceAuthorization.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self):
        return selectors.authorizations_of(self.request.user)

    @extend_schema(request=None, responses=ServiceAuthorisationSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Withdraw your consent: the service's tokens for you stop working at once."""
        authorization = services.withdraw_authorization(
            actor=request.user, authorization=self.get_object()
        )
        return Response(self.get_serializer(authorization).data)


class ServiceTokenViewSet(viewsets.ReadOnlyModelViewSet):
    """Live access tokens services hold to act for you (never the token itself). Anyone else's,
    and one no longer live, is 404."""

    serializer_class = ServiceTokenSerializer
    action_rules = {"list": SIGNED_IN, "retrieve": SIGNED_IN, "revoke": "tokens.revoke_token"}
    ordering_fields = ["issued_at", "expires_at"]
    queryset = IssuedToken.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self):
        return selectors.live_tokens_of(self.request.user)

    @extend_schema(request=None, responses=ServiceTokenSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """The service can no longer use this token (nor refresh it)."""
        token = services.revoke_token(actor=request.user, token=self.get_object())
        return Response(self.get_serializer(token).data)


def register(router) -> None:
    router.register("service-clients", ServiceClientViewSet, basename="service-clients")
    router.register(
        "service-authorisations", ServiceAuthorisationViewSet, basename="service-authorisations"
    )
    router.register("service-tokens", ServiceTokenViewSet, basename="service-tokens")
