# The reviews tests use the same people and calls as the calls tests.
from tests.calls.conftest import (  # noqa: F401
    applicant,
    applicant_org,
    call,
    chair,
    evaluator1,
    evaluator2,
    evaluator3,
    other_applicant,
    second_chair,
)
