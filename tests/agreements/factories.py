"""Factories for committees, requests, agreements and grants.

Other apps' tests (tokens, consent) create grants directly with `GrantFactory`; the access and
agreements tests drive the same objects through the services.
"""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from governance.access.models import AccessRequest, Committee, CommitteeMember, RequestedDataset
from governance.agreements.models import Agreement, Grant
from governance.catalogue.models import AccessCondition, DuoTerm
from tests.catalogue.factories import DatasetFactory
from tests.factories import OrganisationFactory, UserFactory


class CommitteeFactory(DjangoModelFactory):
    class Meta:
        model = Committee

    name = factory.Sequence(lambda n: f"Data Access Committee {n}")
    organisation = factory.SubFactory(OrganisationFactory)
    contact_email = "dac@example.org"


class CommitteeMemberFactory(DjangoModelFactory):
    class Meta:
        model = CommitteeMember

    committee = factory.SubFactory(CommitteeFactory)
    person = factory.SubFactory(UserFactory)


class AccessRequestFactory(DjangoModelFactory):
    class Meta:
        model = AccessRequest

    researcher = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Project {n}")
    lay_summary = "Teaching computers to find tumours earlier."
    scientific_abstract = "A deep-learning study of tumour detection."
    purpose = factory.LazyFunction(lambda: DuoTerm.objects.get(shorthand="HMB"))
    starts_on = factory.LazyFunction(lambda: timezone.localdate())
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=365))
    public_register_consent = True


class RequestedDatasetFactory(DjangoModelFactory):
    class Meta:
        model = RequestedDataset

    request = factory.SubFactory(AccessRequestFactory)
    dataset = factory.SubFactory(DatasetFactory)
    access_condition = factory.LazyFunction(lambda: AccessCondition.objects.get(code="download"))


class AgreementFactory(DjangoModelFactory):
    class Meta:
        model = Agreement

    request = factory.SubFactory(AccessRequestFactory, state=AccessRequest.State.APPROVED)
    holder = factory.SubFactory(OrganisationFactory)
    researcher = factory.SelfAttribute("request.researcher")
    state = Agreement.State.IN_FORCE
    starts_on = factory.SelfAttribute("request.starts_on")
    ends_on = factory.SelfAttribute("request.ends_on")
    in_force_at = factory.LazyFunction(timezone.now)


class GrantFactory(DjangoModelFactory):
    """An active grant, usable now for 30 days; `GrantFactory(person=..., dataset=...)`."""

    class Meta:
        model = Grant

    person = factory.SubFactory(UserFactory)
    agreement = factory.SubFactory(
        AgreementFactory,
        researcher=factory.SelfAttribute("..person"),
        request__researcher=factory.SelfAttribute("...person"),
    )
    dataset = factory.SubFactory(DatasetFactory)
    access_condition = factory.LazyFunction(lambda: AccessCondition.objects.get(code="download"))
    starts_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    ends_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
