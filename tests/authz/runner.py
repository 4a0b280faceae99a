"""Runs the cells of the authorization matrix: one request per endpoint row and persona."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from governance.accounts.models import User
from tests.authz import subjects
from tests.authz.table import ALLOWED, ANONYMOUS, LOGIN, MFA, PERSONAS, Row
from tests.security.urls import Route, routes

API_PREFIX = "/api/v1/"
# Addresses under /api/ that the schema does not describe; they are pages of the table.
API_PAGES = {"api-schema", "api-docs", "api/", "oauth2_provider:ga4gh-permissions"}
ADMIN_PREFIX = "/django-admin/"


def email_of(persona: str) -> str:
    return f"{persona}@demo.example"


def page_routes() -> dict[str, Route]:
    """Every URL pattern but the API's operations (the schema lists those) and the admin's."""
    found = {}
    for route in routes():
        if route.path.startswith(ADMIN_PREFIX):
            continue
        if route.path.startswith("/api/") and route.name not in API_PAGES:
            continue
        found[route.name] = route
    return found


def admin_routes() -> list[Route]:
    return [route for route in routes() if route.path.startswith(ADMIN_PREFIX)]


def api_operations(schema: dict) -> set[str]:
    return {
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    }


def schema() -> dict:
    return APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()


@dataclass(frozen=True)
class Cell:
    row: Row
    persona: str
    path: str
    expected: int | str
    actual: int | str

    @property
    def agrees(self) -> bool:
        # An allowed person's empty body may be refused (400), or the object's state (409).
        if self.expected == ALLOWED and self.actual in (400, 409):
            return True
        return self.actual == self.expected

    @property
    def as_marked(self) -> bool:
        """The code answers what the row's `disagrees` records for this persona."""
        return (
            self.persona in self.row.disagrees and self.actual == self.row.disagrees[self.persona]
        )


def path_of(row: Row, known: dict[str, Route]) -> str:
    value = subjects.resolve(row.subject) if row.subject else None
    if row.is_api:
        path = row.endpoint.partition(" ")[2]
        if value is None:
            return path
        kwargs = value if isinstance(value, dict) else {"id": subjects.pk_of(value)}
        return re.sub(r"\{(\w+)\}", lambda m: str(kwargs[m.group(1)]), path)
    route = known[row.endpoint]
    if value is None:
        return route.path
    if isinstance(value, dict):
        kwargs = value
    else:
        assert len(route.params) == 1, f"{row.endpoint} takes {route.params}: give a dict"
        kwargs = {route.params[0]: subjects.pk_of(value)}
    return reverse(row.endpoint, kwargs=kwargs)


class _Rollback(Exception):
    pass


class Visitors:
    """A signed-in client per persona (and one for the visitor), pages and API alike."""

    def __init__(self) -> None:
        self.clients: dict[str, tuple[Client, APIClient]] = {}
        self.cookies: dict[str, dict[str, str]] = {}
        for persona in (ANONYMOUS, *PERSONAS):
            page_client, api_client = Client(), APIClient()
            if persona != ANONYMOUS:
                person = User.objects.get(email=email_of(persona))
                page_client.force_login(person)
                api_client.force_login(person)
            self.clients[persona] = (page_client, api_client)
            self.cookies[persona] = {k: v.value for k, v in page_client.cookies.items()}

    def request(self, persona: str, row: Row, path: str):
        page_client, api_client = self.clients[persona]
        client = api_client if row.is_api else page_client
        # A request may sign out (or rotate the session): each starts with the persona's cookies.
        client.cookies.clear()
        for key, value in self.cookies[persona].items():
            client.cookies[key] = value
        response = None
        try:
            with transaction.atomic():
                if row.method == "GET":
                    response = client.get(path)
                elif row.multipart:
                    response = client.post(path, {}, format="multipart")
                elif row.is_api:
                    response = client.generic(
                        row.method, path, "{}", content_type="application/json"
                    )
                else:
                    response = client.generic(
                        row.method, path, "", content_type="application/x-www-form-urlencoded"
                    )
                raise _Rollback
        except _Rollback:
            pass
        return response


def outcome(row: Row, response) -> int | str:
    status = response.status_code
    if status in (301, 302, 303) and not row.is_api:
        location = response.headers.get("Location", "")
        if location.startswith((reverse("account_login"), "/django-admin/login/")):
            return LOGIN
        if location.startswith(reverse("mfa_activate_totp")):
            return MFA
        return ALLOWED
    if status < 300:
        return ALLOWED
    return status  # 400 and 409 count as allowed where allowed is expected (Cell.agrees)


def run(rows: list[Row], known: dict[str, Route]) -> list[Cell]:
    visitors = Visitors()
    cells = []
    for row in rows:
        path = path_of(row, known)
        for persona in (ANONYMOUS, *PERSONAS):
            response = visitors.request(persona, row, path)
            cells.append(Cell(row, persona, path, row.expected(persona), outcome(row, response)))
    return cells


def problems(cells: list[Cell]) -> list[str]:
    found = []
    for cell in cells:
        marked = cell.persona in cell.row.disagrees
        if cell.agrees and marked:
            found.append(
                f"{cell.row.method} {cell.path} ({cell.row.endpoint}) as {cell.persona}: now "
                f"{cell.actual} as the rules say; remove it from `disagrees`"
            )
        elif not cell.agrees and not cell.as_marked:
            found.append(
                f"{cell.row.method} {cell.path} ({cell.row.endpoint}) as {cell.persona}: "
                f"expected {cell.expected}, got {cell.actual}"
            )
    return found


def _keep(key: str, value: object) -> None:
    """With AUTHZ_REPORT set (make authz-report), keep `value` for scripts/authz_report.py."""
    target = os.environ.get("AUTHZ_REPORT")
    if not target:
        return
    data = json.loads(Path(target).read_text()) if os.path.exists(target) else {}
    data[key] = value
    Path(target).write_text(json.dumps(data, indent=1))


def write_coverage(endpoints: set[str], pending: list[str]) -> None:
    _keep("coverage", {"endpoints": sorted(endpoints), "pending": pending})


def write_report(area: str, cells: list[Cell]) -> None:
    _keep(
        f"area:{area}",
        [
            {
                "endpoint": cell.row.endpoint,
                "method": cell.row.method,
                "subject": cell.row.subject,
                "persona": cell.persona,
                "path": cell.path,
                "expected": cell.expected,
                "actual": cell.actual,
                "disagrees": cell.persona in cell.row.disagrees,
                "why": cell.row.why,
                "agrees": cell.agrees,
            }
            for cell in cells
        ],
    )
