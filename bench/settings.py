"""The portal's settings plus a benchmark-only URL (`/bench/bare`); used only by bench/run.py."""

from portal.settings import *  # noqa: F403
from portal.settings import STORAGES

ROOT_URLCONF = "bench.urls"

# Static files get their hashed names and manifest as in production, but are not pre-compressed:
# no benchmark loads a static file, and brotli on the 40 MB of collected files costs a minute.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
