import pytest
from rest_framework.test import APIClient

from tests.agreements.helpers import approved_request
from tests.mfa import give_totp
from tests.worker import celery_worker, celery_worker_factory  # noqa: F401


@pytest.fixture
def setup(db):
    """A drafted agreement for one approved dataset (see tests/agreements/helpers.py)."""
    made = approved_request()
    give_totp(made.member)  # committee members must have a second factor to get in
    return made


def api_as(person) -> APIClient:
    client = APIClient()
    client.force_login(person)
    return client
