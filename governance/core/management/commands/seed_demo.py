"""`python manage.py seed_demo`: the demo data of SPEC section 6, safe to run again."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from governance.core.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, DemoContext, seed_all


class Command(BaseCommand):
    help = (
        "Create the demo organisations, people and records (SPEC section 6). Running it again "
        "creates only what is missing. Refuses to run with DEBUG off unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help=(
                "Seed even though DEBUG is off, e.g. on a demo server. Never on production: "
                "every demo person signs in with a published password."
            ),
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo refuses to run with DEBUG off: it creates people whose password "
                f"({DEMO_PASSWORD}) is published. For a local trial set PORTAL_DEBUG=1; on a demo "
                "server that is not production, run `python manage.py seed_demo --force`."
            )
        context = seed_all()
        self._report(context)

    def _report(self, context: DemoContext) -> None:
        write = self.stdout.write
        if context.created_anything:
            write(self.style.SUCCESS("Demo data created."))
            write("Created: " + _counts(context.created))
        else:
            write(self.style.SUCCESS("Demo data is already in place; nothing was changed."))
        if context.existing:
            write("Already there (kept as they were): " + _counts(context.existing))

        write("")
        write(f"Demo people (password for every one of them: {DEMO_PASSWORD}):")
        email_width = max((len(p.email) for p in context.people), default=0)
        role_width = max((len(", ".join(p.roles)) for p in context.people), default=0)
        for person in context.people:
            roles = ", ".join(person.roles)
            mfa = "  [TOTP]" if person.has_totp else ""
            write(
                f"  {person.email:<{email_width}}  {roles:<{role_width}}  "
                f"{person.organisation}{mfa}"
            )
        if any(person.has_totp for person in context.people):
            write("")
            write(
                "People marked [TOTP] hold a role that requires two-factor authentication. After "
                "the password, enter the current code of an authenticator app set up with the "
                f"demo secret {DEMO_TOTP_SECRET} (base32, 6 digits, 30 seconds), e.g. "
                f"`oathtool --totp -b {DEMO_TOTP_SECRET}`."
            )
        for note in context.notes:
            write("")
            write(note)


def _counts(counter) -> str:
    return ", ".join(f"{count} {kind}" for kind, count in counter.items())
