"""Engagement in the REST API: surveys (respond, results, transitions), consultations (comment)
and events (register, cancel). Every write goes through the same services as the pages."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from governance.engagement import questions, selectors, services
from governance.engagement.models import (
    Comment,
    Consultation,
    Event,
    PolicySection,
    Question,
    Registration,
    Survey,
    SurveySection,
)
from governance.engagement.results import survey_results


class QuestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Question
        fields = [
            "id",
            "kind",
            "text",
            "help_text",
            "required",
            "options",
            "allow_other",
            "condition_question",
            "condition_values",
        ]


class SurveySectionSerializer(serializers.ModelSerializer):
    questions = QuestionSerializer(many=True, read_only=True)

    class Meta:
        model = SurveySection
        fields = ["id", "position", "title", "description", "questions"]


class SurveySerializer(serializers.ModelSerializer):
    sections = SurveySectionSerializer(many=True, read_only=True)
    estimated_minutes = serializers.SerializerMethodField()

    class Meta:
        model = Survey
        fields = [
            "id",
            "title",
            "state",
            "intro",
            "privacy_notice",
            "access",
            "anonymous",
            "group_source",
            "closes_at",
            "estimated_minutes",
            "sections",
        ]

    def get_estimated_minutes(self, survey) -> int:
        return questions.estimated_minutes(
            [q for s in survey.sections.all() for q in s.questions.all()],
            asks_group=survey.group_source == Survey.GroupSource.ASK,
        )


class RespondSerializer(serializers.Serializer):
    group = serializers.CharField(required=False, allow_blank=True)
    country = serializers.CharField(required=False, allow_blank=True, max_length=2)
    answers = serializers.DictField(
        help_text="Question id -> answer (see questions.py for the forms)"
    )
    invitation_token = serializers.CharField(required=False, allow_blank=True)


class ResponseReceiptSerializer(serializers.Serializer):
    survey = serializers.IntegerField()
    submitted = serializers.BooleanField()


class SurveyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Open surveys and surveys with published results (staff: every survey)."""

    serializer_class = SurveySerializer
    permission_classes = [AllowAny]

    def get_queryset(self):
        qs = (
            Survey.objects.all()
            if self.action in ("respond", "results", "open", "close", "publish_results")
            else selectors.surveys_visible_to(self.request.user)
        )
        return qs.prefetch_related(
            Prefetch(
                "sections",
                queryset=SurveySection.objects.order_by("position", "pk").prefetch_related(
                    Prefetch("questions", queryset=Question.objects.order_by("position", "pk"))
                ),
            )
        ).order_by("-created_at")

    @extend_schema(request=RespondSerializer, responses={200: ResponseReceiptSerializer})
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        """Submit a whole response at once. 409 `deadline_passed` after the closing date,
        `quota_full` when the group's quota is reached, `invitation_used` for a used link."""
        survey = (
            selectors.survey_for(request.user, int(pk))
            if not _invitation_in(request)
            else _survey_or_404(pk)
        )
        data = RespondSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.response_submit(
                survey=survey,
                person=request.user,
                answers={str(k): v for k, v in data.validated_data["answers"].items()},
                group=data.validated_data.get("group", ""),
                country=data.validated_data.get("country", ""),
                invitation_token=data.validated_data.get("invitation_token", ""),
            )
        except services.AnswersInvalid as error:
            return Response(
                {
                    "detail": error.detail,
                    "code": error.code,
                    "answers": {str(p.question_id): [p.message] for p in error.problems},
                },
                status=400,
            )
        # Nothing that identifies the response is returned, so anonymity holds in the API too.
        return Response({"survey": survey.pk, "submitted": True})

    @extend_schema(responses={200: dict})
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        """Counts per question; staff see everything, others published results with small
        groups suppressed."""
        from governance.accounts.selectors import is_portal_staff

        survey = _survey_or_404(pk)
        staff = is_portal_staff(request.user)
        if not staff and survey.state != Survey.State.RESULTS_PUBLISHED:
            from django.http import Http404

            raise Http404
        results = survey_results(survey, public=not staff)
        return Response(
            {
                "survey": survey.pk,
                "respondents": results.respondents,
                "public": results.public,
                "groups": [{"group": label, "respondents": n} for label, n in results.groups],
                "countries": [{"country": c, "respondents": n} for c, n in results.countries],
                "suppressed_groups": results.suppressed_groups,
                "questions": [_question_json(r) for r in results.questions],
            }
        )

    def _transition(self, request, pk, verb):
        survey = selectors.survey_for_staff(request.user, int(pk))
        survey = services.survey_transition(actor=request.user, survey=survey, action=verb)
        return Response(self.get_serializer(self.get_queryset().get(pk=survey.pk)).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def open(self, request, pk=None):
        return self._transition(request, pk, "open")

    @extend_schema(request=None)
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def close(self, request, pk=None):
        return self._transition(request, pk, "close")

    @extend_schema(request=None)
    @action(
        detail=True,
        methods=["post"],
        url_path="publish-results",
        permission_classes=[IsAuthenticated],
    )
    def publish_results(self, request, pk=None):
        return self._transition(request, pk, "publish_results")


def _invitation_in(request) -> bool:
    return bool(isinstance(request.data, dict) and request.data.get("invitation_token"))


def _survey_or_404(pk) -> Survey:
    from django.http import Http404

    survey = Survey.objects.filter(pk=int(pk)).first() if str(pk).isdigit() else None
    if survey is None:
        raise Http404
    return survey


def _question_json(result) -> dict:
    chart = result.chart
    data: dict = {
        "question": result.question.pk,
        "kind": result.question.kind,
        "answered": result.answered,
    }
    if result.kind == "bars" and chart is not None:
        data["counts"] = [{"label": bar.label, "count": bar.value} for bar in chart.bars]
    elif result.kind == "diverging":
        data["statements"] = [{"label": row.label, "counts": row.counts} for row in chart.rows]
    elif result.kind == "histogram":
        data["counts"] = [{"value": int(c.label), "count": c.value} for c in chart.columns]
    if result.summary:
        data["summary"] = result.summary
    return data


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


class ConsultationSerializer(serializers.ModelSerializer):
    document = serializers.CharField(source="version.document.title", read_only=True)
    version_number = serializers.IntegerField(source="version.number", read_only=True)
    plain_summary = serializers.CharField(source="version.plain_summary", read_only=True)
    sections = PolicySectionSerializer(source="version.sections", many=True, read_only=True)
    public_comments = serializers.IntegerField(read_only=True)

    class Meta:
        model = Consultation
        fields = [
            "id",
            "title",
            "state",
            "document",
            "version_number",
            "plain_summary",
            "invitation",
            "closes_at",
            "sections",
            "public_comments",
            "response_summary",
        ]


class ConsultationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = ConsultationSerializer
    permission_classes = [AllowAny]

    def get_queryset(self):
        return (
            selectors.consultations_for_list(self.request.user)
            .prefetch_related(
                Prefetch("version__sections", queryset=PolicySection.objects.order_by("position"))
            )
            .order_by("-created_at")
        )

    @extend_schema(request=CommentSerializer, responses={201: CommentSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
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


class EventSerializer(serializers.ModelSerializer):
    confirmed = serializers.IntegerField(read_only=True)

    class Meta:
        model = Event
        fields = [
            "id",
            "title",
            "kind",
            "description",
            "audience",
            "starts_at",
            "ends_at",
            "location",
            "capacity",
            "confirmed",
        ]


class RegistrationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Registration
        fields = ["id", "event", "status", "created_at"]


class EventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = EventSerializer
    permission_classes = [AllowAny]

    def get_queryset(self):
        return (
            Event.objects.filter(is_published=True)
            .annotate(
                confirmed=Count(
                    "registrations", filter=Q(registrations__status=Registration.Status.CONFIRMED)
                )
            )
            .order_by("starts_at")
        )

    @extend_schema(request=None, responses={200: RegistrationSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def register(self, request, pk=None):
        """Register; when the event is full the registration is `waitlisted`."""
        registration = services.event_register(person=request.user, event=self.get_object())
        return Response(RegistrationSerializer(registration).data)

    @extend_schema(request=None, responses={200: RegistrationSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def cancel(self, request, pk=None):
        event = self.get_object()
        registration = selectors.registration_of(request.user, event)
        if registration is None:
            from django.http import Http404

            raise Http404
        registration = services.registration_cancel(person=request.user, registration=registration)
        return Response(RegistrationSerializer(registration).data)


def register(router) -> None:
    router.register("surveys", SurveyViewSet, basename="surveys")
    router.register("consultations", ConsultationViewSet, basename="consultations")
    router.register("events", EventViewSet, basename="events")
