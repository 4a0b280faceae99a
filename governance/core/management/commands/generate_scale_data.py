"""`python manage.py generate_scale_data --scale N`: a consistent data set N times the unit."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from governance.core.scale import SCALE_PASSWORD, generate, per_scale, problems


def _unit() -> str:
    return ", ".join(f"{count:,} {kind.replace('_', ' ')}" for kind, count in per_scale().items())


class Command(BaseCommand):
    @property  # the apps' figures are read when the help is shown, not at import
    def help(self) -> str:  # type: ignore[override]
        return (
            "Add a realistic, consistent data set in bulk: organisations across 14 countries "
            "and their people, calls with proposals, reviews and decisions, datasets with "
            "availability statements, consent records and withdrawals, access requests with "
            "committee votes, agreements and grants, survey responses, and their audit events "
            f"(verify_audit passes afterwards). One unit of scale is: {_unit()}. --scale N makes "
            "N times each. Every run adds a new batch; the generated people sign in with the "
            f"password {SCALE_PASSWORD}."
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=int, default=1, help="How many units to build (default 1)."
        )

    def handle(self, *args, scale: int, **options):
        if scale < 1:
            raise CommandError("--scale must be at least 1.")
        started = time.monotonic()
        batch = generate(scale=scale)
        found = problems()
        if found:
            raise CommandError("The data is inconsistent: " + "; ".join(found))
        seconds = time.monotonic() - started
        made = ", ".join(
            f"{count:,} {kind.replace('_', ' ')}" for kind, count in batch.counts.items()
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Scale {scale} (batch {batch.tag}) built in {seconds:.1f} s: {made}."
            )
        )
