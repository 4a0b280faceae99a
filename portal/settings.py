"""Settings for the governance portal.

Everything that differs between a laptop and production comes from environment variables; the
README lists them. With debug off the portal refuses to start on an insecure configuration.
"""

import os
import secrets
import sys
from pathlib import Path
from urllib.parse import urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    """A string setting; `NAME_FILE` (a path) wins over `NAME`, for container secrets."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 1/0, true/false, yes/no or on/off, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("PORTAL_DEBUG", False)
TESTING = env_bool("PORTAL_TESTING", False)

# Build-time commands that sign nothing may run without a key (e.g. collectstatic in an image
# build); they get a throwaway one. Everything that serves or signs refuses instead.
_KEYLESS_COMMANDS = {"makemigrations", "makemessages", "compilemessages", "collectstatic"}
_command = sys.argv[1] if len(sys.argv) > 1 else ""

SECRET_KEY = env_str("PORTAL_SECRET_KEY")
if not SECRET_KEY and _command in _KEYLESS_COMMANDS:
    SECRET_KEY = secrets.token_urlsafe(50)
if not SECRET_KEY:
    if not DEBUG and not TESTING:
        raise ImproperlyConfigured(
            "PORTAL_SECRET_KEY is not set. With PORTAL_DEBUG off the portal needs a long random "
            "secret key: set PORTAL_SECRET_KEY (or PORTAL_SECRET_KEY_FILE), e.g. the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`. For a local trial, "
            "set PORTAL_DEBUG=1 instead."
        )
    SECRET_KEY = "insecure-development-key-only-for-debug-and-tests-0123456789abcdef"  # nosec B105 # used only with DEBUG or tests, refused above otherwise

PORTAL_BASE_URL = env_str("PORTAL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
_base = urlparse(PORTAL_BASE_URL)
if _base.scheme not in {"http", "https"} or not _base.hostname:
    raise ImproperlyConfigured(
        f"PORTAL_BASE_URL must be an absolute http(s) URL such as https://portal.example.eu, "
        f"not {PORTAL_BASE_URL!r}."
    )

ALLOWED_HOSTS = env_list("PORTAL_ALLOWED_HOSTS") or (
    ["127.0.0.1", "localhost", "[::1]", "testserver", _base.hostname]
    if DEBUG or TESTING
    else [_base.hostname]
)
CSRF_TRUSTED_ORIGINS = env_list("PORTAL_CSRF_TRUSTED_ORIGINS") or [
    f"{_base.scheme}://{_base.netloc}"
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",  # full-text search of the catalogue (used only on PostgreSQL)
    "rules.apps.AutodiscoverRulesConfig",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_countries",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Where a person is signed in, and "sign out everywhere else" (Account > Your sessions).
    "allauth.usersessions",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "oauth2_provider",
    "governance.core",
    "governance.accounts",
    "governance.audit",
    "governance.notifications",
    "governance.catalogue",
    "governance.access",
    "governance.agreements",
    "governance.consent",
    "governance.tokens",
    "governance.calls",
    "governance.reviews",
    "governance.engagement",
    "governance.api",
]

AUTH_USER_MODEL = "accounts.User"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "governance.core.middleware.RequestIdMiddleware",
    # The endpoints only machines call (PORTAL_MACHINE_ENDPOINTS) stop here.
    "governance.core.machine.MachineEndpointMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # The API's addresses carry no language: Accept-Language (or the account's) chooses it.
    "governance.api.language.ApiLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "governance.accounts.middleware.RequireMfaMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "governance.core.context_processors.portal",
            ],
        },
    },
]

# Database: SQLite next to the code for a first run, PostgreSQL (DATABASE_URL) in production.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("PORTAL_DB_CONN_MAX_AGE", 60),
        # Off by default: the check is one more round trip on every request. Turn it on where
        # something between the portal and PostgreSQL drops idle connections.
        conn_health_checks=env_bool("PORTAL_DB_HEALTH_CHECKS", False),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Lets psycopg prepare the statements that ask for it (token introspection, see
    # governance/tokens/selectors.py); the ORM's client-side cursors never prepare. Behind
    # PgBouncer in transaction mode this needs max_prepared_statements (PgBouncer >= 1.21).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("prepare_threshold", 5)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: shared by every web process and worker (rate limits live here), never process memory.
CACHE_URL = env_str("PORTAL_CACHE_URL")
if CACHE_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "portal_cache",
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Internationalisation: every string is translatable; English is complete, Spanish covers the
# public pages.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("fr", _("French")),
    ("de", _("German")),
    ("it", _("Italian")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One way to write dates, times and numbers per language (portal/formats/<lang>/formats.py),
# used by pages, emails and PDFs alike through governance.core.times and its template filters.
FORMAT_MODULE_PATH = ["portal.formats"]
TIME_ZONE = "Europe/Brussels"
# Kosovo (XK, eligible for Horizon Europe calls) has a user-assigned code ISO 3166 leaves out.
COUNTRIES_OVERRIDE = {"XK": _("Kosovo")}
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("PORTAL_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("PORTAL_MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Security. Debug off means production: HTTPS, HSTS, secure cookies, unless explicitly relaxed
# for a plain-HTTP deployment behind a trusted network (PORTAL_HTTPS=0).
HTTPS = env_bool("PORTAL_HTTPS", not DEBUG and _base.scheme == "https")
SECURE_SSL_REDIRECT = HTTPS and env_bool("PORTAL_SSL_REDIRECT", True)
# Load balancers probe the web processes directly over HTTP: answer them, do not redirect.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^livez$", r"^readyz$"]
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("PORTAL_BEHIND_PROXY", False) else None
)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("PORTAL_HSTS_SECONDS", 31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("PORTAL_SESSION_SECONDS", 8 * 3600)
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS: list[str] = []
if not HTTPS and not DEBUG and not TESTING:
    # A plain-HTTP production deployment is a deliberate choice (PORTAL_HTTPS=0): say so once.
    SILENCED_SYSTEM_CHECKS += [
        "security.W004",
        "security.W008",
        "security.W012",
        "security.W016",
    ]

# Content Security Policy (Django's own): nothing from other origins, no inline scripts or styles.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# Accounts (django-allauth): email is the login, verified before first use.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "governance.accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {"login": "governance.accounts.forms.LoginForm"}
ACCOUNT_DEFAULT_HTTP_PROTOCOL = _base.scheme
ACCOUNT_RATE_LIMITS = {
    "login_failed": env_str("PORTAL_LOGIN_RATE_LIMIT", "10/m/ip,5/5m/key"),
    "login": "30/m/ip",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",  # nosec B105 # a rate limit
    "reauthenticate": "10/m/user",
}
LOGIN_REDIRECT_URL = "core:dashboard"
LOGIN_URL = "account_login"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env_str("PORTAL_MFA_ISSUER", "Cancer Imaging Governance Portal")
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "mandatory"
SOCIALACCOUNT_PROVIDERS: dict = {}
OIDC_SERVER_URL = env_str("PORTAL_OIDC_SERVER_URL")
if OIDC_SERVER_URL:
    _oidc_id = env_str("PORTAL_OIDC_CLIENT_ID")
    _oidc_secret = env_str("PORTAL_OIDC_CLIENT_SECRET")
    if not _oidc_id or not _oidc_secret:
        raise ImproperlyConfigured(
            "PORTAL_OIDC_SERVER_URL is set, so PORTAL_OIDC_CLIENT_ID and "
            "PORTAL_OIDC_CLIENT_SECRET must be set too."
        )
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": env_str("PORTAL_OIDC_PROVIDER_ID", "oidc"),
                "name": env_str("PORTAL_OIDC_PROVIDER_NAME", "Institutional login"),
                "client_id": _oidc_id,
                "secret": _oidc_secret,
                "settings": {
                    "server_url": OIDC_SERVER_URL,
                    "token_auth_method": "client_secret_basic",  # nosec B105 # an auth method name
                    "scope": env_list("PORTAL_OIDC_SCOPES", "openid,email,profile"),
                },
            }
        ],
    }

# Personal API tokens: only a keyed hash is stored.
PORTAL_TOKEN_HASH_KEY = env_str("PORTAL_TOKEN_HASH_KEY", SECRET_KEY)
PORTAL_API_TOKEN_MAX_DAYS = env_int("PORTAL_API_TOKEN_MAX_DAYS", 365)

# Roles whose members must use multi-factor authentication before anything else.
PORTAL_MFA_REQUIRED = env_bool("PORTAL_MFA_REQUIRED", True)

# Data-use agreements: with a certificate and key (PEM paths), final PDFs get a PAdES signature.
PORTAL_PDF_SIGNING_CERT_FILE = env_str("PORTAL_PDF_SIGNING_CERT_FILE")
PORTAL_PDF_SIGNING_KEY_FILE = env_str("PORTAL_PDF_SIGNING_KEY_FILE")
PORTAL_PDF_SIGNING_KEY_PASSWORD = env_str("PORTAL_PDF_SIGNING_KEY_PASSWORD")

# Email
EMAIL_URL = env_str("PORTAL_EMAIL_URL")
DEFAULT_FROM_EMAIL = env_str("PORTAL_FROM_EMAIL", "Governance portal <noreply@portal.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if EMAIL_URL:
    _mail = urlparse(EMAIL_URL)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _mail.hostname or "localhost"
    EMAIL_PORT = _mail.port or 587
    EMAIL_HOST_USER = _mail.username or ""
    EMAIL_HOST_PASSWORD = _mail.password or ""
    EMAIL_USE_TLS = _mail.scheme == "smtp+tls"
    EMAIL_USE_SSL = _mail.scheme == "smtps"
    EMAIL_TIMEOUT = 20
elif DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    # One file per message; PORTAL_EMAIL_FILE_PATH moves them (the worker tests read them there).
    EMAIL_FILE_PATH = Path(env_str("PORTAL_EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail")))

# Celery: a broker (Redis or RabbitMQ) in production; none configured means tasks run in-process.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or None
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Queued emails untouched this long (seconds) are enqueued again by beat (broker outage, lost
# task); longer than the longest retry backoff (600 s), so a retrying email is left alone.
PORTAL_OUTBOX_REQUEUE_SECONDS = env_int("PORTAL_OUTBOX_REQUEUE_SECONDS", 900)
# Periodic work, run by `celery beat` (make beat). Each task is a function in the app's tasks.py.
CELERY_BEAT_SCHEDULE: dict = {
    "expire-grants": {"task": "governance.agreements.tasks.expire_grants", "schedule": 300.0},
    "remind-grant-renewals": {
        "task": "governance.agreements.tasks.remind_renewals",
        "schedule": 86400.0,
    },
    "remind-access-committees": {
        "task": "governance.access.tasks.remind_committees",
        "schedule": 86400.0,
    },
    "call-announcements": {"task": "governance.calls.tasks.announce_calls", "schedule": 3600.0},
    "engagement-reminders": {
        "task": "governance.engagement.tasks.send_reminders",
        "schedule": 3600.0,
    },
    "outbox-requeue-waiting": {
        "task": "governance.notifications.tasks.requeue_waiting",
        "schedule": 300.0,
    },
    "token-introspection-counts": {
        "task": "governance.tokens.tasks.flush_introspection_counts",
        "schedule": 60.0,
    },
}

# REST API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "governance.accounts.authentication.PersonalTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["governance.api.permissions.RulesPermission"],
    # The API takes JSON: a form encoding cannot say null, nor nest a list of objects, so the
    # same body would mean something else. Operations that take a file add multipart themselves.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "governance.api.pagination.PortalPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "governance.api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Cancer-imaging governance portal API",
    "DESCRIPTION": (
        "Everything a person can do in the portal's pages, as JSON. Authenticate with a "
        "personal API token (`Authorization: Bearer <token>`, created on your account page) or "
        "a browser session. Transitions are `POST /api/v1/<resource>/{id}/<verb>/`; an illegal "
        'one answers 409 `{"detail": ..., "code": "invalid_transition"}`.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several resources have a `state`; each state machine's enum gets its own name.
    "ENUM_NAME_OVERRIDES": {
        "ErasureRequestStateEnum": "governance.accounts.models.ErasureRequest.State",
        "StatementStateEnum": "governance.catalogue.models.AvailabilityStatement.State",
        "PolicyVersionStateEnum": "governance.engagement.models.PolicyVersion.State",
    },
    # The GA4GH permissions endpoint is a plain view (SPEC section 5) drf-spectacular cannot see.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",  # the default; kept
        "governance.tokens.openapi.add_ga4gh_permissions",
        "governance.api.schema.add_error_responses",  # last: every operation, the one above too
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    },
    "filters": {"request_id": {"()": "governance.core.middleware.RequestIdLogFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("PORTAL_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Token service (OAuth 2.0 / OIDC issuer, django-oauth-toolkit) ---------------------------
OAUTH2_PROVIDER: dict[str, object] = {
    # RFC 9700 (OAuth 2.0 Security BCP): no implicit or password grant, PKCE S256 only,
    # access tokens never in the query string.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,  # nosec B105 # a toolkit flag
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,  # nosec B105 # a toolkit flag
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,  # nosec B105 # a toolkit flag
    "REFRESH_TOKEN_REUSE_PROTECTION": True,  # nosec B105 # a toolkit flag
    "ROTATE_REFRESH_TOKEN": True,  # nosec B105 # a toolkit flag
    # Plain http redirect URIs only for local trials (loopback clients of a debug portal).
    "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"] if DEBUG else ["https"],
}
# Access tokens are RFC 9068 JWTs signed with the portal's own keys (governance/tokens/keys.py);
# the validator adds the portal's rules (Basic client auth only, per-client grant types and
# scopes, token records for introspection and revocation).
PORTAL_TOKEN_LIFETIME = env_int("PORTAL_TOKEN_LIFETIME", 600)
PORTAL_TOKEN_REFRESH_LIFETIME = env_int("PORTAL_TOKEN_REFRESH_LIFETIME", 8 * 3600)
PORTAL_TOKEN_VISA_LIFETIME = env_int("PORTAL_TOKEN_VISA_LIFETIME", 3600)
PORTAL_TOKEN_ALGORITHM = env_str("PORTAL_TOKEN_ALGORITHM", "ES256")
# Private signing keys are encrypted at rest with this key (else one derived from SECRET_KEY).
PORTAL_TOKEN_KEY_ENCRYPTION_KEY = env_str("PORTAL_TOKEN_KEY_ENCRYPTION_KEY")
# A PEM private key (or PORTAL_TOKEN_SIGNING_KEY_FILE, a path) replaces the database keys.
PORTAL_TOKEN_SIGNING_KEY = env_str("PORTAL_TOKEN_SIGNING_KEY")
# Requests per client and minute at the token and introspection endpoints (429 beyond).
PORTAL_TOKEN_RATE_LIMIT = env_int("PORTAL_TOKEN_RATE_LIMIT", 600)
PORTAL_TOKEN_INTROSPECTION_RATE_LIMIT = env_int("PORTAL_TOKEN_INTROSPECTION_RATE_LIMIT", 60000)
PORTAL_TOKEN_WEBHOOK_RETRIES = env_int("PORTAL_TOKEN_WEBHOOK_RETRIES", 6)
# Wrong client secrets per client and minute before the portal stops checking them (each check
# is a slow hash); a secret verified before keeps working.
PORTAL_TOKEN_AUTH_FAILURE_LIMIT = env_int("PORTAL_TOKEN_AUTH_FAILURE_LIMIT", 10)
# Endpoints that only machines call: served without the session, locale, messages, CSRF and
# sign-in middleware (governance.core.machine.MachineEndpointMiddleware).
PORTAL_MACHINE_ENDPOINTS = [
    "oauth2_provider:token",
    "oauth2_provider:introspect",
    "oauth2_provider:revoke-token",
    "oauth2_provider:jwks-info",
    "oauth2_provider:oidc-connect-discovery-info",
    "oauth2_provider:oauth-server-metadata",
]
if PORTAL_TOKEN_ALGORITHM not in {"ES256", "RS256"}:
    raise ImproperlyConfigured(
        f"PORTAL_TOKEN_ALGORITHM must be ES256 or RS256, not {PORTAL_TOKEN_ALGORITHM!r}."
    )
# The toolkit's own models (not swapped); named so that migrations can depend on them.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"  # nosec B105 # a model name
OAUTH2_PROVIDER |= {
    "OIDC_ENABLED": True,
    "OIDC_ISS_ENDPOINT": PORTAL_BASE_URL,
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OIDC_TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED": ["client_secret_basic"],
    "OAUTH2_TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED": ["client_secret_basic"],
    "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_GRANT_TYPES_SUPPORTED": ["authorization_code", "client_credentials", "refresh_token"],
    "PKCE_REQUIRED": True,
    "ACCESS_TOKEN_EXPIRE_SECONDS": PORTAL_TOKEN_LIFETIME,
    "ID_TOKEN_EXPIRE_SECONDS": PORTAL_TOKEN_LIFETIME,
    "REFRESH_TOKEN_EXPIRE_SECONDS": PORTAL_TOKEN_REFRESH_LIFETIME,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ACCESS_TOKEN_GENERATOR": "governance.tokens.oauth.generate_access_token",  # nosec B105 # a dotted path
    "REFRESH_TOKEN_GENERATOR": "oauthlib.oauth2.rfc6749.tokens.random_token_generator",  # nosec B105 # a dotted path
    "OAUTH2_VALIDATOR_CLASS": "governance.tokens.oauth.PortalValidator",
    "SCOPES": {
        "openid": "Sign you in to the service (OpenID Connect)",
        "profile": "Your name",
        "email": "Your email address",
        "datasets": "Use the datasets you are granted, through this service",
        "ga4gh_passport_v1": "Your GA4GH passport: the datasets you are granted",
    },
    "DEFAULT_SCOPES": ["datasets"],
    "REQUEST_APPROVAL_PROMPT": "force",
}
