"""Demo calls (SPEC §6), seeded by `seed_demo` after the accounts and catalogue.

- `call.2024`: the 2024 open call (opened April 2024, deadline 10 June 2024 23:59 Brussels time),
  closed, with released decisions (the Milan repository accepted and onboarding, the AI company
  rejected) and a draft of the applicant's that was never submitted (submitting it now fails
  with `deadline_passed`).
  The two decided proposals are `proposal.2024_accepted` and `proposal.2024_rejected`.
- `call.open`: an open call with a deadline in the future, with a draft and a submitted
  proposal of the applicant's (`proposal.submitted`), under review.

Their evaluation (assignments, reviews, scores, a conflict of interest) is seeded by
`governance.reviews.demo`, which runs next.

Objects are found by natural keys (call title; proposal call + title), so running it again
creates nothing new. States and dates in the past are written directly, as history.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from governance.calls.defaults import DEFAULT_CONFIGURATION, ONBOARDING_CHECKLISTS
from governance.calls.models import (
    Call,
    Decision,
    OnboardingItem,
    Proposal,
)
from governance.calls.services import _configure
from governance.core.demo import DemoContext

BRUSSELS = ZoneInfo("Europe/Brussels")
CALL_2024 = "EUCAIM Open Call 2024"
CALL_OPEN = "EUCAIM Open Call 2026: new data holders and AI innovators"

DESCRIPTION_2024 = """The first open call of the federation invited **hospitals and research
repositories** with cancer images and **AI innovators** to join *Cancer Image Europe*.

- Data holders: real-world clinical data or completed clinical trials, MRI, CT, PET, mammography.
- AI innovators: SMEs, start-ups and universities developing imaging AI.

Applications were due on 10 June 2024 at 23:59 (Brussels time)."""

DESCRIPTION_OPEN = """The 2026 call extends the federation to new **data holders** (paediatric
cancers are especially welcome: neuroblastoma, DIPG) and **AI innovators**.

Read the [federation's onboarding guide](https://cancerimage.eu/) before you apply."""

# The open call in Spanish and French; German and Italian readers see it in English, and the
# page says it is not yet translated.
TRANSLATIONS_OPEN = {
    "es": {
        "title": (
            "Convocatoria abierta EUCAIM 2026: nuevos titulares de los datos e innovadores en IA"
        ),
        "summary": "Únase a la federación como titular de los datos o como innovador en IA.",
        "description": (
            "La convocatoria de 2026 extiende la federación a nuevos **titulares de los datos** "
            "(los cánceres pediátricos son especialmente bienvenidos: neuroblastoma, DIPG) y a "
            "**innovadores en IA**.\n\nLea la [guía de incorporación de la federación]"
            "(https://cancerimage.eu/) antes de presentar su solicitud."
        ),
    },
    "fr": {
        "title": "Appel ouvert EUCAIM 2026 : nouveaux détenteurs des données et innovateurs en IA",
        "summary": "Rejoignez la fédération comme détenteur des données ou innovateur en IA.",
        "description": (
            "L'appel 2026 étend la fédération à de nouveaux **détenteurs des données** (les "
            "cancers pédiatriques sont particulièrement bienvenus : neuroblastome, DIPG) et à des "
            "**innovateurs en IA**.\n\nLisez le [guide d'intégration de la fédération]"
            "(https://cancerimage.eu/) avant de déposer votre candidature."
        ),
    },
}

HOLDER_ANSWERS = {
    "summary": "Breast and prostate MRI from routine practice, 2015-2023, with RDSR dose reports.",
    "modality": "MRI",
    "subjects": "1850",
    "country": "ES",
    "federated_only": "yes",
}


def seed(context: DemoContext) -> None:
    chair = context["person.chair"]
    applicant = context["person.applicant"]
    org_applicant = context["org.applicant"]

    closed = _call(
        context,
        title=CALL_2024,
        summary="The 2024 open call for data holders and AI innovators (closed).",
        description=DESCRIPTION_2024,
        opens_at=datetime(2024, 4, 15, 9, 0, tzinfo=BRUSSELS),
        deadline=datetime(2024, 6, 10, 23, 59, tzinfo=BRUSSELS),
        chair=chair,
    )
    context["call.2024"] = closed
    holder_track = closed.tracks.get(kind="data_holder")
    ai_track = closed.tracks.get(kind="ai_innovator")
    submitted_2024 = datetime(2024, 6, 3, 14, 30, tzinfo=BRUSSELS)

    accepted = _proposal(
        context,
        call=closed,
        track=holder_track,
        organisation=context["org.repository"],
        author=context["person.holder"],
        title="Milan paediatric oncology imaging repository joins the federation",
        answers={**HOLDER_ANSWERS, "country": "IT", "subjects": "4200"},
        state=Proposal.State.ONBOARDING,
        submitted_at=submitted_2024,
    )
    rejected = _proposal(
        context,
        call=closed,
        track=ai_track,
        organisation=context["org.ai_company"],
        author=context["person.researcher"],
        title="Radiomics signatures for lung nodule triage",
        answers={"summary": "Validate a lung nodule triage model.", "trl": "4", "country": "DE"},
        state=Proposal.State.REJECTED,
        submitted_at=submitted_2024,
    )
    context["proposal.2024_accepted"] = accepted
    context["proposal.2024_rejected"] = rejected
    released_at = datetime(2024, 7, 15, 10, 0, tzinfo=BRUSSELS)
    _decision(
        context,
        accepted,
        "accept",
        "Excellent paediatric coverage and a ready data warehouse.",
        chair,
        released_at,
    )
    _decision(
        context,
        rejected,
        "reject",
        "The validation plan lacks an external test cohort; we encourage you to apply again.",
        chair,
        released_at,
    )
    _checklist(context, accepted, approved=3, admin=context["person.admin"])
    context["proposal.2024_draft"] = _proposal(
        context,
        call=closed,
        track=holder_track,
        organisation=org_applicant,
        author=applicant,
        title="La Fe breast imaging cohort (draft, never submitted)",
        answers={"summary": "Breast MRI cohort.", "modality": "MRI"},
        state=Proposal.State.DRAFT,
    )

    now = timezone.now()
    open_call = _call(
        context,
        title=CALL_OPEN,
        summary="Join the federation as a data holder or an AI innovator.",
        description=DESCRIPTION_OPEN,
        opens_at=(now - timedelta(days=14)).replace(minute=0, second=0, microsecond=0),
        deadline=datetime.combine(
            (now + timedelta(days=60)).date(), datetime.min.time(), tzinfo=BRUSSELS
        ).replace(hour=17),
        chair=chair,
    )
    if not open_call.translations:
        open_call.translations = TRANSLATIONS_OPEN
        open_call.save(update_fields=["translations"])
    context["call.open"] = open_call
    open_holder = open_call.tracks.get(kind="data_holder")
    context["proposal.draft"] = _proposal(
        context,
        call=open_call,
        track=open_holder,
        organisation=org_applicant,
        author=applicant,
        title="La Fe paediatric neuroblastoma MRI",
        answers={"summary": "Whole-body MRI of children with neuroblastoma."},
        state=Proposal.State.DRAFT,
    )
    submitted = _proposal(
        context,
        call=open_call,
        track=open_holder,
        organisation=org_applicant,
        author=applicant,
        title="La Fe breast and prostate MRI from routine practice",
        answers=HOLDER_ANSWERS,
        state=Proposal.State.UNDER_REVIEW,
        submitted_at=now - timedelta(days=2),
    )
    context["proposal.submitted"] = submitted


def _call(context, *, title, summary, description, opens_at, deadline, chair) -> Call:
    call, created = Call.objects.get_or_create(
        title=title,
        defaults={
            "summary": summary,
            "description": description,
            "opens_at": opens_at,
            "deadline": deadline,
            "is_published": True,
        },
    )
    if created:
        _configure(call, DEFAULT_CONFIGURATION)
        call.chairs.add(chair)
    context.tally("calls", created)
    return call


def _proposal(
    context, *, call, track, organisation, author, title, answers, state, submitted_at=None
) -> Proposal:
    proposal, created = Proposal.objects.get_or_create(
        call=call,
        title=title,
        defaults={
            "track": track,
            "organisation": organisation,
            "created_by": author,
            "answers": answers,
            "state": state,
            "submitted_at": submitted_at,
            "snapshot": {
                "title": title,
                "track": track.kind,
                "organisation": organisation.name,
                "answers": answers,
                "attachments": [],
                "submitted_at": submitted_at.isoformat(),
            }
            if submitted_at
            else {},
        },
    )
    context.tally("proposals", created)
    return proposal


def _decision(context, proposal, outcome, reason, chair, released_at) -> None:
    _decision_row, created = Decision.objects.get_or_create(
        proposal=proposal,
        stage=Decision.Stage.RELEASED,
        defaults={
            "outcome": outcome,
            "reason": reason,
            "decided_by": chair,
            "decided_at": released_at - timedelta(days=3),
            "reviewed_by": chair,
            "reviewed_at": released_at - timedelta(days=1),
            "released_at": released_at,
        },
    )
    context.tally("decisions", created)


def _checklist(context, proposal, *, approved: int, admin) -> None:
    for position, spec in enumerate(ONBOARDING_CHECKLISTS[proposal.track.kind]):
        done = position < approved
        _item, created = OnboardingItem.objects.get_or_create(
            proposal=proposal,
            key=spec["key"],
            defaults={
                "position": position,
                "label": spec["label"],
                "help_text": spec.get("help_text", ""),
                "needs_evidence": spec.get("needs_evidence", False),
                "state": OnboardingItem.State.APPROVED if done else OnboardingItem.State.PENDING,
                "statement": "Confirmed by the repository's legal office." if done else "",
                "reviewed_by": admin if done else None,
                "reviewed_at": datetime(2024, 9, 1, 12, 0, tzinfo=BRUSSELS) if done else None,
            },
        )
        context.tally("onboarding items", created)
