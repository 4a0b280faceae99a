"""Factories and helpers for catalogue tests: datasets and statements made through the services."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from governance.catalogue import services
from governance.catalogue.models import (
    AccessCondition,
    BodyPart,
    CancerType,
    Dataset,
    DuoTerm,
    Modality,
)
from tests.factories import OrganisationFactory


def duo(shorthand: str) -> DuoTerm:
    return DuoTerm.objects.get(shorthand=shorthand)


def conditions(*codes: str) -> list[AccessCondition]:
    return list(AccessCondition.objects.filter(code__in=codes))


class DatasetFactory(DjangoModelFactory):
    class Meta:
        model = Dataset
        skip_postgeneration_save = True

    persistent_url = factory.Sequence(lambda n: f"https://data.example.org/datasets/{n}")
    title = factory.Sequence(lambda n: f"Dataset {n}")
    description = "Imaging studies."
    custodian = factory.SubFactory(OrganisationFactory)
    subject_count = 100
    study_count = 250
    source = Dataset.Source.REAL_WORLD
    hosting = Dataset.Hosting.CENTRAL

    @factory.post_generation
    def cancer_types(obj, create, extracted, **kwargs):
        if create:
            obj.cancer_types.set(CancerType.objects.filter(code__in=extracted or ["breast"]))

    @factory.post_generation
    def modalities(obj, create, extracted, **kwargs):
        if create:
            obj.modalities.set(Modality.objects.filter(code__in=extracted or ["MR"]))

    @factory.post_generation
    def body_parts(obj, create, extracted, **kwargs):
        if create:
            obj.body_parts.set(BodyPart.objects.filter(code__in=extracted or ["BREAST"]))


def valid_statement_data(**overrides) -> dict:
    data = {
        "access_rights": "restricted",
        "access_conditions": conditions("in_situ_processing"),
        "duo_permission": duo("GRU"),
        "disease": None,
        "access_committee_name": "Data Access Committee",
        "contact_email": "dac@example.org",
        "modifiers": [],
    }
    data.update(overrides)
    return data


def draft(dataset: Dataset, actor=None, **overrides):
    """A draft statement for the dataset, made as staff unless an actor is given."""
    from tests.factories import person_with_role

    actor = actor or person_with_role("staff")
    return services.statement_create_draft(
        actor=actor, dataset=dataset, data=valid_statement_data(**overrides)
    )


def published(dataset: Dataset, actor=None, **overrides):
    from tests.factories import person_with_role

    actor = actor or person_with_role("staff")
    statement = draft(dataset, actor, **overrides)
    return services.statement_publish(actor=actor, statement=statement)
