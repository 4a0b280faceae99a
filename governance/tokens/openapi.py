"""`GET /api/v1/ga4gh/permissions/{sub}` in the OpenAPI schema.

The endpoint is a plain Django view (`protocol.ga4gh_permissions`, SPEC section 5), which
drf-spectacular does not see; this postprocessing hook (listed in
`SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]`) describes it without touching the view.
"""

from __future__ import annotations

import copy
from typing import Any

PATH = "/api/v1/ga4gh/permissions/{sub}"
SCHEME = "brokerToken"

_ERROR = {"$ref": "#/components/schemas/Ga4ghPermissionsError"}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ERROR}}}


OPERATION: dict[str, Any] = {
    "operationId": "ga4gh_permissions_retrieve",
    "summary": "A person's GA4GH passport visas, for a broker",
    "description": (
        "One ControlledAccessGrants visa (a JWT with header `typ: vnd.ga4gh.visa+jwt`, `jku` = "
        "the JWKS URI and `kid`) per active grant of the person. Only a broker service may "
        "call it, with an access token it obtained for itself by the client-credentials grant "
        "at the token endpoint."
    ),
    "tags": ["ga4gh"],
    "parameters": [
        {
            "name": "sub",
            "in": "path",
            "required": True,
            "schema": {"type": "string"},
            "description": "The person's subject identifier (the `sub` of their tokens).",
        }
    ],
    "security": [{SCHEME: []}],
    "responses": {
        "200": {
            "description": "The person's visas (an empty list without active grants).",
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Ga4ghPassport"}}
            },
        },
        "401": _error("No bearer token, or one that is invalid, expired or revoked."),
        "403": _error("The token is not a broker client's own client-credentials token."),
        "404": _error("No person has this subject identifier."),
    },
}

COMPONENTS: dict[str, dict[str, Any]] = {
    "schemas": {
        "Ga4ghPassport": {
            "type": "object",
            "properties": {
                "ga4gh_passport_v1": {
                    "type": "array",
                    "items": {"type": "string", "description": "A visa: a signed JWT."},
                }
            },
            "required": ["ga4gh_passport_v1"],
        },
        "Ga4ghPermissionsError": {
            "type": "object",
            "properties": {
                "detail": {"type": "string", "description": "What went wrong and what to do."},
                "code": {"type": "string", "description": "A stable code, e.g. invalid_token."},
            },
            "required": ["detail", "code"],
        },
    },
    "securitySchemes": {
        SCHEME: {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": (
                "An access token of a broker service (a client allowed to read GA4GH "
                "permissions), from the client-credentials grant at the token endpoint."
            ),
        }
    },
}


def add_ga4gh_permissions(result, generator, request, public, **kwargs):
    # Copies: later steps of the generator may change the result in place.
    result.setdefault("paths", {})[PATH] = {"get": copy.deepcopy(OPERATION)}
    components = result.setdefault("components", {})
    for section, entries in copy.deepcopy(COMPONENTS).items():
        components.setdefault(section, {}).update(entries)
    return result
