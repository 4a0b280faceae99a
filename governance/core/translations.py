"""Translations of people's own words: a call's texts, a consultation's invitation.

An object that carries them has a `translations` JSON field, `{language: {field: text}}`, in the
languages the portal offers besides its default (English). Pages show a field in the reader's
language through `translated()`; where no translation exists they show the original, in
English, and say so (`{% load people %}`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from django.conf import settings
from django.db import models
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from governance.core.errors import PortalError

# What a page says beside a text shown in English for want of a translation.
FALLBACK_NOTE = gettext_lazy("Not yet translated; shown in English.")


class TranslationsInvalid(PortalError):
    """A translations value breaks a rule; `field` is the form or API field to fix."""

    code = "invalid_translations"
    field = "translations"


class Translated(NamedTuple):
    text: str
    language: str  # the language `text` is in
    is_fallback: bool  # a translation was wanted but is missing: `text` is the original

    def __str__(self) -> str:
        return self.text


def languages() -> list[str]:
    """The languages a translation may be in: every language offered but the default."""
    return [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def max_lengths(model: type[models.Model], fields: Sequence[str]) -> dict[str, int | None]:
    """How long each translatable field's translation may be: as long as the original."""
    return {name: model._meta.get_field(name).max_length for name in fields}  # type: ignore[union-attr]


def clean_translations(
    value: Any, *, model: type[models.Model], fields: Sequence[str]
) -> dict[str, dict[str, str]]:
    """`value` checked and tidied: known languages, translatable fields, texts stripped; empty
    texts and languages left with none are dropped. Raises `TranslationsInvalid`."""
    allowed = languages()
    limits = max_lengths(model, fields)
    if not isinstance(value, Mapping):
        raise TranslationsInvalid(
            _('Give the translations as {"language": {"field": "text"}}, e.g. {"es": {...}}.')
        )
    cleaned: dict[str, dict[str, str]] = {}
    for language, texts in value.items():
        if language not in allowed:
            raise TranslationsInvalid(
                _("“%(language)s” is not a language the portal offers; use one of %(allowed)s.")
                % {"language": language, "allowed": ", ".join(allowed)},
                code="invalid_language",
            )
        if not isinstance(texts, Mapping):
            raise TranslationsInvalid(
                _('Give the %(language)s translation as {"field": "text"}.')
                % {"language": language},
            )
        kept: dict[str, str] = {}
        for name, text in texts.items():
            if name not in limits:
                raise TranslationsInvalid(
                    _("“%(field)s” cannot be translated; translate %(fields)s.")
                    % {"field": name, "fields": ", ".join(fields)},
                    code="unknown_field",
                )
            if not isinstance(text, str):
                raise TranslationsInvalid(
                    _("Write the %(language)s %(field)s as text.")
                    % {"language": language, "field": name},
                    code="not_text",
                )
            if "\x00" in text:
                raise TranslationsInvalid(
                    _("Remove the NUL character from the %(language)s %(field)s.")
                    % {"language": language, "field": name},
                    code="null_character",
                )
            text = text.strip()
            limit = limits[name]
            if limit is not None and len(text) > limit:
                raise TranslationsInvalid(
                    _("Keep the %(language)s %(field)s to %(limit)d characters at most.")
                    % {"language": language, "field": name, "limit": limit},
                    code="too_long",
                )
            if text:
                kept[name] = text
        if kept:
            cleaned[language] = kept
    return cleaned


def translated(obj: Any, field: str, language: str | None = None) -> Translated:
    """`obj.field` in `language` (the active one by default), else the original, in English."""
    original = getattr(obj, field) or ""
    default = settings.LANGUAGE_CODE
    language = (language or get_language() or default).split("-")[0]
    if language == default:
        return Translated(original, default, False)
    text = (getattr(obj, "translations", None) or {}).get(language, {}).get(field)
    if text:
        return Translated(text, language, False)
    return Translated(original, default, bool(original))


def merged_translations(
    before: Mapping[str, dict[str, str]],
    given: Mapping[str, Any],
    cleaned: dict[str, dict[str, str]],
    *,
    partial: bool,
) -> dict[str, dict[str, str]]:
    """The translations after a save: `cleaned` replaces all of `before`, or with `partial` only
    the languages `given` (a language given with no text left is removed)."""
    if not partial:
        return cleaned
    after = {language: texts for language, texts in before.items() if language not in given}
    after.update(cleaned)
    return after
