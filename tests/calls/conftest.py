import pytest

from tests.calls.factories import make_call
from tests.factories import MembershipFactory, OrganisationFactory
from tests.mfa import give_totp


@pytest.fixture
def applicant_org(db):
    return OrganisationFactory(name="Hospital La Fe", country="ES", provider_type="clinical_centre")


@pytest.fixture
def applicant(applicant_org):
    return MembershipFactory(
        role="applicant", organisation=applicant_org, person__email="applicant@example.org"
    ).person


@pytest.fixture
def other_applicant(db):
    organisation = OrganisationFactory(
        name="Lisbon Cancer Centre", country="PT", provider_type="clinical_centre"
    )
    return MembershipFactory(
        role="applicant", organisation=organisation, person__email="other@example.org"
    ).person


@pytest.fixture
def chair(db):
    organisation = OrganisationFactory(name="Coordination Office", country="BE")
    person = MembershipFactory(
        role="call_chair", organisation=organisation, person__email="chair@example.org"
    ).person
    give_totp(person)
    return person


@pytest.fixture
def second_chair(db):
    organisation = OrganisationFactory(name="Second Office", country="NL")
    person = MembershipFactory(
        role="call_chair", organisation=organisation, person__email="chair2@example.org"
    ).person
    give_totp(person)
    return person


def _evaluator(email, name, country):
    organisation = OrganisationFactory(name=name, country=country, provider_type="university")
    return MembershipFactory(
        role="evaluator", organisation=organisation, person__email=email
    ).person


@pytest.fixture
def evaluator1(db):
    return _evaluator("eva1@example.org", "Karolinska", "SE")


@pytest.fixture
def evaluator2(db):
    return _evaluator("eva2@example.org", "Sorbonne", "FR")


@pytest.fixture
def evaluator3(db):
    return _evaluator("eva3@example.org", "Valencia University", "ES")


@pytest.fixture
def call(chair):
    return make_call(chair=chair)
