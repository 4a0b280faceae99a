"""Personas and helpers for the access tests.

- `researcher` (Radiomics, for-profit) and `other_researcher` (another organisation);
- `committee` (chair decides) covering `dataset` (GRU, download or in-situ), chaired by `chair`
  with `member` beside; `other_committee` covers `other_dataset` with `other_chair`;
- `holder` is a data holder of the datasets' custodian, on no committee.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from governance.access import services
from governance.access.models import AccessRequest
from governance.catalogue.models import AccessCondition, CancerType, DuoTerm
from tests.agreements.factories import CommitteeFactory, CommitteeMemberFactory
from tests.catalogue.factories import DatasetFactory, conditions, duo, published
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory


def requestable(custodian, *, committee=None, **statement):
    """A dataset with a published statement (GRU; download and in-situ unless told)."""
    dataset = DatasetFactory(custodian=custodian)
    statement.setdefault("access_conditions", conditions("download", "in_situ_processing"))
    published(dataset, **statement)
    dataset.refresh_from_db()
    if committee is not None:
        committee.datasets.add(dataset)
    return dataset


def project(**overrides) -> dict:
    today = timezone.localdate()
    data = {
        "title": "Tumour detection with deep learning",
        "lay_summary": "Teaching computers to find tumours earlier.",
        "scientific_abstract": "A convolutional network for lesion detection.",
        "purpose": DuoTerm.objects.get(shorthand="HMB"),
        "disease": None,
        "commercial": True,
        "starts_on": today,
        "ends_on": today + datetime.timedelta(days=365),
        "team": [{"name": "Jonas Becker", "email": "jonas@example.org", "role": "PI"}],
        "public_register_consent": True,
    }
    data.update(overrides)
    return data


def make_request(researcher, *datasets, condition="download", justification="", **overrides):
    organisation = researcher.memberships.get(role="researcher").organisation
    return services.request_create(
        actor=researcher,
        organisation=organisation,
        data=project(**overrides),
        items=[
            {
                "dataset": dataset,
                "access_condition": AccessCondition.objects.get(code=condition),
                "justification": justification,
            }
            for dataset in datasets
        ],
    )


def submitted(researcher, *datasets, **overrides) -> AccessRequest:
    request = make_request(researcher, *datasets, **overrides)
    return services.request_submit(actor=researcher, request=request)


@pytest.fixture
def company(db):
    return OrganisationFactory(name="Radiomics Analytics GmbH", country="DE", is_for_profit=True)


@pytest.fixture
def researcher(company):
    return MembershipFactory(
        role="researcher", organisation=company, person__email="researcher@example.org"
    ).person


@pytest.fixture
def other_researcher(db):
    return MembershipFactory(
        role="researcher",
        organisation=OrganisationFactory(name="Lisbon AI Lab"),
        person__email="other-researcher@example.org",
    ).person


@pytest.fixture
def holder_org(db):
    return OrganisationFactory(name="Milan Imaging Repository", country="IT")


@pytest.fixture
def holder(holder_org):
    return MembershipFactory(
        role="data_holder", organisation=holder_org, person__email="holder@example.org"
    ).person


@pytest.fixture
def committee(holder_org):
    return CommitteeFactory(name="Milan DAC", organisation=holder_org)


@pytest.fixture
def chair(committee):
    return CommitteeMemberFactory(
        committee=committee, is_chair=True, person=UserFactory(email="chair@example.org")
    ).person


@pytest.fixture
def member(committee):
    return CommitteeMemberFactory(
        committee=committee, person=UserFactory(email="member@example.org")
    ).person


@pytest.fixture
def dataset(holder_org, committee):
    return requestable(holder_org, committee=committee)


@pytest.fixture
def other_org(db):
    return OrganisationFactory(name="Lisbon Cancer Centre", country="PT")


@pytest.fixture
def other_committee(other_org):
    return CommitteeFactory(name="Lisbon DAC", organisation=other_org)


@pytest.fixture
def other_chair(other_committee):
    return CommitteeMemberFactory(
        committee=other_committee, is_chair=True, person=UserFactory(email="lisbon@example.org")
    ).person


@pytest.fixture
def other_dataset(other_org, other_committee):
    return requestable(other_org, committee=other_committee)


@pytest.fixture
def breast_ds_ncu(holder_org, committee):
    """Disease-specific (breast) and non-commercial: incompatible with a commercial purpose."""
    return requestable(
        holder_org,
        committee=committee,
        duo_permission=duo("DS"),
        disease=CancerType.objects.get(code="breast"),
        modifiers=[{"duo_term": duo("NCU")}, {"duo_term": duo("PUB")}],
    )
