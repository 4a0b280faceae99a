"""Every area's root address leads to its main page: none answers 404."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

AREAS = [
    "/catalogue/",
    "/calls/",
    "/reviews/",
    "/access/",
    "/agreements/",
    "/consent/",
    "/tokens/",
    "/engagement/",
    "/account/",
    "/audit/",
    "/outbox/",
]


@pytest.mark.parametrize("path", AREAS)
def test_an_area_root_answers(client, path):
    response = client.get(path)
    assert response.status_code in (200, 302), path


def test_access_and_engagement_roots_lead_to_their_main_pages(client):
    assert client.get("/access/")["Location"] == reverse("access:requests")
    assert client.get("/engagement/")["Location"] == reverse("engagement:consultations")
