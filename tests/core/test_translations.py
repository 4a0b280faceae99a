"""Translations of people's own words: what a translations value may hold, and which text a
reader is shown (governance.core.translations)."""

import pytest
from django.template import Context, Template
from django.utils import translation

from governance.calls.models import Call
from governance.core.translations import TranslationsInvalid, clean_translations, translated


def clean(value):
    return clean_translations(value, model=Call, fields=Call.TRANSLATABLE)


def test_clean_translations_keeps_known_languages_and_fields_stripped():
    cleaned = clean({"es": {"title": "  Convocatoria  ", "summary": ""}, "fr": {"summary": " "}})

    # Empty texts, and a language left with none, are dropped: the page falls back to English.
    assert cleaned == {"es": {"title": "Convocatoria"}}


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ({"pt": {"title": "Chamada"}}, "invalid_language"),
        ({"en": {"title": "Call"}}, "invalid_language"),  # the original is not a translation
        ({"es": {"chairs": "x"}}, "unknown_field"),
        ({"es": {"title": 3}}, "not_text"),
        ({"es": {"title": ["Convocatoria"]}}, "not_text"),
        ({"es": {"title": "Convo\x00catoria"}}, "null_character"),
        ({"es": {"title": "x" * 201}}, "too_long"),
        ({"es": "Convocatoria"}, "invalid_translations"),
        (["es"], "invalid_translations"),
    ],
)
def test_clean_translations_refuses_with_a_field_keyed_error(value, code):
    with pytest.raises(TranslationsInvalid) as refused:
        clean(value)

    assert refused.value.code == code
    assert refused.value.field == "translations"
    assert refused.value.detail


def test_translated_gives_the_translation_or_the_original_in_english():
    call = Call(title="Open call", summary="", translations={"es": {"title": "Convocatoria"}})

    assert translated(call, "title", "es") == ("Convocatoria", "es", False)
    assert translated(call, "title", "de") == ("Open call", "en", True)
    assert translated(call, "title", "en") == ("Open call", "en", False)
    # Nothing to translate: nothing to say about it.
    assert translated(call, "summary", "de") == ("", "en", False)
    with translation.override("es"):
        assert str(translated(call, "title")) == "Convocatoria"


def test_people_tags_mark_the_text_its_language_and_a_missing_translation():
    call = Call(title="Open call", summary="Join", translations={"es": {"title": "Convocatoria"}})
    template = Template(
        '{% load people %}{{ call|people_text:"title" }}|{% fallback_note call "title" %}'
    )

    with translation.override("es"):
        spanish = template.render(Context({"call": call}))
    with translation.override("de"):
        german = template.render(Context({"call": call}))

    assert spanish == '<span data-people-content lang="es">Convocatoria</span>|'
    assert german.startswith('<span data-people-content lang="en">Open call</span>|')
    assert 'class="muted translation-note"' in german
