import pytest

from tests.factories import MembershipFactory, OrganisationFactory


@pytest.fixture
def holder_org(db):
    return OrganisationFactory(name="Milan Imaging Repository", country="IT")


@pytest.fixture
def holder(holder_org):
    return MembershipFactory(
        role="data_holder", organisation=holder_org, person__email="holder@example.org"
    ).person


@pytest.fixture
def other_holder(db):
    organisation = OrganisationFactory(name="Lisbon Cancer Centre", country="PT")
    return MembershipFactory(
        role="data_holder", organisation=organisation, person__email="other@example.org"
    ).person
