"""Factories for consent tests: forms in use (with a real PDF), records, CSV files."""

from __future__ import annotations

import datetime
import io
from functools import cache

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from factory.django import DjangoModelFactory

from governance.catalogue.models import DuoTerm
from governance.consent.models import ConsentForm, ConsentRecord
from tests.catalogue.factories import DatasetFactory
from tests.factories import OrganisationFactory

HEADER = "pseudonym,form,form_version,given_on,scope,data_altruism"


@cache
def pdf_bytes() -> bytes:
    from weasyprint import HTML

    return HTML(string="<h1>Consent form</h1><p>I agree to research use.</p>").write_pdf()


class ConsentFormFactory(DjangoModelFactory):
    """A form version in use, with its PDF; `ConsentFormFactory(organisation=...)`."""

    class Meta:
        model = ConsentForm
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    code = factory.Sequence(lambda n: f"research-{n}")
    version = 1
    title = "Use of your images for research"
    language = "en"
    duo_permission = factory.LazyFunction(lambda: DuoTerm.objects.get(shorthand="HMB"))
    legal_basis = "consent"
    offers_data_altruism = True
    plain_summary = "Your scans, without your name, may be used for health research."
    document = factory.LazyFunction(lambda: ContentFile(pdf_bytes(), name="form.pdf"))
    state = ConsentForm.State.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def modifiers(obj, create, extracted, **kwargs):
        if create:
            obj.duo_modifiers.set(DuoTerm.objects.filter(shorthand__in=extracted or ["NCU"]))


class ConsentRecordFactory(DjangoModelFactory):
    class Meta:
        model = ConsentRecord

    dataset = factory.SubFactory(DatasetFactory)
    pseudonym = factory.Sequence(lambda n: f"SUBJ-{n:05d}")
    form = factory.SubFactory(
        ConsentFormFactory, organisation=factory.SelfAttribute("..dataset.custodian")
    )
    given_on = datetime.date(2024, 3, 1)
    scope = "all_uses"


def csv_file(*rows: str, header: str = HEADER) -> io.BytesIO:
    return io.BytesIO(("\n".join([header, *rows]) + "\n").encode())


def row(pseudonym: str, form: ConsentForm, given_on="2024-05-01", scope="all_uses", altruism="no"):
    return f"{pseudonym},{form.code},{form.version},{given_on},{scope},{altruism}"
