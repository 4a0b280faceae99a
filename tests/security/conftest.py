"""The abuse cases reuse the engagement tests' staff manager."""

from tests.calls.conftest import applicant, applicant_org, chair  # noqa: F401
from tests.engagement.conftest import manager, manager_client  # noqa: F401
