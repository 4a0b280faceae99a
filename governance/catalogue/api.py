"""The catalogue in the REST API: datasets (with their DCAT JSON-LD) and statements.

Published catalogue entries are public, so reading them needs no sign-in; drafts and every write
need a data holder of the custodian organisation (or staff). Writes go through the services.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from governance.api.permissions import ANYONE
from governance.catalogue import selectors, services
from governance.catalogue.dcat import dataset_jsonld
from governance.catalogue.models import (
    AccessCondition,
    AvailabilityStatement,
    BodyPart,
    CancerType,
    Dataset,
    DuoTerm,
    Modality,
)
from governance.catalogue.plain import describe
from governance.catalogue.services import DATASET_FIELDS, DATASET_RELATIONS, STATEMENT_FIELDS


class DatasetSerializer(serializers.ModelSerializer):
    cancer_types = serializers.SlugRelatedField(
        many=True, slug_field="code", queryset=CancerType.objects.all()
    )
    modalities = serializers.SlugRelatedField(
        many=True, slug_field="code", queryset=Modality.objects.all()
    )
    body_parts = serializers.SlugRelatedField(
        many=True, slug_field="code", queryset=BodyPart.objects.all(), required=False
    )
    biobank_links = serializers.ListField(child=serializers.URLField(), required=False)
    custodian_name = serializers.CharField(source="custodian.name", read_only=True)
    current_statement: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(
        read_only=True
    )

    class Meta:
        model = Dataset
        fields = [
            "id",
            "custodian",
            "custodian_name",
            *DATASET_FIELDS,
            *DATASET_RELATIONS,
            "current_statement",
            "created_at",
            "updated_at",
        ]


class ModifierSerializer(serializers.Serializer):
    duo_term = serializers.PrimaryKeyRelatedField(
        queryset=DuoTerm.objects.filter(kind=DuoTerm.Kind.MODIFIER, deprecated=False)
    )
    shorthand = serializers.CharField(source="duo_term.shorthand", read_only=True)
    months = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    until_date = serializers.DateField(required=False, allow_null=True)
    area = serializers.CharField(required=False, allow_blank=True, max_length=200)
    detail = serializers.CharField(required=False, allow_blank=True, max_length=300)


class StatementSerializer(serializers.ModelSerializer):
    dataset = serializers.PrimaryKeyRelatedField(queryset=Dataset.objects.all())
    access_conditions = serializers.SlugRelatedField(
        many=True, slug_field="code", queryset=AccessCondition.objects.all(), required=False
    )
    duo_permission = serializers.PrimaryKeyRelatedField(
        queryset=DuoTerm.objects.filter(kind=DuoTerm.Kind.PERMISSION, deprecated=False),
        required=False,
        allow_null=True,
    )
    disease = serializers.SlugRelatedField(
        slug_field="code", queryset=CancerType.objects.all(), required=False, allow_null=True
    )
    modifiers = ModifierSerializer(many=True, required=False)
    plain_language = serializers.SerializerMethodField()

    class Meta:
        model = AvailabilityStatement
        fields = [
            "id",
            "dataset",
            "version",
            "state",
            *STATEMENT_FIELDS,
            "access_conditions",
            "modifiers",
            "supersedes",
            "published_at",
            "created_at",
            "updated_at",
            "plain_language",
        ]
        read_only_fields = ["version", "state", "supersedes", "published_at"]

    def get_plain_language(self, statement) -> dict:
        plain = describe(statement)
        return {"headline": plain.headline, "sentences": plain.sentences}


class StatementUpdateSerializer(StatementSerializer):
    dataset = serializers.PrimaryKeyRelatedField(read_only=True)


def _service_data(validated: dict, names) -> dict:
    return {name: validated[name] for name in names if name in validated}


class ProblemSerializer(serializers.Serializer):
    field = serializers.CharField()
    code = serializers.CharField()
    message = serializers.CharField()


class DatasetViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Datasets. Anyone may read those with a published statement; holders also see their own."""

    serializer_class = DatasetSerializer
    action_rules = {
        "list": ANYONE,
        "retrieve": ANYONE,
        "dcat": ANYONE,
        "create": "catalogue.add_dataset",
        "update": "catalogue.change_dataset",
        "partial_update": "catalogue.change_dataset",
    }

    def get_queryset(self) -> QuerySet[Dataset]:
        if self.action in {"update", "partial_update"}:
            return selectors.datasets_visible_to(self.request.user).select_related("custodian")
        visible = selectors.datasets_visible_to(self.request.user)
        if self.action == "list":
            filters = selectors.filters_from(self.request.query_params)
            return selectors.matching_datasets(filters, base=visible).prefetch_related("body_parts")
        return selectors.with_listing_details(visible).prefetch_related("body_parts")

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Words in title, description or custodian"),
            *[
                OpenApiParameter(name, str, many=True, description=str(label))
                for name, label in selectors.FACET_LABELS.items()
            ],
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        custodian = data.pop("custodian")
        serializer.instance = services.dataset_create(
            actor=self.request.user,
            custodian=custodian,
            data=_service_data(data, [*DATASET_FIELDS, *DATASET_RELATIONS]),
        )

    def perform_update(self, serializer):
        data = _service_data(
            serializer.validated_data, ["custodian", *DATASET_FIELDS, *DATASET_RELATIONS]
        )
        serializer.instance = services.dataset_update(
            actor=self.request.user, dataset=serializer.instance, data=data
        )

    @extend_schema(
        responses={(200, "application/ld+json"): dict},
        description="The dataset as DCAT-AP / HealthDCAT-AP JSON-LD.",
    )
    @action(detail=True, methods=["get"], url_path="dcat")
    def dcat(self, request, pk=None):
        dataset = self.get_object()
        statement = dataset.current_statement
        if statement is None:
            return Response(
                {
                    "detail": _(
                        "This dataset has no published statement yet, so it has no "
                        "catalogue record. Publish its statement first."
                    ),
                    "code": "not_published",
                },
                status=status.HTTP_404_NOT_FOUND,
            )
        statement = selectors.statement_for(request.user, statement.pk)
        return Response(dataset_jsonld(dataset, statement), content_type="application/ld+json")


class StatementViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Availability statements. Published and superseded versions are public; drafts are not."""

    serializer_class = StatementSerializer
    action_rules = {
        "list": ANYONE,
        "retrieve": ANYONE,
        "create": "catalogue.add_statement",
        "update": "catalogue.change_statement",
        "partial_update": "catalogue.change_statement",
        "publish": "catalogue.change_statement",
    }

    def get_serializer_class(self):
        if self.action in {"update", "partial_update"}:
            return StatementUpdateSerializer
        return StatementSerializer

    def get_queryset(self) -> QuerySet[AvailabilityStatement]:
        qs = selectors.statements_with_details(
            selectors.statements_visible_to(self.request.user)
        ).order_by("dataset_id", "-version")
        dataset = self.request.query_params.get("dataset")
        if dataset and dataset.isdigit():
            qs = qs.filter(dataset_id=int(dataset))
        state = self.request.query_params.get("state")
        if state:
            qs = qs.filter(state=state)
        return qs

    @extend_schema(
        parameters=[
            OpenApiParameter("dataset", int, description="Only this dataset's versions"),
            OpenApiParameter("state", str, enum=list(AvailabilityStatement.State.values)),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        dataset = data.pop("dataset")
        # A dataset the caller may not edit is as unknown to them as one that does not exist.
        dataset = selectors.editable_dataset_for(self.request.user, dataset.pk)
        statement = services.statement_create_draft(
            actor=self.request.user,
            dataset=dataset,
            data=_service_data(data, [*STATEMENT_FIELDS, "access_conditions", "modifiers"]),
        )
        serializer.instance = selectors.statement_for(self.request.user, statement.pk)

    def perform_update(self, serializer):
        data = _service_data(
            serializer.validated_data, [*STATEMENT_FIELDS, "access_conditions", "modifiers"]
        )
        statement = services.statement_update_draft(
            actor=self.request.user, statement=serializer.instance, data=data
        )
        serializer.instance = selectors.statement_for(self.request.user, statement.pk)

    @extend_schema(
        request=None,
        responses={200: StatementSerializer},
        description=(
            "Publish a draft; the version published before it becomes superseded. 409 "
            "`invalid_transition` if it is not a draft; 400 `contradictory_statement` with "
            "`problems` (field, code, message) if it contradicts itself."
        ),
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        statement = self.get_object()
        try:
            statement = services.statement_publish(actor=request.user, statement=statement)
        except services.ContradictoryStatement as error:
            return Response(
                {
                    "detail": error.detail,
                    "code": error.code,
                    "problems": [problem.as_dict() for problem in error.problems],
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        statement = selectors.statement_for(request.user, statement.pk)
        return Response(self.get_serializer(statement).data)


def register(router) -> None:
    router.register("datasets", DatasetViewSet, basename="datasets")
    router.register("statements", StatementViewSet, basename="statements")
