"""Liveness, readiness and health: what a load balancer or orchestrator asks."""

from unittest import mock

import pytest
from django.db.utils import OperationalError

from governance.core import health

pytestmark = pytest.mark.django_db


def test_livez_answers_without_the_database(client):
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError):
        response = client.get("/livez")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readyz_is_ok_when_database_and_cache_answer(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok" and response.json()["down"] == []


def test_readyz_names_the_database_when_it_is_down(client):
    with mock.patch.object(health, "database_status", return_value={"status": "down"}):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["down"] == ["database"]


def test_readyz_names_the_cache_when_it_is_down(client):
    with mock.patch("django.core.cache.cache.get", side_effect=ConnectionError):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["down"] == ["cache"]


def test_healthz_is_degraded_with_the_broker_down_and_the_database_up(client):
    down = {"status": "down", "error": "OperationalError"}
    with mock.patch.object(health, "broker_status", return_value=down):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["broker"]["status"] == "down"
