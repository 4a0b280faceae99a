"""`manage.py verify_audit`: walk the hash chain; exit non-zero naming the first bad event."""

from django.core.management.base import BaseCommand, CommandError

from governance.audit import selectors


class Command(BaseCommand):
    help = (
        "Walks the audit trail's hash chain in sequence order and recomputes every hash. Exits "
        "with an error naming the first event that was altered, removed or reordered."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=selectors.VERIFY_CHUNK_SIZE,
            help="Events read from the database at a time (default %(default)s).",
        )

    def handle(self, *args, chunk_size: int, **options):
        if chunk_size < 1:
            raise CommandError("--chunk-size must be at least 1.")
        report = selectors.verify_chain(chunk_size=chunk_size)
        if not report.intact:
            raise CommandError(
                f"{report.summary()}. The {report.events} events before it are intact. "
                "Restore the trail from a backup and find out who had write access to the "
                "database."
            )
        self.stdout.write(self.style.SUCCESS(report.summary()))
