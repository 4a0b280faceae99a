"""Demo engagement (SPEC section 6): an open stakeholder survey that takes about 10 minutes, an
open consultation on the ELSI data framework with a plain-language summary (and a Spanish
translation), and an upcoming technical demonstration webinar. Found by title or slug, so a
second run changes nothing.

Uses from the context: `person.admin`. Puts `survey.stakeholders`, `consultation.elsi`,
`event.webinar`.
"""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from governance.core.demo import DemoContext
from governance.engagement import services
from governance.engagement.models import (
    Consultation,
    Event,
    PolicyDocument,
    PolicyTranslation,
    Question,
    Survey,
)

SURVEY_TITLE = "Stakeholder survey 2026: imaging data sharing in the federation"
CONSULTATION_TITLE = "Consultation on the ELSI data framework"
WEBINAR_TITLE = "Technical demonstration webinar"
CET = ZoneInfo("Europe/Brussels")
K = Question.Kind


def _options(*labels: str) -> list[dict[str, str]]:
    return [{"value": f"o{index}", "label": label} for index, label in enumerate(labels, start=1)]


SURVEY: list[tuple[str, list[dict[str, Any]]]] = [
    (
        "You and the federation",
        [
            dict(
                kind=K.SINGLE,
                text="How familiar are you with the federation's services?",
                required=True,
                options=_options(
                    "Not at all",
                    "I have heard of them",
                    "I have used them",
                    "I work with them every week",
                ),
            ),
            dict(
                kind=K.MULTIPLE,
                text="Which of these have you used?",
                allow_other=True,
                options=_options(
                    "Dataset catalogue",
                    "Federated search",
                    "Access requests",
                    "Processing services",
                    "Webinars",
                ),
            ),
            dict(
                kind=K.SCALE,
                text="How likely are you to recommend the federation to a colleague?",
                required=True,
            ),
            dict(
                kind=K.NUMBER,
                text="For how many years have you worked with medical imaging data?",
                help_text="0 if you do not work with imaging data.",
            ),
        ],
    ),
    (
        "Sharing imaging data",
        [
            dict(
                kind=K.LIKERT,
                text="How much do you agree with these statements?",
                required=True,
                options=_options(
                    "Imaging data should be reused for research when patients are protected",
                    "Hospitals should keep their data on their own premises",
                    "Anonymised images can be stored in a central atlas",
                    "Companies developing AI should have access under the same rules as "
                    "universities",
                    "Patients should be told which projects use their images",
                    "Access decisions should be published",
                ),
            ),
            dict(
                kind=K.RANKING,
                text="Rank what matters most to you when data are shared",
                options=_options(
                    "Privacy of patients",
                    "Scientific value",
                    "Speed of access",
                    "Transparency",
                    "Benefit to patients",
                ),
            ),
            dict(
                kind=K.SINGLE,
                text="Which access condition would you choose for your own data?",
                condition_on=0,
                condition_values=["o3", "o4"],
                options=_options("Download", "In-situ processing", "Remote processing only"),
            ),
            dict(kind=K.LONG_TEXT, text="What worries you most about sharing imaging data?"),
        ],
    ),
    (
        "Governance and trust",
        [
            dict(
                kind=K.LIKERT,
                text="How much do you agree with these statements about our governance?",
                options=_options(
                    "The access committees decide fairly",
                    "The rules on data use are clear",
                    "I know how to raise a concern",
                    "Patient organisations have enough say",
                    "The portal explains its decisions",
                ),
            ),
            dict(
                kind=K.SINGLE,
                text="Which consent model do you prefer for secondary use?",
                allow_other=True,
                options=_options("Broad consent", "Dynamic consent", "Opt-out", "Data altruism"),
            ),
            dict(kind=K.SCALE, text="How much do you trust the federation with imaging data?"),
            dict(kind=K.SHORT_TEXT, text="In one word, how would you describe the federation?"),
            dict(kind=K.LONG_TEXT, text="What should we improve first?"),
        ],
    ),
    (
        "Patients and the public",
        [
            dict(
                kind=K.MULTIPLE,
                text="How should patients be told about the use of their images?",
                options=_options(
                    "Hospital leaflets",
                    "A public register of projects",
                    "Patient organisations",
                    "A personal portal",
                ),
            ),
            dict(
                kind=K.LIKERT,
                text="How much do you agree?",
                options=_options(
                    "Plain-language summaries help me understand the policies",
                    "Patients should sit on access committees",
                    "Results of research should be shared with patients",
                    "I would take part in a consultation on our policies",
                ),
            ),
            dict(kind=K.LONG_TEXT, text="Anything else you would like to tell us?"),
        ],
    ),
]

POLICY_SUMMARY = (
    "This framework says how the federation handles the ethical, legal and social sides of "
    "sharing medical images for research. Images stay in the hospitals unless they are "
    "anonymised. Researchers must say what they want to do, and an access committee checks it "
    "against what patients agreed to. You can withdraw your consent at any time, and the "
    "withdrawal applies everywhere in the federation. We publish every approved project."
)
POLICY_SECTIONS = [
    (
        "Purpose and scope",
        "This framework governs the reuse of medical imaging data and related clinical data "
        "held by the federation's data holders, for research and innovation in cancer care.",
    ),
    (
        "Legal bases and consent",
        "Data holders rely on the consent of patients or on another legal basis under the GDPR "
        "and national law. Consent records are kept under pseudonyms and withdrawals take effect "
        "across the federation within one working day.",
    ),
    (
        "Access and oversight",
        "Access committees review each request against the data-use conditions coded with the "
        "GA4GH Data Use Ontology, and grant access for a limited period under a data-use "
        "agreement.",
    ),
    (
        "Transparency and participation",
        "The federation publishes a register of approved projects and consults patient "
        "organisations before it changes this framework.",
    ),
]
POLICY_SUMMARY_ES = (
    "Este marco explica cómo la federación trata los aspectos éticos, legales y sociales del uso "
    "de imágenes médicas en investigación. Las imágenes permanecen en los hospitales salvo que se "
    "anonimicen, y usted puede retirar su consentimiento en cualquier momento."
)
POLICY_SECTIONS_ES = [
    {
        "heading": "Finalidad y alcance",
        "body": "Este marco regula la reutilización de imágenes médicas para la investigación "
        "del cáncer.",
    },
    {
        "heading": "Bases jurídicas y consentimiento",
        "body": "La retirada del consentimiento se aplica en toda la federación en un día hábil.",
    },
    {
        "heading": "Acceso y supervisión",
        "body": "Los comités de acceso revisan cada solicitud y conceden acceso por un periodo "
        "limitado.",
    },
    {
        "heading": "Transparencia y participación",
        "body": "La federación publica un registro de proyectos aprobados y consulta a las "
        "organizaciones de pacientes.",
    },
]


def seed(context: DemoContext) -> None:
    admin = context["person.admin"]
    context["survey.stakeholders"] = _survey(context, admin)
    context["consultation.elsi"] = _consultation(context, admin)
    context["event.webinar"] = _webinar(context)


def _survey(context: DemoContext, admin) -> Survey:
    survey = Survey.objects.filter(title=SURVEY_TITLE).first()
    context.tally("surveys", survey is None)
    if survey is not None:
        return survey
    survey = services.survey_save(
        actor=admin,
        data={
            "title": SURVEY_TITLE,
            "intro": (
                "We would like to know how patients, data providers, service providers, "
                "researchers in academia and industry, and policy makers see the sharing of "
                "medical imaging data in the federation. Your answers shape our work plan."
            ),
            "privacy_notice": (
                "The survey is anonymous: we keep no link between your answers and you, not "
                "even your IP address. We publish the results without any group of fewer than 5 "
                "respondents, and delete the answers two years after the survey closes."
            ),
            "access": Survey.Access.PUBLIC,
            "anonymous": True,
            "group_source": Survey.GroupSource.ASK,
            "closes_at": timezone.now() + datetime.timedelta(days=60),
        },
    )
    first_questions: list[Question] = []
    for title, questions in SURVEY:
        section = services.section_add(actor=admin, survey=survey, title=title)
        for spec in questions:
            spec = dict(spec)
            condition = spec.pop("condition_on", None)
            if condition is not None:
                spec["condition_question"] = first_questions[condition]
            question = services.question_add(actor=admin, section=section, data=spec)
            if title == SURVEY[0][0]:
                first_questions.append(question)
    return services.survey_transition(actor=admin, survey=survey, action="open")


# The consultation in Spanish and French; German and Italian readers see it in English, and
# the page says it is not yet translated.
CONSULTATION_TRANSLATIONS = {
    "es": {
        "title": "Consulta sobre el marco de datos ELSI",
        "invitation": (
            "Estamos revisando el marco de datos ELSI y pedimos a las organizaciones de "
            "pacientes, a los titulares de los datos y a los investigadores que comenten cada "
            "sección antes de adoptar la versión 2."
        ),
    },
    "fr": {
        "title": "Consultation sur le cadre ELSI des données",
        "invitation": (
            "Nous révisons le cadre ELSI des données et demandons aux organisations de patients, "
            "aux détenteurs des données et aux chercheurs de commenter chaque section avant "
            "d'adopter la version 2."
        ),
    },
}


def _consultation(context: DemoContext, admin) -> Consultation:
    document, created = PolicyDocument.objects.get_or_create(
        slug="elsi-data-framework", defaults={"title": "ELSI data framework"}
    )
    context.tally("policy documents", created)
    version = document.versions.order_by("number").first()
    if version is None:
        version = services.policy_version_create(
            actor=admin, document=document, plain_summary=POLICY_SUMMARY, sections=POLICY_SECTIONS
        )
        PolicyTranslation.objects.create(
            version=version,
            language="es",
            plain_summary=POLICY_SUMMARY_ES,
            sections=POLICY_SECTIONS_ES,
        )
        services.policy_version_publish(actor=admin, version=version)
    consultation = Consultation.objects.filter(title=CONSULTATION_TITLE).first()
    context.tally("consultations", consultation is None)
    if consultation is not None:
        if not consultation.translations:
            services.consultation_translations_save(
                actor=admin, consultation=consultation, translations=CONSULTATION_TRANSLATIONS
            )
        return consultation
    consultation = Consultation.objects.create(
        version=version,
        title=CONSULTATION_TITLE,
        invitation=(
            "We are revising the ELSI data framework and ask patient organisations, data "
            "holders and researchers to comment on each section before we adopt version 2."
        ),
        closes_at=timezone.now() + datetime.timedelta(days=45),
    )
    services.consultation_translations_save(
        actor=admin, consultation=consultation, translations=CONSULTATION_TRANSLATIONS
    )
    return services.consultation_transition(actor=admin, consultation=consultation, action="open")


def _next_march_14() -> tuple[datetime.datetime, datetime.datetime]:
    today = timezone.localdate()
    year = today.year if (today.month, today.day) < (3, 14) else today.year + 1
    start = datetime.datetime(year, 3, 14, 10, 0, tzinfo=CET)
    return start, start + datetime.timedelta(minutes=90)


def _webinar(context: DemoContext) -> Event:
    event = Event.objects.filter(title=WEBINAR_TITLE).first()
    context.tally("events", event is None)
    if event is not None:
        return event
    starts_at, ends_at = _next_march_14()
    return Event.objects.create(
        title=WEBINAR_TITLE,
        kind=Event.Kind.WEBINAR,
        description=(
            "A live demonstration of the federation's technical services: federated search, "
            "access tokens for processing back ends, and remote processing on hospital data "
            "that never leaves the hospital. Questions welcome."
        ),
        audience="Data holders, AI developers and researchers",
        starts_at=starts_at,
        ends_at=ends_at,
        location="Online (the link is sent to registered people)",
        join_url="https://meet.example.org/federation-demo",
        capacity=100,
    )
