"""REST API for people, organisations, memberships, personal API tokens and erasure.

Views here only parse and render; every write goes through `services`, as the pages do.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.serializers import CountryFieldMixin
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from governance.accounts import forms, selectors, services
from governance.accounts.models import ApiToken, ErasureRequest, Membership, Organisation, User
from governance.accounts.roles import Role
from governance.api.permissions import ANYONE, SIGNED_IN

# Permissions


class StaffWritesMessage:
    """A refused write says that only staff change this (the rules are asked by RulesPermission)."""

    def permission_denied(self, request, message=None, code=None):
        super().permission_denied(
            request, message=_("Only staff can change this."), code="permission_denied"
        )


# Serializers


class OrganisationBriefSerializer(CountryFieldMixin, serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "country", "provider_type"]


class OrganisationSerializer(CountryFieldMixin, serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "short_name",
            "country",
            "provider_type",
            "is_for_profit",
            "website",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]


class PersonBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "full_name"]


class MembershipSerializer(serializers.ModelSerializer):
    person = PersonBriefSerializer(read_only=True)
    organisation = OrganisationBriefSerializer(read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "person", "organisation", "role", "created_at"]


class MembershipCreateSerializer(serializers.Serializer):
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    email = serializers.EmailField(
        required=False, help_text="The person's email address (or give `person`)."
    )
    person = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(erased_at__isnull=True),
        required=False,
        help_text="The person's id (or give `email`).",
    )
    role = serializers.ChoiceField(choices=Role.choices)

    def validate(self, attrs):
        if not attrs.get("email") and not attrs.get("person"):
            raise serializers.ValidationError(
                {"email": _("Give the person's email address or their id in `person`.")}
            )
        return attrs


class OwnMembershipSerializer(serializers.ModelSerializer):
    organisation = OrganisationBriefSerializer(read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "organisation", "role", "created_at"]


class PersonSerializer(serializers.ModelSerializer):
    memberships = OwnMembershipSerializer(many=True, read_only=True)
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "date_joined", "is_active", "roles", "memberships"]
        read_only_fields = ["id", "email", "date_joined", "is_active"]

    def get_roles(self, person) -> list[str]:
        return sorted({membership.role for membership in person.memberships.all()})


class MeSerializer(PersonSerializer):
    is_staff = serializers.SerializerMethodField()
    two_factor = serializers.SerializerMethodField()

    class Meta(PersonSerializer.Meta):
        fields = [*PersonSerializer.Meta.fields, "is_staff", "two_factor"]

    def get_is_staff(self, person) -> bool:
        return selectors.is_portal_staff(person)

    def get_two_factor(self, person) -> dict:
        return selectors.mfa_status(person)


class ApiTokenSerializer(serializers.ModelSerializer):
    state = serializers.SerializerMethodField()

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "prefix",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
            "state",
        ]

    def get_state(self, token) -> str:
        return selectors.api_token_state(token, self.context.get("now"))


class ApiTokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    days = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text="How many days the token stays valid (default 90, at most the portal's maximum).",
    )


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    token = serializers.CharField(
        read_only=True, help_text="The secret. Shown only in this response; store it now."
    )

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "token"]


class ErasureRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = ErasureRequest
        fields = [
            "id",
            "person",
            "state",
            "reason",
            "requested_at",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = ["id", "person", "state", "requested_at", "decided_at", "decision_note"]


class ErasureDecisionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


# Viewsets


class OrganisationViewSet(
    StaffWritesMessage,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Organisations (member sites, companies, patient organisations): public, as the
    participating sites page is; staff add and edit."""

    serializer_class = OrganisationSerializer
    # Public, as on /catalogue/sites/: visitors read the organisations; staff change them.
    action_rules = {
        "list": ANYONE,
        "retrieve": ANYONE,
        "create": "accounts.manage_organisations",
        "update": "accounts.manage_organisations",
        "partial_update": "accounts.manage_organisations",
    }
    filterset_class = forms.OrganisationFilter
    ordering_fields = ["name", "country", "provider_type", "created_at"]
    queryset = Organisation.objects.all()

    def perform_create(self, serializer):
        serializer.instance = services.organisation_create(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.organisation_update(
            organisation=serializer.instance, actor=self.request.user, **serializer.validated_data
        )


class MembershipViewSet(
    StaffWritesMessage,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Roles: a person in an organisation. Staff see and change all; others see their own."""

    serializer_class = MembershipSerializer
    action_rules = {
        "list": SIGNED_IN,
        "retrieve": SIGNED_IN,
        "create": "accounts.manage_memberships",
        "destroy": "accounts.manage_memberships",
    }
    filterset_class = forms.MembershipFilter
    ordering_fields = ["created_at", "role"]
    queryset = Membership.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self):
        return selectors.memberships_visible_to(self.request.user)

    @extend_schema(request=MembershipCreateSerializer, responses={201: MembershipSerializer})
    def create(self, request, *args, **kwargs):
        data = MembershipCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if values.get("person") is not None:
            membership = services.membership_add(
                organisation=values["organisation"],
                person=values["person"],
                role=values["role"],
                actor=request.user,
            )
        else:
            membership = services.membership_add_by_email(
                organisation=values["organisation"],
                email=values["email"],
                role=values["role"],
                actor=request.user,
            )
        return Response(MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.membership_remove(membership=instance, actor=self.request.user)


class PersonViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """People. Staff list everyone; a person reads and renames themselves (`PATCH full_name`)."""

    serializer_class = PersonSerializer
    ordering_fields = ["email", "date_joined"]
    queryset = User.objects.none()  # for the schema; requests use get_queryset
    http_method_names = ["get", "patch", "head", "options"]
    # The queryset is the person alone (staff: everyone); only the person renames themselves.
    action_rules = {
        "list": SIGNED_IN,
        "retrieve": SIGNED_IN,
        "update": "accounts.change_person",  # not offered (PATCH only): 405 first
        "partial_update": "accounts.change_person",
    }

    def get_queryset(self):
        people = selectors.people_visible_to(self.request.user)
        return people.prefetch_related("memberships__organisation").order_by("email")

    def perform_update(self, serializer):
        serializer.instance = services.person_update_profile(
            person=serializer.instance,
            actor=self.request.user,
            full_name=serializer.validated_data.get("full_name", serializer.instance.full_name),
        )


class _OneObjectSchema(AutoSchema):
    # `GET /me/` is the viewset's `list` (the router's name for a path without an id), but it
    # answers one object, not a page of them.
    def _is_list_view(self, serializer: Any = None) -> bool:
        return False


class MeViewSet(viewsets.ViewSet):
    """The signed-in person: profile, roles and second-factor status; and their data export."""

    schema = _OneObjectSchema()
    action_rules = {"list": SIGNED_IN, "export": SIGNED_IN}

    @extend_schema(responses=MeSerializer, operation_id="me_retrieve")
    def list(self, request):
        person = User.objects.prefetch_related("memberships__organisation").get(pk=request.user.pk)
        return Response(MeSerializer(person).data)

    @extend_schema(
        responses={200: OpenApiTypes.OBJECT},
        description="Everything the portal holds about you, as one JSON document.",
    )
    @action(detail=False, methods=["get"])
    def export(self, request):
        document = services.personal_data_export(person=request.user, actor=request.user)
        response = Response(document)
        response["Cache-Control"] = "no-store"
        return response


class ApiTokenViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Your personal API tokens. The secret is in the creation response only."""

    serializer_class = ApiTokenSerializer
    action_rules = {
        "list": SIGNED_IN,
        "retrieve": SIGNED_IN,
        "create": SIGNED_IN,
        "revoke": "accounts.revoke_api_token",
    }
    ordering_fields = ["created_at", "expires_at"]
    queryset = ApiToken.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self):
        return selectors.api_tokens_of(self.request.user)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    @extend_schema(request=ApiTokenCreateSerializer, responses={201: ApiTokenCreatedSerializer})
    def create(self, request, *args, **kwargs):
        data = ApiTokenCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        token, secret = services.api_token_create(
            person=request.user,
            name=data.validated_data["name"],
            days=data.validated_data.get("days", services.api_token_default_days()),
        )
        token.token = secret
        response = Response(
            ApiTokenCreatedSerializer(token, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )
        response["Cache-Control"] = "no-store"
        return response

    @extend_schema(request=None, responses=ApiTokenSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        token = services.api_token_revoke(token=self.get_object(), actor=request.user)
        return Response(self.get_serializer(token).data)


class ErasureRequestViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Requests to be erased. A person files and reads their own; staff complete or refuse."""

    serializer_class = ErasureRequestSerializer
    action_rules = {
        "list": SIGNED_IN,
        "retrieve": SIGNED_IN,
        "create": SIGNED_IN,
        "complete": "accounts.decide_erasure",
        "refuse": "accounts.decide_erasure",
    }
    filterset_class = forms.ErasureRequestFilter
    ordering_fields = ["requested_at"]
    queryset = ErasureRequest.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self):
        return selectors.erasure_requests_visible_to(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.erasure_request_create(
            person=self.request.user, reason=serializer.validated_data.get("reason", "")
        )

    @extend_schema(request=ErasureDecisionSerializer, responses=ErasureRequestSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        erasure_request = self.get_object()  # the rule first, then the body
        data = ErasureDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        erasure_request = services.erasure_request_complete(
            erasure_request=erasure_request, actor=request.user, note=data.validated_data["note"]
        )
        return Response(self.get_serializer(erasure_request).data)

    @extend_schema(request=ErasureDecisionSerializer, responses=ErasureRequestSerializer)
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        erasure_request = self.get_object()  # the rule first, then the body
        data = ErasureDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        erasure_request = services.erasure_request_refuse(
            erasure_request=erasure_request, actor=request.user, note=data.validated_data["note"]
        )
        return Response(self.get_serializer(erasure_request).data)


def register(router) -> None:
    router.register("me", MeViewSet, basename="me")
    router.register("people", PersonViewSet, basename="person")
    router.register("organisations", OrganisationViewSet, basename="organisation")
    router.register("memberships", MembershipViewSet, basename="membership")
    router.register("api-tokens", ApiTokenViewSet, basename="api-token")
    router.register("erasure-requests", ErasureRequestViewSet, basename="erasure-request")
