"""Surveys in the REST API: respond, results, transitions, quotas."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from governance.api.permissions import ANYONE
from governance.core.permissions import may
from governance.engagement import questions, selectors, services
from governance.engagement.api.common import (
    FieldProblems,
)
from governance.engagement.models import (
    Question,
    StakeholderGroup,
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


class QuotaSerializer(serializers.Serializer):
    group = serializers.ChoiceField(choices=StakeholderGroup.choices)
    group_label = serializers.CharField(read_only=True, source="label")
    limit = serializers.IntegerField(allow_null=True, min_value=0)
    responses = serializers.IntegerField(read_only=True)
    full = serializers.BooleanField(read_only=True, source="is_full")


class SurveyViewSet(
    FieldProblems, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Open surveys and surveys with published results (staff: every survey)."""

    serializer_class = SurveySerializer
    action_rules = {
        "list": ANYONE,
        "retrieve": ANYONE,
        # An invitation link answers without an account; the service checks the survey's access.
        "respond": ANYONE,
        # Results that are not published do not exist for the reader: 404 (asked inside).
        "results": ANYONE,
        "quotas": {"get": "engagement.run_survey", "post": "engagement.run_survey"},
        "open": "engagement.run_survey",
        "close": "engagement.run_survey",
        "publish_results": "engagement.run_survey",
    }

    def get_queryset(self):
        return (
            selectors.surveys_visible_to(self.request.user)
            .prefetch_related(
                Prefetch(
                    "sections",
                    queryset=SurveySection.objects.order_by("position", "pk").prefetch_related(
                        Prefetch("questions", queryset=Question.objects.order_by("position", "pk"))
                    ),
                )
            )
            .order_by("-created_at")
        )

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
        survey = _survey_or_404(pk)
        if not may(request.user, "engagement.see_results", survey):
            raise Http404
        staff = may(request.user, "engagement.see_every_answer", survey)
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

    @extend_schema(methods=["GET"], request=None, responses={200: QuotaSerializer(many=True)})
    @extend_schema(
        methods=["POST"], request=QuotaSerializer, responses={200: QuotaSerializer(many=True)}
    )
    @action(detail=True, methods=["get", "post"])
    def quotas(self, request, pk=None):
        """Staff: every stakeholder group with its quota (`limit` null: none) and its submitted
        `responses`. POST `{"group", "limit"}` sets one quota; `"limit": null` removes it."""
        survey = self.get_object()
        if request.method == "POST":
            data = QuotaSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            services.quota_set(
                actor=request.user,
                survey=survey,
                group=data.validated_data["group"],
                limit=data.validated_data["limit"],
            )
        return Response(QuotaSerializer(selectors.survey_quotas(survey), many=True).data)

    def _transition(self, request, pk, verb):
        survey = services.survey_transition(
            actor=request.user, survey=self.get_object(), action=verb
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=survey.pk)).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def open(self, request, pk=None):
        return self._transition(request, pk, "open")

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close at once: nobody can answer after this. Calling it is the confirmation."""
        return self._transition(request, pk, "close")

    @extend_schema(request=None)
    @action(
        detail=True,
        methods=["post"],
        url_path="publish-results",
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
