"""Agreements and grants in the REST API: the same services as the pages.

`agreements`: list/retrieve for the parties, the deciding committee and staff; `sign` (the
researcher, then the holder's signatory; password or authenticator code), `pdf`, `terminate`
(staff), `amend`. `grants`: list/retrieve; `revoke` (staff or the deciding committee).
"""

from __future__ import annotations

import json

from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, renderers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from governance.agreements import selectors, services
from governance.agreements.models import Agreement, AgreementSignature, Grant
from governance.agreements.views import client_ip
from governance.api.permissions import SIGNED_IN


class SignatureSerializer(serializers.ModelSerializer):
    signer = serializers.CharField(source="signer.__str__", read_only=True)
    # Not "role": that name is the accounts roles' enum in the schema.
    signed_as = serializers.ChoiceField(
        source="role", choices=AgreementSignature.Role.choices, read_only=True
    )

    class Meta:
        model = AgreementSignature
        fields = ["signed_as", "signer", "signed_at", "method", "document_sha256"]


class AgreementItemSerializer(serializers.Serializer):
    dataset = serializers.IntegerField(source="dataset_id")
    dataset_title = serializers.CharField(source="dataset.title")
    persistent_url = serializers.CharField(source="dataset.persistent_url")
    access_condition = serializers.CharField(source="access_condition_id")
    committee = serializers.IntegerField(source="committee_id", allow_null=True)


class AgreementSerializer(serializers.ModelSerializer):
    holder_name = serializers.CharField(source="holder.name", read_only=True)
    researcher_email = serializers.CharField(source="researcher.email", read_only=True)
    datasets = AgreementItemSerializer(source="items", many=True, read_only=True)
    signatures = SignatureSerializer(many=True, read_only=True)

    class Meta:
        model = Agreement
        fields = [
            "id",
            "state",
            "version",
            "supersedes",
            "request",
            "holder",
            "holder_name",
            "researcher",
            "researcher_email",
            "datasets",
            "starts_on",
            "ends_on",
            "created_at",
            "in_force_at",
            "ended_at",
            "ended_reason",
            "document_sha256",
            "signatures",
            "terms",
        ]
        read_only_fields = fields


class SignSerializer(serializers.Serializer):
    password = serializers.CharField(required=False, allow_blank=True, write_only=True)
    code = serializers.CharField(required=False, allow_blank=True, write_only=True)
    document_sha256 = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="The SHA-256 of the PDF you read; refused with 409 if it is no longer current.",
    )


class _SignSchema(OpenApiSerializerExtension):
    # The schema says what the signing service asks for: a password, or an authenticator code.
    target_class = SignSerializer

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_basic_serializer(self.target, direction)
        for name in ("password", "code"):
            schema["properties"][name]["minLength"] = 1
        return {**schema, "anyOf": [{"required": ["password"]}, {"required": ["code"]}]}


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class MemberSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField()
    role = serializers.CharField(max_length=200, required=False, allow_blank=True)


class AmendSerializer(serializers.Serializer):
    ends_on = serializers.DateField(required=False, allow_null=True)
    add_member = MemberSerializer(required=False, allow_null=True)


class PdfRenderer(renderers.BaseRenderer):
    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return json.dumps(data).encode()  # an error answer


class AgreementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Data-use agreements the caller is a party to or decided on (staff: all)."""

    serializer_class = AgreementSerializer
    action_rules = {
        "list": SIGNED_IN,
        "retrieve": SIGNED_IN,
        "pdf": SIGNED_IN,
        "sign": "agreements.sign",
        "terminate": "agreements.terminate",
        "amend": "agreements.amend",
    }

    def get_queryset(self) -> QuerySet[Agreement]:
        qs = selectors.with_agreement_details(
            selectors.agreements_visible_to(self.request.user)
        ).prefetch_related(
            Prefetch("signatures", queryset=AgreementSignature.objects.select_related("signer"))
        )
        state = self.request.query_params.get("state")
        if state:
            qs = qs.filter(state=state)
        return qs.order_by("-created_at", "-pk")

    def _answer(self, agreement: Agreement, status_code: int = status.HTTP_200_OK) -> Response:
        agreement = self.get_queryset().get(pk=agreement.pk)
        return Response(self.get_serializer(agreement).data, status=status_code)

    @extend_schema(
        request=SignSerializer,
        responses={200: AgreementSerializer},
        description=(
            "Sign as the researcher (drafted), or countersign as a signatory of the data holder "
            "(signed_by_researcher), re-entering your password or an authenticator code. 400 "
            "`wrong_credentials` if they are wrong (nothing is recorded); 409 "
            "`invalid_transition` if it is not your turn."
        ),
    )
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        agreement = self.get_object()
        data = SignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        agreement = services.agreement_sign(
            agreement=agreement,
            actor=request.user,
            password=data.validated_data.get("password", ""),
            code=data.validated_data.get("code", ""),
            ip=client_ip(request),
            expected_sha256=data.validated_data.get("document_sha256", ""),
        )
        return self._answer(agreement)

    @extend_schema(
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
        description="The current PDF; the header X-Document-SHA256 is its stored SHA-256.",
    )
    @action(detail=True, methods=["get"], renderer_classes=[PdfRenderer, renderers.JSONRenderer])
    def pdf(self, request, pk=None):
        agreement = self.get_object()
        data = services.agreement_document(agreement=agreement)
        agreement.refresh_from_db(fields=["document_sha256"])
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'inline; filename="agreement-{agreement.pk}-v{agreement.version}.pdf"'
        )
        response["X-Document-SHA256"] = agreement.document_sha256
        return response

    @extend_schema(
        request=ReasonSerializer,
        responses={200: AgreementSerializer},
        description=(
            "Terminate at once (staff): its active grants end and the parties are emailed the "
            "reason. Calling this is the confirmation; the page asks first."
        ),
    )
    @action(detail=True, methods=["post"])
    def terminate(self, request, pk=None):
        agreement = self.get_object()
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        agreement = services.agreement_terminate(
            agreement=agreement, actor=request.user, reason=data.validated_data["reason"]
        )
        return self._answer(agreement)

    @extend_schema(
        request=AmendSerializer,
        responses={201: OpenApiResponse(AgreementSerializer, description="The new version")},
    )
    @action(detail=True, methods=["post"])
    def amend(self, request, pk=None):
        agreement = self.get_object()
        data = AmendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        amendment = services.agreement_amend(
            agreement=agreement,
            actor=request.user,
            ends_on=data.validated_data.get("ends_on"),
            add_member=data.validated_data.get("add_member"),
        )
        return self._answer(amendment, status.HTTP_201_CREATED)


class GrantSerializer(serializers.ModelSerializer):
    person_email = serializers.CharField(source="person.email", read_only=True)
    dataset_title = serializers.CharField(source="dataset.title", read_only=True)
    persistent_url = serializers.CharField(source="dataset.persistent_url", read_only=True)
    usable = serializers.SerializerMethodField()
    standing = serializers.SerializerMethodField(
        help_text="What the grant is worth now (the pages' State): active (usable now), upcoming "
        "(starts later), expired or revoked. `state` is the stored lifecycle state."
    )

    class Meta:
        model = Grant
        fields = [
            "id",
            "state",
            "standing",
            "agreement",
            "person",
            "person_email",
            "dataset",
            "dataset_title",
            "persistent_url",
            "access_condition",
            "committee",
            "starts_at",
            "ends_at",
            "usable",
            "ended_at",
            "end_reason",
            "revoked_reason",
        ]
        read_only_fields = fields

    def get_usable(self, grant: Grant) -> bool:
        return grant.is_usable()

    @extend_schema_field(serializers.ChoiceField(choices=Grant.Standing.choices))
    def get_standing(self, grant: Grant) -> str:
        return grant.standing()


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("state", enum=Grant.State.values, description="Stored state."),
            OpenApiParameter(
                "standing",
                enum=Grant.Standing.values,
                description="Standing now, as the grants page filters: active lists only the "
                "grants usable today.",
            ),
        ]
    )
)
class GrantViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Grants: the caller's own, those on their datasets or of their committees (staff: all)."""

    serializer_class = GrantSerializer
    action_rules = {"list": SIGNED_IN, "retrieve": SIGNED_IN, "revoke": "agreements.revoke_grant"}

    def get_queryset(self) -> QuerySet[Grant]:
        qs = selectors.with_grant_details(selectors.grants_visible_to(self.request.user))
        state = self.request.query_params.get("state")
        if state:
            qs = qs.filter(state=state)
        standing = self.request.query_params.get("standing")
        if standing in Grant.Standing.values:
            qs = selectors.grants_standing(qs, standing)
        return qs.order_by("-starts_at", "-pk")

    @extend_schema(
        request=ReasonSerializer,
        responses={200: GrantSerializer},
        description=(
            "Revoke at once (staff or the deciding committee's members); the reason is required "
            "and emailed to the researcher. Calling this is the confirmation; the page asks first."
        ),
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        grant = self.get_object()
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        grant = services.grant_revoke(
            grant=grant, actor=request.user, reason=data.validated_data["reason"]
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=grant.pk)).data)


def register(router) -> None:
    router.register("agreements", AgreementViewSet, basename="agreements")
    router.register("grants", GrantViewSet, basename="grants")
