"""Engagement in the REST API: surveys (respond, results, transitions, quotas), policy documents
and versions (publish, translations), consultations (create, edit while draft, transitions,
comment) and events (create, edit, register, cancel). Every write goes through the same services
as the pages."""

from __future__ import annotations

from governance.engagement.api.common import (
    FieldProblems,
)
from governance.engagement.api.consultations import (
    CommentSerializer,
    ConsultationSerializer,
    ConsultationViewSet,
    PolicyDocumentSerializer,
    PolicyDocumentViewSet,
    PolicySectionInputSerializer,
    PolicySectionSerializer,
    PolicyTranslationSerializer,
    PolicyVersionBriefSerializer,
    PolicyVersionSerializer,
    PolicyVersionUpdateSerializer,
    PolicyVersionViewSet,
    PublishResponseSerializer,
    _sections,
)
from governance.engagement.api.events import (
    EventSerializer,
    EventViewSet,
    RegistrationSerializer,
)
from governance.engagement.api.surveys import (
    QuestionSerializer,
    QuotaSerializer,
    RespondSerializer,
    ResponseReceiptSerializer,
    SurveySectionSerializer,
    SurveySerializer,
    SurveyViewSet,
    _invitation_in,
    _question_json,
    _survey_or_404,
)

__all__ = [
    "CommentSerializer",
    "ConsultationSerializer",
    "ConsultationViewSet",
    "EventSerializer",
    "EventViewSet",
    "FieldProblems",
    "PolicyDocumentSerializer",
    "PolicyDocumentViewSet",
    "PolicySectionInputSerializer",
    "PolicySectionSerializer",
    "PolicyTranslationSerializer",
    "PolicyVersionBriefSerializer",
    "PolicyVersionSerializer",
    "PolicyVersionUpdateSerializer",
    "PolicyVersionViewSet",
    "PublishResponseSerializer",
    "QuestionSerializer",
    "QuotaSerializer",
    "RegistrationSerializer",
    "RespondSerializer",
    "ResponseReceiptSerializer",
    "SurveySectionSerializer",
    "SurveySerializer",
    "SurveyViewSet",
    "_invitation_in",
    "_question_json",
    "_sections",
    "_survey_or_404",
    "register",
]


def register(router) -> None:
    router.register("surveys", SurveyViewSet, basename="surveys")
    router.register("policy-documents", PolicyDocumentViewSet, basename="policy-documents")
    router.register("policy-versions", PolicyVersionViewSet, basename="policy-versions")
    router.register("consultations", ConsultationViewSet, basename="consultations")
    router.register("events", EventViewSet, basename="events")
