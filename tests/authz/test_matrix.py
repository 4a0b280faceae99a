"""The authorization matrix (tests/authz/areas/) against every page and API operation.

The endpoints come from the URLconf and the OpenAPI schema: one missing from the table, or a
row naming an endpoint that no longer exists, fails. Each area seeds the demo data once and asks
every endpoint as every demo persona and a visitor; each request runs in a savepoint that is
rolled back, so that cells do not affect each other. All disagreements are listed at once.
"""

from __future__ import annotations

import pytest

from governance.core.demo import seed_all
from tests.authz import matrix, runner

pytestmark = pytest.mark.django_db


def test_every_endpoint_has_a_row():
    pages = set(runner.page_routes())
    operations = runner.api_operations(runner.schema())
    in_table = {row.endpoint for row in matrix.ROWS}
    missing = sorted((pages | operations) - in_table)
    runner.write_coverage(pages | operations, missing)
    stale = sorted(in_table - pages - operations)
    assert not missing, "endpoints without a row in tests/authz/areas/:\n" + "\n".join(missing)
    assert not stale, "rows naming endpoints that no longer exist:\n" + "\n".join(stale)


@pytest.mark.parametrize("area", sorted(matrix.AREAS))
def test_matrix(area):
    seed_all()
    cells = runner.run(matrix.AREAS[area], runner.page_routes())
    runner.write_report(area, cells)
    problems = runner.problems(cells)
    assert not problems, f"{len(problems)} cells disagree with the table:\n" + "\n".join(problems)
