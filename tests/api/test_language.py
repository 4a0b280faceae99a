"""The API answers in the language its client asks for (Accept-Language), else the account's."""

import pytest
from rest_framework.test import APIClient

from tests.factories import UserFactory, person_with_role

pytestmark = pytest.mark.django_db


def test_a_refusal_is_in_the_language_the_client_asks_for():
    api = APIClient()
    api.force_authenticate(UserFactory())

    response = api.post("/api/v1/datasets/", {}, format="json", HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 403
    assert response.json()["detail"].startswith("Seuls les détenteurs des données")
    assert response.headers["Content-Language"] == "fr"
    assert "Accept-Language" in response.headers["Vary"]


def test_a_visitor_is_told_to_sign_in_in_german():
    response = APIClient().get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9,en;q=0.5")

    assert response.status_code == 401
    assert response.headers["Content-Language"] == "de"
    assert "Authentication credentials" not in response.json()["detail"]


def test_without_a_header_the_account_language_is_used():
    person = UserFactory(language="it")
    api = APIClient()
    api.force_authenticate(person)

    response = api.post("/api/v1/datasets/", {}, format="json")

    assert response.json()["detail"].startswith("Solo i titolari dei dati")


def test_the_header_wins_over_the_account_and_unknown_languages_fall_back_to_english():
    person = UserFactory(language="it")
    api = APIClient()
    api.force_authenticate(person)

    asked = api.post("/api/v1/datasets/", {}, format="json", HTTP_ACCEPT_LANGUAGE="es")
    unknown = APIClient().get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="ja")

    assert asked.json()["detail"].startswith("Solo los titulares de los datos")
    assert unknown.json()["detail"] == "Authentication credentials were not provided."


def test_field_errors_and_their_summary_are_translated():
    api = APIClient()
    api.force_authenticate(person_with_role("researcher"))

    response = api.post("/api/v1/access-requests/", {}, format="json", HTTP_ACCEPT_LANGUAGE="es")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["detail"] != "Some fields are not valid; see the message under each field."
    assert body["purpose"] == ["Este campo es requerido."]  # DRF's own Spanish
