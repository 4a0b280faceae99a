import pytest

from tests.engagement.factories import staff_person
from tests.mfa import give_totp


@pytest.fixture
def manager(db):
    person = staff_person()
    give_totp(person)
    return person


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client
