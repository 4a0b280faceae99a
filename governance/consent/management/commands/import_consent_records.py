"""Import a (possibly very large) CSV of consent records from the server's disk.

    python manage.py import_consent_records <dataset id> <file.csv> --as holder@example.org

The same all-or-nothing, idempotent import as the page and the API; useful for files too large
to upload through a browser within a request's time limit.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from governance.accounts.selectors import person_by_email
from governance.catalogue.models import Dataset
from governance.consent.importing import ImportRefused, import_records
from governance.core.errors import PortalError


class Command(BaseCommand):
    help = "Import consent records for one dataset from a CSV file (all rows or none)."

    def add_arguments(self, parser):
        parser.add_argument("dataset", type=int, help="The dataset's id.")
        parser.add_argument("path", help="The CSV file.")
        parser.add_argument(
            "--as",
            dest="actor",
            required=True,
            help="Email of the data holder (or staff member) the import is recorded for.",
        )

    def handle(self, *args, dataset: int, path: str, actor: str, **options):
        person = person_by_email(actor)
        if person is None:
            raise CommandError(f"Nobody has the email {actor!r}.")
        target = Dataset.objects.filter(pk=dataset).first()
        if target is None:
            raise CommandError(f"There is no dataset {dataset}.")
        try:
            with open(path, "rb") as file:
                report = import_records(actor=person, dataset=target, file=file)
        except ImportRefused as refused:
            self.stderr.write(refused.detail)
            self.stderr.write(json.dumps(refused.report.as_dict(), indent=2, ensure_ascii=False))
            raise CommandError("Nothing was imported.") from None
        except (PortalError, OSError) as error:
            raise CommandError(str(getattr(error, "detail", error))) from None
        self.stdout.write(
            f"Imported {report.rows} rows: {report.created} new records, "
            f"{report.unchanged} unchanged."
        )
