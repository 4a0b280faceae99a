"""Calls, proposals and the evaluation, for the calls and reviews tests."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from governance.calls import services
from governance.calls.defaults import DEFAULT_CONFIGURATION
from governance.calls.models import Call, Proposal
from governance.reviews import services as review_services

COMPLETE_HOLDER_ANSWERS = {
    "summary": "Breast MRI from routine practice.",
    "modality": "MRI",
    "subjects": "1200",
    "country": "ES",
    "federated_only": "yes",
}


def make_call(*, title="Open call 2026", opens_at=None, deadline=None, chair=None, **fields):
    now = timezone.now()
    call = Call.objects.create(
        title=title,
        summary="Join the federation.",
        description="Apply **now**.",
        opens_at=opens_at or now - timedelta(days=1),
        deadline=deadline or now + timedelta(days=30),
        is_published=True,
        **fields,
    )
    services._configure(call, DEFAULT_CONFIGURATION)
    if chair is not None:
        call.chairs.add(chair)
    return call


def make_draft(call, applicant, *, organisation=None, title="Our imaging data", answers=None):
    organisation = organisation or applicant.memberships.get(role="applicant").organisation
    proposal = Proposal.objects.create(
        call=call,
        track=call.tracks.get(kind="data_holder"),
        organisation=organisation,
        created_by=applicant,
        title=title,
        answers=dict(COMPLETE_HOLDER_ANSWERS if answers is None else answers),
    )
    return proposal


def make_submitted(call, applicant, **kwargs):
    proposal = make_draft(call, applicant, **kwargs)
    return services.proposal_submit(actor=applicant, proposal=proposal)


def make_under_review(call, applicant, chair, evaluators, **kwargs):
    proposal = make_submitted(call, applicant, **kwargs)
    for evaluator in evaluators:
        review_services.assign(actor=chair, proposal=proposal, evaluator=evaluator)
    proposal.refresh_from_db()
    return proposal


def score_and_submit(evaluator, proposal, values):
    from governance.reviews.models import Review

    review = Review.objects.get(proposal=proposal, evaluator=evaluator)
    criteria = list(proposal.call.criteria.all())
    review_services.review_save(
        actor=evaluator,
        review=review,
        scores={
            c.pk: {"value": v, "comment": f"{c.name} ok"}
            for c, v in zip(criteria, values, strict=True)
        },
        comment="Fine.",
    )
    return review_services.review_submit(actor=evaluator, review=review)


# Files


def pdf_bytes(text: str = "hello") -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\n% " + text.encode() + b"\n%%EOF\n"


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)
