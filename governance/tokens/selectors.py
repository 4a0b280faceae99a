"""Reads of the token service."""

from __future__ import annotations

import datetime
import functools
import json
from typing import Any, NamedTuple

import psycopg
from django.db import connections
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from oauth2_provider.models import Application

from governance.tokens import ratelimit
from governance.tokens.models import (
    IntrospectionCount,
    IssuedToken,
    ServiceAuthorization,
    ServiceClient,
    WebhookDelivery,
)


def introspection_record(token_checksum: str) -> dict[str, Any] | None:
    """One query: what introspection needs to know about a token."""
    record = (
        IssuedToken.objects.filter(token_checksum=token_checksum)
        .values("claims", "client_id", "revoked_at", "access_token_id", "expires_at")
        .first()
    )
    return dict(record) if record is not None else None


class Introspected(NamedTuple):
    """What introspection reads in its one query: the calling client and the presented token."""

    client_pk: int
    client_secret: str
    audience: str
    service_active: bool
    token_client_pk: int | None  # None: the portal never issued this token
    token_active: bool
    claims_json: str | None

    def claims(self) -> dict[str, Any]:
        return json.loads(self.claims_json) if self.claims_json else {}


def introspection(client_id: str, token_checksum: str, now=None) -> Introspected | None:
    """One query for introspection: the calling client, its service and the token, or None
    when no service client has this id.

    Raw SQL on purpose: this is the portal's hottest path and the ORM's compilation of the
    same query costs more than the query. Whether the token is active is decided in the query
    with the same rule as `is_active`; its claims come back as JSON text, decoded only when
    the answer needs them.
    """
    connection = connections[Application.objects.db]
    now = connection.ops.adapt_datetimefield_value(now or timezone.now())
    with _prepared_cursor(connection) as cursor:
        cursor.execute(_introspection_sql(), [now, token_checksum, client_id])
        row = cursor.fetchone()
    if row is None:
        return None
    client_pk, secret, audience, service_active, token_client_pk, active, claims = row
    return Introspected(
        client_pk=client_pk,
        client_secret=secret,
        audience=audience,
        service_active=bool(service_active),
        token_client_pk=token_client_pk,
        token_active=bool(active),
        claims_json=claims,
    )


def _prepared_cursor(connection):
    """A cursor whose statements PostgreSQL prepares once per connection, where the settings
    allow it (`prepare_threshold` in the database OPTIONS); elsewhere an ordinary cursor.

    Planning the introspection join costs PostgreSQL several times what running it does; the
    ORM's own cursors bind parameters on the client and are never prepared. The cursor goes
    through Django's wrapper, so it is counted and logged like any other query.
    """
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.ensure_connection()
    if connection.connection.prepare_threshold is None:
        return connection.cursor()
    with connection.wrap_database_errors:
        raw = _PreparingCursor(connection.connection)
    if connection.queries_logged:
        return connection.make_debug_cursor(raw)
    return connection.make_cursor(raw)


class _PreparingCursor(psycopg.Cursor):
    """A server-side binding psycopg cursor that prepares every statement it runs."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True, binary=binary)


@functools.cache
def _introspection_sql() -> str:
    application = Application._meta.db_table
    service = ServiceClient._meta.db_table
    token = IssuedToken._meta.db_table
    # Only table names from the models go into the text; values are parameters.
    return (
        "SELECT a.id, a.client_secret, s.audience, s.is_active, t.client_id, "  # noqa: S608  # nosec B608 # table names from the models
        "(t.revoked_at IS NULL AND t.access_token_id IS NOT NULL AND t.expires_at > %s), "
        "t.claims "
        f"FROM {application} a "
        f"INNER JOIN {service} s ON s.application_id = a.id "
        f"LEFT JOIN {token} t ON t.token_checksum = %s "
        "WHERE a.client_id = %s"
    )


def is_active(record: dict[str, Any], now=None) -> bool:
    now = now or timezone.now()
    return (
        record["revoked_at"] is None
        and record["access_token_id"] is not None
        and now < record["expires_at"]
    )


def live_tokens_of(person) -> QuerySet[IssuedToken]:
    return (
        IssuedToken.objects.filter(
            person=person,
            revoked_at__isnull=True,
            access_token__isnull=False,
            expires_at__gt=timezone.now(),
        )
        .select_related("client")
        .order_by("-issued_at")
    )


def authorizations_of(person) -> QuerySet[ServiceAuthorization]:
    return (
        ServiceAuthorization.objects.filter(person=person, revoked_at__isnull=True)
        .select_related("client")
        .order_by("client__name")
    )


def has_consented(person, client, scopes) -> bool:
    authorization = ServiceAuthorization.objects.filter(
        person=person, client=client, revoked_at__isnull=True
    ).first()
    return authorization is not None and set(scopes) <= set(authorization.scopes)


def token_of(person, pk: int) -> IssuedToken:
    token = IssuedToken.objects.filter(person=person, pk=pk).first()
    if token is None:
        raise Http404
    return token


def authorization_of(person, pk: int) -> ServiceAuthorization:
    authorization = ServiceAuthorization.objects.filter(person=person, pk=pk).first()
    if authorization is None:
        raise Http404
    return authorization


def services_with_statistics() -> QuerySet[ServiceClient]:
    """Every service with its issuance counts (today, 7 days) in one query."""
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    week = today - datetime.timedelta(days=6)
    return (
        ServiceClient.objects.select_related("application")
        .annotate(
            issued_today=Count(
                "application__issued_tokens",
                filter=Q(application__issued_tokens__issued_at__gte=today),
            ),
            issued_week=Count(
                "application__issued_tokens",
                filter=Q(application__issued_tokens__issued_at__gte=week),
            ),
        )
        .order_by("application__name")
    )


def introspections(service: ServiceClient, days: int = 7) -> list[tuple[datetime.date, int]]:
    """Introspections per day (flushed rows plus what is still in the cache counter)."""
    today = timezone.localdate()
    first = today - datetime.timedelta(days=days - 1)
    stored = dict(
        IntrospectionCount.objects.filter(
            client_id=service.application_id, day__gte=first
        ).values_list("day", "count")
    )
    return [
        (
            day,
            stored.get(day, 0)
            + ratelimit.pending_introspections(service.application.client_id, day),
        )
        for day in (first + datetime.timedelta(days=n) for n in range(days))
    ]


def issuance(service: ServiceClient, days: int = 7) -> list[tuple[datetime.date, int]]:
    today = timezone.localdate()
    first = today - datetime.timedelta(days=days - 1)
    counts: dict[datetime.date, int] = {}
    for issued_at in IssuedToken.objects.filter(
        client_id=service.application_id,
        issued_at__gte=timezone.make_aware(datetime.datetime.combine(first, datetime.time())),
    ).values_list("issued_at", flat=True):
        day = timezone.localtime(issued_at).date()
        counts[day] = counts.get(day, 0) + 1
    return [
        (day, counts.get(day, 0))
        for day in (first + datetime.timedelta(days=n) for n in range(days))
    ]


def service_for_staff(pk: int) -> ServiceClient:
    service = ServiceClient.objects.select_related("application").filter(pk=pk).first()
    if service is None:
        raise Http404
    return service


def deliveries(service: ServiceClient | None = None) -> QuerySet[WebhookDelivery]:
    queryset = WebhookDelivery.objects.select_related("service__application")
    if service is not None:
        queryset = queryset.filter(service=service)
    return queryset.order_by("-created_at")
