"""Serializer fields the API's contexts share."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import models
from rest_framework import serializers

from governance.core.translations import TranslationsInvalid, clean_translations, languages


class TranslationsField(serializers.JSONField):
    """An object's translations, `{language: {field: text}}`, checked by the same function as
    the services' (governance.core.translations): a refusal is `400 {"translations": [...]}`."""

    def __init__(self, *, model: type[models.Model], fields: Sequence[str], **kwargs: Any) -> None:
        self.model = model
        self.translatable = tuple(fields)
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            "The texts in other languages: {language: {field: text}}, languages among "
            f"{', '.join(languages())}, fields among {', '.join(fields)}. A language or field "
            "left out is shown in English. Writing it replaces every translation. Refused "
            '(400, {"translations": [...]}) when a language or a field is unknown, or a text '
            "is not a string or is too long.",
        )
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> dict[str, dict[str, str]]:
        data = super().to_internal_value(data)
        try:
            return clean_translations(data, model=self.model, fields=self.translatable)
        except TranslationsInvalid as error:
            raise serializers.ValidationError(error.detail, code=error.code) from None
