"""`manage.py migrate` alone makes the database cache's table (sign-in needs it)."""

import pytest
from django.core.management import call_command
from django.db import connection


def _tables():
    return connection.introspection.table_names()


@pytest.mark.django_db(transaction=True)
def test_migrate_creates_the_cache_table_when_it_is_missing(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "portal_cache",
        }
    }
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS portal_cache")
    assert "portal_cache" not in _tables()

    call_command("migrate", verbosity=0)

    assert "portal_cache" in _tables()
