"""The settings the test suite runs with: the real ones, in testing mode."""

import os

os.environ.setdefault("PORTAL_TESTING", "1")

from portal.settings import *  # noqa: F403

# Tasks run in-process in tests even when CI provides a broker; the worker tests
# (tests/worker.py) switch one test at a time to the real broker and a real worker.
CELERY_TASK_ALWAYS_EAGER = True
