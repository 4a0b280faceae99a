import pytest

from tests.catalogue.factories import DatasetFactory
from tests.consent.factories import ConsentFormFactory
from tests.factories import MembershipFactory, OrganisationFactory, person_with_role


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


@pytest.fixture
def patient_rep(db):
    return person_with_role("patient_org_rep", person__email="patients@example.org")


@pytest.fixture
def dataset(holder_org):
    return DatasetFactory(custodian=holder_org, title="Breast MRI cohort")


@pytest.fixture
def consent_form(holder_org):
    return ConsentFormFactory(organisation=holder_org, code="imaging-research")
