"""Reads of the token service."""

from __future__ import annotations

import datetime
import functools
from typing import Any

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


def client_with_token(client_id: str, token_checksum: str):
    """One query for introspection: the calling client and what the portal knows about the token.

    Raw SQL because this is the hottest path of the portal: the ORM's compilation of the same
    query costs more than the query. Returns the Application with its service cached (only the
    fields introspection needs) and `token_*` attributes (None when the token is unknown).
    """
    sql, columns = _introspection_sql()
    connection = connections[Application.objects.db]
    with connection.cursor() as cursor:
        cursor.execute(sql, [token_checksum, client_id])
        row = cursor.fetchone()
    if row is None:
        return None
    count = len(columns)
    application = Application.from_db(
        Application.objects.db,
        [field.attname for field in Application._meta.concrete_fields],
        _converted(connection, Application._meta.concrete_fields, row[:count]),
    )
    service_id, audience, is_active = row[count : count + 3]
    service = ServiceClient(
        id=service_id, application_id=application.pk, audience=audience, is_active=bool(is_active)
    )
    Application.service.related.set_cached_value(application, service)  # type: ignore[attr-defined]
    token_fields = [IssuedToken._meta.get_field(name) for name in TOKEN_FIELDS]
    claims, token_client, revoked_at, access_token_id, expires_at = _converted(
        connection, token_fields, row[count + 3 :]
    )
    application.token_claims = claims
    application.token_client_id = token_client
    application.token_revoked_at = revoked_at
    application.token_access_token_id = access_token_id
    application.token_expires_at = expires_at
    return application


TOKEN_FIELDS = ["claims", "client", "revoked_at", "access_token", "expires_at"]


@functools.cache
def _introspection_sql() -> tuple[str, list[str]]:
    columns = [field.column for field in Application._meta.concrete_fields]
    # Only table and column names from the models go into the text; values are parameters.
    sql = (
        f"SELECT {', '.join(f'a.{column}' for column in columns)}, "  # noqa: S608
        "s.id, s.audience, s.is_active, "
        "t.claims, t.client_id, t.revoked_at, t.access_token_id, t.expires_at "
        f"FROM {Application._meta.db_table} a "
        f"INNER JOIN {ServiceClient._meta.db_table} s ON s.application_id = a.id "
        f"LEFT JOIN {IssuedToken._meta.db_table} t ON t.token_checksum = %s "
        "WHERE a.client_id = %s"
    )
    return sql, columns


def _converted(connection, fields, values) -> list:
    """Values as the ORM would give them (JSON decoded, aware datetimes on SQLite too)."""
    result = []
    for field, value in zip(fields, values, strict=True):
        if value is not None:
            expression = field.get_col(field.model._meta.db_table)
            for converter in connection.ops.get_db_converters(expression) + field.get_db_converters(
                connection
            ):
                value = converter(value, expression, connection)
        result.append(value)
    return result


def token_record_of(client) -> dict[str, Any] | None:
    """The token fields annotated by `client_with_token`, as `introspection_record` gives them."""
    if client.token_client_id is None:
        return None
    return {
        "claims": client.token_claims,
        "client_id": client.token_client_id,
        "revoked_at": client.token_revoked_at,
        "access_token_id": client.token_access_token_id,
        "expires_at": client.token_expires_at,
    }


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
