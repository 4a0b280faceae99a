from django.core.management.base import BaseCommand
from django.db import transaction

from governance.catalogue.models import (
    AccessCondition,
    BodyPart,
    CancerType,
    DataUseCondition,
    DuoTerm,
    Modality,
)
from governance.catalogue.vocabularies import (
    VOCABULARY_DIR,
    load_imaging_vocabularies,
    load_vocabularies,
)


class Command(BaseCommand):
    help = (
        "Load (or refresh) the DUO, access-condition, data-use, cancer-type, modality and "
        "body-part vocabularies."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            counts = load_vocabularies(
                DuoTerm=DuoTerm,
                AccessCondition=AccessCondition,
                DataUseCondition=DataUseCondition,
                CancerType=CancerType,
            )
            counts.update(load_imaging_vocabularies(Modality=Modality, BodyPart=BodyPart))
        summary = ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Loaded from {VOCABULARY_DIR}: {summary}."))
