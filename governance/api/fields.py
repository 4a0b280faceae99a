"""Serializer fields the API's contexts share."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import models
from rest_framework import serializers

from governance.core.permissions import allowed_actions
from governance.core.transitions import StateMachine
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


class AllowedActionsField(serializers.ListField):
    """What the person asking may do to the object now, read off its state machine and rules
    (`core.permissions.allowed_actions`): the same actions its page offers."""

    def __init__(self, machine: StateMachine, **kwargs) -> None:
        self.machine = machine
        kwargs.setdefault(
            "help_text",
            "The actions you may take on it now, of: "
            + ", ".join(f"`{action}`" for action in machine.rules)
            + ". Empty when there is none.",
        )
        super().__init__(child=serializers.CharField(), source="*", read_only=True, **kwargs)

    def to_representation(self, obj) -> list[str]:  # type: ignore[override]
        request = self.context.get("request")
        return allowed_actions(getattr(request, "user", None), obj, self.machine)
