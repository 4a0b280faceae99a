"""Calls and proposals in the REST API (SPEC §5): the same services as the pages.

Transitions: `POST /api/v1/proposals/{id}/submit/`, `withdraw/`, `decide/` (stages a decision;
chairs review and release them in the decisions page); `GET decision-letter/` is the PDF.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from governance.accounts.models import Organisation
from governance.api.fields import TranslationsField
from governance.api.permissions import ANYONE, SIGNED_IN
from governance.calls import rules, selectors, services
from governance.calls.letters import letter_of
from governance.calls.models import Call, Criterion, Decision, Proposal, Question, Track


class CallQuestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Question
        fields = [
            "key",
            "label",
            "help_text",
            "kind",
            "required",
            "max_length",
            "choices",
            "min_value",
            "max_value",
            "allowed_types",
            "max_size_mb",
        ]


class CallTrackSerializer(serializers.ModelSerializer):
    questions = CallQuestionSerializer(many=True, read_only=True)

    class Meta:
        model = Track
        fields = ["id", "kind", "description", "provider_types", "questions"]


class CallCriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Criterion
        fields = ["id", "name", "description", "weight"]


class CallSerializer(serializers.ModelSerializer):
    phase = serializers.SerializerMethodField()
    tracks = CallTrackSerializer(many=True, read_only=True)
    criteria = CallCriterionSerializer(many=True, read_only=True)
    configuration = serializers.JSONField(
        write_only=True,
        required=False,
        help_text="Tracks with questions, and criteria (see the call form for the structure).",
    )
    translations = TranslationsField(model=Call, fields=Call.TRANSLATABLE)

    class Meta:
        model = Call
        fields = [
            "id",
            "title",
            "summary",
            "description",
            "opens_at",
            "deadline",
            "phase",
            "is_published",
            "eligible_countries",
            "evaluators_per_proposal",
            "conflict_same_country",
            "hide_scores_until_submitted",
            "scale_min",
            "scale_max",
            "tracks",
            "criteria",
            "configuration",
            "translations",
        ]

    def get_phase(self, call) -> str:
        return call.phase()


class CallViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Open calls. Published ones are public; staff and call chairs create and configure."""

    serializer_class = CallSerializer
    action_rules = {
        "list": ANYONE,
        "retrieve": ANYONE,
        "create": "calls.create_call",
        "update": "calls.configure_call",
        "partial_update": "calls.configure_call",
    }

    def get_queryset(self) -> QuerySet[Call]:
        return (
            selectors.calls_visible_to(self.request.user)
            .prefetch_related("tracks__questions", "criteria")
            .order_by("-deadline", "pk")
        )

    @transaction.atomic
    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        configuration = data.pop("configuration", None)
        translations = data.pop("translations", None)
        if configuration is None:
            from governance.calls.defaults import DEFAULT_CONFIGURATION

            configuration = DEFAULT_CONFIGURATION
        call = services.call_create(actor=self.request.user, data=data, configuration=configuration)
        serializer.instance = self._translate(call, translations)

    @transaction.atomic
    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        configuration = data.pop("configuration", None)
        translations = data.pop("translations", None)
        call = selectors.chaired_call_for(self.request.user, serializer.instance.pk)
        if data or configuration is not None or translations is None:
            call = services.call_update(
                actor=self.request.user, call=call, data=data, configuration=configuration
            )
        serializer.instance = self._translate(call, translations)

    def _translate(self, call: Call, translations) -> Call:
        if translations is None:
            return call
        return services.call_translations_save(
            actor=self.request.user, call=call, translations=translations
        )


class ProposalDecisionSerializer(serializers.ModelSerializer):
    # Plain strings here: the outcome enum is documented once, on the decide request.
    outcome = serializers.CharField(read_only=True)
    stage = serializers.CharField(read_only=True)

    class Meta:
        model = Decision
        fields = ["id", "outcome", "reason", "stage", "decided_at", "released_at"]


class ProposalSerializer(serializers.ModelSerializer):
    call = serializers.PrimaryKeyRelatedField(queryset=Call.objects.all())
    track = serializers.PrimaryKeyRelatedField(queryset=Track.objects.all())
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    # Required and at most 200 characters: the service's rule, as on the page.
    title = serializers.CharField(allow_blank=True)
    answers = serializers.JSONField(required=False)
    decision = serializers.SerializerMethodField()

    class Meta:
        model = Proposal
        fields = [
            "id",
            "call",
            "track",
            "organisation",
            "organisation_name",
            "title",
            "state",
            "answers",
            "snapshot",
            "submitted_at",
            "withdrawn_at",
            "created_at",
            "updated_at",
            "decision",
        ]
        read_only_fields = ["state", "snapshot", "submitted_at", "withdrawn_at"]

    @extend_schema_field(ProposalDecisionSerializer(allow_null=True))
    def get_decision(self, proposal) -> dict | None:
        # Only a released decision is news for the applicant; chairs see staged ones in the page.
        released = [d for d in proposal.decisions.all() if d.stage == Decision.Stage.RELEASED]
        return ProposalDecisionSerializer(released[0]).data if released else None

    def to_representation(self, proposal):
        data = super().to_representation(proposal)
        request = self.context.get("request")
        if request is not None and not rules.is_applicant_of(request.user, proposal):
            data.pop("answers")  # others read only the frozen snapshot
        return data


class ProposalUpdateSerializer(ProposalSerializer):
    state = serializers.CharField(read_only=True)  # the enum is documented on Proposal
    call = serializers.PrimaryKeyRelatedField(read_only=True)
    track = serializers.PrimaryKeyRelatedField(read_only=True)
    organisation = serializers.PrimaryKeyRelatedField(read_only=True)


class ProposalDecideSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Decision.Outcome.choices)
    # A reason is required: the service's rule, as on the page.
    reason = serializers.CharField(allow_blank=True, default="")


class ProposalWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True)


class ProposalAttachmentUploadSerializer(serializers.Serializer):
    question = serializers.SlugField()
    file = serializers.FileField()


class ProposalViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Proposals the caller may see: their organisations' (applicants), their calls' (chairs),
    those assigned to them without a conflict (evaluators)."""

    serializer_class = ProposalSerializer
    action_rules = {
        "list": SIGNED_IN,
        "retrieve": SIGNED_IN,
        "create": "calls.apply",
        "update": "calls.edit_proposal",
        "partial_update": "calls.edit_proposal",
        "submit": "calls.edit_proposal",
        "withdraw": "calls.edit_proposal",
        "attachments": "calls.edit_proposal",
        "decide": "calls.decide",
        "decision_letter": "calls.read_decision_letter",
    }

    def get_serializer_class(self):
        if self.action in {"update", "partial_update"}:
            return ProposalUpdateSerializer
        return ProposalSerializer

    def get_queryset(self) -> QuerySet[Proposal]:
        qs = selectors.with_listing_details(
            selectors.proposals_visible_to(self.request.user)
        ).prefetch_related("decisions")
        for name in ("call", "state"):
            value = self.request.query_params.get(name)
            if value:
                qs = qs.filter(**{name: value})
        return qs.order_by("-updated_at", "pk")

    def get_object(self):
        proposal = selectors.proposal_for(self.request.user, int(self.kwargs["pk"]))
        self.check_object_permissions(self.request, proposal)  # the action's rule, before the body
        return proposal

    def _own(self) -> Proposal:
        """The proposal to draft or submit: visible, and the action's rule
        (`calls.edit_proposal`: one of the person's applicant organisations) passed."""
        return self.get_object()

    def perform_create(self, serializer):
        data = serializer.validated_data
        proposal = services.proposal_create(
            actor=self.request.user,
            call=data["call"],
            track=data["track"],
            organisation=data["organisation"],
            title=data["title"],
        )
        if data.get("answers"):
            proposal = services.proposal_save(
                actor=self.request.user, proposal=proposal, answers=data["answers"]
            )
        serializer.instance = proposal

    def perform_update(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.proposal_save(
            actor=self.request.user,
            proposal=self._own(),
            title=data.get("title"),
            answers=data.get("answers"),
        )

    def _answer(self, request, proposal):
        proposal = selectors.proposal_for(request.user, proposal.pk)
        return Response(ProposalSerializer(proposal, context={"request": request}).data)

    @extend_schema(request=None, responses={200: ProposalSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit a draft. 409 `deadline_passed` after the deadline; 400 `incomplete` when
        answers are missing or the organisation is not eligible."""
        proposal = services.proposal_submit(actor=request.user, proposal=self._own())
        return self._answer(request, proposal)

    @extend_schema(request=ProposalWithdrawSerializer, responses={200: ProposalSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        body = ProposalWithdrawSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        proposal = services.proposal_withdraw(
            actor=request.user, proposal=self._own(), reason=body.validated_data.get("reason", "")
        )
        return self._answer(request, proposal)

    @extend_schema(request=ProposalDecideSerializer, responses={200: ProposalSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Stage a decision (chairs). 409 `concurrent_change` if another chair staged one first,
        `invalid_transition` if the proposal cannot get this outcome from its state."""
        proposal = self.get_object()
        body = ProposalDecideSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.decision_stage(actor=request.user, proposal=proposal, **body.validated_data)
        return self._answer(request, proposal)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="decision-letter")
    def decision_letter(self, request, pk=None):
        proposal = self.get_object()
        decision = selectors.released_decision(proposal)
        if decision is None:
            return Response(
                {
                    "detail": _("No decision was released for this proposal yet."),
                    "code": "not_found",
                },
                status=404,
            )
        response = HttpResponse(letter_of(decision), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="decision-letter-{proposal.pk}.pdf"'
        )
        return response

    @extend_schema(request=ProposalAttachmentUploadSerializer, responses={200: ProposalSerializer})
    @action(
        detail=True,
        methods=["post"],
        parser_classes=[MultiPartParser, FormParser, JSONParser],
    )
    def attachments(self, request, pk=None):
        """Upload the file answering a file question of a draft (multipart)."""
        own = self._own()  # the rule before the body: the file is not read for others
        body = ProposalAttachmentUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        proposal = services.proposal_save(
            actor=request.user,
            proposal=own,
            files={body.validated_data["question"]: body.validated_data["file"]},
        )
        return self._answer(request, proposal)


def register(router) -> None:
    router.register("calls", CallViewSet, basename="calls")
    router.register("proposals", ProposalViewSet, basename="proposals")
