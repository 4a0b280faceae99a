"""Fixtures for the accounts tests: signed-in clients and personal API tokens."""

import pytest
from rest_framework.test import APIClient

from governance.accounts import services
from tests.factories import OrganisationFactory, UserFactory, person_with_role


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def staff_client(client, staff_with_mfa):
    client.force_login(staff_with_mfa)
    return client


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def bob(db):
    """A second person with no role, to check that people cannot reach each other's things."""
    return UserFactory(email="bob@example.org", full_name="Bob Example")


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Hospital Universitario La Fe", country="ES")


def bearer(person, *, days: int = 30) -> dict[str, str]:
    """Headers for an API request with a fresh personal token of `person`."""
    _token, secret = services.api_token_create(person=person, name="test", days=days)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def researcher(db):
    return person_with_role("researcher", person__email="researcher@example.org")


def sign_in(client, person, *, password: str | None = None):
    """Sign in through allauth's pages (password, then the TOTP code if the person has one)."""
    from django.urls import reverse

    from tests.factories import PASSWORD
    from tests.mfa import current_code

    response = client.post(
        reverse("account_login"), {"login": person.email, "password": password or PASSWORD}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    if response["Location"] == reverse("mfa_authenticate"):
        response = client.post(reverse("mfa_authenticate"), {"code": current_code()})
        assert response.status_code == 302, response.content.decode()[:2000]
    return response


def reauthenticate(client, *, password: str | None = None):
    """allauth asks for the password again before any change to the second factor."""
    from django.urls import reverse

    from tests.factories import PASSWORD

    response = client.post(reverse("account_reauthenticate"), {"password": password or PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response
