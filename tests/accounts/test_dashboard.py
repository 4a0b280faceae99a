"""The accounts app's dashboard sections: one per role held, and the staff's waiting requests."""

from unittest import mock

import pytest
from django.urls import reverse

from governance.accounts import dashboard, selectors, services
from governance.accounts.roles import Role
from governance.core import dashboard as core_dashboard
from governance.core.dashboard import Item, Section
from tests.factories import MembershipFactory, UserFactory, person_with_role
from tests.mfa import give_totp

pytestmark = pytest.mark.django_db


def _sections(person):
    return dashboard.sections(person, selectors.roles_of(person))


def test_person_without_role_gets_no_section(alice):
    assert _sections(alice) == []


@pytest.mark.parametrize(
    ("role", "title"),
    [
        (Role.APPLICANT, "Applicant"),
        (Role.EVALUATOR, "Evaluator"),
        (Role.CALL_CHAIR, "Call chair"),
        (Role.DATA_HOLDER, "Data holder"),
        (Role.COMMITTEE_MEMBER, "Access committee"),
        (Role.COMMITTEE_CHAIR, "Access committee"),
        (Role.RESEARCHER, "Researcher"),
        (Role.PATIENT_ORG_REP, "Patient-organisation representative"),
    ],
)
def test_each_role_gets_its_section(role, title):
    person = person_with_role(role)
    (section,) = _sections(person)
    assert section.title == title
    assert section.role == role
    assert section.empty_text == "Nothing waits for you yet."
    assert len(section.intro) > 40  # says what the role does, and never that nothing waits
    assert "Nothing waits" not in section.intro


def test_sections_follow_the_roles_held(alice):
    MembershipFactory(person=alice, role=Role.RESEARCHER)
    MembershipFactory(person=alice, role=Role.DATA_HOLDER)
    assert [s.role for s in _sections(alice)] == [Role.DATA_HOLDER, Role.RESEARCHER]


def test_committee_member_and_chair_share_one_section(alice):
    MembershipFactory(person=alice, role=Role.COMMITTEE_MEMBER)
    MembershipFactory(person=alice, role=Role.COMMITTEE_CHAIR)
    assert [s.role for s in _sections(alice)] == [Role.COMMITTEE_CHAIR]


def test_staff_section_lists_waiting_erasure_requests(staff):
    first = services.erasure_request_create(person=UserFactory())
    services.erasure_request_create(person=UserFactory())
    (section,) = _sections(staff)
    assert section.role == Role.STAFF
    assert len(section.items) == 2
    assert section.items[0].url == reverse("accounts:erasure_request_detail", args=[first.pk])
    texts = [link.text for link in section.links]
    assert texts == ["Erasure requests waiting: 2", "Organisations", "People"]


def test_dashboard_page_shows_the_sections(client, staff):
    give_totp(staff)
    services.erasure_request_create(person=UserFactory())
    client.force_login(staff)
    text = client.get(reverse("core:dashboard")).content.decode()
    assert 'data-role="staff"' in text
    assert "Erasure requests waiting: 1" in text
    assert reverse("accounts:organisation_list") in text


def _intro() -> Section:
    return Section(
        title="Access committee",
        role=Role.COMMITTEE_CHAIR,
        roles=(Role.COMMITTEE_MEMBER, Role.COMMITTEE_CHAIR),
        intro="You review access requests.",
        empty_text="Nothing waits for you yet.",
    )


@pytest.mark.parametrize(
    ("others", "says_nothing_waits"),
    [
        ([], True),
        ([Section(title="Requests", role=Role.COMMITTEE_MEMBER)], True),  # its list is empty
        ([Section(title="Other", role=Role.RESEARCHER, items=[Item("not this role")])], True),
        ([Section(title="Requests", role=Role.COMMITTEE_MEMBER, items=[Item("a request")])], False),
    ],
    ids=["alone", "empty-list", "other-role-waits", "same-role-waits"],
)
def test_role_intro_says_nothing_waits_only_when_nothing_of_the_role_waits(
    alice, others, says_nothing_waits
):
    intro = _intro()
    with mock.patch.object(core_dashboard, "_contributions", return_value=[intro, *others]):
        shown = core_dashboard.sections_for(alice, frozenset())
    assert (shown[0].empty_text == "Nothing waits for you yet.") is says_nothing_waits


def test_dashboard_page_never_says_nothing_waits_above_what_waits(client, alice):
    MembershipFactory(person=alice, role=Role.COMMITTEE_MEMBER)
    give_totp(alice)  # the committee roles require a second factor
    waiting = Section(title="Requests", role=Role.COMMITTEE_MEMBER, items=[Item("A request")])
    client.force_login(alice)
    with mock.patch.object(core_dashboard, "_contributions", return_value=[_intro(), waiting]):
        text = client.get(reverse("core:dashboard")).content.decode()
    assert "You review access requests." in text
    assert "A request" in text
    assert "Nothing waits" not in text
