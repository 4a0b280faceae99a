"""Decision letters rendered to PDF with WeasyPrint, stored under MEDIA_ROOT once released."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone, translation

from governance.calls.models import Decision


def render_letter(decision: Decision) -> bytes:
    from weasyprint import HTML

    proposal = decision.proposal
    # In the language the applicant chose, whoever releases the decision.
    author = proposal.created_by
    with translation.override((author and author.language) or settings.LANGUAGE_CODE):
        html = render_to_string(
            "calls/letter.html",
            {
                "decision": decision,
                "proposal": proposal,
                "call": proposal.call,
                "organisation": proposal.organisation,
                "date": timezone.localdate(decision.released_at or timezone.now()),
            },
        )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def letter_of(decision: Decision) -> bytes:
    """The stored letter; rendered and stored on first use."""
    if decision.letter:
        with decision.letter.open("rb") as stored:
            return stored.read()
    pdf = render_letter(decision)
    decision.letter.save(f"decision-{decision.pk}.pdf", ContentFile(pdf), save=False)
    decision.letter_sha256 = hashlib.sha256(pdf).hexdigest()
    Decision.objects.filter(pk=decision.pk).update(
        letter=decision.letter.name, letter_sha256=decision.letter_sha256
    )
    return pdf
