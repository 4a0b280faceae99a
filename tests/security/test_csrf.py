"""CSRF: every page that accepts a POST refuses one without the form's token.

Every URL pattern of the root URLconf is posted to, without a token, by a signed-in member of
staff (who may reach the most pages): Django's CSRF check must refuse it with 403 before the
view runs. The only exceptions are listed below with their reason; the API is covered by DRF's
own check for session-authenticated calls.
"""

import pytest
from django.test import Client

from tests.factories import person_with_role
from tests.mfa import give_totp
from tests.security.urls import routes

pytestmark = pytest.mark.django_db

# Views that take no CSRF token, and why.
EXEMPT = {
    # OAuth 2.0 protocol endpoints: clients authenticate with their own credentials, never with
    # the browser's session (and governance.core.machine serves them without the session).
    "oauth2_provider:token",
    "oauth2_provider:introspect",
    "oauth2_provider:revoke-token",
    "oauth2_provider:jwks-info",
    "oauth2_provider:oidc-connect-discovery-info",
    "oauth2_provider:oauth-server-metadata",
    "oauth2_provider:user-info",  # bearer token only
    "oauth2_provider:ga4gh-permissions",  # bearer token only
}


def _is_api(route) -> bool:
    # `/api/` alone is the catch-all that answers a JSON 404 for whatever the API does not name.
    return route.path.startswith("/api/v1/") or route.path == "/api/"


@pytest.fixture
def staff_client():
    person = person_with_role("staff")
    give_totp(person)
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    return client


def test_every_page_refuses_a_post_without_the_csrf_token(staff_client):
    accepted = []
    for route in routes():
        if route.name in EXEMPT or _is_api(route) or route.path.startswith("/static/"):
            continue
        response = staff_client.post(route.path, {"anything": "1"})
        if response.status_code != 403 or b"CSRF" not in response.content:
            accepted.append(f"{route.name} ({route.path}): {response.status_code}")
    assert accepted == [], "POST without a CSRF token was not refused:\n" + "\n".join(accepted)


def test_the_exempt_list_names_real_views_only():
    names = {route.name for route in routes()}
    assert names >= EXEMPT


def test_the_walk_covers_the_pages_and_the_api():
    paths = [route.path for route in routes()]
    assert len(paths) > 150
    assert "/calls/proposals/1/submit/" in paths
    assert any(path.startswith("/api/v1/proposals/") for path in paths)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/proposals/",
        "/api/v1/access-requests/",
        "/api/v1/api-tokens/",
        "/api/v1/surveys/1/close/",
        "/api/v1/grants/1/revoke/",
    ],
)
def test_the_api_refuses_a_session_post_without_the_csrf_token(staff_client, path):
    response = staff_client.post(path, {}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
