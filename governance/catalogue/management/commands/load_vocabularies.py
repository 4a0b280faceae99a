from django.core.management.base import BaseCommand
from django.db import transaction

from governance.catalogue.models import AccessCondition, CancerType, DataUseCondition, DuoTerm
from governance.catalogue.vocabularies import VOCABULARY_DIR, load_vocabularies


class Command(BaseCommand):
    help = "Load (or refresh) the DUO, access-condition, data-use and cancer-type vocabularies."

    def handle(self, *args, **options):
        with transaction.atomic():
            counts = load_vocabularies(
                DuoTerm=DuoTerm,
                AccessCondition=AccessCondition,
                DataUseCondition=DataUseCondition,
                CancerType=CancerType,
            )
        summary = ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Loaded from {VOCABULARY_DIR}: {summary}."))
