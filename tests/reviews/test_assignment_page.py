"""The assignment page offers an evaluator list only when someone can be assigned."""

import pytest

from tests.calls.factories import make_submitted, make_under_review
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _board(client, chair, call) -> str:
    client.force_login(chair)
    return client.get(f"/reviews/calls/{call.pk}/assign/").content.decode()


def test_assignment_page_without_evaluators_says_so_and_offers_no_form(
    client, call, applicant, chair
):
    make_submitted(call, applicant)

    html = _board(client, chair, call)

    assert "No evaluator can be added: Nobody holds the evaluator role yet" in html
    assert 'name="evaluator"' not in html
    assert ">Assign</button>" not in html


def test_assignment_page_with_every_evaluator_conflicted_names_the_conflicts(
    client, call, applicant, applicant_org, chair
):
    insider = MembershipFactory(
        role="evaluator", organisation=applicant_org, person__full_name="Ines Insider"
    ).person
    make_submitted(call, applicant)

    html = _board(client, chair, call)

    assert "Every evaluator not yet assigned is in conflict with this proposal" in html
    assert str(insider) in html
    assert 'name="evaluator"' not in html


def test_assignment_page_with_every_evaluator_assigned_says_so(
    client, call, applicant, chair, evaluator1
):
    make_under_review(call, applicant, chair, [evaluator1])

    html = _board(client, chair, call)

    assert "Every evaluator in the pool is already assigned to this proposal." in html
    assert 'name="evaluator"' not in html


def test_assignment_page_offers_the_form_when_someone_can_be_assigned(
    client, call, applicant, applicant_org, chair, evaluator1
):
    MembershipFactory(role="evaluator", organisation=applicant_org)  # conflicted, shown disabled
    make_submitted(call, applicant)

    html = _board(client, chair, call)

    assert 'name="evaluator"' in html and ">Assign</button>" in html
    assert f'<option value="{evaluator1.pk}">' in html
    assert "No evaluator can be added" not in html
