"""A call's texts in other languages: the service, the call pages in the reader's language, the
Translations page and the API."""

import pytest
from rest_framework.test import APIClient

from governance.audit.models import AuditEvent
from governance.calls import services
from governance.core.errors import NotPermitted
from governance.core.translations import TranslationsInvalid

pytestmark = pytest.mark.django_db

SPANISH = {"title": "Convocatoria 2026", "summary": "Únase a la federación.", "description": "¡Ya!"}
NOTE = "Not yet translated; shown in English."


def api_for(person):
    api = APIClient()
    api.force_authenticate(person)
    return api


@pytest.fixture
def translated_call(call, chair):
    return services.call_translations_save(actor=chair, call=call, translations={"es": SPANISH})


def test_call_translations_save_keeps_them_and_records_who(translated_call, chair):
    assert translated_call.translations == {"es": SPANISH}
    event = AuditEvent.objects.get(action="calls.call_translations_saved")
    assert event.actor == chair
    assert event.after == {"languages": ["es"]}


def test_call_translations_partial_save_leaves_the_other_languages(translated_call, chair):
    call = services.call_translations_save(
        actor=chair, call=translated_call, translations={"fr": {"title": "Appel"}}, partial=True
    )

    assert call.translations == {"es": SPANISH, "fr": {"title": "Appel"}}


@pytest.mark.parametrize(
    ("translations", "code"),
    [
        ({"xx": {"title": "?"}}, "invalid_language"),
        ({"es": {"deadline": "mañana"}}, "unknown_field"),
        ({"es": {"title": 2026}}, "not_text"),
    ],
)
def test_call_translations_save_refuses_bad_input(call, chair, translations, code):
    with pytest.raises(TranslationsInvalid) as refused:
        services.call_translations_save(actor=chair, call=call, translations=translations)

    assert (refused.value.code, refused.value.field) == (code, "translations")
    call.refresh_from_db()
    assert call.translations == {}


def test_call_translations_save_refused_to_a_chair_of_other_calls(call, second_chair):
    with pytest.raises(NotPermitted):
        services.call_translations_save(actor=second_chair, call=call, translations={"es": SPANISH})


def test_call_page_shows_the_spanish_translation(client, translated_call):
    html = client.get(f"/es/calls/{translated_call.pk}/").content.decode()

    assert '<h1><span data-people-content lang="es">Convocatoria 2026</span></h1>' in html
    assert '<span data-people-content lang="es">Únase a la federación.</span>' in html
    assert 'data-people-content lang="es"><p>¡Ya!</p>' in html
    assert "translation-note" not in html


def test_call_page_falls_back_to_english_and_says_so(client, translated_call):
    html = client.get(f"/de/calls/{translated_call.pk}/").content.decode()

    assert '<h1><span data-people-content lang="en">Open call 2026</span></h1>' in html
    assert 'data-people-content lang="en"><p>Apply <strong>now</strong>.</p>' in html
    assert html.count('class="muted translation-note"') == 1


def test_call_list_shows_each_call_in_the_readers_language(client, translated_call):
    spanish = client.get("/es/calls/").content.decode()
    german = client.get("/de/calls/").content.decode()

    assert '<span data-people-content lang="es">Convocatoria 2026</span>' in spanish
    assert "translation-note" not in spanish
    assert '<span data-people-content lang="en">Open call 2026</span>' in german
    assert "translation-note" in german


def test_translations_page_saves_one_language(client, call, chair):
    client.force_login(chair)
    url = f"/calls/{call.pk}/translations/"

    page = client.get(url)
    response = client.post(
        url, {"language": "fr", "fr-title": "Appel 2026", "fr-summary": "", "fr-description": ""}
    )

    assert page.status_code == 200
    assert (
        'name="es-title"' in page.content.decode()
        and 'name="it-description"' in page.content.decode()
    )
    assert response.status_code == 302 and response.url == url
    call.refresh_from_db()
    assert call.translations == {"fr": {"title": "Appel 2026"}}
    assert 'value="Appel 2026"' in client.get(url).content.decode()


def test_translations_page_refuses_a_too_long_title_beside_the_field(client, call, chair):
    client.force_login(chair)

    response = client.post(
        f"/calls/{call.pk}/translations/", {"language": "es", "es-title": "x" * 201}
    )

    assert response.status_code == 400
    assert "at most 200 characters" in response.content.decode()
    call.refresh_from_db()
    assert call.translations == {}


def test_translations_page_is_404_to_others(client, call, second_chair, applicant):
    for person in (second_chair, applicant):
        client.force_login(person)
        assert client.get(f"/calls/{call.pk}/translations/").status_code == 404
        response = client.post(
            f"/calls/{call.pk}/translations/", {"language": "es", "es-title": "x"}
        )
        assert response.status_code == 404
    call.refresh_from_db()
    assert call.translations == {}


def test_api_call_has_its_translations(translated_call):
    data = APIClient().get(f"/api/v1/calls/{translated_call.pk}/").json()

    assert data["translations"] == {"es": SPANISH}


def test_api_chair_replaces_the_translations(translated_call, chair):
    response = api_for(chair).patch(
        f"/api/v1/calls/{translated_call.pk}/",
        {"translations": {"fr": {"summary": "Rejoignez-nous."}}},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["translations"] == {"fr": {"summary": "Rejoignez-nous."}}
    translated_call.refresh_from_db()
    assert translated_call.translations == {"fr": {"summary": "Rejoignez-nous."}}
    # Only the translations changed: no "call updated" event besides.
    assert not AuditEvent.objects.filter(action="calls.call_updated").exists()


def test_api_refuses_bad_translations_under_the_field(call, chair):
    response = api_for(chair).patch(
        f"/api/v1/calls/{call.pk}/", {"translations": {"es": {"title": 1}}}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["translations"] == ["Write the es title as text."]


def test_api_refuses_translations_to_others(call, second_chair, applicant):
    for person, status in ((second_chair, 403), (applicant, 403)):
        response = api_for(person).patch(
            f"/api/v1/calls/{call.pk}/", {"translations": {"es": SPANISH}}, format="json"
        )
        assert response.status_code == status
    call.refresh_from_db()
    assert call.translations == {}


def test_schema_describes_the_call_translations():
    schema = APIClient().get("/api/v1/schema/", {"format": "json"}).json()

    field = schema["components"]["schemas"]["Call"]["properties"]["translations"]
    assert set(field["properties"]) == {"es", "fr", "de", "it"}
    assert field["additionalProperties"] is False
    assert field["properties"]["es"]["properties"]["title"] == {"type": "string", "maxLength": 200}
