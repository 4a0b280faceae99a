"""`python manage.py rotate_signing_keys`: a new current signing key (SPEC section 7)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from governance.tokens import keys


class Command(BaseCommand):
    help = (
        "Add a new signing key and make it current. The old key stops signing but stays in the "
        "JWKS until every token it signed has expired."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--algorithm",
            choices=["ES256", "RS256"],
            default=None,
            help="algorithm of the new key (default: PORTAL_TOKEN_ALGORITHM)",
        )

    def handle(self, *args, algorithm=None, **options):
        if settings.PORTAL_TOKEN_SIGNING_KEY:
            raise CommandError(
                "PORTAL_TOKEN_SIGNING_KEY(_FILE) is set, so the portal signs with that key: "
                "rotate by replacing the file, or unset it to use database keys."
            )
        key = keys.rotate(alg=algorithm)
        self.stdout.write(
            f"New current signing key {key.kid} ({key.alg}); retired keys stay published for "
            f"{keys.max_token_lifetime()} s."
        )
