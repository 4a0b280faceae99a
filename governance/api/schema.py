"""What the OpenAPI schema says beyond what drf-spectacular sees, written once for the API.

Errors: `errors.exception_handler` gives every refusal the same body, `{"detail", "code"}` (a
400 adds the messages under each field it is about). The postprocessing hook
`add_error_responses` (listed in `SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]`) documents that
body under each status code an operation can answer. Vocabularies: `VocabularyCodes` lists the
codes a related field onto a controlled vocabulary accepts. Both so that a client generated from
the schema, and a fuzzer checking the API against it, know what the API takes and answers.
The extension registers itself when this module is imported (by `governance.api.urls`).
"""

from __future__ import annotations

from typing import Any

from django.db import DatabaseError
from django.db.models import CharField
from drf_spectacular.extensions import OpenApiSerializerFieldExtension

ERROR = "Error"
_REF = {"$ref": f"#/components/schemas/{ERROR}"}

COMPONENT: dict[str, Any] = {
    "type": "object",
    "description": (
        "Why the request was refused and what to do. A 400 also has the messages under the "
        'name of each field they are about, e.g. `{"title": ["This field is required."]}`; '
        'those about a field named `code` are under `fields`: `{"fields": {"code": [...]}}`.'
    ),
    "properties": {
        "detail": {"type": "string", "description": "What went wrong and what to do."},
        "code": {
            "type": "string",
            "description": "A stable code, e.g. `not_found`, `invalid`, `invalid_transition`.",
        },
    },
    "required": ["detail", "code"],
    "additionalProperties": True,
}

DESCRIPTIONS = {
    "400": "The request is not valid: see `detail` and the messages under each field.",
    "401": "Not signed in, or the API token is unknown, expired or revoked.",
    "403": "Signed in, but this person may not do this.",
    "404": "Nothing this person may see has this id (or no such page of a list).",
    "409": "Not possible in the object's current state (e.g. `invalid_transition`).",
}

_WRITES = {"post", "put", "patch", "delete"}


def error_statuses(method: str, operation: dict[str, Any]) -> list[str]:
    """The error statuses `operation` can answer, from what it takes."""
    parameters = operation.get("parameters", [])
    # Any operation: a bad token is refused even where visitors may go, and whatever it looks up
    # (an id in the path, the query or the body; a page of a list) may be one this person may not
    # see.
    statuses = ["401", "403", "404"]
    if "requestBody" in operation or any(p["in"] == "query" for p in parameters):
        statuses.append("400")
    if method in _WRITES:
        statuses.append("409")  # services refuse a change the object's state does not allow
    return sorted(statuses)


def add_error_responses(result, generator, request, public, **kwargs):
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/api/v1/"):
            continue
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status in error_statuses(method, operation):
                responses.setdefault(
                    status,
                    {
                        "description": DESCRIPTIONS[status],
                        "content": {"application/json": {"schema": dict(_REF)}},
                    },
                )
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR] = COMPONENT
    return result


class VocabularyCodes(OpenApiSerializerFieldExtension):
    """A related field onto a controlled vocabulary (a model whose key is a code: DUO terms,
    cancer types, modalities, ...) is an enum of the codes it accepts, so that a client (or a
    fuzzer) generated from the schema sends codes the API knows. The codes are the field's own
    queryset's, so a field limited to DUO permissions lists only those."""

    target_class = "rest_framework.relations.RelatedField"
    match_subclasses = True

    @classmethod
    def _matches(cls, target: Any) -> bool:
        queryset = getattr(target, "queryset", None)
        return (
            super()._matches(target)
            and queryset is not None
            and isinstance(queryset.model._meta.pk, CharField)
        )

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        key = getattr(self.target, "slug_field", None) or "pk"
        try:
            codes = sorted(self.target.get_queryset().values_list(key, flat=True))
        except DatabaseError:
            return schema  # `manage.py spectacular` without a migrated database: plain strings
        return {**schema, "type": "string", "enum": codes}


class TranslationsSchema(OpenApiSerializerFieldExtension):
    """A `TranslationsField` is an object of the languages it accepts, each an object of the
    fields it translates, so that a client (or a fuzzer) knows what the API takes."""

    target_class = "governance.api.fields.TranslationsField"

    def map_serializer_field(self, auto_schema, direction):
        from governance.core.translations import languages, max_lengths

        texts = {
            name: {"type": "string", **({"maxLength": limit} if limit else {})}
            for name, limit in max_lengths(self.target.model, self.target.translatable).items()
        }
        language = {"type": "object", "properties": texts, "additionalProperties": False}
        return {
            "type": "object",
            "properties": {code: language for code in languages()},
            "additionalProperties": False,
        }
