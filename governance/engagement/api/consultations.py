"""Policy documents and versions (publish, translations) and consultations (create, edit
while draft, transitions, comment) in the REST API."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from governance.api.fields import AllowedActionsField, TranslationsField
from governance.api.permissions import ANYONE, SIGNED_IN
from governance.engagement import selectors, services
from governance.engagement.api.common import (
    FieldProblems,
)
from governance.engagement.models import (
    POLICY_VERSION_MACHINE,
    Comment,
    Consultation,
    PolicyDocument,
    PolicySection,
    PolicyTranslation,
    PolicyVersion,
)


class PolicySectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = PolicySection
        fields = ["id", "position", "heading", "body"]


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.get_full_name", read_only=True)
    section = serializers.PrimaryKeyRelatedField(
        queryset=PolicySection.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Comment
        fields = [
            "id",
            "section",
            "author",
            "body",
            "visibility",
            "created_at",
            "reply",
            "outcome",
            "hidden_at",
            "hidden_reason",
        ]
        read_only_fields = [
            "author",
            "created_at",
            "reply",
            "outcome",
            "hidden_at",
            "hidden_reason",
        ]


class PolicySectionInputSerializer(serializers.Serializer):
    heading = serializers.CharField(max_length=200)
    body = serializers.CharField()


class PolicyTranslationSerializer(serializers.ModelSerializer):
    sections = PolicySectionInputSerializer(many=True)

    class Meta:
        model = PolicyTranslation
        fields = ["language", "plain_summary", "sections"]


class PolicyVersionSerializer(serializers.ModelSerializer):
    document = serializers.PrimaryKeyRelatedField(queryset=PolicyDocument.objects.all())
    sections = PolicySectionInputSerializer(
        many=True, help_text='In order: `[{"heading", "body"}]`. A PATCH replaces them all.'
    )
    translations = PolicyTranslationSerializer(many=True, read_only=True)
    allowed_actions = AllowedActionsField(
        POLICY_VERSION_MACHINE,
        help_text="What you may do to this version now: `edit` (PATCH it) and `publish` (POST "
        "`publish`) while it is a draft and you write policies; empty once published.",
    )

    class Meta:
        model = PolicyVersion
        fields = [
            "id",
            "document",
            "number",
            "state",
            "plain_summary",
            "change_note",
            "published_at",
            "sections",
            "translations",
            "allowed_actions",
        ]
        read_only_fields = ["number", "state", "published_at"]


class PolicyVersionUpdateSerializer(PolicyVersionSerializer):
    document = serializers.PrimaryKeyRelatedField(read_only=True)  # type: ignore[assignment]


class PolicyVersionBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = PolicyVersion
        fields = ["id", "number", "state", "published_at"]


class PolicyDocumentSerializer(serializers.ModelSerializer):
    slug = serializers.CharField(
        max_length=50, required=False, allow_blank=True, help_text="Derived from the title if empty"
    )
    versions = PolicyVersionBriefSerializer(many=True, read_only=True)

    class Meta:
        model = PolicyDocument
        fields = ["id", "slug", "title", "created_at", "versions"]
        read_only_fields = ["created_at"]


class PolicyDocumentViewSet(
    FieldProblems,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Policies with their versions: the public see those with a published version (and only
    the published versions); staff see every one and create them."""

    serializer_class = PolicyDocumentSerializer
    action_rules = {"list": ANYONE, "retrieve": ANYONE, "create": "engagement.edit_policy"}

    def get_queryset(self):
        versions = selectors.policy_versions_visible_to(self.request.user).order_by("-number")
        return (
            selectors.policy_documents_visible_to(self.request.user)
            .prefetch_related(Prefetch("versions", queryset=versions))
            .order_by("title")
        )

    def perform_create(self, serializer):
        document = services.policy_document_create(
            actor=self.request.user,
            title=serializer.validated_data["title"],
            slug=serializer.validated_data.get("slug", ""),
        )
        serializer.instance = self.get_queryset().get(pk=document.pk)


def _sections(validated) -> list[tuple[str, str]]:
    return [(row["heading"], row["body"]) for row in validated]


class PolicyVersionViewSet(
    FieldProblems,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Versions of policies. Published ones are public and never change (PATCH answers 409
    `invalid_transition`); drafts are staff-only and editable."""

    http_method_names = ["get", "post", "patch", "head", "options"]
    action_rules = {
        "list": ANYONE,
        "retrieve": ANYONE,
        "create": "engagement.edit_policy",
        "update": "engagement.edit_policy",  # not offered (PATCH only): 405 first
        "partial_update": "engagement.edit_policy",
        "publish": "engagement.edit_policy",
        "translations": "engagement.edit_policy",
    }

    def get_serializer_class(self):
        if self.action == "partial_update":
            return PolicyVersionUpdateSerializer
        return PolicyVersionSerializer

    def get_queryset(self):
        qs = selectors.policy_versions_visible_to(self.request.user)
        document = self.request.query_params.get("document")
        if document and document.isdigit():
            qs = qs.filter(document_id=int(document))
        return qs.prefetch_related(
            Prefetch("sections", queryset=PolicySection.objects.order_by("position", "pk")),
            Prefetch("translations", queryset=PolicyTranslation.objects.order_by("language")),
        ).order_by("document_id", "-number")

    @extend_schema(parameters=[OpenApiParameter("document", int, description="Only its versions")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer):
        data = serializer.validated_data
        version = services.policy_version_create(
            actor=self.request.user,
            document=data["document"],
            plain_summary=data["plain_summary"],
            change_note=data.get("change_note", ""),
            sections=_sections(data["sections"]),
        )
        serializer.instance = self.get_queryset().get(pk=version.pk)

    def perform_update(self, serializer):
        version = serializer.instance
        data = serializer.validated_data
        sections = data.get("sections")
        services.policy_version_update(
            actor=self.request.user,
            version=version,
            plain_summary=data.get("plain_summary", version.plain_summary),
            change_note=data.get("change_note", version.change_note),
            sections=_sections(sections)
            if sections is not None
            else [(s.heading, s.body) for s in version.sections.all()],
        )
        serializer.instance = self.get_queryset().get(pk=version.pk)

    @extend_schema(request=None, responses={200: PolicyVersionSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish a draft; from then on its text never changes. 409 if already published."""
        version = services.policy_version_publish(actor=request.user, version=self.get_object())
        return Response(self._answer(version))

    def _answer(self, version: PolicyVersion) -> dict:
        fresh = self.get_queryset().get(pk=version.pk)
        return PolicyVersionSerializer(fresh, context=self.get_serializer_context()).data

    @extend_schema(request=PolicyTranslationSerializer, responses={200: PolicyVersionSerializer})
    @action(detail=True, methods=["post"])
    def translations(self, request, pk=None):
        """Add or replace the translation in `language`: the summary and every section, in the
        order of the original (400 `sections_mismatch` otherwise)."""
        version = self.get_object()
        data = PolicyTranslationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.policy_translation_save(
            actor=request.user,
            version=version,
            language=data.validated_data["language"],
            plain_summary=data.validated_data["plain_summary"],
            sections=_sections(data.validated_data["sections"]),
        )
        return Response(self._answer(version))


class ConsultationSerializer(serializers.ModelSerializer):
    version = serializers.PrimaryKeyRelatedField(
        queryset=PolicyVersion.objects.all(), help_text="A published policy version"
    )
    document = serializers.CharField(source="version.document.title", read_only=True)
    version_number = serializers.IntegerField(source="version.number", read_only=True)
    plain_summary = serializers.CharField(source="version.plain_summary", read_only=True)
    sections = PolicySectionSerializer(source="version.sections", many=True, read_only=True)
    public_comments = serializers.IntegerField(read_only=True)
    translations = TranslationsField(model=Consultation, fields=Consultation.TRANSLATABLE)

    class Meta:
        model = Consultation
        fields = [
            "id",
            "title",
            "state",
            "version",
            "document",
            "version_number",
            "plain_summary",
            "invitation",
            "closes_at",
            "sections",
            "public_comments",
            "response_summary",
            "translations",
        ]
        read_only_fields = ["state", "response_summary"]


class PublishResponseSerializer(serializers.Serializer):
    response_summary = serializers.CharField(required=False, allow_blank=True)
    result_version = serializers.PrimaryKeyRelatedField(
        queryset=PolicyVersion.objects.all(), required=False, allow_null=True
    )


class ConsultationViewSet(
    FieldProblems,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Consultations. Staff create one on a published version and change it while it is a
    draft (afterwards PATCH answers 409 `invalid_transition`), then open, close and publish
    the response. Its `translations` alone may be changed in any state."""

    serializer_class = ConsultationSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    action_rules = {
        "list": ANYONE,
        "retrieve": ANYONE,
        "comments": ANYONE,
        "comment": SIGNED_IN,
        "create": "engagement.run_consultation",
        "update": "engagement.run_consultation",  # not offered (PATCH only): 405 first
        "partial_update": "engagement.run_consultation",
        "open": "engagement.run_consultation",
        "close": "engagement.run_consultation",
        "publish_response": "engagement.run_consultation",
    }

    def get_queryset(self):
        qs = selectors.consultations_for_list(self.request.user)
        return qs.prefetch_related(
            Prefetch("version__sections", queryset=PolicySection.objects.order_by("position"))
        ).order_by("-created_at")

    @transaction.atomic
    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        translations = data.pop("translations", None)
        consultation = services.consultation_save(actor=self.request.user, data=data)
        self._translate(consultation, translations)
        serializer.instance = self.get_queryset().get(pk=consultation.pk)

    @transaction.atomic
    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        translations = data.pop("translations", None)
        consultation = serializer.instance
        # A translation renders what people were told: it may change after the draft.
        if data or translations is None:
            consultation = services.consultation_save(
                actor=self.request.user, consultation=consultation, data=data
            )
        self._translate(consultation, translations)
        serializer.instance = self.get_queryset().get(pk=consultation.pk)

    def _translate(self, consultation: Consultation, translations) -> None:
        if translations is not None:
            services.consultation_translations_save(
                actor=self.request.user, consultation=consultation, translations=translations
            )

    def _transition(self, request, verb, data=None):
        consultation = services.consultation_transition(
            actor=request.user, consultation=self.get_object(), action=verb, data=data
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=consultation.pk)).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def open(self, request, pk=None):
        """Open for comments: the version must be published and the closing date ahead."""
        return self._transition(request, "open")

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close at once: nobody can comment after this. Calling it is the confirmation."""
        return self._transition(request, "close")

    @extend_schema(request=PublishResponseSerializer)
    @action(detail=True, methods=["post"], url_path="publish-response")
    def publish_response(self, request, pk=None):
        """Publish what we heard: every comment must be answered (409 otherwise)."""
        data = PublishResponseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._transition(request, "publish_response", dict(data.validated_data))

    @extend_schema(request=CommentSerializer, responses={201: CommentSerializer})
    @action(detail=True, methods=["post"])
    def comment(self, request, pk=None):
        """Comment on the version under consultation (a section or the whole policy)."""
        consultation = self.get_object()
        serializer = CommentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment = services.comment_add(
            actor=request.user,
            consultation=consultation,
            section=serializer.validated_data.get("section"),
            body=serializer.validated_data["body"],
            visibility=serializer.validated_data.get("visibility", Comment.Visibility.PUBLIC),
        )
        return Response(CommentSerializer(comment).data, status=201)

    @extend_schema(responses={200: CommentSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def comments(self, request, pk=None):
        """Comments the caller may read: public ones, their own, and (staff) every one."""
        consultation = self.get_object()
        page = self.paginate_queryset(selectors.comments_visible_to(request.user, consultation))
        return self.get_paginated_response(CommentSerializer(page, many=True).data)
