"""An access request's rules refuse the same input at page and API, naming one field (issue 16)."""

import pytest
from django.urls import reverse

from governance.access.models import AccessRequest
from tests.access.conftest import make_request
from tests.access.test_api import body
from tests.access.test_views import form_data
from tests.doors import api_as, assert_refused_alike

pytestmark = pytest.mark.django_db

REFUSALS = [
    pytest.param(
        {"purpose": "DUO:0000007"},
        "disease",
        "Disease-specific research needs the disease studied: choose it.",
        id="disease-specific-without-disease",
    ),
    pytest.param(
        {"starts_on": "2027-06-01", "ends_on": "2027-01-01"},
        "ends_on",
        "The period must end after it starts.",
        id="ends-before-it-starts",
    ),
]


@pytest.mark.parametrize(("given", "field", "message"), REFUSALS)
def test_request_create_refused_alike_by_page_and_api(
    client, researcher, dataset, given, field, message
):
    client.force_login(researcher)

    page = client.post(reverse("access:request_new"), form_data(dataset, **given))
    api = api_as(researcher).post("/api/v1/access-requests/", body(dataset, **given), format="json")

    assert page.status_code == 200
    assert_refused_alike(page, api, field, message)
    assert not AccessRequest.objects.exists()


@pytest.mark.parametrize(("given", "field", "message"), REFUSALS)
def test_request_update_refused_alike_by_page_and_api(
    client, researcher, dataset, given, field, message
):
    request = make_request(researcher, dataset)
    client.force_login(researcher)

    page = client.post(
        reverse("access:request_edit", args=[request.pk]), form_data(dataset, **given)
    )
    api = api_as(researcher).patch(f"/api/v1/access-requests/{request.pk}/", given, format="json")

    assert_refused_alike(page, api, field, message)
