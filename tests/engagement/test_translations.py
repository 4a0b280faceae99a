"""A consultation's texts in other languages, and the policy read in the reader's language:
the service, the pages (with their note where a translation is missing) and the API."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from governance.audit.models import AuditEvent
from governance.core.errors import NotPermitted
from governance.core.translations import TranslationsInvalid
from governance.engagement import services
from governance.engagement.models import PolicyTranslation
from tests.engagement.factories import consultation
from tests.factories import person_with_role

pytestmark = pytest.mark.django_db

SPANISH = {"title": "Consulta sobre el marco ELSI", "invitation": "Díganos."}


@pytest.fixture
def rep(db):
    return person_with_role("patient_org_rep", person__email="rep@example.org")


@pytest.fixture
def translated(manager):
    return services.consultation_translations_save(
        actor=manager, consultation=consultation(manager), translations={"es": SPANISH}
    )


def api_for(person):
    api = APIClient()
    api.force_authenticate(person)
    return api


def test_consultation_translations_save_records_who_even_once_open(translated, manager):
    assert translated.state == "open"
    assert translated.translations == {"es": SPANISH}
    event = AuditEvent.objects.get(action="engagement.consultation_translations_saved")
    assert (event.actor, event.after) == (manager, {"languages": ["es"]})


@pytest.mark.parametrize(
    ("translations", "code"),
    [
        ({"nl": {"title": "Raadpleging"}}, "invalid_language"),
        ({"es": {"closes_at": "mañana"}}, "unknown_field"),
        ({"es": {"invitation": None}}, "not_text"),
    ],
)
def test_consultation_translations_save_refuses_bad_input(manager, translations, code):
    open_one = consultation(manager)

    with pytest.raises(TranslationsInvalid) as refused:
        services.consultation_translations_save(
            actor=manager, consultation=open_one, translations=translations
        )

    assert (refused.value.code, refused.value.field) == (code, "translations")


def test_consultation_translations_save_is_for_staff(manager, rep):
    with pytest.raises(NotPermitted):
        services.consultation_translations_save(
            actor=rep, consultation=consultation(manager), translations={"es": SPANISH}
        )


def test_consultation_page_shows_the_spanish_translation(client, translated):
    html = client.get(f"/es/engagement/consultations/{translated.pk}/").content.decode()

    assert (
        '<h1><span data-people-content lang="es">Consulta sobre el marco ELSI</span></h1>' in html
    )
    assert '<div data-people-content lang="es"><p>Díganos.</p></div>' in html


def test_consultation_page_falls_back_to_english_and_says_so(client, translated):
    html = client.get(f"/de/engagement/consultations/{translated.pk}/").content.decode()

    assert 'lang="en">Consultation on the ELSI framework</span></h1>' in html
    assert '<div data-people-content lang="en"><p>Tell us.</p></div>' in html
    # Once for the consultation's texts, once for the policy (it has no German translation).
    assert html.count('class="muted translation-note"') == 2


def test_policy_read_in_the_readers_language_has_no_note(client, translated):
    PolicyTranslation.objects.create(
        version=translated.version,
        language="es",
        plain_summary="En resumen.",
        sections=[
            {"heading": "Alcance", "body": "Datos."},
            {"heading": "Consentimiento", "body": "Sí."},
        ],
    )

    html = client.get(f"/es/engagement/consultations/{translated.pk}/").content.decode()

    assert (
        '<div class="engagement-summary" data-people-content lang="es"><p>En resumen.</p>' in html
    )
    assert "translation-note" not in html


def test_consultation_list_in_the_readers_language(client, translated):
    spanish = client.get("/es/engagement/consultations/").content.decode()
    italian = client.get("/it/engagement/consultations/").content.decode()

    assert '<span data-people-content lang="es">Consulta sobre el marco ELSI</span>' in spanish
    assert "translation-note" not in spanish
    assert (
        '<span data-people-content lang="en">Consultation on the ELSI framework</span>' in italian
    )
    assert "translation-note" in italian


def test_translations_page_saves_one_language_and_keeps_the_others(manager_client, translated):
    url = reverse("engagement:consultation_translations", args=[translated.pk])

    assert manager_client.get(url).status_code == 200
    response = manager_client.post(
        url, {"language": "fr", "fr-title": "Consultation ELSI", "fr-invitation": "Dites-nous."}
    )

    assert response.status_code == 302
    translated.refresh_from_db()
    assert translated.translations == {
        "es": SPANISH,
        "fr": {"title": "Consultation ELSI", "invitation": "Dites-nous."},
    }


def test_translations_page_is_404_to_others(client, translated, rep):
    client.force_login(rep)
    url = reverse("engagement:consultation_translations", args=[translated.pk])

    assert client.get(url).status_code == 404
    assert client.post(url, {"language": "es", "es-title": "x"}).status_code == 404


def test_api_consultation_translations_read_and_written_while_open(translated, manager):
    url = f"/api/v1/consultations/{translated.pk}/"

    assert APIClient().get(url).json()["translations"] == {"es": SPANISH}
    response = api_for(manager).patch(
        url, {"translations": {"it": {"title": "Consultazione ELSI"}}}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert response.json()["translations"] == {"it": {"title": "Consultazione ELSI"}}
    # The texts themselves stay as people were told once the consultation is open.
    changed = api_for(manager).patch(
        url, {"title": "New", "translations": {"es": SPANISH}}, format="json"
    )
    assert changed.status_code == 409


def test_api_refuses_bad_consultation_translations_and_others(translated, manager, rep):
    url = f"/api/v1/consultations/{translated.pk}/"

    bad = api_for(manager).patch(url, {"translations": {"es": {"state": "x"}}}, format="json")
    refused = api_for(rep).patch(url, {"translations": {"fr": {"title": "x"}}}, format="json")

    assert bad.status_code == 400 and "translations" in bad.json()
    assert refused.status_code == 403
    translated.refresh_from_db()
    assert translated.translations == {"es": SPANISH}
