"""The outbox's part of a person's data: the emails sent to their address."""

from __future__ import annotations

from typing import Any

from governance.notifications.models import WITHHELD_BODY, OutboundEmail


def _addressed_to(person):
    # Recipients are a JSON list; the text match is narrowed exactly in Python below.
    candidates = OutboundEmail.objects.filter(to__icontains=person.email)
    return [email for email in candidates if person.email.lower() in map(str.lower, email.to)]


def export(person) -> dict[str, Any]:
    return {
        "emails_sent_to_you": [
            {
                "subject": email.subject,
                "template": email.template,
                "state": email.state,
                "queued_at": email.created_at,
                "sent_at": email.sent_at,
            }
            for email in _addressed_to(person)
        ]
    }


def erase(person) -> None:
    """Remove the address and the text (which may name the person) from their emails."""
    for email in _addressed_to(person):
        email.to = [a for a in email.to if a.lower() != person.email.lower()]
        email.body_text = WITHHELD_BODY
        email.body_html = ""
        email.sensitive = True
        email.save(update_fields=["to", "body_text", "body_html", "sensitive"])
