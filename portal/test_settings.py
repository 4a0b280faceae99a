"""The settings the test suite runs with: the real ones, in testing mode."""

import os

os.environ.setdefault("PORTAL_TESTING", "1")

from portal.settings import *  # noqa: F403
