"""Events in the REST API: create, edit, register, cancel."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from governance.api.fields import AllowedActionsField
from governance.api.permissions import ANYONE, SIGNED_IN
from governance.engagement import selectors, services
from governance.engagement.api.common import (
    FieldProblems,
)
from governance.engagement.models import (
    REGISTRATION_MACHINE,
    Event,
    Registration,
)
from governance.engagement.services.events import EVENT_FIELDS


class EventSerializer(serializers.ModelSerializer):
    confirmed = serializers.IntegerField(read_only=True)

    class Meta:
        model = Event
        fields = ["id", *EVENT_FIELDS, "confirmed"]
        # The link to join goes to confirmed registrants (page and email), not to every reader.
        extra_kwargs = {"join_url": {"write_only": True}}


class RegistrationSerializer(serializers.ModelSerializer):
    allowed_actions = AllowedActionsField(
        REGISTRATION_MACHINE,
        help_text="What you may do to this registration now: `cancel` (POST the event's "
        "`cancel`) while it holds a place or waits for one; empty once cancelled.",
    )

    class Meta:
        model = Registration
        fields = ["id", "event", "status", "created_at", "allowed_actions"]


class EventViewSet(
    FieldProblems,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Published events (staff: every event); staff create and change events (times with an
    offset, or read as Brussels time). 400 codes: `ends_before_start`, `starts_in_past`,
    `capacity_below_confirmed`."""

    serializer_class = EventSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    action_rules = {
        "list": ANYONE,
        "retrieve": ANYONE,
        "create": "engagement.change_event",
        "update": "engagement.change_event",  # not offered (PATCH only): 405 first
        "partial_update": "engagement.change_event",
        "register": SIGNED_IN,
        "cancel": SIGNED_IN,
    }

    def get_queryset(self):
        # The same events as the pages (selectors.event_for): staff see the unpublished ones.
        events = selectors.events_visible_to(self.request.user)
        return selectors.with_confirmed(events).order_by("starts_at")

    def perform_create(self, serializer):
        event = services.event_save(actor=self.request.user, data=serializer.validated_data)
        serializer.instance = selectors.with_confirmed(Event.objects.filter(pk=event.pk)).get()

    def perform_update(self, serializer):
        event = services.event_save(
            actor=self.request.user, event=serializer.instance, data=serializer.validated_data
        )
        serializer.instance = selectors.with_confirmed(Event.objects.filter(pk=event.pk)).get()

    @extend_schema(request=None, responses={200: RegistrationSerializer})
    @action(detail=True, methods=["post"])
    def register(self, request, pk=None):
        """Register; when the event is full the registration is `waitlisted`."""
        registration = services.event_register(person=request.user, event=self.get_object())
        return Response(self._answer(registration))

    def _answer(self, registration: Registration) -> dict:
        return RegistrationSerializer(registration, context=self.get_serializer_context()).data

    @extend_schema(request=None, responses={200: RegistrationSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        event = self.get_object()
        registration = selectors.registration_of(request.user, event)
        if registration is None:
            raise Http404
        registration = services.registration_cancel(person=request.user, registration=registration)
        return Response(self._answer(registration))
