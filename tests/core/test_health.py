from unittest import mock

import pytest
from django.db.utils import OperationalError


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok"
    assert body["broker"]["status"] in {"ok", "not_configured"}


@pytest.mark.django_db
def test_healthz_is_503_when_database_is_down(client):
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"]["status"] == "down"


@pytest.mark.django_db
def test_home_page_explains_the_portal_to_each_kind_of_visitor(client):
    response = client.get("/")
    text = response.content.decode()
    assert response.status_code == 200
    for audience in ["Applicants", "Data holders", "Researchers", "Patients and the public"]:
        assert audience in text
    assert "unsafe-inline" not in response["Content-Security-Policy"]
