"""Checks behind GET /healthz."""

from __future__ import annotations

from django.conf import settings
from django.db import connection


def database_status() -> dict[str, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means the portal cannot serve
        return {"status": "down", "error": exc.__class__.__name__}
    return {"status": "ok", "vendor": connection.vendor}


def broker_status() -> dict[str, str]:
    if not settings.CELERY_BROKER_URL:
        return {"status": "not_configured", "note": "tasks run in-process"}
    from portal.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # broker down: tasks wait, the portal still serves
        return {"status": "down", "error": exc.__class__.__name__}
    return {"status": "ok"}


def cache_status() -> dict[str, str]:
    from django.core.cache import cache

    try:
        cache.get("portal-readyz-probe")
    except Exception as exc:  # the cache holds rate limits: without it the portal cannot serve
        return {"status": "down", "error": exc.__class__.__name__}
    return {"status": "ok"}
