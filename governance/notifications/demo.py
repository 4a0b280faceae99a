"""The outbox's part of `manage.py seed_demo`: the demo's emails link to the portal that shows them.

The demo's emails are written when the demo is first seeded, with the PORTAL_BASE_URL of that
moment. Seeded again under another address (another port, a demo server), the outbox would show
emails whose links lead to the old one; so each seeding moves the demo people's emails to the
current PORTAL_BASE_URL. Emails to anyone else are left exactly as they were sent.
"""

from __future__ import annotations

from django.conf import settings

from governance.core.demo import DemoContext
from governance.notifications import services

DEMO_DOMAIN = "demo.example"


def seed(context: DemoContext) -> None:
    moved = services.demo_emails_rebase(domain=DEMO_DOMAIN, base_url=settings.PORTAL_BASE_URL)
    if moved:
        context.notes.append(
            f"{moved} demo email(s) written for another address now link to "
            f"{settings.PORTAL_BASE_URL}."
        )
