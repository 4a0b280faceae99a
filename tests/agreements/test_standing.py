"""A grant's standing (what the pages call its State) and every summary of it agree.

The dashboard's "Your active grants: N", the grants page filtered on Active, the API's `standing`
and the token service's `usable_grants` are one rule; these tests hold them together on the edge
cases a person meets: a grant that starts later, one that ends today, one past its end before the
nightly task marks it expired, one expired, one revoked.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from governance.agreements import dashboard, selectors
from governance.agreements.models import Grant
from tests.agreements.conftest import api_as
from tests.agreements.helpers import in_force

pytestmark = pytest.mark.django_db


@pytest.fixture
def grants(setup, password):
    """Five grants of the researcher on the setup's dataset, one per edge case, plus the one the
    agreement coming into force made (active now)."""
    in_force(setup, password)
    made = Grant.objects.get()
    now = timezone.now()
    cases = {
        "active": made,
        "upcoming": (now + timedelta(days=30), now + timedelta(days=400), Grant.State.ACTIVE),
        "ends_today": (now - timedelta(days=10), now + timedelta(minutes=5), Grant.State.ACTIVE),
        "past_end": (now - timedelta(days=10), now - timedelta(minutes=5), Grant.State.ACTIVE),
        "expired": (now - timedelta(days=40), now - timedelta(days=5), Grant.State.EXPIRED),
        "revoked": (now - timedelta(days=10), now + timedelta(days=10), Grant.State.REVOKED),
    }
    result = {}
    for name, case in cases.items():
        if isinstance(case, Grant):
            result[name] = case
            continue
        starts_at, ends_at, state = case
        result[name] = Grant.objects.create(
            agreement=made.agreement,
            person=made.person,
            dataset=made.dataset,
            access_condition=made.access_condition,
            committee=made.committee,
            state=state,
            starts_at=starts_at,
            ends_at=ends_at,
        )
    return result


EXPECTED = {
    "active": "active",
    "upcoming": "upcoming",
    "ends_today": "active",
    "past_end": "expired",
    "expired": "expired",
    "revoked": "revoked",
}


def test_each_edge_case_has_its_standing(grants):
    assert {name: grant.standing() for name, grant in grants.items()} == EXPECTED
    assert grants["upcoming"].standing_label == "Not yet active"


@pytest.mark.parametrize("standing", Grant.Standing.values)
def test_the_filter_and_the_method_are_one_rule(grants, standing):
    filtered = set(selectors.grants_standing(Grant.objects.all(), standing))
    assert filtered == {g for g in grants.values() if g.standing() == standing}


def test_usable_grants_are_exactly_the_active_standing(grants):
    assert set(selectors.usable_grants()) == {grants["active"], grants["ends_today"]}


def _links(person):
    (section,) = [s for s in dashboard.sections(person, frozenset({"researcher"}))]
    return {link.text: link.url for link in section.links}


def test_dashboard_count_the_grants_page_and_the_api_agree(client, setup, grants):
    links = _links(setup.researcher)
    (label,) = [text for text in links if text.startswith("Your active grants")]
    count = int(label.rsplit(": ", 1)[1])
    assert count == 2

    client.force_login(setup.researcher)
    page = client.get(links[label]).content.decode()
    assert re.search(rf"<caption>\s*{count} grants\s*</caption>", page)
    assert page.count("badge-ok") == count  # every row listed shows Active
    assert "badge-warn" not in page  # no row Not yet active

    everything = client.get("/agreements/grants/?mine=on").content.decode()
    assert "6 grants" in everything and "badge-warn" in everything

    api = api_as(setup.researcher)
    answered = api.get("/api/v1/grants/", {"standing": "active"}).json()
    assert len(answered["results"]) == count
    standings = {g["id"]: g["standing"] for g in api.get("/api/v1/grants/").json()["results"]}
    assert standings == {grant.pk: EXPECTED[name] for name, grant in grants.items()}


def test_a_future_grant_is_not_labelled_active_on_its_page(client, setup, grants):
    client.force_login(setup.researcher)
    page = client.get(f"/agreements/grants/{grants['upcoming'].pk}/").content.decode()
    assert "Not yet active" in page
    assert "badge-ok" not in page
