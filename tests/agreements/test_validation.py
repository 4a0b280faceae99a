"""Signing refuses the same input at page and API, naming the same field (issue 16)."""

import pytest

from governance.agreements.models import AgreementSignature
from tests.agreements.conftest import api_as

pytestmark = pytest.mark.django_db

MESSAGE = "Enter your password (or an authenticator code) to sign."


@pytest.mark.parametrize("given", [{}, {"password": ""}, {"password": "", "code": ""}])
def test_signing_without_credentials_refused_alike_by_page_and_api(client, setup, given):
    client.force_login(setup.researcher)
    url = f"/agreements/{setup.agreement.pk}/sign/"

    page = client.post(url, given)
    api = api_as(setup.researcher).post(f"/api/v1{url}", given, format="json")

    assert page.status_code == 400
    assert page.context["sign_form"].errors["password"] == [MESSAGE]
    assert api.status_code == 400
    assert api.json()["password"] == [MESSAGE]
    assert not AgreementSignature.objects.exists()
