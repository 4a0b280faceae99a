"""portal/settings.py read with a given environment, in-process (runpy), without touching the
settings the test run itself uses."""

import re
import runpy
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_FILE = ROOT / "portal" / "settings.py"
SECRET = "s" * 60

# Every variable the settings read: the environment of the test run must not leak in.
VARIABLES = set(
    re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z0-9_]+)"', SETTINGS_FILE.read_text())
)


def load_settings(monkeypatch, **environment: str) -> dict:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(f"{name}_FILE", raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


def production(**extra: str) -> dict[str, str]:
    return {
        "PORTAL_DEBUG": "0",
        "PORTAL_SECRET_KEY": SECRET,
        "PORTAL_BASE_URL": "https://portal.example.eu",
        **extra,
    }


def test_settings_without_secret_key_refuse_debug_off(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="PORTAL_SECRET_KEY is not set"):
        load_settings(monkeypatch, PORTAL_DEBUG="0")


@pytest.mark.parametrize("command", ["makemigrations", "collectstatic"])
def test_settings_without_secret_key_allow_build_commands_with_a_throwaway_key(
    monkeypatch, command
):
    monkeypatch.setattr("sys.argv", ["manage.py", command, "--check"])
    first = load_settings(monkeypatch, PORTAL_DEBUG="0")["SECRET_KEY"]
    second = load_settings(monkeypatch, PORTAL_DEBUG="0")["SECRET_KEY"]
    assert len(first) >= 50 and first != second


@pytest.mark.parametrize("command", ["runserver", "migrate", "check", "seed_demo"])
def test_settings_without_secret_key_refuse_commands_that_serve_or_sign(monkeypatch, command):
    monkeypatch.setattr("sys.argv", ["manage.py", command])
    with pytest.raises(ImproperlyConfigured, match="PORTAL_SECRET_KEY is not set"):
        load_settings(monkeypatch, PORTAL_DEBUG="0")


def test_settings_without_secret_key_start_in_debug(monkeypatch):
    settings = load_settings(monkeypatch, PORTAL_DEBUG="1")
    assert settings["DEBUG"] is True
    assert settings["SECRET_KEY"].startswith("insecure-")


def test_settings_read_secret_key_from_file(monkeypatch, tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text(SECRET + "\n")
    settings = load_settings(monkeypatch, PORTAL_DEBUG="0", PORTAL_SECRET_KEY_FILE=str(secret_file))
    assert settings["SECRET_KEY"] == SECRET


@pytest.mark.parametrize("value", ["maybe", "2", "debug"])
def test_settings_bad_debug_value_is_a_clear_error(monkeypatch, value):
    with pytest.raises(ImproperlyConfigured) as error:
        load_settings(monkeypatch, PORTAL_DEBUG=value)
    assert str(error.value) == (
        f"PORTAL_DEBUG must be 1/0, true/false, yes/no or on/off, not {value!r}."
    )


@pytest.mark.parametrize(("value", "expected"), [("TRUE", True), ("on", True), ("no", False)])
def test_settings_debug_accepts_the_usual_spellings(monkeypatch, value, expected):
    settings = load_settings(monkeypatch, PORTAL_DEBUG=value, PORTAL_SECRET_KEY=SECRET)
    assert settings["DEBUG"] is expected


def test_settings_bad_whole_number_is_a_clear_error(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="PORTAL_HSTS_SECONDS must be a whole number"):
        load_settings(monkeypatch, **production(PORTAL_HSTS_SECONDS="a year"))


def test_settings_base_url_must_be_absolute(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="PORTAL_BASE_URL must be an absolute"):
        load_settings(monkeypatch, **production(PORTAL_BASE_URL="portal.example.eu"))


def test_settings_https_base_url_turns_on_transport_security(monkeypatch):
    settings = load_settings(monkeypatch, **production())
    assert settings["SECURE_SSL_REDIRECT"] is True
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["CSRF_COOKIE_SECURE"] is True
    assert settings["SECURE_HSTS_SECONDS"] == 31536000
    assert settings["ALLOWED_HOSTS"] == ["portal.example.eu"]
    assert settings["CSRF_TRUSTED_ORIGINS"] == ["https://portal.example.eu"]
    assert settings["SECURE_PROXY_SSL_HEADER"] is None
    assert settings["SILENCED_SYSTEM_CHECKS"] == []


def test_settings_behind_proxy_trust_forwarded_proto(monkeypatch):
    settings = load_settings(monkeypatch, **production(PORTAL_BEHIND_PROXY="1"))
    assert settings["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")


def test_settings_plain_http_deployment_is_explicit(monkeypatch):
    settings = load_settings(
        monkeypatch, **production(PORTAL_BASE_URL="http://portal.internal", PORTAL_HTTPS="0")
    )
    assert settings["SECURE_SSL_REDIRECT"] is False
    assert settings["SESSION_COOKIE_SECURE"] is False
    assert settings["SECURE_HSTS_SECONDS"] == 0
    assert "security.W008" in settings["SILENCED_SYSTEM_CHECKS"]


def test_settings_default_to_sqlite_and_database_cache(monkeypatch):
    settings = load_settings(monkeypatch, PORTAL_DEBUG="1")
    assert settings["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert settings["CACHES"]["default"]["BACKEND"] == (
        "django.core.cache.backends.db.DatabaseCache"
    )
    assert settings["CELERY_TASK_ALWAYS_EAGER"] is True


def test_settings_use_postgres_redis_and_a_broker_when_configured(monkeypatch):
    settings = load_settings(
        monkeypatch,
        **production(
            DATABASE_URL="postgres://portal:pw@db.internal:5432/portal",
            PORTAL_CACHE_URL="redis://cache.internal:6379/1",
            CELERY_BROKER_URL="redis://cache.internal:6379/2",
        ),
    )
    database = settings["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["NAME"], database["USER"]) == (
        "db.internal",
        "portal",
        "portal",
    )
    assert database["CONN_MAX_AGE"] == 60
    assert settings["CACHES"]["default"] == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://cache.internal:6379/1",
    }
    assert settings["CELERY_TASK_ALWAYS_EAGER"] is False


def test_settings_email_url_configures_smtp(monkeypatch):
    settings = load_settings(
        monkeypatch,
        **production(PORTAL_EMAIL_URL="smtp+tls://mailer:secret@smtp.example.eu:587"),
    )
    assert settings["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (settings["EMAIL_HOST"], settings["EMAIL_PORT"]) == ("smtp.example.eu", 587)
    assert (settings["EMAIL_HOST_USER"], settings["EMAIL_HOST_PASSWORD"]) == ("mailer", "secret")
    assert settings["EMAIL_USE_TLS"] is True


def test_settings_oidc_login_needs_client_credentials(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="PORTAL_OIDC_CLIENT_ID"):
        load_settings(monkeypatch, **production(PORTAL_OIDC_SERVER_URL="https://login.example.eu"))


def test_every_variable_the_settings_read_is_documented():
    assert {"PORTAL_DEBUG", "PORTAL_SECRET_KEY", "DATABASE_URL"} <= VARIABLES
    readme = (ROOT / "README.md").read_text()
    example = (ROOT / ".env.example").read_text()
    assert sorted(name for name in VARIABLES if f"`{name}`" not in readme) == []
    assert (
        sorted(name for name in VARIABLES if not re.search(rf"^#? ?{name}=", example, re.M)) == []
    )


def test_database_settings_prepare_only_on_postgresql_and_check_connections_on_request(
    monkeypatch,
):
    postgres = load_settings(
        monkeypatch, **production(DATABASE_URL="postgres://portal@db.internal/portal")
    )
    database = postgres["DATABASES"]["default"]
    assert database["OPTIONS"]["prepare_threshold"] == 5
    assert database["CONN_HEALTH_CHECKS"] is False
    checked = load_settings(
        monkeypatch,
        **production(
            DATABASE_URL="postgres://portal@db.internal/portal", PORTAL_DB_HEALTH_CHECKS="1"
        ),
    )
    assert checked["DATABASES"]["default"]["CONN_HEALTH_CHECKS"] is True
    sqlite = load_settings(monkeypatch, **production())["DATABASES"]["default"]
    assert "prepare_threshold" not in sqlite["OPTIONS"]
