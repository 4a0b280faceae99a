"""Schemathesis over every operation of the OpenAPI schema, in process, on the demo data.

A few generated requests per operation as two demo personas: no answer is a server error, every
answer (status, content type, body) is one the schema describes, and no proposal or access
request of another organisation comes back. `make fuzz` runs the same checks longer, from outside.
"""

from __future__ import annotations

import contextlib

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from governance.accounts.models import Membership, User
from governance.accounts.services import api_token_create
from governance.core.demo import seed_all
from portal.wsgi import application

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]
EXAMPLES = 3  # per operation and persona: about a minute for both personas on one core
# Revoking its own token would turn the rest of the run into 401s.
SKIPPED = {("POST", "/api/v1/api-tokens/{id}/revoke/")}
# Resources whose objects belong to one organisation, and the field that names it.
OWNED_BY_ORGANISATION = ("/api/v1/proposals/", "/api/v1/access-requests/")


@pytest.fixture
def api_schema():
    document = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    loaded = schemathesis.openapi.from_dict(document)
    loaded.app = application
    # Schemathesis calls the WSGI application itself, whose request signals would close the
    # database connection (on PostgreSQL, the test's transaction with it). Django's test client
    # disconnects them around each of its requests (and connects them again after the one above).
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield loaded
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


def _operations(api_schema):
    for result in api_schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) not in SKIPPED:
            yield operation


def _foreign_organisations(operation, response, own: set[int]) -> list[int]:
    """Organisation ids, other than `own`, of the objects in an answer of an owned resource."""
    if not operation.path.startswith(OWNED_BY_ORGANISATION) or response.status_code != 200:
        return []
    if "json" not in response.headers.get("Content-Type", [""])[0]:
        return []
    body = response.json()
    objects = body.get("results", [body]) if isinstance(body, dict) else []
    return [
        obj["organisation"]
        for obj in objects
        if isinstance(obj, dict)
        and isinstance(obj.get("organisation"), int)
        and obj["organisation"] not in own
    ]


def _fuzz(operation, headers: dict[str, str], own: set[int], sent: list[str]) -> list[str]:
    problems: list[str] = []

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        response = case.call(headers=headers)
        sent.append(operation.label)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except FailureGroup as failure:
            problems.append(f"{operation.label}: {failure}")
        leaked = _foreign_organisations(operation, response, own)
        if leaked:
            problems.append(f"{operation.label}: objects of organisations {leaked} leaked")

    # Unsatisfiable: the schema allows no request to be generated (e.g. nothing to vary).
    with contextlib.suppress(Unsatisfiable):
        run()
    return problems


@pytest.mark.parametrize("email", ["applicant@demo.example", "researcher@demo.example"])
def test_fuzz_api_as_a_demo_persona(api_schema, email):
    seed_all()
    person = User.objects.get(email=email)
    _, secret = api_token_create(person=person, name="fuzz", days=1)
    headers = {"Authorization": f"Bearer {secret}"}
    own = set(Membership.objects.filter(person=person).values_list("organisation_id", flat=True))

    operations = list(_operations(api_schema))
    sent: list[str] = []

    problems = [p for operation in operations for p in _fuzz(operation, headers, own, sent)]

    assert not problems, "\n\n".join(problems)
    assert set(sent) == {operation.label for operation in operations}  # each one was called
