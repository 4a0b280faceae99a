"""The abuse cases reuse the engagement tests' staff manager."""

from tests.engagement.conftest import manager, manager_client  # noqa: F401
