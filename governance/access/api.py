"""Access requests and committees in the REST API; every write goes through the services.

A request's `items` are the datasets the caller may see (a committee member sees only their
committee's). Transitions: `submit`, `withdraw` (the researcher), `return`, `decide` (with
`item` in the body), `vote` (members), `comments` (GET / POST).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from governance.access import selectors, services
from governance.access.models import (
    AccessRequest,
    Committee,
    RequestComment,
    RequestedDataset,
    Vote,
)
from governance.accounts.models import Organisation
from governance.api.permissions import SIGNED_IN
from governance.catalogue.models import AccessCondition, CancerType, DuoTerm
from governance.catalogue.selectors import published_datasets


class RequestedDatasetInputSerializer(serializers.Serializer):
    dataset = serializers.PrimaryKeyRelatedField(queryset=published_datasets())
    access_condition = serializers.SlugRelatedField(
        slug_field="code", queryset=AccessCondition.objects.all()
    )
    justification = serializers.CharField(required=False, allow_blank=True, default="")


class DuoObligationSerializer(serializers.Serializer):
    shorthand = serializers.CharField()
    duo_id = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    detail = serializers.CharField()


class RequestedDatasetSerializer(serializers.ModelSerializer):
    outcome = serializers.CharField(read_only=True, help_text="pending | approved | rejected")
    dataset_title = serializers.CharField(source="dataset.title", read_only=True)
    access_condition = serializers.CharField(source="access_condition_id", read_only=True)
    committee_name = serializers.CharField(source="committee.name", default=None, read_only=True)

    class Meta:
        model = RequestedDataset
        fields = [
            "id",
            "dataset",
            "dataset_title",
            "access_condition",
            "committee",
            "committee_name",
            "justification",
            "outcome",
            "reasons",
            "decided_at",
        ]


class RequestTeamMemberSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField(required=False, allow_blank=True)
    role = serializers.CharField(required=False, allow_blank=True, max_length=200)


class AccessRequestSerializer(serializers.ModelSerializer):
    state = serializers.CharField(read_only=True, help_text=" | ".join(AccessRequest.State.values))
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False
    )
    purpose = serializers.PrimaryKeyRelatedField(
        queryset=DuoTerm.objects.filter(kind=DuoTerm.Kind.PERMISSION, deprecated=False)
    )
    disease = serializers.SlugRelatedField(
        slug_field="code", queryset=CancerType.objects.all(), required=False, allow_null=True
    )
    team = RequestTeamMemberSerializer(many=True, required=False)
    datasets = RequestedDatasetInputSerializer(many=True, required=False, write_only=True)
    items = serializers.SerializerMethodField()
    has_ethics_approval = serializers.SerializerMethodField()

    class Meta:
        model = AccessRequest
        fields = [
            "id",
            "state",
            "version",
            "researcher",
            "organisation",
            *services.REQUEST_FIELDS,
            "datasets",
            "items",
            "has_ethics_approval",
            "created_at",
            "submitted_at",
            "decided_at",
        ]
        read_only_fields = ["state", "version", "researcher", "submitted_at", "decided_at"]

    def get_items(self, obj) -> list[dict]:
        person = self.context["request"].user
        return list(
            RequestedDatasetSerializer(selectors.items_visible_to(person, obj), many=True).data
        )

    def get_has_ethics_approval(self, obj) -> bool:
        return bool(obj.ethics_approval)


class DatasetCompatibilitySerializer(serializers.Serializer):
    item = serializers.IntegerField()
    dataset = serializers.IntegerField()
    compatible = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())
    obligations = DuoObligationSerializer(many=True)


class RequestCommentSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.__str__", read_only=True)

    class Meta:
        model = RequestComment
        fields = [
            "id",
            "author",
            "author_name",
            "committee",
            "version",
            "body",
            "visibility",
            "created_at",
        ]
        read_only_fields = ["author", "committee", "version", "created_at"]


class AccessRequestViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Access requests: researchers' own, and submitted ones touching the caller's committees."""

    serializer_class = AccessRequestSerializer
    action_rules = {
        "list": SIGNED_IN,
        "retrieve": SIGNED_IN,
        "compatibility": SIGNED_IN,
        "create": "access.add_accessrequest",
        "update": "access.change_request",
        "partial_update": "access.change_request",
        "submit": "access.change_request",
        "withdraw": "access.change_request",
        "return_": "access.return_request",
        "vote": "access.vote",
        "decide": "access.decide",
        "comments": {"get": SIGNED_IN, "post": "access.comment"},
    }

    def get_queryset(self) -> QuerySet[AccessRequest]:
        qs = selectors.with_list_details(selectors.requests_visible_to(self.request.user))
        state = self.request.query_params.get("state")
        if state:
            qs = qs.filter(state=state)
        return qs.order_by("-created_at", "-pk")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        organisation = data.pop("organisation", None)
        if organisation is None:
            organisation = services.researcher_organisations(self.request.user).first()
        if organisation is None:
            raise serializers.ValidationError(
                {"organisation": _("Only researchers request access; you hold no researcher role.")}
            )
        items = data.pop("datasets", [])
        serializer.instance = services.request_create(
            actor=self.request.user,
            organisation=organisation,
            data={name: data[name] for name in services.REQUEST_FIELDS if name in data},
            items=items,
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        items = data.pop("datasets", None)
        serializer.instance = services.request_update(
            actor=self.request.user,
            request=serializer.instance,
            data={name: data[name] for name in services.REQUEST_FIELDS if name in data},
            items=items,
        )

    def _fresh(self, pk) -> Response:
        return Response(self.get_serializer(selectors.request_for(self.request.user, pk)).data)

    @extend_schema(responses={200: DatasetCompatibilitySerializer(many=True)})
    @action(detail=True, methods=["get"])
    def compatibility(self, request, pk=None):
        """Per dataset: the catalogue's DUO compatibility of the purpose, reasons, obligations."""
        access_request = self.get_object()
        items = selectors.items_visible_to(request.user, access_request)
        matches = selectors.compatibility_of(access_request, items)
        return Response(
            [
                {
                    "item": item.pk,
                    "dataset": item.dataset_id,
                    "compatible": matches[item.pk][0].compatible,
                    "reasons": list(matches[item.pk][0].reasons),
                    "obligations": [
                        {
                            "shorthand": o.shorthand,
                            "duo_id": o.duo_id,
                            "label": o.label,
                            "detail": o.detail,
                        }
                        for o in matches[item.pk][0].obligations
                    ],
                }
                for item in items
            ]
        )

    @extend_schema(request=None, responses={200: AccessRequestSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        services.request_submit(actor=request.user, request=self.get_object())
        return self._fresh(pk)

    @extend_schema(request=None, responses={200: AccessRequestSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        services.request_withdraw(actor=request.user, request=self.get_object())
        return self._fresh(pk)

    @extend_schema(
        request=inline_serializer("AccessRequestReturnInput", {"reason": serializers.CharField()}),
        responses={200: AccessRequestSerializer},
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        access_request = self.get_object()
        services.request_return(
            actor=request.user,
            request=access_request,
            reason=str(request.data.get("reason", "")),
        )
        return self._fresh(pk)

    def _item(self, access_request, request):
        raw = request.data.get("item")
        try:
            item_pk = int(raw)
        except (TypeError, ValueError):
            raise serializers.ValidationError(
                {"item": _("Give the id of one of the request's items.")}
            ) from None
        return selectors.item_for(request.user, access_request, item_pk)

    @extend_schema(
        request=inline_serializer(
            "AccessRequestDecideInput",
            {
                "item": serializers.IntegerField(),
                "outcome": serializers.CharField(help_text="approved | rejected"),
                "reasons": serializers.CharField(),
            },
        ),
        responses={200: AccessRequestSerializer},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        access_request = self.get_object()
        item = self._item(access_request, request)
        services.item_decide(
            actor=request.user,
            item=item,
            outcome=str(request.data.get("outcome", "")),
            reasons=str(request.data.get("reasons", "")),
        )
        return self._fresh(pk)

    @extend_schema(
        request=inline_serializer(
            "AccessRequestVoteInput",
            {
                "item": serializers.IntegerField(),
                "choice": serializers.ChoiceField(choices=Vote.Choice.values),
                "reason": serializers.CharField(required=False),
            },
        ),
        responses={200: AccessRequestSerializer},
    )
    @action(detail=True, methods=["post"])
    def vote(self, request, pk=None):
        access_request = self.get_object()
        item = self._item(access_request, request)
        services.vote_cast(
            actor=request.user,
            item=item,
            choice=str(request.data.get("choice", "")),
            reason=str(request.data.get("reason", "")),
        )
        return self._fresh(pk)

    @extend_schema(methods=["GET"], responses={200: RequestCommentSerializer(many=True)})
    @extend_schema(
        methods=["POST"],
        request=RequestCommentSerializer,
        responses={201: RequestCommentSerializer},
    )
    @action(detail=True, methods=["get", "post"])
    def comments(self, request, pk=None):
        access_request = self.get_object()
        if request.method == "GET":
            comments = selectors.comments_visible_to(request.user, access_request)
            return Response(RequestCommentSerializer(comments, many=True).data)
        serializer = RequestCommentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment = services.comment_add(
            actor=request.user,
            request=access_request,
            body=serializer.validated_data["body"],
            visibility=serializer.validated_data.get("visibility", "committee"),
        )
        return Response(RequestCommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class CommitteeSerializer(serializers.ModelSerializer):
    decision_rule = serializers.CharField(read_only=True, help_text="chair | majority")
    datasets: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )
    members = serializers.SerializerMethodField()

    class Meta:
        model = Committee
        fields = [
            "id",
            "name",
            "organisation",
            "contact_email",
            "decision_rule",
            "quorum",
            "reminder_days",
            "datasets",
            "members",
        ]

    def get_members(self, obj) -> list[dict]:
        return [
            {"person": m.person_id, "name": str(m.person), "is_chair": m.is_chair}
            for m in obj.members.all()
        ]


class CommitteeViewSet(viewsets.ReadOnlyModelViewSet):
    """Access committees: staff see all, members their own."""

    serializer_class = CommitteeSerializer
    action_rules = {"list": SIGNED_IN, "retrieve": SIGNED_IN}

    def get_queryset(self) -> QuerySet[Committee]:
        return selectors.committees_visible_to(self.request.user).prefetch_related(
            "datasets", "members__person"
        )


def register(router) -> None:
    router.register("access-requests", AccessRequestViewSet, basename="access-requests")
    router.register("committees", CommitteeViewSet, basename="committees")
