"""A path id that is not a number, and an address no route matches, are the API's JSON 404."""

import pytest
from rest_framework.test import APIClient

from tests.engagement.factories import survey_with_questions

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(staff):
    # Staff may open, close and publish any survey: a 404 here is the id's, not a refusal.
    client = APIClient()
    client.force_authenticate(staff)
    return client


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/proposals/null,null/"),
        ("patch", "/api/v1/proposals/null,null/"),
        ("get", "/api/v1/proposals/null,null/decision-letter/"),
        ("post", "/api/v1/proposals/null,null/submit/"),
        ("post", "/api/v1/proposals/null,null/withdraw/"),
        ("post", "/api/v1/surveys/null,null/open/"),
        ("post", "/api/v1/surveys/null,null/close/"),
        ("post", "/api/v1/surveys/null,null/publish-results/"),
        ("get", "/api/v1/surveys/1e3/"),
        ("get", "/api/v1/datasets/-1/"),
    ],
)
def test_api_path_id_not_a_number_is_json_404(api, method, path):
    response = getattr(api, method)(path, {}, format="json")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/no-such-resource/",
        "/api/v1/proposals/1/no-such-verb/",
        "/api/v2/",
        "/api/v1/memberships/P\nx/",
    ],
)
def test_api_unknown_address_is_json_404_for_visitors_too(path):
    response = APIClient().get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "Nothing is at this address; the schema at /api/v1/schema/ lists the API.",
        "code": "not_found",
    }


def test_api_numeric_id_still_reaches_its_resource(api, staff):
    survey = survey_with_questions(staff)

    response = api.get(f"/api/v1/surveys/{survey.pk}/")

    assert response.status_code == 200
    assert response.json()["id"] == survey.pk


def test_api_fallback_leaves_the_ga4gh_endpoint_reachable():
    # The GA4GH endpoint is a plain view mounted after the router; without a token it is its
    # own 401, not the fallback's 404.
    response = APIClient().get("/api/v1/ga4gh/permissions/someone")

    assert response.status_code == 401


def test_api_unknown_address_post_without_csrf_token_is_json_404(alice):
    # A browser session and no CSRF token: still the API's 404, not the HTML CSRF page.
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(alice)

    response = client.post("/api/v1/surveys/not-a-number/respond/", {"answers": {}})

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_api_error_of_a_file_download_is_labelled_json(alice):
    api = APIClient()
    api.force_authenticate(alice)

    response = api.get("/api/v1/agreements/999999/pdf/", HTTP_ACCEPT="application/pdf")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("value", ["-4.135403146213196e+258", "1.5", "99999999999999999999"])
def test_api_id_filter_out_of_range_is_400(api, value):
    response = api.get("/api/v1/memberships/", {"organisation": value})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "organisation" in response.json()
