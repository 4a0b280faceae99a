"""Reviews (scores) and conflicts of interest in the REST API."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from governance.accounts.models import Organisation
from governance.api.permissions import SIGNED_IN
from governance.calls.models import Proposal
from governance.calls.selectors import proposals_visible_to
from governance.reviews import selectors, services
from governance.reviews.models import ConflictOfInterest, Review


class ScoreSerializer(serializers.Serializer):
    criterion = serializers.IntegerField(source="criterion_id")
    value = serializers.IntegerField()
    comment = serializers.CharField(required=False, allow_blank=True)


class ReviewSerializer(serializers.ModelSerializer):
    scores = ScoreSerializer(many=True, required=False)
    evaluator_name = serializers.CharField(source="evaluator.__str__", read_only=True)

    class Meta:
        model = Review
        fields = [
            "id",
            "proposal",
            "evaluator",
            "evaluator_name",
            "state",
            "comment",
            "weighted_total",
            "submitted_at",
            "scores",
        ]
        read_only_fields = [
            "proposal",
            "evaluator",
            "state",
            "weighted_total",
            "submitted_at",
        ]


class ReviewViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """An evaluator's own reviews, and other evaluators' submitted ones once theirs is submitted
    (or when the call does not hide them); chairs see every review of their calls."""

    serializer_class = ReviewSerializer
    action_rules = {
        "list": SIGNED_IN,
        "retrieve": SIGNED_IN,
        "update": "reviews.score_proposal",
        "partial_update": "reviews.score_proposal",
        "submit": "reviews.score_proposal",
    }

    def get_queryset(self) -> QuerySet[Review]:
        qs = selectors.reviews_visible_to(self.request.user).order_by("proposal_id", "pk")
        proposal = self.request.query_params.get("proposal")
        if proposal and proposal.isdigit():
            qs = qs.filter(proposal_id=int(proposal))
        return qs

    def _own(self) -> Review:
        review = self.get_object()
        if review.evaluator_id != self.request.user.pk:
            raise Http404
        return selectors.review_for(self.request.user, review.proposal_id)

    def perform_update(self, serializer):
        data = serializer.validated_data
        scores = {
            int(item["criterion_id"]): {"value": item["value"], "comment": item.get("comment", "")}
            for item in data.get("scores", [])
        }
        services.review_save(
            actor=self.request.user,
            review=self._own(),
            scores=scores,
            comment=data.get("comment", serializer.instance.comment),
        )
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    @extend_schema(request=None, responses={200: ReviewSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        review = services.review_submit(actor=request.user, review=self._own())
        return Response(ReviewSerializer(self.get_queryset().get(pk=review.pk)).data)


class ConflictSerializer(serializers.ModelSerializer):
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True
    )
    proposal = serializers.PrimaryKeyRelatedField(
        queryset=Proposal.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = ConflictOfInterest
        fields = ["id", "evaluator", "organisation", "proposal", "reason", "declared_at"]
        read_only_fields = ["evaluator", "declared_at"]


class ConflictViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Conflicts of interest: evaluators declare and read their own; staff read every one."""

    serializer_class = ConflictSerializer
    action_rules = {
        "list": SIGNED_IN,
        "retrieve": SIGNED_IN,
        "create": "reviews.declare_conflict",
    }

    def get_queryset(self) -> QuerySet[ConflictOfInterest]:
        return selectors.conflicts_visible_to(self.request.user).order_by("-declared_at", "pk")

    def perform_create(self, serializer):
        data = serializer.validated_data
        proposal = data.get("proposal")
        if (
            proposal is not None
            and not proposals_visible_to(self.request.user).filter(pk=proposal.pk).exists()
        ):
            # A conflict can be declared with a proposal one was assigned; others are unknown.
            raise serializers.ValidationError({"proposal": _("No such proposal.")})
        serializer.instance = services.conflict_declare(
            actor=self.request.user,
            reason=data.get("reason", ""),
            organisation=data.get("organisation"),
            proposal=proposal,
        )


def register(router) -> None:
    router.register("reviews", ReviewViewSet, basename="reviews")
    router.register("conflicts", ConflictViewSet, basename="conflicts")
