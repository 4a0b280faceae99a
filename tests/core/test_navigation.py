"""The header lists the areas a person works in, with what waits for them, and marks the
current one; the same rules as the pages decide, so each persona sees exactly their areas."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from governance.access.models import AccessRequest
from governance.agreements.models import Agreement
from governance.core.demo import seed_all
from tests.agreements.factories import AccessRequestFactory, AgreementFactory
from tests.calls.factories import make_call, make_draft
from tests.factories import MembershipFactory, person_with_role

pytestmark = pytest.mark.django_db

PUBLIC = ["Catalogue", "Open calls"]
SIGNED_IN = [*PUBLIC, "Dashboard"]

AREAS_BY_PERSONA = {
    "admin": [
        "Audit trail",
        "Outbox",
        "Access requests",
        "Agreements and grants",
        "Consent records",
        "Technical services",
        "Consultations and surveys",
    ],
    "applicant": ["Proposals"],
    "evaluator1": ["Reviews"],
    "evaluator2": ["Reviews"],
    "chair": ["Proposals"],
    "holder": ["Your datasets", "Agreements and grants", "Consent records"],
    "committee": ["Committee work"],
    "researcher": ["Access requests", "Agreements and grants", "Services"],
    "patientorg": ["Consent figures", "Consultations and surveys"],
}


def _nav(html: str) -> str:
    return html[html.index('<nav class="main-nav"') : html.index("</nav>")]


def _links(html: str) -> list[tuple[str, str, str]]:
    """(label, count, href) of each link of the header's navigation."""
    result = []
    for href, inner in re.findall(r'<a href="([^"]*)"[^>]*>(.*?)</a>', _nav(html), re.S):
        count = re.search(r'class="nav-count">(\d+)', inner)
        label = re.sub(r"<span.*", "", inner, flags=re.S).strip()
        result.append((label, count.group(1) if count else "", href))
    return result


def _labels(html: str) -> list[str]:
    return [label for label, _count, _href in _links(html)]


def _current(html: str) -> list[str]:
    return [label.strip() for label in re.findall(r'aria-current="page">([^<]*)', _nav(html))]


@pytest.fixture
def demo():
    return seed_all()


@pytest.mark.parametrize("name", list(AREAS_BY_PERSONA))
def test_header_shows_exactly_the_areas_of_each_persona(client, demo, name):
    client.force_login(demo[f"person.{name}"])

    html = client.get(reverse("core:dashboard")).content.decode()

    assert _labels(html) == [*SIGNED_IN, *AREAS_BY_PERSONA[name], "My account"]
    assert "Sign out" in _nav(html)


def test_header_of_a_visitor_offers_the_public_areas_and_sign_in(client, demo):
    html = client.get(reverse("core:home")).content.decode()

    assert _labels(html) == [*PUBLIC, "Sign in", "Create an account"]


@pytest.mark.parametrize(
    ("name", "area", "count"),
    [
        ("applicant", "Proposals", "1"),  # the open call's draft; the 2024 one is past
        ("evaluator1", "Reviews", "1"),
        ("committee", "Committee work", "1"),
        ("holder", "Your datasets", "1"),
        ("patientorg", "Consultations and surveys", "2"),
    ],
)
def test_header_counts_what_waits_for_the_persona(client, demo, name, area, count):
    client.force_login(demo[f"person.{name}"])

    links = _links(client.get(reverse("core:dashboard")).content.decode())

    assert (area, count) in [(label, n) for label, n, _href in links]


@pytest.mark.parametrize("name", ["evaluator2", "researcher", "chair"])
def test_header_shows_no_count_where_nothing_waits(client, demo, name):
    # evaluator2 declared a conflict; the researcher's open request waits for the committee.
    client.force_login(demo[f"person.{name}"])

    links = _links(client.get(reverse("core:dashboard")).content.decode())

    assert [label for label, n, _href in links if n] == []


@pytest.mark.parametrize(
    ("name", "url", "current"),
    [
        ("holder", reverse("catalogue:search"), "Catalogue"),
        ("holder", reverse("catalogue:mine"), "Your datasets"),
        ("applicant", reverse("calls:list"), "Open calls"),
        ("applicant", reverse("calls:proposals"), "Proposals"),
        ("committee", reverse("access:requests"), "Committee work"),
        ("researcher", reverse("tokens:mine"), "Services"),
        ("researcher", reverse("agreements:grants"), "Agreements and grants"),
        ("patientorg", reverse("engagement:surveys"), "Consultations and surveys"),
        ("admin", reverse("audit:list"), "Audit trail"),
        ("admin", reverse("core:dashboard"), "Dashboard"),
    ],
)
def test_header_marks_the_current_area(client, demo, name, url, current):
    client.force_login(demo[f"person.{name}"])

    response = client.get(url)

    assert response.status_code == 200
    assert _current(response.content.decode()) == [current]


def test_header_marks_no_area_on_a_page_outside_them(client, demo):
    client.force_login(demo["person.researcher"])

    assert _current(client.get(reverse("accounts:profile")).content.decode()) == []


def _busy_person(count: int):
    """A researcher who also applies: `count` drafts of each kind wait for them."""
    person = person_with_role("researcher")
    applicant = MembershipFactory(person=person, role="applicant")
    call = make_call(title=f"Call for {person.email}")
    for n in range(count):
        AccessRequestFactory(researcher=person, state=AccessRequest.State.DRAFT)
        AgreementFactory(
            request__researcher=person,
            holder=applicant.organisation,
            state=Agreement.State.DRAFTED,
            in_force_at=None,
        )
        make_draft(call, person, title=f"Proposal {n}")
    return person


def _queries_of_a_page(client, person) -> tuple[int, str]:
    client.force_login(person)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("accounts:profile")).content.decode()
    return len(queries), html


def test_header_query_count_does_not_grow_with_what_waits(client, django_assert_max_num_queries):
    few, few_html = _queries_of_a_page(client, _busy_person(1))
    client.logout()
    many, many_html = _queries_of_a_page(client, _busy_person(3))

    assert ("Access requests", "3") in [(label, n) for label, n, _h in _links(many_html)]
    assert ("Access requests", "1") in [(label, n) for label, n, _h in _links(few_html)]
    assert many == few
    with django_assert_max_num_queries(few):
        client.get(reverse("accounts:profile"))
